// 账号管理: the admin accounts of my subtree — create one for a lower level, reset a
// password, unlock an account locked after too many wrong passwords.

import { announce, busy, field, fmtDateTime, formValues, h, mount } from "../shared/dom.js";
import { ADMIN_ROLES, ROLE_LABELS } from "../shared/labels.js";
import { badge, button, formDialog, page, table, toast } from "./ui.js";

const USERNAME = /^[a-z0-9_.-]{3,32}$/;

/** A random password of 14 characters (no look-alikes). */
export function randomPassword() {
  const alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  return [...crypto.getRandomValues(new Uint8Array(14))]
    .map((b) => alphabet[b % alphabet.length])
    .join("");
}

function passwordInput(name = "password") {
  const input = h("input", {
    name,
    type: "text",
    minlength: "10",
    maxlength: "128",
    autocomplete: "new-password",
    required: true,
  });
  const fill = button("随机生成", () => (input.value = randomPassword()));
  return { input, fill };
}

/** The roles I may create: the levels below mine (and ops, for a provincial admin). */
function creatableRoles(role) {
  const mine = ADMIN_ROLES.indexOf(role);
  const roles = ADMIN_ROLES.slice(mine + 1);
  return role === "provincial_admin" ? [...roles, "ops"] : roles;
}

function resetPassword(ctx, account) {
  const { input, fill } = passwordInput("new_password");
  formDialog({
    title: `重置密码 · ${account.display_name}`,
    fields: [field("新密码", input, "至少 10 个字符；请把新密码当面或电话告知本人"), fill],
    submitLabel: "重置密码",
    async submit(form) {
      const { new_password: password } = formValues(form);
      await ctx.api.post(`/api/v1/accounts/${account.id}/password`, { new_password: password });
      toast(`已重置 ${account.username} 的密码`);
    },
  });
}

async function unlock(ctx, account, reload) {
  try {
    await ctx.api.post(`/api/v1/accounts/${account.id}/unlock`);
    toast(`已解锁：${account.username}`);
    reload();
  } catch (error) {
    toast(error.message, "error");
  }
}

function createForm(ctx, reload) {
  const role = h(
    "select",
    { name: "role", required: true },
    creatableRoles(ctx.me.caller.role).map((r) => h("option", { value: r }, ROLE_LABELS[r])),
  );
  const { input: password, fill } = passwordInput();
  const status = h("p", { class: "status", role: "status", "aria-live": "polite" });
  const form = h(
    "form",
    { class: "panel", novalidate: true, "aria-labelledby": "new-account-title" },
    h("h3", { id: "new-account-title" }, "新建下级管理员"),
    h(
      "div",
      { class: "form-grid" },
      field(
        "用户名",
        h("input", { name: "username", required: true, autocapitalize: "none", maxlength: "32" }),
        "3–32 位小写字母、数字或 _ . -",
      ),
      field("姓名", h("input", { name: "display_name", required: true, maxlength: "60" })),
      field("角色", role),
      field(
        "所属站点路径",
        h("input", { name: "site", value: ctx.me.caller.site, required: true }),
        "管理员角色须与站点层级一致",
      ),
      h("div", {}, field("初始密码", password, "至少 10 个字符"), fill),
    ),
    status,
    h("button", { type: "submit", class: "btn primary" }, "新建账号"),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const values = formValues(form);
    if (!USERNAME.test(values.username))
      return announce(status, "用户名须为 3–32 位小写字母、数字或 _ . -", "error");
    if (values.password.length < 10) return announce(status, "初始密码至少 10 个字符", "error");
    try {
      const account = await busy(form, () => ctx.api.post("/api/v1/accounts", values));
      form.reset();
      announce(status, `已新建账号 ${account.username}（${ROLE_LABELS[account.role]}）`, "ok");
      toast(`已新建账号：${account.username}`);
      reload();
    } catch (error) {
      announce(status, error.message, "error");
    }
    return undefined;
  });
  return form;
}

export async function accountsPage(ctx, _params, query) {
  const under = query.get("under") || "";
  const filter = h(
    "form",
    { class: "panel toolbar", role: "search" },
    field(
      "站点路径",
      h("input", { name: "under", value: under, placeholder: ctx.me.caller.site, size: "36" }),
      "只看该站点及其下级的账号",
    ),
    h("button", { type: "submit", class: "btn" }, "查询"),
  );
  filter.addEventListener("submit", (event) => {
    event.preventDefault();
    const value = formValues(filter).under;
    ctx.router.go(value ? `/accounts?under=${encodeURIComponent(value)}` : "/accounts");
  });
  const list = h("section", { class: "panel", "aria-label": "账号列表" });
  const reload = () => ctx.router.reload();
  const status = page(ctx, "账号管理", filter, list, createForm(ctx, reload));
  const rows = [];
  const more = button("加载更多", () =>
    load(more.dataset.after).catch((e) => toast(e.message, "error")),
  );
  const columns = [
    { label: "用户名", cell: (a) => a.username ?? "—" },
    { label: "姓名", cell: (a) => a.display_name },
    { label: "角色", cell: (a) => ROLE_LABELS[a.role] ?? a.role },
    { label: "站点路径", cell: (a) => h("span", { class: "token" }, a.site) },
    { label: "状态", cell: (a) => (a.locked ? badge("已锁定", "bad") : badge("正常")) },
    { label: "创建时间", cell: (a) => fmtDateTime(a.created_at) },
    {
      label: "操作",
      cell: (a) =>
        h(
          "div",
          { class: "actions" },
          button("重置密码", () => resetPassword(ctx, a)),
          a.locked ? button("解锁", () => unlock(ctx, a, reload)) : null,
        ),
    },
  ];
  async function load(after) {
    const found = await ctx.api.get("/api/v1/accounts", { under: under || null, limit: 50, after });
    rows.push(...found.items);
    mount(list, table(columns, rows, { empty: "没有找到账号", caption: "管理员账号" }));
    if (found.next_after) {
      more.dataset.after = found.next_after;
      list.append(more);
    }
  }
  try {
    await load(null);
  } catch (error) {
    announce(status, error.message, "error");
  }
}
