// Playing an item, the same on the kiosk and the phone: resume where this viewer stopped
// (GET …/resume), report plays (play once, progress every 15 s and on pause / leave,
// complete at the end, like), and hand the next episode to the page when one ends.
// The pages build their own screens around the controls made here.

import { getResume } from "./catalog.js";
import { fmtSeconds, h } from "./dom.js";

const PROGRESS_EVERY_MS = 15_000;
const RESTART_NEAR_END_S = 5; // stopped in the last seconds: start again from the top
const SKIP_S = 15;
export const NEXT_COUNTDOWN_S = 5;

/** A v4 UUID (crypto.randomUUID exists only in secure contexts; kiosks may use plain http). */
export function newEventId() {
  if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const seconds = (value) => Math.min(86_400, Math.max(0, Math.round((value || 0) * 10) / 10));

/**
 * POST /api/v1/plays (202). A report that failed is sent once more with the same event id
 * (the platform counts a resend once); after that it is dropped — it only feeds the hot
 * list and the resume point, never anything the viewer is waiting for.
 */
export async function reportPlay(api, contentId, action, position = 0, duration = null) {
  const body = {
    event_id: newEventId(),
    content_id: contentId,
    action,
    position_s: seconds(position),
  };
  if (Number.isFinite(duration) && duration > 0) body.duration_s = seconds(duration);
  for (const wait of [0, 3_000]) {
    if (wait) await new Promise((resolve) => setTimeout(resolve, wait));
    try {
      await api.request("POST", "/api/v1/plays", { body, keepalive: true });
      return true;
    } catch (error) {
      if (error.status && error.status < 500 && error.status !== 429) return false;
    }
  }
  return false;
}

/** <audio> or <video> for an item's media URL (/media/<id> or an external http(s) URL). */
export function mediaElement(item, { controls = false } = {}) {
  return h(item.kind === "video" ? "video" : "audio", {
    class: "media",
    src: item.media_url,
    preload: "metadata",
    controls,
    playsinline: true,
    dataset: { contentId: item.id },
  });
}

function metadataLoaded(media) {
  return new Promise((resolve) => {
    if (media.readyState >= 1) resolve(true);
    else {
      media.addEventListener("loadedmetadata", () => resolve(true), { once: true });
      media.addEventListener("error", () => resolve(false), { once: true });
    }
  });
}

/**
 * createPlayback({api, content, media, onEnded(next)}) → a controller:
 *   ready: Promise<Resume|null>   positioned: Promise<boolean> (moved to the resume point)
 *   start(): Promise<boolean> (false: the browser refused to play without a gesture)
 *   toggle() · skip(±s) · like() · leave() · next() · playing() · resumedAt()
 */
export function createPlayback({ api, content, media, onEnded = null }) {
  let resume = null;
  let resumedAt = 0;
  let started = false;
  let left = false;
  let timer = null;
  const duration = () => (Number.isFinite(media.duration) ? media.duration : null);
  const report = (action, position = media.currentTime) =>
    reportPlay(api, content.id, action, position, duration());

  const ready = getResume(api, content.id).then(
    (answer) => (resume = answer),
    () => null,
  );
  const positioned = Promise.all([ready, metadataLoaded(media)]).then(([, loaded]) => {
    const at = resume?.position_s ?? 0;
    const end = duration();
    if (loaded && at > 1 && !resume.completed && (end === null || at < end - RESTART_NEAR_END_S)) {
      media.currentTime = at;
      resumedAt = at;
    }
    return loaded;
  });

  const stopTimer = () => {
    clearInterval(timer);
    timer = null;
  };
  media.addEventListener("playing", () => {
    if (left) return;
    if (!started) {
      started = true;
      report("play");
    }
    if (!timer) timer = setInterval(() => report("progress"), PROGRESS_EVERY_MS);
  });
  media.addEventListener("pause", () => {
    stopTimer();
    if (!left && started && !media.ended) report("progress");
  });
  media.addEventListener("ended", () => {
    stopTimer();
    if (left) return;
    report("complete", duration() ?? media.currentTime);
    onEnded?.(resume?.next ?? null);
  });

  return {
    ready,
    positioned,
    async start() {
      if (!(await positioned) || left) return false;
      try {
        await media.play();
        return true;
      } catch {
        return false; // autoplay refused: the page asks for a key press / tap
      }
    },
    toggle() {
      if (media.paused || media.ended) media.play().catch(() => {});
      else media.pause();
    },
    skip(delta) {
      const end = duration() ?? Infinity;
      media.currentTime = Math.min(Math.max(0, media.currentTime + delta), end);
    },
    like: () => report("like"),
    restart() {
      media.currentTime = 0;
      media.play().catch(() => {});
    },
    /** Stop for good (the screen goes away): one last progress report, then silence. */
    leave() {
      if (left) return;
      stopTimer();
      if (started && !media.ended && media.currentTime > 0) report("progress");
      left = true;
      media.pause();
      media.removeAttribute("src");
      media.load();
    },
    next: () => resume?.next ?? null,
    playing: () => !left && !media.paused && !media.ended,
    resumedAt: () => resumedAt,
  };
}

/**
 * The player's buttons and clock: 播放/暂停, 后退15秒, 快进15秒, 下一集 (when there is
 * one), 点赞. `nav`: reachable by the kiosk's remote (data-nav).
 */
export function playerControls(playback, media, { nav = false, onNext = null } = {}) {
  const button = (id, label, onclick, extra = {}) =>
    h(
      "button",
      {
        type: "button",
        class: `ctl ${id}`,
        "data-nav": nav,
        dataset: { id: `ctl-${id}` },
        onclick,
        ...extra,
      },
      label,
    );
  const toggle = button("play", "▶ 播放", () => playback.toggle(), {
    "data-autofocus": nav,
    "aria-label": "播放",
  });
  const next = button("next", "下一集 ▶▶", () => onNext?.(playback.next()), { hidden: true });
  let liked = false;
  const like = button("like", "♥ 点赞", async () => {
    if (liked) return;
    liked = true;
    like.setAttribute("aria-pressed", "true");
    like.textContent = "♥ 已点赞";
    await playback.like();
  });
  like.setAttribute("aria-pressed", "false");

  const fill = h("span", { class: "fill" });
  const clock = h("span", { class: "clock-time" }, "0:00 / 0:00");
  const bar = h("div", { class: "bar", "aria-hidden": "true" }, fill);
  const paint = () => {
    const end = Number.isFinite(media.duration) ? media.duration : 0;
    fill.style.width = end ? `${Math.min(100, (media.currentTime / end) * 100)}%` : "0";
    clock.textContent = `${fmtSeconds(media.currentTime)} / ${fmtSeconds(end)}`;
  };
  const state = () => {
    const playing = !media.paused && !media.ended;
    toggle.textContent = playing ? "❚❚ 暂停" : "▶ 播放";
    toggle.setAttribute("aria-label", playing ? "暂停" : "播放");
  };
  for (const type of ["timeupdate", "loadedmetadata", "durationchange", "seeked"]) {
    media.addEventListener(type, paint);
  }
  for (const type of ["play", "pause", "ended", "playing"]) media.addEventListener(type, state);
  playback.ready.then(() => {
    next.hidden = !(onNext && playback.next());
  });

  return h(
    "div",
    { class: "player-controls" },
    h("div", { class: "progress" }, bar, clock),
    h(
      "div",
      { class: "ctl-row", role: "group", "aria-label": "播放控制" },
      toggle,
      button("back", "◀◀ 后退15秒", () => playback.skip(-SKIP_S)),
      button("forward", "快进15秒 ▶▶", () => playback.skip(SKIP_S)),
      next,
      like,
    ),
  );
}

/**
 * 「即将播放下一集：…」 with a countdown; `onGo` when it reaches 0 (or 立即播放),
 * `cancel()` stops it (the kiosk's Back key, the phone's 取消 button).
 */
export function nextCountdown(next, { onGo, onCancel = null, nav = false, hint = "" }) {
  let left = NEXT_COUNTDOWN_S;
  const count = h("strong", { class: "count" }, String(left));
  let timer = null;
  const finish = (go) => {
    if (timer === null) return;
    clearInterval(timer);
    timer = null;
    box.remove();
    if (go) onGo(next);
    else onCancel?.();
  };
  const navAttrs = (id) => ({ "data-nav": nav, dataset: { id } });
  const box = h(
    "div",
    { class: "next-up", role: "alert" },
    h("p", { class: "next-title" }, `即将播放下一集：${next.title}`),
    h("p", { class: "next-hint" }, count, ` 秒后自动播放${hint ? ` · ${hint}` : ""}`),
    h(
      "div",
      { class: "next-actions" },
      h(
        "button",
        {
          type: "button",
          class: "ctl go",
          "data-autofocus": nav,
          onclick: () => finish(true),
          ...navAttrs("next-go"),
        },
        "立即播放",
      ),
      h(
        "button",
        {
          type: "button",
          class: "ctl cancel",
          onclick: () => finish(false),
          ...navAttrs("next-cancel"),
        },
        "取消",
      ),
    ),
  );
  timer = setInterval(() => {
    left -= 1;
    count.textContent = String(Math.max(0, left));
    if (left <= 0) finish(true);
  }, 1000);
  return { element: box, cancel: () => finish(false), active: () => timer !== null };
}
