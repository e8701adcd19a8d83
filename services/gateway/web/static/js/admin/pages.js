// Small admin pages: sign-in and change my password.

import { announce, busy, field, formValues, h, mount } from "../shared/dom.js";
import { page, toast } from "./ui.js";

export function signInPage(ctx) {
  document.title = "登录 · 文明实践云管理后台";
  const status = h("p", { class: "status", role: "alert", "aria-live": "assertive" });
  const form = h(
    "form",
    { class: "panel signin", novalidate: true, "aria-labelledby": "signin-title" },
    h("h2", { id: "signin-title" }, "管理员登录"),
    field(
      "用户名",
      h("input", {
        name: "username",
        autocomplete: "username",
        required: true,
        autocapitalize: "none",
      }),
    ),
    field(
      "密码",
      h("input", {
        name: "password",
        type: "password",
        autocomplete: "current-password",
        required: true,
      }),
    ),
    status,
    h("button", { type: "submit", class: "btn primary" }, "登录"),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const { username, password } = formValues(form);
    if (!username || !password) {
      announce(status, "请输入用户名和密码", "error");
      return;
    }
    announce(status, "正在登录…", "info");
    try {
      // 401 wrong password, 423 locked after too many tries: the API says which, in Chinese.
      await busy(form, () =>
        ctx.api.signIn("/api/v1/auth/admin/sign-in", {
          username: username.toLowerCase(),
          password,
        }),
      );
    } catch (error) {
      announce(status, error.message, "error");
      form.elements.password.select();
      return;
    }
    const back = ctx.returnTo;
    ctx.returnTo = null;
    await ctx.signedIn(back);
  });
  mount(ctx.main, form);
  if (ctx.notice) {
    announce(status, ctx.notice, "error");
    ctx.notice = null;
  }
  form.elements.username.focus();
}

export function passwordPage(ctx) {
  const form = h(
    "form",
    { class: "panel", novalidate: true, style: "max-width: 28rem" },
    field(
      "原密码",
      h("input", {
        name: "old_password",
        type: "password",
        autocomplete: "current-password",
        required: true,
      }),
    ),
    field(
      "新密码",
      h("input", {
        name: "new_password",
        type: "password",
        autocomplete: "new-password",
        minlength: "10",
        required: true,
      }),
      "至少 10 个字符",
    ),
    field(
      "再次输入新密码",
      h("input", {
        name: "confirm",
        type: "password",
        autocomplete: "new-password",
        required: true,
      }),
    ),
    h("button", { type: "submit", class: "btn primary" }, "修改密码"),
  );
  const status = page(ctx, "修改密码", form);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const values = formValues(form);
    if (values.new_password.length < 10) return announce(status, "新密码至少 10 个字符", "error");
    if (values.new_password !== values.confirm)
      return announce(status, "两次输入的新密码不一致", "error");
    try {
      await busy(form, () =>
        ctx.api.post("/api/v1/auth/password", {
          old_password: values.old_password,
          new_password: values.new_password,
        }),
      );
    } catch (error) {
      return announce(status, error.message, "error");
    }
    form.reset();
    announce(status, "密码已修改，下次登录请使用新密码", "ok");
    toast("密码已修改");
    return undefined;
  });
}
