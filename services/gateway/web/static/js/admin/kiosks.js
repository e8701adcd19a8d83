// 一体机管理: the kiosk devices of my subtree — issue a device token for a station (shown
// once, with its set-up link and that link's QR code), and revoke a device.

import { announce, busy, errorLine, field, fmtDateTime, formValues, h, mount } from "../shared/dom.js";
import { qrObjectUrl } from "../shared/qr.js";
import { badge, button, confirmDialog, openDialog, page, table, toast } from "./ui.js";

export const setupLink = (token) => `${location.origin}/kiosk/#setup=${token}`;

function copyButton(text) {
  const copy = button("复制", async () => {
    try {
      await navigator.clipboard.writeText(text);
      copy.textContent = "已复制";
    } catch {
      copy.textContent = "请手动复制";
    }
  });
  return copy;
}

function showIssued(issued) {
  const link = setupLink(issued.device_token);
  const url = qrObjectUrl(link, { scale: 6, title: "一体机授权链接" });
  openDialog({
    title: `一体机授权 · ${issued.device.name}`,
    body: h(
      "div",
      { id: "issued" },
      h(
        "p",
        { class: "once", role: "alert" },
        "授权码只显示这一次。关闭本窗口后将无法再次查看，请立即在一体机上打开授权链接。",
      ),
      field(
        "设备授权码",
        h("input", {
          id: "issued-token",
          class: "token",
          readonly: true,
          value: issued.device_token,
        }),
      ),
      field(
        "授权链接（在一体机的浏览器中打开）",
        h("input", { id: "issued-link", class: "token", readonly: true, value: link }),
      ),
      h("div", { class: "actions" }, copyButton(link)),
      h("img", { class: "qr", id: "issued-qr", src: url, alt: "一体机授权链接的二维码" }),
      h(
        "p",
        { class: "muted" },
        "也可用安装人员的手机扫描二维码获取链接。授权只绑定本站点，可随时在此页面收回。",
      ),
    ),
    onClose: () => URL.revokeObjectURL(url),
  });
}

async function revoke(ctx, device, reload) {
  const ok = await confirmDialog(
    "收回一体机授权",
    `确定收回「${device.name}」的授权吗？收回后该一体机将立即停止使用，需重新发放授权。`,
    "收回授权",
  );
  if (!ok) return;
  try {
    await ctx.api.del(`/api/v1/kiosk-devices/${device.id}`);
    toast(`已收回授权：${device.name}`);
    reload();
  } catch (error) {
    toast(error.message, "error");
  }
}

function issueForm(ctx, station, reload) {
  const own = ctx.me.caller.site;
  const status = h("p", { class: "status", role: "status", "aria-live": "polite" });
  const form = h(
    "form",
    { class: "panel", novalidate: true, "aria-labelledby": "issue-title" },
    h("h3", { id: "issue-title" }, "发放一体机授权"),
    h(
      "div",
      { class: "form-grid" },
      h(
        "div",
        { class: "wide" },
        field(
          "站点路径（实践站或实践点）",
          h("input", { name: "station", value: station || own, required: true }),
          "可在「站点管理」中点「发放一体机」自动填写",
        ),
      ),
      field(
        "设备名称",
        h("input", {
          name: "name",
          required: true,
          maxlength: "60",
          placeholder: "如：助餐点一楼一体机",
        }),
      ),
    ),
    status,
    h("button", { type: "submit", class: "btn primary" }, "发放授权"),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const values = formValues(form);
    if (!values.name) return announce(status, "请填写设备名称", "error");
    try {
      const issued = await busy(form, () => ctx.api.post("/api/v1/kiosk-devices", values));
      form.elements.name.value = "";
      announce(status, `已发放：${issued.device.name}`, "ok");
      showIssued(issued);
      reload();
    } catch (error) {
      announce(status, error.message, "error");
    }
    return undefined;
  });
  return form;
}

export async function kiosksPage(ctx, _params, query) {
  const list = h("section", { class: "panel", "aria-labelledby": "devices-title" });
  const body = h("div");
  mount(list, h("h3", { id: "devices-title" }, "一体机列表"), body);
  const columns = [
    { label: "设备名称", cell: (d) => d.name },
    { label: "站点路径", cell: (d) => h("span", { class: "token" }, d.station) },
    { label: "状态", cell: (d) => (d.revoked ? badge("已收回", "off") : badge("在用")) },
    { label: "发放时间", cell: (d) => fmtDateTime(d.created_at) },
    { label: "最近使用", cell: (d) => fmtDateTime(d.last_seen_at) },
    {
      label: "操作",
      cell: (d) =>
        d.revoked ? "—" : button("收回授权", () => revoke(ctx, d, reload), "btn small danger"),
    },
  ];
  async function reload() {
    try {
      const devices = await ctx.api.get("/api/v1/kiosk-devices", { limit: 100 });
      mount(body, table(columns, devices, { empty: "还没有发放一体机授权", caption: "一体机" }));
    } catch (error) {
      mount(
        body,
        errorLine(error),
      );
    }
  }
  page(ctx, "一体机管理", issueForm(ctx, query.get("station"), reload), list);
  await reload();
}
