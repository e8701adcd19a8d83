// 我的: who I am (masked phone, role, site) and 退出登录.

import { announce, h, mount } from "../shared/dom.js";
import { ROLE_LABELS } from "../shared/labels.js";

export async function me(ctx) {
  const status = h("p", { class: "status", role: "status", "aria-live": "polite" }, "加载中…");
  mount(ctx.main, h("section", { class: "card" }, status));
  let mine;
  try {
    mine = await ctx.api.get("/api/v1/auth/me");
  } catch (error) {
    announce(status, error.message, "error");
    return;
  }
  const logout = h("button", { type: "button", class: "btn" }, "退出登录");
  logout.addEventListener("click", async () => {
    logout.disabled = true;
    try {
      await ctx.api.logout();
    } catch {
      // The tokens are forgotten either way.
    }
    ctx.router.go("/");
  });
  const name = mine.display_name || "居民";
  mount(
    ctx.main,
    h(
      "section",
      { class: "card", "aria-labelledby": "me-title" },
      h(
        "div",
        { class: "profile" },
        h("div", { class: "avatar", "aria-hidden": "true" }, name.slice(0, 1)),
        h("h2", { id: "me-title" }, name),
      ),
      h(
        "dl",
        { class: "facts" },
        h("dt", {}, "手机号"),
        h("dd", { id: "me-phone" }, mine.phone ?? "—"),
        h("dt", {}, "身份"),
        h("dd", { id: "me-role" }, ROLE_LABELS[mine.caller.role] ?? mine.caller.role),
        h("dt", {}, "所属站点"),
        h("dd", { id: "me-site" }, mine.site_name ?? mine.caller.site),
      ),
    ),
    h(
      "section",
      { class: "card" },
      h("h3", {}, "我的服务"),
      h("p", { class: "muted" }, "活动报名、志愿时长、积分兑换即将上线。"),
    ),
    h("section", { class: "card" }, logout),
  );
}
