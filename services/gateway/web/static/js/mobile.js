// Mobile H5 for residents and volunteers: the landing page of a site's QR code
// (三端一码), sign-in by phone code, then the hot list, sections, search, items with a
// player that resumes, 附近的场馆和服务, and 我的.

import { createApi } from "./shared/api.js";
import { $, $$ } from "./shared/dom.js";
import { createRouter } from "./shared/router.js";
import { itemPage } from "./mobile/item.js";
import { landing } from "./mobile/landing.js";
import { searchPage, sectionPage, seriesPage } from "./mobile/lists.js";
import { me } from "./mobile/me.js";
import { nearPage } from "./mobile/near.js";
import { signIn } from "./mobile/signin.js";

const SITE_KEY = "wm.m.site";
const SITE_PATTERN = /^[0-9]{6}(\/[0-9A-Za-z]{1,16}){0,6}$/;
const PUBLIC_PATHS = new Set(["/", "/signin"]);

// The QR code of a site opens /m/?site=<path>; remember it for later visits.
const fromQr = new URLSearchParams(location.search).get("site");
if (fromQr && SITE_PATTERN.test(fromQr)) localStorage.setItem(SITE_KEY, fromQr);

let renders = 0;
let pages = 0;

const ctx = {
  main: $("#app"),
  site: () => localStorage.getItem(SITE_KEY),
  notice: null, // a message for the next page (e.g. "登录已失效")
  returnTo: null, // where to go after signing in
  onLeave: null, // the page on show stops its player when another page opens
  isCurrent: () => true,
  pagesSeen: () => pages,
  api: createApi({
    storageKey: "wm.m.tokens",
    onSignedOut() {
      ctx.notice = "登录已失效，请重新登录";
      const { path } = ctx.router.current();
      if (!PUBLIC_PATHS.has(path)) {
        ctx.returnTo = location.hash.replace(/^#/, "");
        ctx.router.go("/signin");
      }
    },
  }),
  /** After signing in: back to the page that asked for it, else home. */
  afterSignIn() {
    const target = ctx.returnTo || "/";
    ctx.returnTo = null;
    ctx.router.go(target);
  },
};

function tab(name) {
  for (const link of $$(".m-tabs a")) {
    if (link.dataset.tab === name) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
}

function page(name, render) {
  return (params, query) => {
    const leaving = ctx.onLeave;
    ctx.onLeave = null;
    leaving?.();
    const serial = ++renders;
    pages += 1;
    tab(name);
    const scoped = Object.assign(Object.create(ctx), { isCurrent: () => serial === renders });
    // Hooks a page sets (onLeave) must land on the shared ctx.
    Object.defineProperty(scoped, "onLeave", {
      set: (fn) => {
        if (serial === renders) ctx.onLeave = fn;
        else fn?.();
      },
      get: () => ctx.onLeave,
    });
    window.scrollTo(0, 0);
    return render(scoped, params, query);
  };
}

ctx.router = createRouter(
  [
    ["/", page("home", landing)],
    ["/signin", page("me", signIn)],
    ["/me", page("me", me)],
    ["/near", page("near", nearPage)],
    ["/section/:key", page("home", (c, p) => sectionPage(c, p.key))],
    ["/search", page("home", searchPage)],
    ["/series/:id", page("home", seriesPage)],
    ["/item/:id", page("home", itemPage)],
  ],
  {
    fallback: "/",
    before(path) {
      if (path === "/signin" && ctx.api.tokens()) return "/"; // signed in already
      if (PUBLIC_PATHS.has(path) || ctx.api.tokens()) return null;
      ctx.returnTo = location.hash.replace(/^#/, "");
      return "/signin";
    },
  },
);
// Leaving the page (closing the tab, going to another site): one last progress report.
window.addEventListener("pagehide", () => ctx.onLeave?.());
ctx.api.resume();
ctx.router.start();
