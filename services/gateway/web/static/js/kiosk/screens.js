// The kiosk's screens. Two menu levels only: home → a section / 热门 / 搜索 list → (the
// item plays). Every reachable element carries data-nav (and data-id to restore focus).

import { h, mount } from "../shared/dom.js";
import { CONTENT_KIND_LABELS, SECTIONS, SECTION_LABELS } from "../shared/labels.js";
import * as catalog from "./catalog.js";

const GLYPHS = { theory: "讲", culture: "文", health: "健", science: "科", education: "教" };

function tile({ id, label, sub, glyph, className = "", dataset = {}, onOpen }) {
  return h(
    "button",
    {
      type: "button",
      class: `tile ${className}`,
      "data-nav": true,
      dataset: { id, ...dataset },
      onclick: onOpen,
    },
    glyph ? h("span", { class: "glyph", "aria-hidden": "true" }, glyph) : null,
    h("span", { class: "label" }, label),
    sub ? h("span", { class: "sub" }, sub) : null,
  );
}

function screen(ctx, title, ...body) {
  return h(
    "section",
    { class: "screen", "aria-labelledby": "screen-title" },
    h(
      "div",
      { class: "screen-head" },
      h(
        "button",
        {
          type: "button",
          class: "back",
          "data-nav": true,
          dataset: { id: "back" },
          onclick: () => ctx.back(),
        },
        "◀ 返回",
      ),
      h("h2", { id: "screen-title" }, title),
    ),
    ...body,
  );
}

function comingSoon(detail) {
  return h(
    "div",
    { class: "coming-soon", role: "status" },
    h("strong", {}, "内容即将上线"),
    h("span", {}, detail),
  );
}

/** A list of items as focusable tiles; null (no catalog yet) shows 内容即将上线. */
export function itemTiles(ctx, items, emptyDetail) {
  if (items === null) return comingSoon(emptyDetail);
  if (items.length === 0) return comingSoon("暂时没有找到相关节目");
  return h(
    "div",
    { class: "item-grid", role: "list" },
    items.map((item, index) =>
      h(
        "div",
        { role: "listitem" },
        h(
          "button",
          {
            type: "button",
            class: "tile item",
            "data-nav": true,
            "data-autofocus": index === 0,
            dataset: { id: item.id },
            onclick: () => ctx.go(`/item/${encodeURIComponent(item.id)}`),
          },
          h("span", { class: "kind" }, CONTENT_KIND_LABELS[item.kind] ?? "节目"),
          h("span", { class: "label" }, item.title),
          item.why_hot ? h("span", { class: "why" }, item.why_hot) : null,
        ),
      ),
    ),
  );
}

export function home(ctx) {
  mount(
    ctx.app,
    h(
      "nav",
      { class: "home-grid", "aria-label": "栏目" },
      tile({
        id: "hot",
        label: "热门",
        sub: "大家都在看",
        glyph: "热",
        className: "hot",
        onOpen: () => ctx.go("/hot"),
      }),
      SECTIONS.map((s) =>
        tile({
          id: s.key,
          label: s.label,
          sub: s.hint,
          glyph: GLYPHS[s.key],
          dataset: { section: s.key },
          onOpen: () => ctx.go(`/section/${s.key}`),
        }),
      ),
      tile({
        id: "search",
        label: "搜索",
        sub: "按拼音首字母查找",
        glyph: "搜",
        className: "search",
        onOpen: () => ctx.go("/search"),
      }),
    ),
  );
}

async function listScreen(ctx, title, load, emptyDetail) {
  const list = h("div", { class: "screen-list" }, comingSoon("正在加载…"));
  mount(ctx.app, screen(ctx, title, list));
  let items = null;
  try {
    items = await load();
  } catch {
    items = null;
  }
  if (!ctx.isCurrent()) return;
  mount(list, itemTiles(ctx, items, emptyDetail));
  ctx.refocus(list);
}

export function section(ctx, key) {
  const label = SECTION_LABELS[key];
  if (!label) return ctx.home();
  return listScreen(
    ctx,
    label,
    () => catalog.sectionItems(ctx.api, key),
    `「${label}」栏目的节目正在整理中，敬请期待`,
  );
}

export function hot(ctx) {
  return listScreen(
    ctx,
    "热门节目",
    () => catalog.hotItems(ctx.api),
    "热门排行将根据各站点的点播次数生成",
  );
}

const LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ".split("");
const MAX_QUERY = 12;

export function search(ctx) {
  const query = h("output", {
    class: "search-query",
    id: "search-query",
    "aria-live": "polite",
    "data-empty": "输入拼音首字母，如「JK」找健康节目",
  });
  const results = h("div", { class: "search-results", "aria-label": "搜索结果" });
  let serial = 0;

  async function refresh() {
    query.textContent = ctx.state.query;
    const mine = ++serial;
    const text = ctx.state.query;
    let items = null;
    if (text) {
      try {
        items = await catalog.searchItems(ctx.api, text);
      } catch {
        items = null;
      }
    }
    if (mine !== serial || !ctx.isCurrent()) return;
    const hint = text
      ? `「${text}」的搜索结果将在内容上线后显示`
      : "用左边的键盘输入节目名称的拼音首字母";
    mount(results, itemTiles(ctx, items, hint));
  }

  const type = (letter) => {
    if (ctx.state.query.length < MAX_QUERY) ctx.state.query += letter;
    refresh();
  };
  const key = (label, id, action, edit = false) =>
    h(
      "button",
      {
        type: "button",
        class: edit ? "key edit" : "key",
        "data-nav": true,
        "data-autofocus": id === "key-A",
        "aria-label": label.length === 1 ? `字母 ${label}` : label,
        dataset: { id },
        onclick: action,
      },
      label,
    );

  const keyboard = h(
    "div",
    { class: "keyboard", role: "group", "aria-label": "拼音首字母键盘" },
    LETTERS.map((letter) => key(letter, `key-${letter}`, () => type(letter))),
    key(
      "删除",
      "key-delete",
      () => {
        ctx.state.query = ctx.state.query.slice(0, -1);
        refresh();
      },
      true,
    ),
    key(
      "清空",
      "key-clear",
      () => {
        ctx.state.query = "";
        refresh();
      },
      true,
    ),
  );
  mount(
    ctx.app,
    screen(
      ctx,
      "搜索节目",
      h("div", { class: "search-body" }, h("div", {}, query, keyboard), results),
    ),
  );
  ctx.onLetter = type;
  refresh();
}

export async function item(ctx, id) {
  const body = h("div", { class: "coming-soon", role: "status" }, h("strong", {}, "正在加载…"));
  mount(ctx.app, screen(ctx, "节目", body));
  try {
    const content = await catalog.contentItem(ctx.api, id);
    if (!ctx.isCurrent()) return;
    mount(
      body,
      h("strong", {}, content.title),
      h(
        "span",
        {},
        `${SECTION_LABELS[content.section] ?? ""} · ${CONTENT_KIND_LABELS[content.kind] ?? ""}`,
      ),
      content.summary ? h("span", {}, content.summary) : null,
      h("span", { class: "muted" }, "一体机播放功能即将上线"),
    );
  } catch (error) {
    if (ctx.isCurrent())
      mount(body, h("strong", {}, "无法打开该节目"), h("span", {}, error.message));
  }
}

export function notice(app, { mark = "!", title, text }) {
  mount(
    app,
    h(
      "section",
      { class: "notice", role: "alert" },
      h("div", { class: "mark", "aria-hidden": "true" }, mark),
      h("h2", {}, title),
      text ? h("p", {}, text) : null,
    ),
  );
}
