// Building blocks of the kiosk's screens: tiles the remote can reach (data-nav, data-id
// to restore the focus), the screen frame with its 返回 tile, messages, and a grid of
// item tiles that pages with the arrow keys.

import { itemFacts, itemRoute, kindLabel, levelLabel } from "../shared/catalog.js";
import { h, mount } from "../shared/dom.js";

export function tile({ id, label, sub, glyph, className = "", dataset = {}, onOpen, autofocus }) {
  return h(
    "button",
    {
      type: "button",
      class: `tile ${className}`,
      "data-nav": true,
      "data-autofocus": autofocus,
      dataset: { id, ...dataset },
      onclick: onOpen,
    },
    glyph ? h("span", { class: "glyph", "aria-hidden": "true" }, glyph) : null,
    h("span", { class: "label" }, label),
    sub ? h("span", { class: "sub" }, sub) : null,
  );
}

/**
 * An item as a tile: kind and source level on top, the title, then why it is shown
 * (本周播放 12 次 / 拼音首字母：柔力球 / 第2集 …). Enter opens it.
 */
export function itemTile(
  ctx,
  item,
  { why = "", rank = null, autofocus = false, className = "", onOpen = null } = {},
) {
  const note = why || itemFacts(item).slice(3).join(" · "); // 第2集 / 共 3 集
  return h(
    "button",
    {
      type: "button",
      class: `tile item ${className}`,
      "data-nav": true,
      "data-autofocus": autofocus,
      "data-kind": item.kind,
      dataset: { id: item.id },
      onclick: () => {
        onOpen?.();
        ctx.go(itemRoute(item));
      },
    },
    h(
      "span",
      { class: "badges" },
      rank ? h("span", { class: "rank" }, String(rank)) : null,
      h("span", { class: "kind" }, kindLabel(item)),
      levelLabel(item) ? h("span", { class: "level" }, levelLabel(item)) : null,
    ),
    h("span", { class: "label" }, item.title),
    note ? h("span", { class: "why" }, note) : null,
  );
}

export function backTile(ctx) {
  return h(
    "button",
    {
      type: "button",
      class: "back",
      "data-nav": true,
      dataset: { id: "back" },
      onclick: () => ctx.back(),
    },
    "◀ 返回",
  );
}

/** A second-level screen: 返回 + title (+ a note on the right), then the body. */
export function screen(ctx, title, { note = null, className = "" } = {}, ...body) {
  return h(
    "section",
    { class: `screen ${className}`, "aria-labelledby": "screen-title" },
    h(
      "div",
      { class: "screen-head" },
      backTile(ctx),
      h("h2", { id: "screen-title" }, title),
      note ? h("p", { class: "screen-note" }, note) : null,
    ),
    ...body,
  );
}

export function message(title, detail = "") {
  return h(
    "div",
    { class: "coming-soon", role: "status" },
    h("strong", {}, title),
    detail ? h("span", {}, detail) : null,
  );
}

const PAGE_SIZE = 6;

/**
 * A paged grid of item tiles inside `holder`. `load(offset, limit)` answers
 * {items: [{item, why?}], total}. Past the last tile (▶ or ▼ on the last row) the next
 * page comes; before the first tile (◀, or ▲ on the first row) the previous one.
 * Returns the screen's onMove hook.
 */
export function pagedTiles(
  ctx,
  holder,
  load,
  { empty = "暂时没有节目", pageSize = PAGE_SIZE } = {},
) {
  const grid = h("div", { class: "item-grid", role: "list" });
  const pager = h("p", { class: "pager", "aria-live": "polite" });
  let page = 0;
  let total = 0;

  /** Show page `wanted`; `focus`: "initial" (the first load), "first" or "last" tile. */
  async function show(wanted, focus) {
    let answer;
    try {
      answer = await load(wanted * pageSize, pageSize);
    } catch (error) {
      if (ctx.isCurrent()) mount(holder, message("暂时无法加载", error.message));
      return;
    }
    if (!ctx.isCurrent()) return;
    page = wanted;
    total = answer.total;
    if (answer.items.length === 0) {
      mount(holder, message(empty));
      ctx.refocus();
      return;
    }
    mount(
      grid,
      answer.items.map(({ item, why }) =>
        h("div", { role: "listitem" }, itemTile(ctx, item, { why })),
      ),
    );
    const pages = Math.ceil(total / pageSize);
    pager.textContent =
      pages > 1 ? `第 ${page + 1} / ${pages} 页 · 共 ${total} 个 · ◀ ▶ 翻页` : `共 ${total} 个`;
    mount(holder, grid, pager);
    const tiles = grid.querySelectorAll("[data-nav]");
    if (focus === "initial")
      ctx.refocus(grid); // unless the viewer moved on meanwhile
    else if (focus === "first") tiles[0]?.focus();
    else tiles[tiles.length - 1]?.focus();
  }

  const columns = () => getComputedStyle(grid).gridTemplateColumns.split(" ").length || 1;
  const hasNext = () => (page + 1) * pageSize < total;

  function onMove(direction) {
    const tiles = [...grid.querySelectorAll("[data-nav]")];
    const at = tiles.indexOf(document.activeElement);
    if (at < 0) return false;
    const cols = columns();
    const lastRowStart = tiles.length - 1 - ((tiles.length - 1) % cols);
    const forward =
      (direction === "right" && at === tiles.length - 1) ||
      (direction === "down" && at >= lastRowStart);
    const backward =
      (direction === "left" && at === 0) || (direction === "up" && at < cols && page > 0);
    if (forward && hasNext()) {
      show(page + 1, "first");
      return true;
    }
    if (backward && page > 0) {
      show(page - 1, "last");
      return true;
    }
    return false;
  }

  mount(holder, message("正在加载…"));
  show(0, "initial");
  return onMove;
}
