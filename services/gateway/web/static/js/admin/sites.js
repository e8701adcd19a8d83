// 站点管理: browse the site tree below my own site, create a child site, edit or
// disable one, and show / print a site's QR code (三端一码: it opens the mobile page).

import { announce, busy, field, formValues, h, mount } from "../shared/dom.js";
import { SITE_KINDS, SITE_KIND_LABELS, siteDepth } from "../shared/labels.js";
import { badge, button, confirmDialog, formDialog, openDialog, page, table, toast } from "./ui.js";

const names = new Map(); // site path → name, for the breadcrumbs
const MAX_DEPTH = SITE_KINDS.length - 1;

const within = (path, root) => path === root || path.startsWith(`${root}/`);
const browse = (path) => `#/sites?under=${encodeURIComponent(path)}`;

export async function siteName(ctx, path) {
  if (!names.has(path)) {
    const site = await ctx.api.get("/api/v1/sites/detail", { path });
    names.set(path, site.name);
  }
  return names.get(path);
}

export async function showQr(ctx, site) {
  const img = h("img", { class: "qr", alt: `${site.name}的二维码` });
  const note = h("p", { class: "status", role: "status" }, "正在生成二维码…");
  let url = null;
  openDialog({
    title: `站点二维码 · ${site.name}`,
    body: h(
      "div",
      { class: "print-area" },
      h("p", {}, h("strong", {}, site.name)),
      img,
      h("p", { class: "muted" }, "群众扫码即可打开本站点的移动端页面（三端一码）。"),
      note,
    ),
    actions: [button("打印", () => window.print(), "btn primary")],
    onClose: () => url && URL.revokeObjectURL(url),
  });
  try {
    const svg = await ctx.api.blob("/api/v1/sites/qr.svg", { path: site.path });
    url = URL.createObjectURL(svg);
    img.src = url;
    note.remove();
  } catch (error) {
    announce(note, error.message, "error");
  }
}

function editSite(ctx, site, reload) {
  formDialog({
    title: `编辑站点 · ${site.name}`,
    fields: [
      field(
        "名称",
        h("input", { name: "name", value: site.name, required: true, maxlength: "60" }),
      ),
      field("地址", h("input", { name: "address", value: site.address, maxlength: "200" })),
      h(
        "div",
        { class: "field inline" },
        h("input", {
          type: "checkbox",
          name: "disabled",
          id: "site-disabled",
          checked: site.disabled,
        }),
        h(
          "label",
          { for: "site-disabled" },
          "停用该站点（停用后不能再在其下新建站点或发放一体机）",
        ),
      ),
    ],
    async submit(form) {
      const values = formValues(form);
      await ctx.api.patch("/api/v1/sites/detail", { path: site.path, ...values });
      names.delete(site.path);
      toast(`已保存：${values.name}`);
      reload();
    },
  });
}

async function toggle(ctx, site, reload) {
  const verb = site.disabled ? "启用" : "停用";
  if (!(await confirmDialog(`${verb}站点`, `确定要${verb}「${site.name}」吗？`, verb))) return;
  try {
    await ctx.api.patch("/api/v1/sites/detail", { path: site.path, disabled: !site.disabled });
    toast(`已${verb}：${site.name}`);
    reload();
  } catch (error) {
    toast(error.message, "error");
  }
}

function siteActions(ctx, site, reload, { manage }) {
  const kiosk = site.kind === "station" || site.kind === "point";
  return h(
    "div",
    { class: "actions" },
    button("二维码", () => showQr(ctx, site)),
    manage ? button("编辑", () => editSite(ctx, site, reload)) : null,
    manage
      ? button(
          site.disabled ? "启用" : "停用",
          () => toggle(ctx, site, reload),
          site.disabled ? "btn small" : "btn small danger",
        )
      : null,
    kiosk && !site.disabled
      ? h(
          "a",
          { class: "btn small", href: `#/kiosks?station=${encodeURIComponent(site.path)}` },
          "发放一体机",
        )
      : null,
  );
}

function createForm(ctx, under, reload) {
  const depth = siteDepth(under) + 1;
  const kind = SITE_KINDS[depth];
  const countyCode = under.split("/")[2] ?? "";
  const form = h(
    "form",
    { class: "panel", novalidate: true, "aria-labelledby": "create-title" },
    h("h3", { id: "create-title" }, `新建下级站点（${SITE_KIND_LABELS[kind]}）`),
    h(
      "div",
      { class: "form-grid" },
      field("名称", h("input", { name: "name", required: true, maxlength: "60" })),
      field(
        "编码",
        h("input", { name: "code", required: true, pattern: "[0-9A-Za-z]{1,16}", maxlength: "16" }),
        "1–16 位数字或字母，如统计区划代码",
      ),
      field(
        "区划代码",
        h("input", {
          name: "region_code",
          value: depth > 2 ? countyCode : "",
          inputmode: "numeric",
          maxlength: "6",
        }),
        "所在县（市、区）的 6 位区划代码；留空时使用编码",
      ),
      field("地址", h("input", { name: "address", maxlength: "200" })),
    ),
    h("button", { type: "submit", class: "btn primary" }, "新建站点"),
  );
  const status = h("p", { class: "status", role: "status", "aria-live": "polite" });
  form.insertBefore(status, form.lastChild);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const values = formValues(form);
    if (!values.name || !/^[0-9A-Za-z]{1,16}$/.test(values.code)) {
      announce(status, "请填写名称和 1–16 位数字或字母的编码", "error");
      return;
    }
    const body = { parent: under, kind, ...values, region_code: values.region_code || values.code };
    try {
      const site = await busy(form, () => ctx.api.post("/api/v1/sites", body));
      form.reset();
      announce(status, `已新建：${site.name}（${site.path}）`, "ok");
      toast(`已新建站点：${site.name}`);
      reload();
    } catch (error) {
      announce(status, error.message, "error");
    }
  });
  return form;
}

export async function sitesPage(ctx, _params, query) {
  const own = ctx.me.caller.site;
  const asked = query.get("under");
  const under = asked && within(asked, own) ? asked : own;
  const crumbs = h("ol", { class: "crumbs", "aria-label": "站点层级" });
  const current = h("section", { class: "panel", "aria-label": "当前站点" });
  const children = h("section", { class: "panel", "aria-labelledby": "children-title" });
  const status = page(
    ctx,
    "站点管理",
    h("nav", { "aria-label": "当前位置" }, crumbs),
    current,
    children,
  );
  const reload = () => ctx.router.reload();

  try {
    const chain = [];
    for (let path = under; within(path, own); path = path.slice(0, path.lastIndexOf("/"))) {
      chain.unshift(path);
      if (path === own) break;
    }
    const labels = await Promise.all(chain.map((path) => siteName(ctx, path)));
    mount(
      crumbs,
      chain.map((path, i) =>
        h(
          "li",
          {},
          path === under
            ? h("span", { "aria-current": "page" }, labels[i])
            : h("a", { href: browse(path) }, labels[i]),
        ),
      ),
    );
    const site = await ctx.api.get("/api/v1/sites/detail", { path: under });
    names.set(site.path, site.name);
    mount(
      current,
      h("h3", {}, site.name, " ", site.disabled ? badge("已停用", "off") : null),
      h(
        "dl",
        { class: "facts" },
        h("dt", {}, "类型"),
        h("dd", {}, SITE_KIND_LABELS[site.kind]),
        h("dt", {}, "站点路径"),
        h("dd", { class: "token" }, site.path),
        h("dt", {}, "区划代码"),
        h("dd", {}, site.region_code),
        h("dt", {}, "地址"),
        h("dd", {}, site.address || "—"),
      ),
      siteActions(ctx, site, reload, { manage: site.path !== own }),
    );
    await listChildren(ctx, children, under, reload);
    if (siteDepth(under) < MAX_DEPTH && !site.disabled)
      ctx.main.append(createForm(ctx, under, reload));
  } catch (error) {
    announce(status, error.message, "error");
  }
}

async function listChildren(ctx, panel, under, reload) {
  const rows = [];
  const more = button("加载更多", () =>
    load(more.dataset.after).catch((e) => toast(e.message, "error")),
  );
  const body = h("div");
  mount(panel, h("h3", { id: "children-title" }, "下级站点"), body);
  const columns = [
    {
      label: "名称",
      cell: (s) =>
        siteDepth(s.path) < MAX_DEPTH ? h("a", { href: browse(s.path) }, s.name) : s.name,
    },
    { label: "类型", cell: (s) => SITE_KIND_LABELS[s.kind] },
    { label: "编码", cell: (s) => s.code },
    { label: "区划代码", cell: (s) => s.region_code },
    { label: "状态", cell: (s) => (s.disabled ? badge("已停用", "off") : badge("启用")) },
    { label: "操作", cell: (s) => siteActions(ctx, s, reload, { manage: true }) },
  ];
  async function load(after) {
    const found = await ctx.api.get("/api/v1/sites", { under, limit: 50, after });
    found.items.forEach((s) => names.set(s.path, s.name));
    rows.push(...found.items);
    mount(body, table(columns, rows, { empty: "还没有下级站点", caption: "下级站点" }));
    if (found.next_after) {
      more.dataset.after = found.next_after;
      body.append(more);
    }
  }
  await load(null);
}
