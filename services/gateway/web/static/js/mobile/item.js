// An item on the phone. Audio and video open at the point where this resident stopped
// (GET …/resume) and report plays like the kiosk; at the end of an episode the next one
// follows after a 5-second notice (取消 stops it). Articles show their text, links open
// in the phone's browser (never inside this page).

import * as catalog from "../shared/catalog.js";
import { errorLine, fmtSeconds, h, mount } from "../shared/dom.js";
import {
  createPlayback,
  mediaElement,
  nextCountdown,
  playerControls,
  reportPlay,
} from "../shared/player.js";
import { backLink, episodeList } from "./lists.js";

function likeButton(ctx, content) {
  const like = h("button", { type: "button", class: "btn", "aria-pressed": "false" }, "♥ 点赞");
  like.addEventListener("click", async () => {
    if (like.getAttribute("aria-pressed") === "true") return;
    like.setAttribute("aria-pressed", "true");
    like.textContent = "♥ 已点赞";
    await reportPlay(ctx.api, content.id, "like");
  });
  return like;
}

function playerBlock(ctx, content, autoplay) {
  // Video keeps the phone's own controls (full screen); audio uses the big buttons only.
  const media = mediaElement(content, { controls: content.kind === "video" });
  const status = h("p", { class: "player-note", role: "status", "aria-live": "polite" });
  const restart = h("button", { type: "button", class: "btn small", hidden: true }, "从头播放");
  const block = h("div", { class: "player" });
  let countdown = null;
  const goNext = (next) => ctx.router.replace(`/item/${encodeURIComponent(next.id)}?autoplay=1`);
  const playback = createPlayback({
    api: ctx.api,
    content,
    media,
    onEnded(next) {
      if (!next) {
        status.textContent = "播放完毕";
        return;
      }
      countdown = nextCountdown(next, {
        onGo: goNext,
        onCancel: () => {
          status.textContent = "已取消自动播放下一集";
        },
      });
      block.append(countdown.element);
    },
  });
  restart.addEventListener("click", () => {
    restart.hidden = true;
    status.textContent = "";
    playback.restart();
  });
  mount(
    block,
    h(
      "div",
      { class: `stage ${content.kind}` },
      content.kind === "video"
        ? media
        : h(
            "div",
            { class: "audio-visual" },
            h("span", { class: "note", "aria-hidden": "true" }, "♪"),
            "音频节目",
            media,
          ),
    ),
    status,
    restart,
    playerControls(playback, media, { onNext: goNext }),
  );
  playback.positioned.then(() => {
    const at = playback.resumedAt();
    if (at > 0) {
      status.textContent = autoplay
        ? `上次播放到 ${fmtSeconds(at)}，已为您接着播放`
        : `上次播放到 ${fmtSeconds(at)}，点「播放」接着看`;
      restart.hidden = false;
    }
  });
  if (autoplay) {
    playback.start().then((playing) => {
      if (!playing) status.textContent = "请点「播放」开始";
    });
  }
  media.addEventListener("error", () => {
    status.textContent = "该节目暂时无法播放，请稍后再试";
  });
  ctx.onLeave = () => {
    countdown?.cancel();
    playback.leave();
  };
  return block;
}

function articleBlock(ctx, content) {
  reportPlay(ctx.api, content.id, "play"); // reading counts towards the hot list
  return h(
    "div",
    { class: "article" },
    (content.summary || "（本篇暂无正文）").split(/\n+/).map((p) => h("p", {}, p)),
  );
}

function linkBlock(content) {
  const url = content.media_url ?? "";
  return h(
    "div",
    { class: "link-block" },
    h("p", { class: "link-notice" }, "此内容为外部链接，将在手机浏览器中打开"),
    h("p", { class: "link-url" }, url),
    url
      ? h(
          "a",
          { class: "btn primary", href: url, target: "_blank", rel: "noopener noreferrer" },
          "打开链接",
        )
      : null,
  );
}

export async function itemPage(ctx, { id }, query) {
  mount(ctx.main, h("p", { class: "muted", role: "status" }, "加载中…"));
  let content;
  try {
    content = await catalog.getContent(ctx.api, id);
  } catch (error) {
    if (ctx.isCurrent())
      mount(ctx.main, backLink(ctx), h("section", { class: "card" }, errorLine(error)));
    return;
  }
  if (!ctx.isCurrent()) return;
  if (content.kind === "series") {
    ctx.router.replace(`/series/${encodeURIComponent(content.id)}`);
    return;
  }
  document.title = `${content.title} · 文明实践云`;
  const playable = catalog.isPlayable(content);
  let body;
  if (playable) body = playerBlock(ctx, content, query.get("autoplay") === "1");
  else if (content.kind === "link") body = linkBlock(content);
  else body = articleBlock(ctx, content);

  const series = content.series_id
    ? h("section", { class: "card", "aria-labelledby": "series-title" })
    : null;
  mount(
    ctx.main,
    backLink(ctx),
    h(
      "section",
      { class: "card item-card", "aria-labelledby": "item-title" },
      h("h2", { id: "item-title" }, content.title),
      h("p", { class: "facts-line" }, catalog.itemFacts(content).join(" · ")),
      body,
      playable && content.summary ? h("p", { class: "summary" }, content.summary) : null,
      playable ? null : h("div", { class: "actions" }, likeButton(ctx, content)),
    ),
    series,
  );
  if (series) {
    try {
      const [parent, list] = await Promise.all([
        catalog.getContent(ctx.api, content.series_id),
        episodeList(ctx, content.series_id, content.id),
      ]);
      if (!ctx.isCurrent()) return;
      mount(series, h("h3", { id: "series-title" }, `系列：${parent.title}`), list);
    } catch {
      series.remove();
    }
  }
}
