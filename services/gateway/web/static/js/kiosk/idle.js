// Back to the home screen after a while without a key press (default 120 s), with a
// countdown notice for the last seconds. While something plays (isBusy) the timer waits:
// a lecture is not cut off because nobody touched the remote. The installer may set another time with
// "#setup=…&idle=<seconds>"; it is kept in localStorage ("wm.kiosk.idle_s").

export const IDLE_KEY = "wm.kiosk.idle_s";
export const DEFAULT_IDLE_S = 120;

export function idleSeconds() {
  const stored = Number.parseInt(localStorage.getItem(IDLE_KEY) ?? "", 10);
  return Number.isFinite(stored) && stored >= 2 ? stored : DEFAULT_IDLE_S;
}

/**
 * createIdleTimer({notice, isHome, isBusy, onTimeout}) → {touch(), stop()}
 * touch() records activity and returns true when it only dismissed the countdown.
 */
export function createIdleTimer({ notice, isHome, isBusy = () => false, onTimeout }) {
  let last = Date.now();
  let warning = false;

  function hide() {
    warning = false;
    notice.hidden = true;
    notice.replaceChildren();
  }

  function show(left) {
    warning = true;
    notice.hidden = false;
    const seconds = document.createElement("strong");
    seconds.textContent = String(left);
    notice.replaceChildren("无人操作，", seconds, " 秒后返回首页 · 按任意键继续使用");
  }

  const tick = setInterval(() => {
    if (isHome() || isBusy()) {
      if (warning) hide();
      last = Date.now();
      return;
    }
    const total = idleSeconds();
    const left = Math.ceil(total - (Date.now() - last) / 1000);
    if (left <= 0) {
      hide();
      last = Date.now();
      onTimeout();
    } else if (left <= Math.min(10, Math.floor(total / 2))) {
      show(left);
    }
  }, 250);

  return {
    touch() {
      last = Date.now();
      const dismissed = warning;
      if (warning) hide();
      return dismissed;
    },
    stop() {
      clearInterval(tick);
      hide();
    },
  };
}
