// 首页: which site's QR code was scanned, then (signed in) the search box, this week's
// hot list, the five sections and 附近的场馆和服务; signed out, the way in and the hot list.

import * as catalog from "../shared/catalog.js";
import { errorLine, h, mount } from "../shared/dom.js";
import { SECTIONS } from "../shared/labels.js";
import { itemList, itemRow } from "./lists.js";
import { searchBox } from "./searchbox.js";

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
      errorLine(error),
    );
  }
}

function account(ctx) {
  const tokens = ctx.api.tokens();
  if (tokens) return null;
  return h(
    "section",
    { class: "card" },
    h("h3", {}, "登录"),
    h("p", { class: "muted" }, "登录后可搜索和收听节目、报名活动、点单服务、记录志愿时长。"),
    h("a", { class: "btn primary", href: "#/signin" }, "手机号登录"),
  );
}

async function hotCard(ctx) {
  const site = ctx.api.tokens()?.caller?.site ?? ctx.site();
  const body = h("div");
  try {
    const items = await catalog.hotItems(ctx.api, { site, limit: 10 });
    if (items.length === 0)
      mount(body, h("p", { class: "muted" }, "热门排行根据大家的点播次数生成"));
    else
      mount(
        body,
        itemList(
          items.map((hot, i) => itemRow(hot.content, { why: hot.why, rank: i + 1 })),
          "热门节目",
        ),
      );
  } catch (error) {
    mount(body, errorLine(error));
  }
  return h(
    "section",
    { class: "card", "aria-labelledby": "hot-title" },
    h("h3", { id: "hot-title" }, "热门节目 ", h("small", { class: "muted" }, "本周大家都在看")),
    body,
  );
}

function sections(signedIn) {
  return h(
    "section",
    { class: "card", "aria-labelledby": "sections-title" },
    h("h3", { id: "sections-title" }, "五大服务版块"),
    h(
      "ul",
      { class: "sections" },
      SECTIONS.map((s) =>
        h(
          "li",
          {},
          h(
            "a",
            { href: signedIn ? `#/section/${s.key}` : "#/signin" },
            s.label,
            h("small", {}, s.hint),
          ),
        ),
      ),
    ),
  );
}

function nearCard() {
  return h(
    "a",
    { class: "card near-card", href: "#/near" },
    h("strong", {}, "附近的场馆和服务"),
    h("span", { class: "muted" }, "开放时间、可容纳人数、设施设备，离您多远 ›"),
  );
}

export async function landing(ctx) {
  mount(ctx.main, h("p", { class: "muted", role: "status" }, "加载中…"));
  const signedIn = Boolean(ctx.api.tokens());
  const [card, hot] = await Promise.all([siteCard(ctx), hotCard(ctx)]);
  if (!ctx.isCurrent()) return;
  mount(
    ctx.main,
    card,
    signedIn ? h("section", { class: "card" }, searchBox(ctx)) : account(ctx),
    hot,
    sections(signedIn),
    signedIn ? nearCard() : null,
  );
}
