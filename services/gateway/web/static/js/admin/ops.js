// 调用链追踪 (ops role): search traces, open one by its request id (the x-request-id
// header / error.request_id — it is the trace id), and the waterfall of one trace.

import {
  announce,
  busy,
  field,
  fmtDateTime,
  fmtDuration,
  formValues,
  h,
  mount,
  sleep,
} from "../shared/dom.js";
import { badge, button, page, table, toast } from "./ui.js";
import { serviceColour, waterfall } from "./waterfall.js";

const SERVICES = ["gateway", "accounts", "catalog", "orders", "volunteers", "evaluation", "ops"];
const RANGES = [
  ["15", "最近 15 分钟"],
  ["60", "最近 1 小时"],
  ["360", "最近 6 小时"],
  ["1440", "最近 24 小时"],
  ["10080", "最近 7 天"],
  ["", "不限时间"],
  ["custom", "自定义…"],
];
const TRACE_ID = /^[0-9a-f]{32}$/i;
const REQUEST_ID = /^[A-Za-z0-9._-]{8,64}$/;
const FILTERS_KEY = "wm.ops.filters";

/** The ops API's query from the search form's values. */
function toQuery(v) {
  const query = {
    service: v.service || null,
    operation: v.operation || null,
    min_duration_ms: v.min_duration_ms || null,
    errors_only: v.errors_only ? "true" : null,
    trace_id: v.trace_id || null,
    request_id: v.request_id || null,
    limit: 30,
  };
  if (v.range === "custom") {
    query.since = v.since ? new Date(v.since).toISOString() : null;
    query.until = v.until ? new Date(v.until).toISOString() : null;
  } else if (v.range) {
    query.since = new Date(Date.now() - Number(v.range) * 60_000).toISOString();
  }
  return query;
}

function lookupBox(ctx) {
  const input = h("input", {
    name: "lookup",
    id: "lookup-input",
    autocomplete: "off",
    spellcheck: "false",
    placeholder: "粘贴错误信息中的请求编号（request_id）",
  });
  const status = h("p", { class: "status", role: "status", "aria-live": "polite" });
  const form = h(
    "form",
    { class: "panel", role: "search", "aria-labelledby": "lookup-title" },
    h("h3", { id: "lookup-title" }, "按请求编号查找"),
    h(
      "div",
      { class: "lookup" },
      field("请求编号 / 调用链编号", input),
      h("button", { type: "submit", class: "btn primary" }, "打开调用链"),
    ),
    status,
  );
  async function open() {
    // Pasted from an error body or a header dump: drop quotes, spaces and a "request_id:".
    const value = input.value
      .replace(/^.*request[_-]id["']?\s*[:=]\s*/i, "")
      .replace(/["'\s,]/g, "");
    input.value = value;
    if (TRACE_ID.test(value)) {
      ctx.router.go(`/ops/trace/${value.toLowerCase()}`);
      return;
    }
    if (!REQUEST_ID.test(value)) {
      announce(status, "请求编号格式不正确（8–64 位字母、数字或 . _ -）", "error");
      return;
    }
    try {
      const found = await busy(form, () =>
        ctx.api.get("/api/v1/ops/traces", { request_id: value, limit: 1 }),
      );
      if (found.traces.length) ctx.router.go(`/ops/trace/${found.traces[0].trace_id}`);
      else announce(status, "未找到该请求的调用链（可能尚未上报，请稍后再试）", "error");
    } catch (error) {
      announce(status, error.message, "error");
    }
  }
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    open();
  });
  // Pasting a whole id opens it at once.
  input.addEventListener("paste", () => setTimeout(open));
  return form;
}

function searchForm(saved) {
  const range = h(
    "select",
    { name: "range" },
    RANGES.map(([value, label]) =>
      h("option", { value, selected: value === (saved.range ?? "60") }, label),
    ),
  );
  const custom = h(
    "div",
    { class: "range-custom", hidden: range.value !== "custom" },
    field(
      "开始时间",
      h("input", { name: "since", type: "datetime-local", value: saved.since ?? "" }),
    ),
    field(
      "结束时间",
      h("input", { name: "until", type: "datetime-local", value: saved.until ?? "" }),
    ),
  );
  range.addEventListener("change", () => (custom.hidden = range.value !== "custom"));
  return h(
    "form",
    { class: "panel", role: "search", "aria-labelledby": "search-title" },
    h("h3", { id: "search-title" }, "查找调用链"),
    h(
      "div",
      { class: "form-grid" },
      field(
        "服务",
        h(
          "select",
          { name: "service" },
          h("option", { value: "" }, "全部服务"),
          SERVICES.map((s) => h("option", { value: s, selected: saved.service === s }, s)),
        ),
      ),
      field(
        "操作名称包含",
        h("input", {
          name: "operation",
          value: saved.operation ?? "",
          placeholder: "如 GET /api/v1/content",
        }),
      ),
      field(
        "最短耗时（毫秒）",
        h("input", {
          name: "min_duration_ms",
          type: "number",
          min: "0",
          step: "any",
          value: saved.min_duration_ms ?? "",
        }),
      ),
      field("时间范围", range),
      custom,
      field(
        "调用链编号",
        h("input", {
          name: "trace_id",
          value: saved.trace_id ?? "",
          maxlength: "32",
          class: "token",
        }),
      ),
      field(
        "请求编号",
        h("input", {
          name: "request_id",
          value: saved.request_id ?? "",
          maxlength: "64",
          class: "token",
        }),
      ),
    ),
    h(
      "div",
      { class: "toolbar" },
      h(
        "div",
        { class: "field inline" },
        h("input", {
          type: "checkbox",
          name: "errors_only",
          id: "errors-only",
          checked: Boolean(saved.errors_only),
        }),
        h("label", { for: "errors-only" }, "只看出错的调用链"),
      ),
      h("button", { type: "submit", class: "btn primary" }, "查询"),
    ),
  );
}

const traceLink = (t) =>
  h("a", { href: `#/ops/trace/${t.trace_id}` }, `${t.root_service} · ${t.root_name}`);

export function searchPage(ctx) {
  let saved = {};
  try {
    saved = JSON.parse(sessionStorage.getItem(FILTERS_KEY)) ?? {};
  } catch {
    saved = {};
  }
  const form = searchForm(saved);
  const results = h("section", { class: "panel", "aria-labelledby": "results-title" });
  const status = page(ctx, "调用链追踪", lookupBox(ctx), form, results);
  const columns = [
    { label: "开始时间", cell: (t) => fmtDateTime(t.start) },
    { label: "根操作", cell: traceLink },
    { label: "耗时", cell: (t) => fmtDuration(t.duration_us) },
    { label: "跨度数", cell: (t) => String(t.span_count) },
    {
      label: "涉及服务",
      cell: (t) =>
        t.services.map((s) =>
          h("span", { class: "chip", style: `--chip: ${serviceColour(s)}` }, s),
        ),
    },
    { label: "状态", cell: (t) => (t.error ? badge("出错", "bad") : badge("正常")) },
  ];
  async function run() {
    const values = formValues(form);
    sessionStorage.setItem(FILTERS_KEY, JSON.stringify(values));
    mount(
      results,
      h("h3", { id: "results-title" }, "查询结果"),
      h("p", { class: "muted" }, "正在查询…"),
    );
    try {
      const found = await busy(form, () => ctx.api.get("/api/v1/ops/traces", toQuery(values)));
      mount(
        results,
        h("h3", { id: "results-title" }, `查询结果（${found.traces.length} 条）`),
        found.scan_capped
          ? h("p", { class: "status" }, "扫描的跨度已达上限，请缩小时间范围或增加条件后再查。")
          : null,
        table(columns, found.traces, {
          empty: "没有符合条件的调用链",
          caption: "调用链",
          rowClass: (t) => (t.error ? "is-error" : null),
        }),
      );
      announce(status, "");
    } catch (error) {
      mount(results, h("h3", { id: "results-title" }, "查询结果"));
      announce(status, error.message, "error");
    }
  }
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    run();
  });
  run();
}

const FRESH_MS = 15_000; // spans of a trace this young may still be arriving

export async function tracePage(ctx, { id }) {
  const view = h("div");
  const here = () => ctx.router.current().path === `/ops/trace/${id}`;
  let selected = null; // the chosen span survives a refresh
  let shown = -1;
  async function show() {
    const trace = await ctx.api.get(`/api/v1/ops/traces/${id.toLowerCase()}`);
    if (here() && trace.spans.length !== shown) {
      shown = trace.spans.length;
      mount(view, waterfall(trace, { selected, onSelect: (spanId) => (selected = spanId) }));
    }
    return trace;
  }
  const refresh = button("刷新", () => show().catch((e) => toast(e.message, "error")));
  const status = page(
    ctx,
    "调用链详情",
    h("div", { class: "toolbar" }, h("a", { href: "#/ops" }, "← 返回查询"), refresh),
    view,
  );
  if (!TRACE_ID.test(id)) {
    announce(status, "调用链编号格式不正确（32 位十六进制）", "error");
    return;
  }
  // Spans reach the trace store a moment after the request (batched export): wait for
  // the first ones, then pick up late ones while the trace is young.
  let trace = null;
  for (let attempt = 0; !trace; attempt++) {
    try {
      trace = await show();
    } catch (error) {
      if (error.status !== 404 || attempt >= 8) {
        const gone = "未找到该调用链：可能尚未上报或已超过保留期限";
        announce(status, error.status === 404 ? gone : error.message, "error");
        return;
      }
      announce(status, "正在等待调用链上报…");
      await sleep(1000);
      if (!here()) return;
    }
  }
  announce(status, "");
  const started = Date.parse(trace.summary.start);
  while (here() && Date.now() - started < FRESH_MS) {
    await sleep(1500);
    if (here()) await show().catch(() => {});
  }
}
