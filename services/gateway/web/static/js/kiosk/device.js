// The kiosk's device token: an installer opens /kiosk/#setup=wmk_…[&idle=<s>] once; the
// token is kept in localStorage and removed from the address bar and the history.

import { IDLE_KEY } from "./idle.js";

const DEVICE_KEY = "wm.kiosk.device";
const TOKEN_PATTERN = /^wmk_[A-Za-z0-9_-]{20,80}$/;

/** Takes "#setup=…" from the URL: "stored", "invalid" or null (there was none). */
export function takeSetupLink() {
  const fragment = location.hash.replace(/^#/, "");
  if (!fragment.startsWith("setup=")) return null;
  const params = new URLSearchParams(fragment);
  history.replaceState(null, "", location.pathname + location.search);
  const token = params.get("setup") ?? "";
  if (!TOKEN_PATTERN.test(token)) return "invalid";
  localStorage.setItem(DEVICE_KEY, token);
  const idle = Number.parseInt(params.get("idle") ?? "", 10);
  if (Number.isFinite(idle) && idle >= 2) localStorage.setItem(IDLE_KEY, String(idle));
  return "stored";
}

export const deviceToken = () => localStorage.getItem(DEVICE_KEY);

export const SIGN_IN_PATH = "/api/v1/auth/kiosk/sign-in";
