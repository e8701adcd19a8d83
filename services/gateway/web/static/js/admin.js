// Admin console: sign-in, a menu built from the caller's role, and the pages behind it.
// Admins manage sites, accounts and kiosks; the ops role sees traces and dead letters.

import { createApi } from "./shared/api.js";
import { $, h, mount } from "./shared/dom.js";
import { ADMIN_ROLES, ROLE_LABELS } from "./shared/labels.js";
import { createRouter } from "./shared/router.js";
import { accountsPage } from "./admin/accounts.js";
import { deadLettersPage } from "./admin/deadletters.js";
import { kiosksPage } from "./admin/kiosks.js";
import { searchPage, tracePage } from "./admin/ops.js";
import { passwordPage, reviewPage, signInPage } from "./admin/pages.js";
import { sitesPage } from "./admin/sites.js";

const MENUS = {
  admin: [
    { path: "/sites", label: "站点管理" },
    { path: "/accounts", label: "账号管理" },
    { path: "/kiosks", label: "一体机管理" },
    { path: "/review", label: "内容审核", soon: true },
  ],
  ops: [
    { path: "/ops", label: "调用链追踪" },
    { path: "/ops/dead-letters", label: "死信事件" },
  ],
};
// Which menu a page belongs to (the routes a role may open).
const AREA = {
  "/sites": "admin",
  "/accounts": "admin",
  "/kiosks": "admin",
  "/review": "admin",
  "/password": "admin",
  "/ops": "ops",
  "/ops/dead-letters": "ops",
  "/ops/trace": "ops",
};

const ctx = {
  main: $("#app"),
  me: null,
  returnTo: null,
  notice: null,
  api: createApi({
    storageKey: "wm.admin.tokens",
    onSignedOut() {
      ctx.me = null;
      ctx.notice = "登录已失效，请重新登录";
      ctx.returnTo = location.hash.replace(/^#/, "") || null;
      ctx.router.go("/signin");
    },
  }),
  area: () => (ctx.me?.caller.role === "ops" ? "ops" : "admin"),
  isAdmin: () => ADMIN_ROLES.includes(ctx.me?.caller.role),
};

const areaOf = (path) =>
  AREA[path] ?? AREA[Object.keys(AREA).find((prefix) => path.startsWith(`${prefix}/`))] ?? null;
const homeOf = () => MENUS[ctx.area()][0].path;

function renderChrome() {
  const nav = $("#a-nav");
  const user = $("#a-user");
  if (!ctx.me) {
    nav.hidden = true;
    mount(user);
    return;
  }
  const { path } = ctx.router.current();
  nav.hidden = false;
  mount(
    nav,
    h(
      "ul",
      {},
      MENUS[ctx.area()].map((item) =>
        h(
          "li",
          {},
          h(
            "a",
            {
              href: `#${item.path}`,
              "aria-current":
                path === item.path || (item.path === "/ops" && path.startsWith("/ops/trace"))
                  ? "page"
                  : null,
            },
            item.label,
            item.soon ? h("span", { class: "soon" }, "（即将上线）") : null,
          ),
        ),
      ),
    ),
  );
  const logout = h("button", { type: "button", class: "btn" }, "退出登录");
  logout.addEventListener("click", async () => {
    await ctx.api.logout().catch(() => {});
    ctx.me = null;
    ctx.router.go("/signin");
  });
  mount(
    user,
    h(
      "span",
      { class: "who" },
      `${ctx.me.display_name} `,
      h(
        "small",
        {},
        `${ROLE_LABELS[ctx.me.caller.role] ?? ""} · ${ctx.me.site_name ?? ctx.me.caller.site}`,
      ),
    ),
    // The API lets admins change their own password (POST /auth/password); ops may not.
    ctx.isAdmin() ? h("a", { class: "btn", href: "#/password" }, "修改密码") : null,
    logout,
  );
}

function guarded(render) {
  return (params, query) => {
    renderChrome();
    return render(ctx, params, query);
  };
}

async function loadMe() {
  try {
    ctx.me = await ctx.api.get("/api/v1/auth/me");
  } catch (error) {
    ctx.me = null;
    ctx.notice = error.message;
  }
}

ctx.signedIn = async (returnTo) => {
  await loadMe();
  if (!ctx.me) {
    ctx.router.reload(); // back to the sign-in page, with the reason
    return;
  }
  const wanted = returnTo && areaOf(returnTo.split("?")[0]) === ctx.area() ? returnTo : homeOf();
  ctx.router.go(wanted);
};

ctx.router = createRouter(
  [
    ["/signin", guarded(signInPage)],
    ["/sites", guarded(sitesPage)],
    ["/accounts", guarded(accountsPage)],
    ["/kiosks", guarded(kiosksPage)],
    ["/review", guarded(reviewPage)],
    ["/password", guarded(passwordPage)],
    ["/ops", guarded(searchPage)],
    ["/ops/trace/:id", guarded(tracePage)],
    ["/ops/dead-letters", guarded(deadLettersPage)],
  ],
  {
    fallback: "/",
    before(path) {
      if (path === "/signin") return ctx.me ? homeOf() : null;
      if (!ctx.me) {
        ctx.returnTo = location.hash.replace(/^#/, "") || null;
        return "/signin";
      }
      const area = areaOf(path);
      return area === ctx.area() ? null : homeOf();
    },
  },
);

(async () => {
  if (ctx.api.resume()) await loadMe();
  ctx.router.start();
})();
