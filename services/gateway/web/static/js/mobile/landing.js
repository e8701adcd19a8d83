// The landing page: which site's QR code was scanned, and the way in.

import { h, mount } from "../shared/dom.js";
import { SECTIONS } from "../shared/labels.js";

async function siteCard(ctx) {
  const path = ctx.site();
  if (!path) {
    return h(
      "section",
      { class: "card site-card" },
      h("h2", {}, "欢迎使用文明实践云"),
      h("p", { class: "muted" }, "扫描所在站点的二维码，即可查看本站点的活动与服务。"),
    );
  }
  try {
    const site = await ctx.api.get("/api/v1/sites/public", { path });
    document.title = `${site.name} · 文明实践云`;
    return h(
      "section",
      { class: "card site-card", "aria-labelledby": "site-name" },
      h("p", { class: "welcome" }, "欢迎来到"),
      h("h2", { id: "site-name" }, site.name),
      h("p", { class: "trail" }, site.trail.join(" › ")),
    );
  } catch (error) {
    return h(
      "section",
      { class: "card site-card" },
      h("h2", {}, "无法显示站点"),
      h("p", { class: "status", role: "alert", dataset: { kind: "error" } }, error.message),
    );
  }
}

function account(ctx) {
  const tokens = ctx.api.tokens();
  if (tokens) {
    return h(
      "section",
      { class: "card" },
      h("h3", {}, `您好，${tokens.display_name || "居民朋友"}`),
      h("a", { class: "btn", href: "#/me" }, "进入我的"),
    );
  }
  return h(
    "section",
    { class: "card" },
    h("h3", {}, "登录"),
    h("p", { class: "muted" }, "登录后可报名活动、点单服务、记录志愿时长。"),
    h("a", { class: "btn primary", href: "#/signin" }, "手机号登录"),
  );
}

function sections() {
  return h(
    "section",
    { class: "card", "aria-labelledby": "sections-title" },
    h("h3", { id: "sections-title" }, "五大服务版块"),
    h(
      "ul",
      { class: "sections" },
      SECTIONS.map((s) => h("li", {}, s.label, h("small", {}, "即将上线"))),
    ),
  );
}

export async function landing(ctx) {
  mount(ctx.main, h("p", { class: "muted", role: "status" }, "加载中…"));
  const card = await siteCard(ctx);
  mount(ctx.main, card, account(ctx), sections());
}
