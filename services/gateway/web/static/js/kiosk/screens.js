// The kiosk's screens. Two menu levels only: home → a section / 热门 / 搜索 / 下周精选
// list → the item plays. The home screen's first row IS the hot list, and the focus
// starts on its first tile: 「确定」 plays it (one press), ▶ + 「确定」 the second (two).

import * as catalog from "../shared/catalog.js";
import { fmtClock, fmtDay, h, mount } from "../shared/dom.js";
import { SECTIONS, SECTION_LABELS } from "../shared/labels.js";
import { itemTile, message, pagedTiles, screen, tile } from "./tiles.js";

const GLYPHS = { theory: "讲", culture: "文", health: "健", science: "科", education: "教" };
const HOT_ON_HOME = 10;

/** A loader over a list fetched once (hot list, picks) for pagedTiles. */
function once(fetchAll) {
  let entries = null;
  return async (offset, limit) => {
    entries ??= await fetchAll();
    return { items: entries.slice(offset, offset + limit), total: entries.length };
  };
}

const hotEntries = async (ctx, limit) =>
  (await catalog.hotItems(ctx.api, { site: ctx.site, limit })).map((hot) => ({
    item: hot.content,
    why: hot.why,
  }));

export function home(ctx) {
  const row = h("div", { class: "hot-row", role: "list" }, message("正在加载热门节目…"));
  mount(
    ctx.app,
    h(
      "div",
      { class: "home" },
      h(
        "section",
        { class: "home-hot", "aria-labelledby": "hot-title" },
        h(
          "h2",
          { id: "hot-title", class: "row-title" },
          "热门节目",
          h("small", {}, "本周大家都在看 · 按「确定」直接播放"),
        ),
        row,
      ),
      h(
        "nav",
        { class: "home-grid", "aria-label": "栏目" },
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
          sub: "拼音首字母",
          glyph: "搜",
          className: "search",
          onOpen: () => ctx.go("/search"),
        }),
        tile({
          id: "picks",
          label: "下周精选",
          sub: "提前一周看",
          glyph: "荐",
          className: "picks",
          onOpen: () => ctx.go("/picks"),
        }),
      ),
    ),
  );
  loadHotRow(ctx, row);
}

async function loadHotRow(ctx, row) {
  let entries;
  try {
    entries = await hotEntries(ctx, HOT_ON_HOME);
  } catch {
    entries = null;
  }
  if (!ctx.isCurrent()) return;
  if (!entries?.length) {
    mount(
      row,
      message(
        entries ? "热门排行即将生成" : "热门节目暂时无法加载",
        "热门排行根据各站点的点播次数生成",
      ),
    );
    return;
  }
  mount(
    row,
    entries.map(({ item, why }, index) =>
      h(
        "div",
        { role: "listitem" },
        itemTile(ctx, item, {
          why,
          rank: index + 1,
          autofocus: index === 0,
          className: "hot-item",
        }),
      ),
    ),
    h(
      "div",
      { role: "listitem" },
      tile({
        id: "hot-all",
        label: "全部热门",
        sub: "排行榜",
        className: "more",
        onOpen: () => ctx.go("/hot"),
      }),
    ),
  );
  ctx.refocus();
}

function listScreen(ctx, title, load, { empty, note } = {}) {
  const holder = h("div", { class: "screen-list" });
  mount(ctx.app, screen(ctx, title, { note }, holder));
  ctx.hooks.onMove = pagedTiles(ctx, holder, load, { empty });
}

export function section(ctx, key) {
  const label = SECTION_LABELS[key];
  if (!label) return ctx.home();
  return listScreen(
    ctx,
    label,
    async (offset, limit) => {
      const page = await catalog.browse(ctx.api, { section: key, limit, offset });
      return { items: page.items.map((item) => ({ item })), total: page.total };
    },
    { empty: `「${label}」栏目的节目正在整理中，敬请期待` },
  );
}

export function hot(ctx) {
  return listScreen(
    ctx,
    "热门节目",
    once(() => hotEntries(ctx, 30)),
    {
      empty: "热门排行根据各站点的点播次数生成",
      note: "按本周播放次数排序",
    },
  );
}

export async function series(ctx, id) {
  const holder = h("div", { class: "screen-list" }, message("正在加载…"));
  const frame = screen(ctx, "系列节目", {}, holder);
  mount(ctx.app, frame);
  let item;
  try {
    item = await catalog.getContent(ctx.api, id);
  } catch (error) {
    if (ctx.isCurrent()) mount(holder, message("无法打开该系列", error.message));
    return;
  }
  if (!ctx.isCurrent()) return;
  frame.querySelector("#screen-title").textContent = item.title;
  const summary = item.summary ? h("p", { class: "screen-summary" }, item.summary) : null;
  const list = h("div", { class: "screen-list" });
  mount(holder, summary, list);
  ctx.hooks.onMove = pagedTiles(
    ctx,
    list,
    once(async () =>
      (await catalog.episodes(ctx.api, id)).map((episode) => ({
        item: episode,
        why: catalog.episodeLabel(episode),
      })),
    ),
    { empty: "本系列还没有上线的分集" },
  );
}

export async function picks(ctx) {
  mount(ctx.app, screen(ctx, "下周精选", {}, message("正在加载…")));
  let answer;
  try {
    answer = await catalog.getPicks(ctx.api);
  } catch (error) {
    if (!ctx.isCurrent()) return;
    mount(ctx.app, screen(ctx, "下周精选", {}, message("下周精选暂时无法加载", error.message)));
    ctx.refocus();
    return;
  }
  if (!ctx.isCurrent()) return;
  const note = `${answer.week.replace("-W", " 年第 ")} 周${answer.note ? ` · ${answer.note}` : ""}`;
  const deadline = new Date(answer.deadline);
  const empty = `下周精选将于 ${fmtDay(deadline)} ${fmtClock(deadline)} 前发布，敬请期待`;
  listScreen(
    ctx,
    "下周精选",
    once(async () => answer.items.map((item) => ({ item }))),
    { empty, note },
  );
}

// -- search: an on-screen keyboard that types pinyin initials ---------------------------

const LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ".split("");
const MAX_QUERY = 12;
const SEARCH_DELAY_MS = 250;
const RESULTS = 8;

export async function search(ctx) {
  const query = h("output", {
    class: "search-query",
    id: "search-query",
    "aria-live": "polite",
    "data-empty": "输入节目名称的拼音首字母，如「RLQ」找柔力球",
  });
  const terms = h("div", { class: "hot-terms", role: "group", "aria-label": "热门搜索" });
  const results = h("section", { class: "search-results", "aria-label": "搜索结果" });
  let serial = 0;
  let timer = null;

  function show(text, answer) {
    if (!text) {
      mount(results, message("用上面的键盘输入拼音首字母", "结果会随输入自动更新"));
      return;
    }
    if (!answer) {
      mount(results, message("暂时无法搜索", "请稍后再试"));
      return;
    }
    if (answer.items.length === 0) {
      mount(results, message(`没有找到「${text}」`, answer.notes?.join(" ") || "换几个字母试试"));
      return;
    }
    mount(
      results,
      h(
        "p",
        { class: "result-count" },
        `找到 ${answer.total} 个节目`,
        answer.notes?.length ? ` · ${answer.notes.join(" ")}` : "",
      ),
      h(
        "div",
        { class: "result-row", role: "list" },
        answer.items.map((hit) =>
          h(
            "div",
            { role: "listitem" },
            itemTile(ctx, hit.content, {
              why: hit.why,
              // The query counts as a hot search term once a result is opened.
              onOpen: () => catalog.search(ctx.api, text.toLowerCase(), { limit: 1 }),
            }),
          ),
        ),
      ),
    );
  }

  function refresh() {
    const text = ctx.state.query;
    query.textContent = text;
    clearTimeout(timer);
    const mine = ++serial;
    if (!text) return show("", null);
    timer = setTimeout(async () => {
      let answer = null;
      try {
        answer = await catalog.search(ctx.api, text.toLowerCase(), {
          limit: RESULTS,
          record: false,
        });
      } catch {
        answer = null;
      }
      if (mine === serial && ctx.isCurrent()) show(text, answer);
    }, SEARCH_DELAY_MS);
    return undefined;
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
      { className: "search-screen" },
      h("div", { class: "search-top" }, query, terms),
      keyboard,
      results,
    ),
  );
  ctx.hooks.onLetter = type;
  refresh();
  ctx.refocus();

  // 热门搜索: this week's top terms as shortcuts (a term replaces what was typed).
  try {
    const top = await catalog.hotTerms(ctx.api, 6);
    if (!ctx.isCurrent() || top.length === 0) return;
    mount(
      terms,
      h("span", { class: "terms-label" }, "热搜"),
      top.map((t, i) =>
        h(
          "button",
          {
            type: "button",
            class: "term",
            "data-nav": true,
            dataset: { id: `term-${i}` },
            onclick: () => {
              ctx.state.query = t.term;
              refresh();
            },
          },
          t.term,
        ),
      ),
    );
  } catch {
    // No shortcuts; the keyboard works without them.
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
