// Lists of items on the phone: a row per item (kind, title, why it is shown), the
// section and search pages with 加载更多, and a series' episode list.

import * as catalog from "../shared/catalog.js";
import { errorLine, h, mount } from "../shared/dom.js";
import { SECTION_LABELS } from "../shared/labels.js";
import { searchBox } from "./searchbox.js";

/** One item as a tappable row. `why`: 本周播放 12 次 / 拼音首字母：柔力球 / … */
export function itemRow(item, { why = "", rank = null, current = false } = {}) {
  return h(
    "li",
    {},
    h(
      "a",
      {
        class: `item-row${current ? " current" : ""}`,
        href: `#${catalog.itemRoute(item)}`,
        "aria-current": current ? "true" : null,
      },
      rank ? h("span", { class: `rank${rank <= 3 ? " top" : ""}` }, String(rank)) : null,
      h(
        "span",
        { class: "row-main" },
        h("span", { class: "row-title" }, item.title),
        h(
          "span",
          { class: "row-sub" },
          h("span", { class: "kind" }, catalog.kindLabel(item)),
          why || catalog.itemFacts(item).slice(1).join(" · "),
        ),
      ),
    ),
  );
}

export const itemList = (rows, label) => h("ul", { class: "item-list", "aria-label": label }, rows);

/** A back link: the previous page of this visit, else home. */
export function backLink(ctx, label = "返回") {
  return h(
    "a",
    {
      class: "back-link",
      href: "#/",
      onclick: (event) => {
        if (ctx.pagesSeen() > 1) {
          event.preventDefault();
          history.back();
        }
      },
    },
    `‹ ${label}`,
  );
}

/** A list that grows with 加载更多: `load(offset)` → {rows, total}. */
async function growingList(holder, load, { empty, label }) {
  const list = itemList([], label);
  const more = h("button", { type: "button", class: "btn" }, "加载更多");
  const count = h("p", { class: "muted list-count" });
  let offset = 0;
  async function next() {
    more.disabled = true;
    try {
      const { rows, total } = await load(offset);
      offset += rows.length;
      list.append(...rows);
      count.textContent = total ? `共 ${total} 个` : "";
      more.hidden = offset >= total || rows.length === 0;
      if (total === 0) mount(holder, h("p", { class: "muted empty" }, empty));
    } catch (error) {
      holder.append(errorLine(error));
    } finally {
      more.disabled = false;
    }
  }
  more.addEventListener("click", next);
  mount(holder, count, list, more);
  await next();
}

const PAGE = 20;

export async function sectionPage(ctx, key) {
  const label = SECTION_LABELS[key];
  if (!label) return ctx.router.replace("/");
  const holder = h("div");
  mount(
    ctx.main,
    backLink(ctx),
    h(
      "section",
      { class: "card", "aria-labelledby": "page-title" },
      h("h2", { id: "page-title" }, label),
      holder,
    ),
  );
  return growingList(
    holder,
    async (offset) => {
      const page = await catalog.browse(ctx.api, { section: key, limit: PAGE, offset });
      return { rows: page.items.map((item) => itemRow(item)), total: page.total };
    },
    { empty: "这个版块的节目正在整理中", label },
  );
}

export async function searchPage(ctx, _params, query) {
  const q = (query.get("q") ?? "").trim();
  const holder = h("div");
  mount(
    ctx.main,
    h("section", { class: "card" }, searchBox(ctx, q)),
    h(
      "section",
      { class: "card", "aria-labelledby": "page-title" },
      h("h2", { id: "page-title" }, q ? `「${q}」的搜索结果` : "搜索节目"),
      holder,
    ),
  );
  if (!q) {
    mount(holder, h("p", { class: "muted" }, "输入节目名称、拼音或首字母，如「rlq」找柔力球"));
    return undefined;
  }
  let notes = null;
  await growingList(
    holder,
    async (offset) => {
      const page = await catalog.search(ctx.api, q, { limit: PAGE, offset });
      if (page.notes?.length && !notes) {
        notes = h("p", { class: "muted" }, page.notes.join(" "));
        holder.prepend(notes);
      }
      return {
        rows: page.items.map((hit) => itemRow(hit.content, { why: hit.why })),
        total: page.total,
      };
    },
    { empty: `没有找到「${q}」相关的节目，换个说法试试`, label: "搜索结果" },
  );
  return undefined;
}

/** A series: its summary and episodes in order (the current one marked). */
export async function episodeList(ctx, seriesId, currentId = null) {
  const items = await catalog.episodes(ctx.api, seriesId);
  return itemList(
    items.map((episode) =>
      itemRow(episode, { why: catalog.episodeLabel(episode), current: episode.id === currentId }),
    ),
    "分集",
  );
}

export async function seriesPage(ctx, { id }) {
  mount(ctx.main, h("p", { class: "muted", role: "status" }, "加载中…"));
  try {
    const series = await catalog.getContent(ctx.api, id);
    if (series.kind !== "series") return ctx.router.replace(`/item/${encodeURIComponent(id)}`);
    const items = await catalog.episodes(ctx.api, id);
    const list = itemList(
      items.map((episode) => itemRow(episode, { why: catalog.episodeLabel(episode) })),
      "分集",
    );
    const first = items[0];
    mount(
      ctx.main,
      backLink(ctx),
      h(
        "section",
        { class: "card", "aria-labelledby": "page-title" },
        h("h2", { id: "page-title" }, series.title),
        h("p", { class: "facts-line" }, catalog.itemFacts(series).join(" · ")),
        series.summary ? h("p", {}, series.summary) : null,
        first
          ? h(
              "a",
              { class: "btn primary", href: `#/item/${encodeURIComponent(first.id)}?autoplay=1` },
              "▶ 从第1集开始播放",
            )
          : h("p", { class: "muted" }, "本系列还没有上线的分集"),
        h("h3", { class: "episodes-title" }, "分集"),
        list,
      ),
    );
  } catch (error) {
    mount(ctx.main, backLink(ctx), h("section", { class: "card" }, errorLine(error)));
  }
  return undefined;
}
