// 服务菜单 (供单) and 场馆管理: what my subtree offers, to create and to take off (or put
// back). Residents find them under 附近的场馆和服务 on their phones.

import { announce, busy, errorLine, field, formValues, h, mount } from "../shared/dom.js";
import {
  PROVIDER_KIND_LABELS,
  SECTIONS,
  SECTION_LABELS,
  WEEKDAY_LABELS,
  openingHoursText,
} from "../shared/labels.js";
import { siteLabel } from "./content.js";
import { badge, button, confirmDialog, page, table, toast } from "./ui.js";

const numberOr = (text, fallback = null) => {
  const n = Number.parseFloat(text);
  return Number.isFinite(n) ? n : fallback;
};
const listOf = (text) => [
  ...new Set(
    text
      .split(/[,，、\s]+/)
      .map((t) => t.trim())
      .filter(Boolean),
  ),
];

/** A list of my offers with 下架/停用 and back; `form` makes the create form above it. */
async function offersPage(ctx, { title, path, columns, form, what, offLabel, offState, onLabel }) {
  const holder = h("div", {}, h("p", { class: "muted" }, "加载中…"));
  async function reload() {
    try {
      const answer = await ctx.api.get(path, { limit: 100 });
      const toggle = (row) =>
        row.active
          ? button(offLabel, () => setActive(row, false), "btn small danger")
          : button(onLabel, () => setActive(row, true));
      mount(
        holder,
        table(
          [
            ...columns,
            { label: "状态", cell: (r) => (r.active ? badge("在用") : badge(offState, "off")) },
            { label: "操作", cell: toggle },
          ],
          answer.items,
          { empty: `还没有${what}`, caption: title },
        ),
      );
    } catch (error) {
      mount(holder, errorLine(error));
    }
  }
  async function setActive(row, active) {
    const name = row.title ?? row.name;
    if (
      !active &&
      !(await confirmDialog(
        `${offLabel} · ${name}`,
        `确定${offLabel}「${name}」吗？居民将不再看到它。`,
        offLabel,
      ))
    ) {
      return;
    }
    try {
      await ctx.api.patch(`${path}/${row.id}`, { active });
      toast(`${active ? onLabel : offLabel}：${name}`);
      reload();
    } catch (error) {
      toast(error.message, "error");
    }
  }
  page(
    ctx,
    title,
    form(reload),
    h("section", { class: "panel", "aria-label": `${what}列表` }, holder),
  );
  await reload();
}

function locationFields(required) {
  const optional = required ? "" : "（可选）";
  return [
    field(
      `纬度${optional}`,
      h("input", { name: "lat", inputmode: "decimal", placeholder: "31.8755" }),
    ),
    field(
      `经度${optional}`,
      h("input", { name: "lng", inputmode: "decimal", placeholder: "120.5556" }),
    ),
  ];
}

function location(values, required) {
  const lat = numberOr(values.lat);
  const lng = numberOr(values.lng);
  if (lat === null && lng === null && !required) return null;
  if (lat === null || lng === null || Math.abs(lat) > 90 || Math.abs(lng) > 180) {
    throw new Error("请填写正确的纬度和经度（如 31.8755、120.5556）");
  }
  return { lat, lng };
}

function createForm(ctx, { title, fields, submitLabel, build, path }) {
  return (reload) => {
    const status = h("p", { class: "status", role: "status", "aria-live": "polite" });
    const form = h(
      "form",
      { class: "panel", novalidate: true },
      h("h3", {}, title),
      h("div", { class: "form-grid" }, fields()),
      status,
      h("button", { type: "submit", class: "btn primary" }, submitLabel),
    );
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      try {
        const body = build(formValues(form), form);
        const made = await busy(form, () => ctx.api.post(path, body));
        announce(status, `已发布：${made.title ?? made.name}`, "ok");
        form.reset();
        reload();
      } catch (error) {
        announce(status, error.message, "error");
      }
    });
    return form;
  };
}

export function menuPage(ctx) {
  return offersPage(ctx, {
    title: "服务菜单",
    what: "服务菜单项",
    path: "/api/v1/menu",
    offLabel: "下架",
    offState: "已下架",
    onLabel: "重新上架",
    columns: [
      { label: "服务", cell: (m) => h("strong", {}, m.title) },
      { label: "版块", cell: (m) => SECTION_LABELS[m.section] ?? m.section },
      {
        label: "提供方",
        cell: (m) => `${m.provider}（${PROVIDER_KIND_LABELS[m.provider_kind] ?? ""}）`,
      },
      { label: "服务范围", cell: (m) => siteLabel(ctx, m.delivery_scope) },
      { label: "提前预约", cell: (m) => `${m.lead_time_days} 天` },
    ],
    form: createForm(ctx, {
      title: "发布服务菜单项（供单）",
      submitLabel: "发布",
      path: "/api/v1/menu",
      fields: () => [
        field("服务名称", h("input", { name: "title", required: true, maxlength: "120" })),
        field(
          "版块",
          h(
            "select",
            { name: "section" },
            SECTIONS.map((s) => h("option", { value: s.key }, s.label)),
          ),
        ),
        field(
          "提供方",
          h("input", {
            name: "provider",
            required: true,
            maxlength: "60",
            placeholder: "如：金都社区柔力球志愿服务队",
          }),
        ),
        field(
          "提供方类型",
          h(
            "select",
            { name: "provider_kind" },
            Object.entries(PROVIDER_KIND_LABELS).map(([v, l]) => h("option", { value: v }, l)),
          ),
        ),
        field(
          "需提前预约（天）",
          h("input", { name: "lead_time_days", type: "number", min: "0", max: "90", value: "3" }),
        ),
        h(
          "div",
          { class: "wide" },
          field("服务说明", h("textarea", { name: "description", rows: "2", maxlength: "2000" })),
        ),
        ...locationFields(false),
      ],
      build(v) {
        if (!v.title || !v.provider) throw new Error("请填写服务名称和提供方");
        const body = {
          title: v.title,
          section: v.section,
          description: v.description,
          provider: v.provider,
          provider_kind: v.provider_kind,
          lead_time_days: Math.round(numberOr(v.lead_time_days, 3)),
        };
        const where = location(v, false);
        if (where) body.location = where;
        return body;
      },
    }),
  });
}

const WEEK = [1, 2, 3, 4, 5, 6, 7];

export function venuesPage(ctx) {
  return offersPage(ctx, {
    title: "场馆管理",
    what: "场馆",
    path: "/api/v1/venues",
    offLabel: "停用",
    offState: "已停用",
    onLabel: "启用",
    columns: [
      {
        label: "场馆",
        cell: (v) => h("div", {}, h("strong", {}, v.name), h("div", { class: "muted" }, v.address)),
      },
      { label: "所属站点", cell: (v) => siteLabel(ctx, v.site) },
      { label: "开放时间", cell: (v) => openingHoursText(v.opening_hours) },
      { label: "面积 / 容纳", cell: (v) => `${Math.round(v.area_m2)} ㎡ / ${v.capacity} 人` },
      { label: "设施设备", cell: (v) => v.equipment.join("、") || "—" },
    ],
    form: createForm(ctx, {
      title: "登记场馆",
      submitLabel: "登记",
      path: "/api/v1/venues",
      fields: () => [
        field("场馆名称", h("input", { name: "name", required: true, maxlength: "60" })),
        field("地址", h("input", { name: "address", maxlength: "200" })),
        field("面积（平方米）", h("input", { name: "area_m2", type: "number", min: "0" })),
        field("可容纳人数", h("input", { name: "capacity", type: "number", min: "0" })),
        h(
          "div",
          { class: "wide" },
          field(
            "设施设备",
            h("input", { name: "equipment", placeholder: "如：投影仪 音响 无障碍通道" }),
            "用逗号或空格分隔",
          ),
        ),
        h(
          "fieldset",
          { class: "wide choices inline-choices" },
          h("legend", {}, "开放日"),
          WEEK.map((d) =>
            h(
              "label",
              { class: "choice" },
              h("input", { type: "checkbox", name: `day${d}`, checked: d <= 5 }),
              ` ${WEEKDAY_LABELS[d]}`,
            ),
          ),
        ),
        field("开门", h("input", { name: "opens", type: "time", value: "08:30" })),
        field("关门", h("input", { name: "closes", type: "time", value: "17:30" })),
        ...locationFields(true),
      ],
      build(v) {
        if (!v.name) throw new Error("请填写场馆名称");
        const where = location(v, true);
        const hours = WEEK.filter((d) => v[`day${d}`]).map((weekday) => ({
          weekday,
          opens: v.opens,
          closes: v.closes,
        }));
        return {
          name: v.name,
          address: v.address,
          location: where,
          area_m2: numberOr(v.area_m2, 0),
          capacity: Math.round(numberOr(v.capacity, 0)),
          equipment: listOf(v.equipment).slice(0, 30),
          opening_hours: v.opens && v.closes ? hours : [],
        };
      },
    }),
  });
}
