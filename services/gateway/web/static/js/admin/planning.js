// Planning ahead (seed 000: activities are planned a week before; resources vanished
// without notice): 发布日历 (releases, retirements, picks deadlines for the next six
// weeks), 下架预告, 提醒 (late picks, broken links; unread ones counted in the menu),
// and 下周精选 (center admins pick next week's items by Thursday 18:00).

import * as catalog from "../shared/catalog.js";
import {
  announce,
  busy,
  errorLine,
  field,
  fmtDateTime,
  h,
  isoDay,
  mount,
} from "../shared/dom.js";
import { siteLabel } from "./content.js";
import { badge, page, table, toast } from "./ui.js";


// -- 发布日历 -------------------------------------------------------------------------

const WEEKS = 6;
const ENTRY_KINDS = {
  release: { label: "上新", className: "release" },
  retirement: { label: "下架", className: "retirement" },
  picks_deadline: { label: "精选截止", className: "deadline" },
};

function mondayOf(date) {
  const d = new Date(date);
  d.setHours(0, 0, 0, 0);
  d.setDate(d.getDate() - ((d.getDay() + 6) % 7));
  return d;
}

function calendarGrid(start, entries) {
  const byDay = new Map();
  for (const entry of entries) {
    const key = isoDay(new Date(entry.at));
    if (!byDay.has(key)) byDay.set(key, []);
    byDay.get(key).push(entry);
  }
  const today = isoDay();
  const cells = [];
  for (let i = 0; i < WEEKS * 7; i += 1) {
    const day = new Date(start);
    day.setDate(start.getDate() + i);
    const key = isoDay(day);
    const label =
      day.getDate() === 1 || i === 0
        ? `${day.getMonth() + 1}月${day.getDate()}日`
        : String(day.getDate());
    cells.push(
      h(
        "div",
        {
          class: `cal-day${key === today ? " today" : ""}${key < today ? " past" : ""}`,
          role: "gridcell",
          "aria-label": key,
        },
        h("span", { class: "cal-date" }, label),
        (byDay.get(key) ?? []).map((entry) =>
          h(
            "span",
            {
              class: `cal-entry ${ENTRY_KINDS[entry.kind]?.className ?? ""}`,
              title: entry.note || entry.title,
            },
            h("b", {}, ENTRY_KINDS[entry.kind]?.label ?? entry.kind),
            entry.kind === "picks_deadline"
              ? ` ${fmtDateTime(entry.at).slice(11, 16)}`
              : ` ${entry.title}`,
          ),
        ),
      ),
    );
  }
  return h(
    "div",
    { class: "calendar", role: "grid", "aria-label": "发布日历" },
    h(
      "div",
      { class: "cal-head", role: "row" },
      ["周一", "周二", "周三", "周四", "周五", "周六", "周日"].map((d) =>
        h("span", { role: "columnheader" }, d),
      ),
    ),
    h("div", { class: "cal-body", role: "row" }, cells),
  );
}

export async function calendarPage(ctx) {
  const holder = h("div", {}, h("p", { class: "muted" }, "加载中…"));
  const legend = h(
    "p",
    { class: "cal-legend" },
    Object.values(ENTRY_KINDS).map((k) =>
      h("span", { class: `cal-entry ${k.className}` }, h("b", {}, k.label)),
    ),
    h("span", { class: "muted" }, " 未来六周的上新、下架和下周精选截止时间"),
  );
  page(ctx, "发布日历", legend, holder);
  const start = mondayOf(new Date());
  const until = new Date(start);
  until.setDate(start.getDate() + WEEKS * 7);
  try {
    const answer = await ctx.api.get("/api/v1/catalog/calendar", {
      since: start.toISOString(),
      until: until.toISOString(),
    });
    mount(
      holder,
      calendarGrid(start, answer.entries),
      h("h3", { class: "cal-list-title" }, "日程列表"),
      table(
        [
          { label: "时间", cell: (e) => fmtDateTime(e.at) },
          {
            label: "类型",
            cell: (e) =>
              badge(ENTRY_KINDS[e.kind]?.label ?? e.kind, ENTRY_KINDS[e.kind]?.className),
          },
          { label: "内容", cell: (e) => e.title },
          { label: "范围", cell: (e) => siteLabel(ctx, e.scope) },
          { label: "说明", cell: (e) => e.note || "—" },
        ],
        answer.entries,
        { empty: "未来六周没有排期", caption: "日程列表" },
      ),
    );
  } catch (error) {
    mount(holder, errorLine(error));
  }
}

// -- 下架预告 -------------------------------------------------------------------------

const daysLeft = (at) => Math.max(0, Math.ceil((new Date(at) - Date.now()) / 86_400_000));

export async function announcementsPage(ctx) {
  const holder = h("div", {}, h("p", { class: "muted" }, "加载中…"));
  page(
    ctx,
    "下架预告",
    h(
      "p",
      { class: "muted" },
      "以下内容已预告下架（至少提前 14 天），策划活动时请避开或提前下载讲义。",
    ),
    h("section", { class: "panel" }, holder),
  );
  try {
    const answer = await ctx.api.get("/api/v1/catalog/announcements");
    mount(
      holder,
      table(
        [
          { label: "内容", cell: (a) => h("strong", {}, a.title) },
          { label: "下架时间", cell: (a) => fmtDateTime(a.retire_at) },
          {
            label: "剩余",
            cell: (a) =>
              badge(`${daysLeft(a.retire_at)} 天`, daysLeft(a.retire_at) <= 7 ? "bad" : "warn"),
          },
          { label: "原因", cell: (a) => a.reason },
          { label: "范围", cell: (a) => siteLabel(ctx, a.scope) },
          { label: "预告时间", cell: (a) => fmtDateTime(a.announced_at) },
        ],
        answer.items,
        { empty: "目前没有下架预告", caption: "下架预告" },
      ),
    );
  } catch (error) {
    mount(holder, errorLine(error));
  }
}

// -- 提醒 -----------------------------------------------------------------------------

const SEEN_KEY = "wm.admin.notices.seen";
const NOTICE_KINDS = { picks_late: "精选逾期", link_broken: "外链失效", link_fixed: "外链恢复" };
const seenIds = () => {
  try {
    return new Set(JSON.parse(localStorage.getItem(SEEN_KEY)) ?? []);
  } catch {
    return new Set();
  }
};

/** How many notices this admin has not opened 提醒 to see yet. */
export async function unreadNotices(ctx) {
  const answer = await ctx.api.get("/api/v1/catalog/notices");
  const seen = seenIds();
  return answer.items.filter((n) => !seen.has(n.id)).length;
}

export async function noticesPage(ctx) {
  const holder = h("div", {}, h("p", { class: "muted" }, "加载中…"));
  page(ctx, "提醒", h("section", { class: "panel" }, holder));
  try {
    const answer = await ctx.api.get("/api/v1/catalog/notices");
    const seen = seenIds();
    mount(
      holder,
      table(
        [
          { label: "时间", cell: (n) => fmtDateTime(n.at) },
          {
            label: "类型",
            cell: (n) =>
              h(
                "span",
                {},
                badge(NOTICE_KINDS[n.kind] ?? n.kind, n.kind === "link_fixed" ? "" : "bad"),
                seen.has(n.id) ? null : badge("新", "wait"),
              ),
          },
          { label: "内容", cell: (n) => n.text },
          { label: "站点", cell: (n) => siteLabel(ctx, n.site) },
        ],
        answer.items,
        { empty: "没有提醒", caption: "提醒" },
      ),
    );
    localStorage.setItem(SEEN_KEY, JSON.stringify(answer.items.map((n) => n.id).slice(-500)));
    ctx.setUnread?.(0);
  } catch (error) {
    mount(holder, errorLine(error));
  }
}

// -- 下周精选 -------------------------------------------------------------------------

const isCenterAdmin = (ctx) => ctx.me.caller.role === "center_admin";
const weekLabel = (week) => week.replace(/^(\d{4})-W(\d{2})$/, "$1 年第 $2 周");

function picksSummary(picks) {
  return h(
    "dl",
    { class: "facts" },
    h("dt", {}, "周次"),
    h("dd", {}, weekLabel(picks.week)),
    h("dt", {}, "截止时间"),
    h("dd", {}, fmtDateTime(picks.deadline), " ", picks.late ? badge("已逾期", "bad") : null),
    h("dt", {}, "状态"),
    h(
      "dd",
      {},
      picks.published_at
        ? badge(`已发布 ${fmtDateTime(picks.published_at)}`)
        : badge("未发布", "wait"),
    ),
    picks.note ? h("dt", {}, "说明") : null,
    picks.note ? h("dd", {}, picks.note) : null,
  );
}

async function pickForm(ctx, picks, done) {
  const status = h("p", { class: "status", role: "status", "aria-live": "polite" });
  const chosen = new Set(picks.items.map((i) => i.id));
  const candidates = new Map(picks.items.map((i) => [i.id, i]));
  try {
    const answer = await catalog.browse(ctx.api, { limit: 100 });
    answer.items.forEach((i) => candidates.set(i.id, i));
  } catch (error) {
    announce(status, error.message, "error");
  }
  const list = h(
    "ul",
    { class: "pick-list" },
    [...candidates.values()].map((item) =>
      h(
        "li",
        {},
        h(
          "label",
          {},
          h("input", {
            type: "checkbox",
            name: "pick",
            value: item.id,
            checked: chosen.has(item.id),
          }),
          ` ${item.title} `,
          h("small", { class: "muted" }, catalog.itemFacts(item).join(" · ")),
        ),
      ),
    ),
  );
  const form = h(
    "form",
    { class: "panel", novalidate: true, "aria-labelledby": "pick-title" },
    h("h3", { id: "pick-title" }, `选择${weekLabel(picks.week)}的精选内容（最多 20 个）`),
    list,
    field("说明（可选）", h("textarea", { name: "note", rows: "2", maxlength: "500" }, picks.note)),
    status,
    h("button", { type: "submit", class: "btn primary" }, "发布下周精选"),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const ids = [...form.querySelectorAll("input[name=pick]:checked")].map((el) => el.value);
    if (ids.length === 0) return announce(status, "请至少选择一个内容", "error");
    if (ids.length > 20) return announce(status, "最多选择 20 个内容", "error");
    try {
      await busy(form, () =>
        ctx.api.post("/api/v1/catalog/picks", {
          week: picks.week,
          content_ids: ids,
          note: form.elements.note.value.trim(),
        }),
      );
      toast("下周精选已发布");
      done();
    } catch (error) {
      announce(status, error.message, "error");
    }
    return undefined;
  });
  return form;
}

export async function picksPage(ctx) {
  const holder = h("div", {}, h("p", { class: "muted" }, "加载中…"));
  page(
    ctx,
    "下周精选",
    h("p", { class: "muted" }, "每周四 18:00 前发布下一周的精选，方便基层提前一周策划活动。"),
    holder,
  );
  try {
    const picks = await catalog.getPicks(ctx.api);
    const current = h(
      "section",
      { class: "panel", "aria-labelledby": "picks-title" },
      h("h3", { id: "picks-title" }, "当前精选"),
      picksSummary(picks),
      picks.items.length
        ? h(
            "ol",
            {},
            picks.items.map((i) =>
              h(
                "li",
                {},
                i.title,
                " ",
                h("small", { class: "muted" }, catalog.itemFacts(i).join(" · ")),
              ),
            ),
          )
        : h("p", { class: "muted" }, "还没有选择内容"),
    );
    mount(
      holder,
      current,
      isCenterAdmin(ctx)
        ? await pickForm(ctx, picks, () => ctx.router.reload())
        : h("p", { class: "muted" }, "下周精选由实践中心管理员发布。"),
    );
  } catch (error) {
    mount(
      holder,
      error.status === 404
        ? h(
            "p",
            { class: "placeholder" },
            "下周精选按县（市、区）新时代文明实践中心发布，请在中心及以下账号查看。",
          )
        : errorLine(error),
    );
  }
}
