// The waterfall of one trace: a row per span, its bar placed by offset_us and sized by
// duration_us, indented by depth, coloured per service, red when it failed. Choosing a
// row shows that span's attributes and events.

import { fmtDateTime, fmtDuration, h, mount } from "../shared/dom.js";
import { badge, table } from "./ui.js";

const COLOURS = {
  gateway: "#1565c0",
  accounts: "#00897b",
  catalog: "#7b1fa2",
  orders: "#ef6c00",
  volunteers: "#2e7d32",
  evaluation: "#6d4c41",
  ops: "#546e7a",
};
const SPARE = ["#0097a7", "#5e35b1", "#827717", "#ad1457", "#3949ab", "#00695c"];

export function serviceColour(name) {
  if (COLOURS[name]) return COLOURS[name];
  let hash = 0;
  for (const ch of name) hash = (hash * 31 + ch.codePointAt(0)) >>> 0;
  return SPARE[hash % SPARE.length];
}

const chip = (service) =>
  h("span", { class: "chip", style: `--chip: ${serviceColour(service)}` }, service);
const shown = (value) => (typeof value === "string" ? value : JSON.stringify(value));
const pct = (part, whole) => `${((part / whole) * 100).toFixed(3)}%`;

function attributesTable(attributes, caption) {
  return table(
    [
      { label: "属性", cell: (a) => a.key },
      { label: "值", cell: (a) => shown(a.value) },
    ],
    attributes,
    { empty: "无属性", caption },
  );
}

function spanDetail(span) {
  return [
    h("h3", {}, span.name),
    h(
      "dl",
      { class: "facts" },
      h("dt", {}, "服务"),
      h("dd", {}, chip(span.service)),
      h("dt", {}, "类型"),
      h("dd", {}, span.kind),
      h("dt", {}, "来源"),
      h("dd", {}, span.scope || "—"),
      h("dt", {}, "开始于"),
      h("dd", {}, `+${fmtDuration(span.offset_us)}`),
      h("dt", {}, "耗时"),
      h("dd", {}, fmtDuration(span.duration_us)),
      h("dt", {}, "状态"),
      h(
        "dd",
        {},
        span.error
          ? badge(`出错${span.status_message ? `：${span.status_message}` : ""}`, "bad")
          : badge("正常"),
      ),
      h("dt", {}, "跨度编号"),
      h("dd", { class: "token" }, span.span_id),
      h("dt", {}, "父跨度"),
      h("dd", { class: "token" }, span.parent_span_id ?? "（根）"),
    ),
    h("h4", {}, "属性"),
    attributesTable(span.attributes, "跨度属性"),
    h("h4", {}, `事件（${span.events.length}）`),
    span.events.length === 0
      ? h("p", { class: "muted" }, "无事件")
      : h(
          "ol",
          {},
          span.events.map((event) =>
            h(
              "li",
              {},
              h("strong", {}, event.name),
              ` · +${fmtDuration(event.offset_us)}`,
              attributesTable(event.attributes, "事件属性"),
            ),
          ),
        ),
  ];
}

function axis(total) {
  return h(
    "div",
    { class: "wf-axis", "aria-hidden": "true" },
    h("div", { class: "name" }, "服务 · 操作"),
    h(
      "div",
      { class: "scale", style: "margin-right: 4.5rem" },
      [0, 0.25, 0.5, 0.75, 1].map((f) =>
        h(
          "span",
          { class: "tick", style: `left: ${f * 100}%` },
          fmtDuration(Math.round(total * f)),
        ),
      ),
    ),
  );
}

/** waterfall(trace, {selected: span id to show, onSelect(spanId)}) → element. */
export function waterfall(trace, { selected = null, onSelect = null } = {}) {
  const { summary, spans, truncated } = trace;
  const total = Math.max(1, summary.duration_us, ...spans.map((s) => s.offset_us + s.duration_us));
  const detail = h(
    "section",
    {
      class: "panel span-detail",
      id: "span-detail",
      "aria-live": "polite",
      "aria-label": "跨度详情",
    },
    h("p", { class: "muted" }, "选择任一行查看该跨度的属性和事件。"),
  );
  const buttons = [];
  function select(span, row) {
    buttons.forEach((b) => b.setAttribute("aria-pressed", String(b === row)));
    mount(detail, spanDetail(span));
    onSelect?.(span.span_id);
  }
  const rows = spans.map((span) => {
    const left = pct(span.offset_us, total);
    const width = pct(Math.max(span.duration_us, total / 1000), total);
    const row = h(
      "button",
      {
        type: "button",
        class: "wf-row",
        "aria-pressed": "false",
        dataset: { service: span.service, spanId: span.span_id, error: String(span.error) },
        "aria-label": `${span.service} ${span.name}，开始于 +${fmtDuration(span.offset_us)}，耗时 ${fmtDuration(span.duration_us)}${span.error ? "，出错" : ""}`,
      },
      h(
        "span",
        { class: "wf-label", style: `padding-left: calc(0.6rem + ${span.depth}rem)` },
        chip(span.service),
        h("span", { class: "op" }, span.name),
        span.error ? h("span", { class: "err" }, "出错") : null,
      ),
      h(
        "span",
        { class: "wf-track" },
        h("span", {
          class: span.error ? "wf-bar error" : "wf-bar",
          style: `left: ${left}; width: ${width}; --bar: ${serviceColour(span.service)}`,
        }),
        h(
          "span",
          { class: "wf-dur", style: `left: calc(${left} + ${width})` },
          fmtDuration(span.duration_us),
        ),
      ),
    );
    row.addEventListener("click", () => select(span, row));
    buttons.push(row);
    if (span.span_id === selected) queueMicrotask(() => select(span, row));
    return h("li", {}, row);
  });
  return h(
    "div",
    {},
    h(
      "section",
      { class: "panel", "aria-label": "调用链概况" },
      h(
        "dl",
        { class: "facts" },
        h("dt", {}, "调用链编号"),
        h("dd", { class: "token", id: "trace-id" }, summary.trace_id),
        h("dt", {}, "请求编号"),
        h("dd", { class: "token" }, summary.request_id ?? "—"),
        h("dt", {}, "根操作"),
        h("dd", {}, `${summary.root_service} · ${summary.root_name}`),
        h("dt", {}, "开始时间"),
        h("dd", {}, fmtDateTime(summary.start)),
        h("dt", {}, "总耗时"),
        h("dd", {}, fmtDuration(summary.duration_us)),
        h("dt", {}, "跨度数"),
        h("dd", {}, String(summary.span_count)),
        h("dt", {}, "涉及服务"),
        h("dd", {}, summary.services.map(chip)),
        h("dt", {}, "状态"),
        h("dd", {}, summary.error ? badge("出错", "bad") : badge("正常")),
      ),
      truncated ? h("p", { class: "status" }, "跨度过多，只显示了前一部分。") : null,
    ),
    h(
      "div",
      { class: "waterfall", role: "group", "aria-label": "调用链瀑布图" },
      axis(total),
      h("ul", { class: "wf-rows" }, rows),
    ),
    detail,
  );
}
