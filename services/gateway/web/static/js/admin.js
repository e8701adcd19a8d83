// Admin console: sign-in, a menu built from the caller's role, and the pages behind it.
// Admins manage sites, accounts and kiosks, content (publish, review, calendar, picks,
// notices) and what their sites offer; the ops role sees traces and dead letters.

import { createApi } from "./shared/api.js";
import { $, h, mount } from "./shared/dom.js";
import { ADMIN_ROLES, ROLE_LABELS } from "./shared/labels.js";
import { createRouter } from "./shared/router.js";
import { accountsPage } from "./admin/accounts.js";
import { deadLettersPage } from "./admin/deadletters.js";
import { contentPage, publishPage } from "./admin/content.js";
import { kiosksPage } from "./admin/kiosks.js";
import { menuPage, venuesPage } from "./admin/offers.js";
import { searchPage, tracePage } from "./admin/ops.js";
import { passwordPage, signInPage } from "./admin/pages.js";
import {
  announcementsPage,
  calendarPage,
  noticesPage,
  picksPage,
  unreadNotices,
} from "./admin/planning.js";
import { reviewPage } from "./admin/review.js";
import { sitesPage } from "./admin/sites.js";

// Menus in groups; the first page of a role's menu is its home.
const MENUS = {
  admin: [
    {
      group: "站点",
      items: [
        { path: "/sites", label: "站点管理" },
        { path: "/accounts", label: "账号管理" },
        { path: "/kiosks", label: "一体机管理" },
      ],
    },
    {
      group: "内容",
      items: [
        { path: "/content", label: "内容管理" },
        { path: "/content/new", label: "发布内容" },
        { path: "/review", label: "内容审核" },
        { path: "/calendar", label: "发布日历" },
        { path: "/announcements", label: "下架预告" },
        { path: "/picks", label: "下周精选" },
        { path: "/notices", label: "提醒", badge: true },
      ],
    },
    {
      group: "服务",
      items: [
        { path: "/menu", label: "服务菜单" },
        { path: "/venues", label: "场馆管理" },
      ],
    },
  ],
  ops: [
    {
      group: "运维",
      items: [
        { path: "/ops", label: "调用链追踪" },
        { path: "/ops/dead-letters", label: "死信事件" },
      ],
    },
  ],
};
const menuItems = (area) => MENUS[area].flatMap((g) => g.items);
// Which menu a page belongs to (the routes a role may open); a prefix covers sub-pages.
const AREA = {
  ...Object.fromEntries(menuItems("admin").map((i) => [i.path, "admin"])),
  "/password": "admin",
  "/ops": "ops",
  "/ops/dead-letters": "ops",
  "/ops/trace": "ops",
};
const NOTICE_REFRESH_MS = 60_000;

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
  unread: null, // notices not seen yet (the 提醒 badge)
  unreadAt: 0, // when they were counted
  setUnread(count) {
    ctx.unread = count;
    const mark = $("#notice-count");
    if (mark) {
      mark.hidden = !count;
      mark.textContent = String(count);
      mark.setAttribute("aria-label", `${count} 条未读`);
    }
  },
};

async function refreshUnread() {
  if (!ctx.isAdmin() || Date.now() - ctx.unreadAt < NOTICE_REFRESH_MS) return;
  ctx.unreadAt = Date.now();
  try {
    ctx.setUnread(await unreadNotices(ctx));
  } catch {
    // The badge waits for the next page.
  }
}

const areaOf = (path) =>
  AREA[path] ?? AREA[Object.keys(AREA).find((prefix) => path.startsWith(`${prefix}/`))] ?? null;
const homeOf = () => menuItems(ctx.area())[0].path;

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
  const link = (item) =>
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
      item.badge
        ? h(
            "span",
            { class: "count", id: "notice-count", hidden: !ctx.unread },
            String(ctx.unread ?? 0),
          )
        : null,
    );
  mount(
    nav,
    MENUS[ctx.area()].map((group) =>
      h(
        "div",
        { class: "nav-group" },
        h("p", { class: "nav-title" }, group.group),
        h(
          "ul",
          {},
          group.items.map((item) => h("li", {}, link(item))),
        ),
      ),
    ),
  );
  ctx.setUnread(ctx.unread ?? 0);
  refreshUnread();
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
    ["/content", guarded(contentPage)],
    ["/content/new", guarded(publishPage)],
    ["/review", guarded(reviewPage)],
    ["/calendar", guarded(calendarPage)],
    ["/announcements", guarded(announcementsPage)],
    ["/picks", guarded(picksPage)],
    ["/notices", guarded(noticesPage)],
    ["/menu", guarded(menuPage)],
    ["/venues", guarded(venuesPage)],
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
