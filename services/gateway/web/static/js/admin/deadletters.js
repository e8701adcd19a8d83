// 死信事件 (ops role): events a consumer gave up on, and replaying one.

import { announce, fmtDateTime, h, mount } from "../shared/dom.js";
import { badge, button, confirmDialog, page, table, toast } from "./ui.js";

const REASONS = { max_deliver: "超过最大投递次数", terminated: "无法解析，已终止" };

export async function deadLettersPage(ctx) {
  const list = h("section", { class: "panel", "aria-labelledby": "letters-title" });
  const refresh = button("刷新", () => load(), "btn");
  const status = page(
    ctx,
    "死信事件",
    h(
      "p",
      { class: "muted" },
      "消费者多次处理失败后放弃的事件。修复原因后可重放，事件会按原编号再次投递（重复投递不会重复生效）。",
    ),
    h("div", { class: "toolbar" }, refresh),
    list,
  );
  async function replay(letter) {
    const ok = await confirmDialog(
      "重放死信",
      `确定重放事件「${letter.event_type ?? letter.subject}」吗？`,
      "重放",
    );
    if (!ok) return;
    try {
      const replayed = await ctx.api.post(`/api/v1/ops/dead-letters/${letter.sequence}/replay`);
      toast(`已重放：${replayed.event_type ?? replayed.subject ?? letter.sequence}`);
      load();
    } catch (error) {
      toast(error.message, "error");
    }
  }
  const columns = [
    { label: "序号", cell: (d) => String(d.sequence) },
    { label: "时间", cell: (d) => fmtDateTime(d.at) },
    { label: "原因", cell: (d) => REASONS[d.reason] ?? d.reason },
    { label: "事件类型", cell: (d) => d.event_type ?? "—" },
    { label: "主题", cell: (d) => h("span", { class: "token" }, d.subject ?? "—") },
    { label: "消费者", cell: (d) => `${d.stream} / ${d.consumer}` },
    { label: "投递次数", cell: (d) => String(d.deliveries) },
    { label: "事件编号", cell: (d) => h("span", { class: "token" }, d.event_id ?? "—") },
    {
      label: "操作",
      cell: (d) => (d.available ? button("重放", () => replay(d)) : badge("原事件已过期", "off")),
    },
  ];
  async function load() {
    try {
      const found = await ctx.api.get("/api/v1/ops/dead-letters", { limit: 100 });
      mount(
        list,
        h("h3", { id: "letters-title" }, `死信列表（${found.items.length} 条）`),
        table(columns, found.items, { empty: "没有死信事件", caption: "死信事件" }),
      );
      announce(status, "");
    } catch (error) {
      mount(list, h("h3", { id: "letters-title" }, "死信列表"));
      announce(status, error.message, "error");
    }
  }
  await load();
}
