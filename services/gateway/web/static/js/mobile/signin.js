// Sign-in by phone and SMS code: send the code (with the resend countdown), then sign
// in with {phone, code, site}; the API's Chinese error messages are shown as they are.

import { announce, busy, field, h, mount } from "../shared/dom.js";

const PHONE = /^1[3-9][0-9]{9}$/;
const CODE = /^[0-9]{6}$/;

export function signIn(ctx) {
  const status = h("p", { class: "status", role: "status", "aria-live": "polite" });
  const phone = h("input", {
    name: "phone",
    type: "tel",
    inputmode: "numeric",
    autocomplete: "tel-national",
    maxlength: "11",
    placeholder: "11 位手机号",
    required: true,
  });
  const code = h("input", {
    name: "code",
    type: "text",
    inputmode: "numeric",
    autocomplete: "one-time-code",
    maxlength: "6",
    placeholder: "6 位验证码",
    required: true,
  });
  const send = h("button", { type: "button", class: "btn", id: "send-code" }, "获取验证码");
  let timer = null;

  function countdown(seconds) {
    clearInterval(timer);
    let left = seconds;
    send.disabled = true;
    send.textContent = `${left} 秒后重发`;
    timer = setInterval(() => {
      left -= 1;
      if (left > 0 && document.body.contains(send)) {
        send.textContent = `${left} 秒后重发`;
        return;
      }
      clearInterval(timer);
      send.disabled = false;
      send.textContent = "重新获取";
    }, 1000);
  }

  send.addEventListener("click", async () => {
    const number = phone.value.trim();
    if (!PHONE.test(number)) {
      announce(status, "请输入正确的 11 位手机号", "error");
      phone.focus();
      return;
    }
    send.disabled = true;
    try {
      const sent = await ctx.api.post(
        "/api/v1/auth/phone/code",
        { phone: number },
        { auth: false },
      );
      const minutes = Math.round(sent.expires_in_s / 60);
      announce(
        status,
        `验证码已发送至 ${number.slice(0, 3)}****${number.slice(7)}，${minutes} 分钟内有效`,
        "ok",
      );
      countdown(sent.retry_after_s);
      code.focus();
    } catch (error) {
      announce(status, error.message, "error");
      if (error.retryAfter) countdown(error.retryAfter);
      else send.disabled = false;
    }
  });

  const form = h(
    "form",
    { class: "card", novalidate: true, "aria-labelledby": "signin-title" },
    h("h2", { id: "signin-title" }, "手机号登录"),
    field("手机号", phone),
    h(
      "div",
      { class: "field" },
      h("label", { for: "code-input" }, "验证码"),
      h("div", { class: "code-row" }, Object.assign(code, { id: "code-input" }), send),
    ),
    status,
    h("button", { type: "submit", class: "btn primary" }, "登录"),
    h("p", { class: "muted" }, "未注册的手机号验证后将自动创建账号。"),
  );

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = { phone: phone.value.trim(), code: code.value.trim() };
    if (!PHONE.test(body.phone)) return announce(status, "请输入正确的 11 位手机号", "error");
    if (!CODE.test(body.code)) return announce(status, "请输入 6 位数字验证码", "error");
    if (ctx.site()) body.site = ctx.site();
    announce(status, "正在登录…");
    try {
      await busy(form, () => ctx.api.signIn("/api/v1/auth/phone/sign-in", body));
      clearInterval(timer);
      ctx.afterSignIn();
    } catch (error) {
      announce(status, error.message, "error");
    }
    return undefined;
  });

  mount(ctx.main, form);
  if (ctx.notice) {
    announce(status, ctx.notice, "error");
    ctx.notice = null;
  }
  phone.focus();
}
