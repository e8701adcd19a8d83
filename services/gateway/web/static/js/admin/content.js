// 内容管理 and 发布内容: my subtree's items with their state (待审核 / 已驳回 + why /
// 已排期 / 已发布 / 已下架, broken or paid links), each item's audit trail, 下架预告
// (at least 14 days ahead), and the publish / upload form (a file → media_id, or a link).

import * as catalog from "../shared/catalog.js";
import {
  announce,
  busy,
  errorLine,
  field,
  fmtDateTime,
  formValues,
  h,
  isoDay,
  mount,
} from "../shared/dom.js";
import {
  CONTENT_KIND_LABELS,
  CONTENT_STATUS_LABELS,
  LINK_STATE_LABELS,
  ROLE_LABELS,
  SECTIONS,
} from "../shared/labels.js";
import { siteName } from "./sites.js";
import { badge, button, formDialog, openDialog, page, table, toast } from "./ui.js";

const STATUS_KINDS = {
  pending_review: "wait",
  rejected: "bad",
  scheduled: "info",
  published: "",
  retired: "off",
};
const PUBLISH_KIND_LABELS = { ...CONTENT_KIND_LABELS, link: "外部链接", series: "系列课程" };

const lookups = new Map(); // site path → the one request for its name

/** A site path shown by name once known (the path stays in the tooltip). */
export function siteLabel(ctx, path) {
  const label = h("span", { class: "site-name", title: path }, path);
  if (!lookups.has(path)) {
    const lookup = siteName(ctx, path);
    lookups.set(path, lookup);
    lookup.catch(() => lookups.delete(path)); // asked again next time
  }
  lookups.get(path).then(
    (name) => (label.textContent = name),
    () => {},
  );
  return label;
}

/** The badges of an item's state: status, link trouble, announced retirement. */
export function stateBadges(item) {
  const parts = [
    badge(CONTENT_STATUS_LABELS[item.status] ?? item.status, STATUS_KINDS[item.status]),
  ];
  if (LINK_STATE_LABELS[item.link_state])
    parts.push(badge(LINK_STATE_LABELS[item.link_state], "bad"));
  if (item.retire_at && item.status !== "retired") {
    parts.push(badge(`将于 ${isoDay(new Date(item.retire_at))} 下架`, "warn"));
  }
  if (item.status === "scheduled" && item.publish_at) {
    parts.push(h("small", { class: "muted" }, ` 定于 ${fmtDateTime(item.publish_at)} 发布`));
  }
  if (item.status === "rejected" && item.reject_reason) {
    parts.push(h("p", { class: "reason" }, `驳回原因：${item.reject_reason}`));
  }
  return h("div", { class: "state" }, parts);
}

const AUDIT_ACTIONS = {
  uploaded: "上传，待审核",
  created: "发布",
  approved: "审核通过",
  rejected: "驳回",
  retirement_announced: "下架预告",
  published_on_schedule: "定时发布",
  retired_on_schedule: "到期下架",
  link_broken: "外链失效",
  link_paywalled: "外链为付费页面",
  link_fixed: "外链恢复",
  link_ok: "外链正常",
};
const DETAIL_LABELS = {
  scope: "发布范围",
  reason: "原因",
  retire_at: "下架时间",
  status: "状态",
  url: "链接",
  detail: "说明",
  before: "原状态",
};

export async function auditDialog(ctx, item) {
  const body = h("div", {}, h("p", { class: "muted" }, "加载中…"));
  openDialog({ title: `审核记录 · ${item.title}`, body });
  try {
    const trail = await ctx.api.get(catalog.contentPath(item.id, "/audit"));
    mount(
      body,
      table(
        [
          { label: "时间", cell: (e) => fmtDateTime(e.at) },
          { label: "操作", cell: (e) => AUDIT_ACTIONS[e.action] ?? e.action },
          { label: "操作人", cell: (e) => ROLE_LABELS[e.actor_role] ?? e.actor_role },
          {
            label: "详情",
            cell: (e) =>
              Object.entries(e.details)
                .map(
                  ([k, v]) => `${DETAIL_LABELS[k] ?? k}：${k === "retire_at" ? fmtDateTime(v) : v}`,
                )
                .join("；") || "—",
          },
        ],
        trail.entries,
        { empty: "暂无记录", caption: "审核记录" },
      ),
    );
  } catch (error) {
    mount(
      body,
      errorLine(error),
    );
  }
}

const DAY_MS = 86_400_000;
const NOTICE_DAYS = 14;
/** The first whole day (00:00 local) on or after `moment`. */
const firstDayFrom = (moment) => {
  const d = new Date(moment);
  if (d.getHours() || d.getMinutes() || d.getSeconds() || d.getMilliseconds()) {
    d.setDate(d.getDate() + 1);
    d.setHours(0, 0, 0, 0);
  }
  return d;
};

/** 下架预告: a date at least 14 days ahead (the API's 422 names the earliest allowed). */
export function retireDialog(ctx, item, done) {
  const earliest = isoDay(firstDayFrom(Date.now() + NOTICE_DAYS * DAY_MS));
  const date = h("input", { type: "date", name: "retire_on", min: earliest, required: true });
  formDialog({
    title: `下架预告 · ${item.title}`,
    fields: [
      h(
        "p",
        { class: "muted" },
        `下架需至少提前 ${NOTICE_DAYS} 天预告，最早可选 ${earliest}。预告会出现在下级站点的「下架预告」和发布日历中。`,
      ),
      field("下架日期", date),
      field(
        "下架原因",
        h("textarea", { name: "reason", rows: "3", maxlength: "500", required: true }),
      ),
    ],
    submitLabel: "发布下架预告",
    async submit(form) {
      const values = formValues(form);
      if (!values.retire_on) throw new Error("请选择下架日期");
      if (values.reason.length < 2) throw new Error("请填写下架原因（至少 2 个字）");
      try {
        await ctx.api.post(catalog.contentPath(item.id, "/retirement"), {
          retire_at: new Date(`${values.retire_on}T00:00:00`).toISOString(),
          reason: values.reason,
        });
      } catch (error) {
        const allowed = error.details?.find?.((d) => d.earliest)?.earliest;
        if (allowed) {
          const day = isoDay(firstDayFrom(allowed));
          date.min = day;
          throw new Error(`${error.message}：最早可选 ${day}`);
        }
        throw error;
      }
      toast(`已预告下架：${item.title}（${values.retire_on}）`);
      done?.();
    },
  });
}

// -- 内容管理 -------------------------------------------------------------------------

const PAGE = 30;

export async function contentPage(ctx, _params, query) {
  const status = query.get("status") ?? "";
  const filters = h(
    "form",
    { class: "toolbar panel", "aria-label": "筛选" },
    field(
      "状态",
      h(
        "select",
        { name: "status" },
        h("option", { value: "" }, "全部"),
        Object.entries(CONTENT_STATUS_LABELS).map(([value, label]) =>
          h("option", { value, selected: value === status }, label),
        ),
      ),
    ),
    h("a", { class: "btn primary", href: "#/content/new" }, "发布内容"),
  );
  filters.elements.status.addEventListener("change", () => {
    const value = filters.elements.status.value;
    ctx.router.go(value ? `/content?status=${value}` : "/content");
  });
  const holder = h("div", {}, h("p", { class: "muted" }, "加载中…"));
  const more = button("加载更多", () => load(), "btn");
  more.hidden = true;
  page(ctx, "内容管理", filters, h("section", { class: "panel" }, holder, more));

  const rows = [];
  const columns = [
    {
      label: "标题",
      cell: (i) =>
        h(
          "div",
          {},
          h("strong", {}, i.title),
          h("div", { class: "muted" }, catalog.itemFacts(i).join(" · ")),
        ),
    },
    { label: "来源", cell: (i) => siteLabel(ctx, i.site) },
    { label: "发布范围", cell: (i) => siteLabel(ctx, i.scope) },
    { label: "状态", cell: stateBadges },
    { label: "发布时间", cell: (i) => fmtDateTime(i.published_at ?? i.publish_at) },
    {
      label: "操作",
      cell: (i) =>
        h(
          "div",
          { class: "actions" },
          button("审核记录", () => auditDialog(ctx, i)),
          ["published", "scheduled"].includes(i.status) && !i.retire_at
            ? button("下架预告", () => retireDialog(ctx, i, () => ctx.router.reload()))
            : null,
        ),
    },
  ];
  async function load() {
    try {
      const answer = await ctx.api.get("/api/v1/content", {
        mine: true,
        status: status || null,
        limit: PAGE,
        offset: rows.length,
      });
      rows.push(...answer.items);
      mount(holder, table(columns, rows, { empty: "还没有内容", caption: "内容" }));
      more.hidden = rows.length >= answer.total;
    } catch (error) {
      mount(
        holder,
        errorLine(error),
      );
    }
  }
  await load();
}

// -- 发布内容 -------------------------------------------------------------------------

const directPublisher = (ctx) => ctx.me.caller.site.split("/").length <= 3; // center and above

async function seriesOptions(ctx) {
  const [visible, mine] = await Promise.allSettled([
    ctx.api.get("/api/v1/content", { kind: "series", limit: 100 }),
    ctx.api.get("/api/v1/content", { kind: "series", mine: true, limit: 100 }),
  ]);
  const all = new Map();
  for (const result of [visible, mine]) {
    if (result.status === "fulfilled") result.value.items.forEach((s) => all.set(s.id, s));
  }
  return [...all.values()].filter((s) => s.status !== "retired" && s.status !== "rejected");
}

async function scopeOptions(ctx) {
  const own = ctx.me.caller.site;
  const options = [{ path: own, name: `${ctx.me.site_name ?? own}（全辖区）` }];
  try {
    const children = await ctx.api.get("/api/v1/sites", { under: own, limit: 100 });
    children.items.forEach((s) => options.push({ path: s.path, name: s.name }));
  } catch {
    // Own site only.
  }
  return options;
}

function tagsOf(text) {
  return [
    ...new Set(
      text
        .split(/[,，、\s]+/)
        .map((t) => t.trim())
        .filter(Boolean),
    ),
  ].slice(0, 8);
}

export async function publishPage(ctx) {
  const direct = directPublisher(ctx);
  const status = h("p", { class: "status", role: "status", "aria-live": "polite" });
  const kind = h(
    "select",
    { name: "kind" },
    ["audio", "video", "article", "link", "series"].map((k) =>
      h("option", { value: k }, PUBLISH_KIND_LABELS[k]),
    ),
  );
  const file = h("input", { type: "file", name: "file", accept: "audio/*,video/*" });
  const series = h("select", { name: "series_id" }, h("option", { value: "" }, "（不属于系列）"));
  const episode = h("input", { type: "number", name: "episode", min: "1", max: "999" });
  const scope = h("select", { name: "scope" });
  const parts = {
    file: field("媒体文件", file, "音频或视频（MP3、M4A、WAV、OGG、MP4、WebM）"),
    url: field(
      "链接地址",
      h("input", { type: "url", name: "media_url", placeholder: "https://…" }),
      "外部平台的网址；失效或需付费的链接会被自动隐藏并提醒您",
    ),
    series: field("所属系列", series),
    episode: field("集数", episode),
  };
  const form = h(
    "form",
    { class: "panel", novalidate: true, "aria-labelledby": "publish-title" },
    h("h3", { id: "publish-title" }, direct ? "发布内容" : "上传内容（提交上级审核）"),
    h(
      "div",
      { class: "form-grid" },
      h(
        "div",
        { class: "wide" },
        field("标题", h("input", { name: "title", required: true, maxlength: "120" })),
      ),
      field(
        "栏目",
        h(
          "select",
          { name: "section" },
          SECTIONS.map((s) => h("option", { value: s.key }, s.label)),
        ),
      ),
      field("类型", kind),
      h(
        "div",
        { class: "wide" },
        field(
          "简介 / 正文",
          h("textarea", { name: "summary", rows: "4", maxlength: "2000" }),
          "图文内容的正文写在这里",
        ),
      ),
      field(
        "标签",
        h("input", { name: "tags", placeholder: "如：老年 健身" }),
        "用逗号或空格分隔，最多 8 个",
      ),
      parts.file,
      parts.url,
      parts.series,
      parts.episode,
      direct
        ? field("发布范围", scope, "内容对所选站点及其下级可见")
        : h("p", { class: "muted wide" }, "基层上传的内容由上级管理员审核，审核时确定发布范围。"),
      field(
        "定时发布（可选）",
        h("input", { type: "datetime-local", name: "publish_at" }),
        "留空则审核通过后立即发布",
      ),
    ),
    status,
    h("button", { type: "submit", class: "btn primary" }, direct ? "发布" : "提交审核"),
  );

  const sync = () => {
    const k = kind.value;
    parts.file.hidden = !(k === "audio" || k === "video");
    parts.url.hidden = k !== "link";
    parts.series.hidden = k === "series" || k === "link";
    parts.episode.hidden = parts.series.hidden || !series.value;
  };
  kind.addEventListener("change", sync);
  series.addEventListener("change", sync);
  sync();

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const v = formValues(form);
    if (!v.title) return announce(status, "请填写标题", "error");
    const body = {
      title: v.title,
      section: v.section,
      kind: v.kind,
      summary: v.summary,
      tags: tagsOf(v.tags),
    };
    const playable = v.kind === "audio" || v.kind === "video";
    if (playable && !file.files.length)
      return announce(status, "请选择要上传的音频或视频文件", "error");
    if (v.kind === "link") {
      if (!/^https?:\/\//i.test(v.media_url))
        return announce(status, "请填写以 http:// 或 https:// 开头的链接地址", "error");
      body.media_url = v.media_url;
    }
    if (!parts.series.hidden && v.series_id) {
      const number = Number.parseInt(v.episode, 10);
      if (!(number >= 1)) return announce(status, "请填写集数", "error");
      body.series_id = v.series_id;
      body.episode = number;
    }
    if (direct && v.scope) body.scope = v.scope;
    if (v.publish_at) body.publish_at = new Date(v.publish_at).toISOString();
    try {
      const created = await busy(form, async () => {
        if (playable) {
          announce(status, "正在上传文件…");
          const data = new FormData();
          data.append("file", file.files[0]);
          body.media_id = (await ctx.api.upload("/api/v1/media", data)).media_id;
        }
        announce(status, "正在保存…");
        return ctx.api.post("/api/v1/content", body);
      });
      const label = CONTENT_STATUS_LABELS[created.status] ?? created.status;
      announce(status, `已保存：《${created.title}》 · ${label}`, "ok");
      toast(created.status === "pending_review" ? "已提交上级审核" : `已保存（${label}）`);
      form.reset();
      sync();
    } catch (error) {
      announce(status, error.message, "error");
    }
    return undefined;
  });

  page(ctx, "发布内容", form);
  const [seriesList, scopes] = await Promise.all([
    seriesOptions(ctx),
    direct ? scopeOptions(ctx) : [],
  ]);
  seriesList.forEach((s) =>
    series.append(h("option", { value: s.id }, `${s.title}（已有 ${s.episodes} 集）`)),
  );
  scopes.forEach((s) => scope.append(h("option", { value: s.path }, s.name)));
}
