// The kiosk's item screen. Audio and video play at once, from where this kiosk stopped,
// with big controls the remote reaches (「确定」 on 播放 toggles); at the end of an
// episode the next one starts by itself after a 5-second notice that Back cancels.
// Articles show their text big (▲ ▼ scroll it); links show a QR code for a phone.

import * as catalog from "../shared/catalog.js";
import { fmtSeconds, h, mount } from "../shared/dom.js";
import {
  createPlayback,
  mediaElement,
  nextCountdown,
  playerControls,
  reportPlay,
} from "../shared/player.js";
import { qrObjectUrl } from "../shared/qr.js";
import { message, screen } from "./tiles.js";

const facts = (item) => h("p", { class: "item-facts" }, catalog.itemFacts(item).join(" · "));

export async function item(ctx, id) {
  const body = h("div", { class: "screen-list" }, message("正在加载…"));
  mount(ctx.app, screen(ctx, "节目", {}, body));
  let content;
  try {
    content = await catalog.getContent(ctx.api, id);
  } catch (error) {
    if (ctx.isCurrent()) {
      mount(body, message("无法打开该节目", error.message));
      ctx.refocus();
    }
    return;
  }
  if (!ctx.isCurrent()) return;
  if (content.kind === "series") {
    ctx.replace(`/series/${encodeURIComponent(content.id)}`);
    return;
  }
  if (catalog.isPlayable(content)) playScreen(ctx, content);
  else if (content.kind === "link") linkScreen(ctx, content);
  else articleScreen(ctx, content);
}

function playScreen(ctx, content) {
  const media = mediaElement(content);
  const status = h("p", { class: "player-status", role: "status", "aria-live": "polite" });
  let countdown = null;

  const goNext = (next) => ctx.replace(`/item/${encodeURIComponent(next.id)}`);
  const playback = createPlayback({
    api: ctx.api,
    content,
    media,
    onEnded(next) {
      if (!next || !ctx.isCurrent()) {
        status.textContent = "播放完毕 · 按「确定」重新播放 · 按「返回」回到列表";
        return;
      }
      countdown = nextCountdown(next, {
        nav: true,
        hint: "按「返回」取消",
        onGo: goNext,
        onCancel: () => {
          status.textContent = "已取消自动播放下一集";
          ctx.refocus(controls);
        },
      });
      frame.append(countdown.element);
      countdown.element.querySelector("[data-autofocus]")?.focus();
    },
  });
  const controls = playerControls(playback, media, { nav: true, onNext: goNext });
  const stage = h(
    "div",
    { class: `stage ${content.kind}` },
    content.kind === "video"
      ? media
      : h(
          "div",
          { class: "audio-visual", "aria-hidden": "true" },
          h("span", { class: "note" }, "♪"),
          content.summary ? h("span", { class: "summary" }, content.summary) : null,
          media,
        ),
  );

  const frame = screen(
    ctx,
    content.title,
    { className: "player" },
    facts(content),
    stage,
    controls,
    status,
  );
  mount(ctx.app, frame);
  ctx.hooks.busy = () => playback.playing() || Boolean(countdown?.active());
  ctx.hooks.onBack = () => {
    if (!countdown?.active()) return false;
    countdown.cancel();
    return true;
  };
  ctx.hooks.onLeave = () => {
    countdown?.cancel();
    playback.leave();
  };
  ctx.refocus(controls);

  playback.start().then((playing) => {
    if (!ctx.isCurrent()) return;
    const at = playback.resumedAt();
    if (!playing) status.textContent = "按「确定」开始播放";
    else if (at > 0) status.textContent = `从上次的 ${fmtSeconds(at)} 处继续播放`;
  });
  media.addEventListener("error", () => {
    if (ctx.isCurrent()) status.textContent = "该节目暂时无法播放，请稍后再试";
  });
}

function articleScreen(ctx, content) {
  const text = content.summary || "（本篇暂无正文）";
  const article = h(
    "div",
    {
      class: "article-body",
      tabindex: "0",
      "data-nav": true,
      "data-autofocus": true,
      dataset: { id: "article" },
      "aria-label": "正文，按上下键滚动",
    },
    text.split(/\n+/).map((paragraph) => h("p", {}, paragraph)),
  );
  mount(
    ctx.app,
    screen(
      ctx,
      content.title,
      { className: "reader", note: "▲ ▼ 滚动阅读" },
      facts(content),
      article,
    ),
  );
  ctx.hooks.onMove = (direction) => {
    if (document.activeElement !== article || (direction !== "up" && direction !== "down")) {
      return false;
    }
    const step = Math.round(article.clientHeight * 0.8);
    const room =
      direction === "down"
        ? article.scrollHeight - article.clientHeight - article.scrollTop
        : article.scrollTop;
    if (room <= 1) return false; // at the end: the arrow moves the focus on
    article.scrollTop += direction === "down" ? step : -step;
    return true;
  };
  ctx.refocus();
  reportPlay(ctx.api, content.id, "play"); // reading counts towards the hot list
}

function linkScreen(ctx, content) {
  const url = content.media_url ?? "";
  const qr = url ? qrObjectUrl(url, { scale: 8, title: content.title }) : null;
  mount(
    ctx.app,
    screen(
      ctx,
      content.title,
      { className: "link-screen" },
      facts(content),
      h(
        "div",
        { class: "link-body" },
        qr ? h("img", { class: "qr", src: qr, alt: "外部链接的二维码" }) : null,
        h(
          "div",
          { class: "link-text" },
          h("p", { class: "link-notice" }, "此内容为外部链接，请用手机扫码观看"),
          content.summary ? h("p", {}, content.summary) : null,
          h("p", { class: "link-url" }, url),
        ),
      ),
    ),
  );
  ctx.hooks.onLeave = () => qr && URL.revokeObjectURL(qr);
  ctx.refocus();
}
