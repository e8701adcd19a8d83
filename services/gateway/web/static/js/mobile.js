// Mobile H5 for residents and volunteers: the landing page of a site's QR code
// (三端一码), sign-in by phone code, and 我的.

import { createApi } from "./shared/api.js";
import { $, $$ } from "./shared/dom.js";
import { createRouter } from "./shared/router.js";
import { landing } from "./mobile/landing.js";
import { me } from "./mobile/me.js";
import { signIn } from "./mobile/signin.js";

const SITE_KEY = "wm.m.site";
const SITE_PATTERN = /^[0-9]{6}(\/[0-9A-Za-z]{1,16}){0,6}$/;

// The QR code of a site opens /m/?site=<path>; remember it for later visits.
const fromQr = new URLSearchParams(location.search).get("site");
if (fromQr && SITE_PATTERN.test(fromQr)) localStorage.setItem(SITE_KEY, fromQr);

const ctx = {
  main: $("#app"),
  site: () => localStorage.getItem(SITE_KEY),
  notice: null, // a message for the next page (e.g. "登录已失效")
  api: createApi({
    storageKey: "wm.m.tokens",
    onSignedOut() {
      ctx.notice = "登录已失效，请重新登录";
      if (ctx.router.current().path === "/me") ctx.router.go("/signin");
    },
  }),
};

function tab(name) {
  for (const link of $$(".m-tabs a")) {
    if (link.dataset.tab === name) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
}

ctx.router = createRouter(
  [
    ["/", () => (tab("home"), landing(ctx))],
    ["/signin", () => (tab("me"), signIn(ctx))],
    ["/me", () => (tab("me"), me(ctx))],
  ],
  {
    fallback: "/",
    before: (path) => (path === "/me" && !ctx.api.tokens() ? "/signin" : null),
  },
);
ctx.api.resume();
ctx.router.start();
