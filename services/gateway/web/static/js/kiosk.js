// Kiosk (数智一体机) page: set-up from the installer's link, device sign-in, the remote's
// keys, two menu levels (home → list → the item plays), and the return to the home
// screen after inactivity — never while something plays.

import { createApi } from "./shared/api.js";
import { $, fmtClock, fmtDate, h, mount } from "./shared/dom.js";
import { createRouter } from "./shared/router.js";
import { SIGN_IN_PATH, deviceToken, takeSetupLink } from "./kiosk/device.js";
import { createIdleTimer } from "./kiosk/idle.js";
import { focusFirst, keyAction, moveFocus } from "./kiosk/nav.js";
import { item } from "./kiosk/player.js";
import * as screens from "./kiosk/screens.js";

const app = $("#app");
const help = $("#kiosk-help");
const status = $("#kiosk-status");
const HEARTBEAT_MS = 60_000;
const RETRY_MS = 10_000;

let stopped = false; // revoked or not set up: the remote does nothing
let started = false;
let router = null;
let idle = null;
let heartbeat = null;
let renders = 0;
let keysSinceRender = 0;
let focusMemory = {};

const api = createApi({
  storageKey: "wm.kiosk.tokens",
  // When the refresh token is refused, sign in again with the device token.
  reauthenticate: () =>
    api.request("POST", SIGN_IN_PATH, { body: { device_token: deviceToken() }, auth: false }),
  onSignedOut: (error) => (error?.code === "kiosk_refused" ? revoked() : retryLater(error)),
});

function stop(content) {
  stopped = true;
  leaveScreen();
  idle?.stop();
  clearInterval(heartbeat);
  help.hidden = true;
  screens.notice(app, content);
}

function revoked() {
  stop({
    title: "本机授权已失效，请联系站点管理员",
    text: "请站点管理员在管理后台「一体机管理」重新发放授权，再用新的授权链接打开本页。",
  });
}

let retryTimer = null;
function retryLater(error) {
  if (stopped || retryTimer) return;
  screens.notice(app, { mark: "…", title: "正在连接服务器", text: error?.message ?? "" });
  retryTimer = setTimeout(() => {
    retryTimer = null;
    boot();
  }, RETRY_MS);
}

function tickClock() {
  const now = new Date();
  mount($("#clock"), h("strong", {}, fmtClock(now)), fmtDate(now));
}

const ping = () => api.get("/api/v1/auth/ping").catch(() => {});
const depth = () => history.state?.depth ?? 0;

// What the screen on show wants from the remote (set by screens, reset on every render):
//   onMove(direction) → true when it handled the arrow (paging, scrolling an article)
//   onBack() → true when it handled Back (cancelling the next-episode countdown)
//   onLetter(letter) — a keyboard's letters (the search screen)
//   busy() → true while something plays: the idle timer then waits
//   onLeave() — the screen goes away (stop the player, report the position)
let hooks = {};

const ctx = {
  app,
  api,
  site: null, // the kiosk's station: whose county's hot list it shows
  state: { query: "" },
  go(path) {
    focusMemory[router.current().path] = document.activeElement?.dataset?.id;
    history.pushState({ depth: depth() + 1 }, "", `#${path}`);
    router.reload();
  },
  /** Show `path` in place of the current screen (the next episode: Back still goes up). */
  replace(path) {
    history.replaceState({ depth: depth() }, "", `#${path}`);
    router.reload();
  },
  back() {
    if (depth() > 0) history.back();
    else if (router.current().path !== "/") router.replace("/");
  },
  home() {
    router.replace("/");
  },
  keysPressed: () => keysSinceRender,
  /** Focus the remembered (or first) element of `scope`, unless the user moved already. */
  refocus(scope = app) {
    if (keysSinceRender > 0 && app.contains(document.activeElement)) return;
    const remembered = focusMemory[router.current().path];
    if (!focusFirst(scope, remembered)) focusFirst(app, remembered);
  },
};

function leaveScreen() {
  const leaving = hooks;
  hooks = {};
  try {
    leaving.onLeave?.();
  } catch {
    // A screen that fails to clean up must not block the next one.
  }
}

function view(render) {
  return (params) => {
    if (stopped) return undefined;
    leaveScreen();
    const serial = ++renders;
    keysSinceRender = 0;
    const own = {};
    hooks = own;
    const scoped = Object.assign(Object.create(ctx), {
      isCurrent: () => serial === renders,
      hooks: own,
    });
    const result = render(scoped, params);
    ctx.refocus();
    status.textContent = `已打开：${$("#screen-title")?.textContent ?? "首页"}`;
    if (router.current().path !== "/") ping(); // a revoked device stops at its next screen
    return result;
  };
}

function onKey(event) {
  if (stopped) return;
  const dismissed = idle.touch();
  const action = keyAction(event);
  if (!action) return;
  event.preventDefault();
  if (dismissed || (action.type === "enter" && event.repeat)) return;
  keysSinceRender += 1;
  if (action.type === "move") {
    if (!hooks.onMove?.(action.direction)) moveFocus(app, action.direction);
  } else if (action.type === "back") {
    if (!hooks.onBack?.()) ctx.back();
  } else if (action.type === "letter") hooks.onLetter?.(action.letter);
  else if (action.type === "enter") {
    const el = document.activeElement;
    if (el && app.contains(el) && el.matches("button[data-nav]")) el.click();
    else if (!el || !app.contains(el)) focusFirst(app);
  }
}

function start() {
  if (started) return;
  started = true;
  router = createRouter(
    [
      ["/", view((c) => screens.home(c))],
      ["/section/:key", view((c, p) => screens.section(c, p.key))],
      ["/hot", view((c) => screens.hot(c))],
      ["/picks", view((c) => screens.picks(c))],
      ["/search", view((c) => screens.search(c))],
      ["/series/:id", view((c, p) => screens.series(c, p.id))],
      ["/item/:id", view((c, p) => item(c, p.id))],
    ],
    { fallback: "/" },
  );
  idle = createIdleTimer({
    notice: $("#idle-notice"),
    isHome: () => router.current().path === "/",
    isBusy: () => Boolean(hooks.busy?.()),
    onTimeout() {
      ctx.state.query = "";
      focusMemory = {};
      if (depth() > 0) history.go(-depth());
      else router.replace("/");
      status.textContent = "无人操作，已返回首页";
    },
  });
  document.addEventListener("keydown", onKey, true);
  heartbeat = setInterval(ping, HEARTBEAT_MS);
  router.start();
}

async function boot() {
  const setup = takeSetupLink();
  if (setup === "stored") api.clear(); // a new device token: forget any earlier session
  if (setup === "invalid") {
    stop({ title: "授权链接无效", text: "请站点管理员在管理后台复制完整的授权链接后重新打开。" });
    return;
  }
  if (!deviceToken()) {
    stop({
      title: "本机尚未授权",
      text: "请站点管理员在管理后台「一体机管理」中发放授权，并用授权链接打开本页。",
    });
    return;
  }
  try {
    if (!api.resume()) await api.signIn(SIGN_IN_PATH, { device_token: deviceToken() });
    const me = await api.get("/api/v1/auth/me");
    ctx.site = me.caller.site;
    const name = me.site_name || "新时代文明实践站";
    $("#station-name").textContent = name;
    document.title = `${name} · 文明实践云`;
  } catch (error) {
    if (error.code === "kiosk_refused") revoked();
    else if (!stopped) retryLater(error);
    return;
  }
  start();
}

tickClock();
setInterval(tickClock, 15_000);
boot();
