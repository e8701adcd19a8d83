// Building blocks of the admin pages: page frame, tables, dialogs, the toast line.

import { $, announce, h, mount } from "../shared/dom.js";

export function toast(message, kind = "ok") {
  const region = $("#a-status");
  announce(region, message, kind);
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => announce(region, ""), kind === "error" ? 12_000 : 5_000);
}

/** The page frame: <h2> + an inline status line + the content. */
export function page(ctx, title, ...content) {
  const status = h("p", { class: "status", role: "status", "aria-live": "polite" });
  document.title = `${title} · 文明实践云管理后台`;
  mount(ctx.main, h("h2", { id: "page-title" }, title), status, ...content);
  return status;
}

/** table([{label, cell(row)}], rows, {empty, rowClass}) */
export function table(columns, rows, { empty = "暂无数据", rowClass = null, caption = null } = {}) {
  return h(
    "div",
    { class: "table-wrap" },
    h(
      "table",
      { class: "data" },
      caption ? h("caption", { class: "visually-hidden" }, caption) : null,
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          columns.map((c) => h("th", { scope: "col" }, c.label)),
        ),
      ),
      h(
        "tbody",
        {},
        rows.length === 0
          ? h("tr", {}, h("td", { class: "empty", colspan: String(columns.length) }, empty))
          : rows.map((row) =>
              h(
                "tr",
                { class: rowClass?.(row) ?? null },
                columns.map((c) => h("td", {}, c.cell(row))),
              ),
            ),
      ),
    ),
  );
}

export function badge(text, kind = "") {
  return h("span", { class: `badge ${kind}` }, text);
}

export function button(label, onclick, className = "btn small") {
  return h("button", { type: "button", class: className, onclick }, label);
}

/**
 * openDialog({title, body, actions}) shows a modal <dialog>; `actions` are buttons.
 * Returns {dialog, close}; `onClose` runs when it closes (Esc included).
 */
export function openDialog({ title, body, actions = [], onClose = null }) {
  const dialog = h("dialog", { "aria-labelledby": "dialog-title" });
  const close = () => dialog.close();
  mount(
    dialog,
    h("h2", { id: "dialog-title" }, title),
    body,
    h("div", { class: "actions no-print" }, actions, button("关闭", close, "btn")),
  );
  dialog.addEventListener("close", () => {
    onClose?.();
    dialog.remove();
  });
  document.body.append(dialog);
  dialog.showModal();
  return { dialog, close };
}

/** A yes/no question in a dialog; resolves true when confirmed. */
export function confirmDialog(title, text, confirmLabel = "确定") {
  return new Promise((resolve) => {
    let answer = false;
    const { close } = openDialog({
      title,
      body: h("p", {}, text),
      actions: [
        button(
          confirmLabel,
          () => {
            answer = true;
            close();
          },
          "btn primary",
        ),
      ],
      onClose: () => resolve(answer),
    });
  });
}

/** A form inside a dialog; `submit(values)` may throw an ApiError shown in the dialog. */
export function formDialog({ title, fields, submitLabel = "保存", submit }) {
  const status = h("p", { class: "status", role: "status", "aria-live": "polite" });
  const form = h("form", { novalidate: true }, fields, status);
  const save = h("button", { type: "submit", class: "btn primary" }, submitLabel);
  form.append(h("div", { class: "actions" }, save));
  const handle = openDialog({ title, body: form });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    save.disabled = true;
    try {
      await submit(form);
      handle.close();
    } catch (error) {
      announce(status, error.message, "error");
    } finally {
      save.disabled = false;
    }
  });
  return handle;
}
