// Remote-control input for the kiosk: the arrow keys move the focus to the nearest
// reachable element in that direction ("spatial navigation"), Enter opens it, Back
// (Backspace, Escape, the browser/remote back key) goes up one level.

const ARROWS = { ArrowUp: "up", ArrowDown: "down", ArrowLeft: "left", ArrowRight: "right" };
const ENTER_KEYS = new Set(["Enter", "OK", "Select", "Accept"]);
const BACK_KEYS = new Set(["Backspace", "Escape", "BrowserBack", "GoBack"]);
const BACK_KEY_CODES = new Set([461, 10009]); // LG webOS and Samsung Tizen remotes

/** What a keydown means to the kiosk: move / enter / back / letter, or null. */
export function keyAction(event) {
  if (event.ctrlKey || event.altKey || event.metaKey) return null;
  if (ARROWS[event.key]) return { type: "move", direction: ARROWS[event.key] };
  if (ENTER_KEYS.has(event.key)) return { type: "enter" };
  if (BACK_KEYS.has(event.key) || BACK_KEY_CODES.has(event.keyCode)) return { type: "back" };
  if (/^[a-z]$/i.test(event.key)) return { type: "letter", letter: event.key.toUpperCase() };
  return null;
}

/** The elements the remote can reach inside `root` (visible, enabled, [data-nav]). */
export function reachable(root) {
  return [...root.querySelectorAll("[data-nav]")].filter(
    (el) => !el.disabled && el.getClientRects().length > 0,
  );
}

const centre = (r) => ({ x: (r.left + r.right) / 2, y: (r.top + r.bottom) / 2 });

/** How far `to` is from `from` going `direction`; Infinity if it is not that way. */
function cost(from, to, direction) {
  const a = centre(from);
  const b = centre(to);
  const horizontal = direction === "left" || direction === "right";
  const ahead = { right: b.x - a.x, left: a.x - b.x, down: b.y - a.y, up: a.y - b.y }[direction];
  if (ahead <= 1) return Infinity;
  const gap = {
    right: to.left - from.right,
    left: from.left - to.right,
    down: to.top - from.bottom,
    up: from.top - to.bottom,
  }[direction];
  // Off-axis distance: 0 while the two overlap across the direction of travel.
  const across = horizontal
    ? Math.max(0, to.top - from.bottom, from.top - to.bottom)
    : Math.max(0, to.left - from.right, from.left - to.right);
  const drift = horizontal ? Math.abs(b.y - a.y) : Math.abs(b.x - a.x);
  // On a tie (a tall tile beside two short ones) the upper / left one wins.
  const order = (horizontal ? to.top : to.left) * 1e-6;
  return Math.max(0, gap) + across * 4 + Math.round(drift / 16) + order;
}

/** Move the focus inside `root`; returns the newly focused element (or null). */
export function moveFocus(root, direction) {
  const items = reachable(root);
  if (items.length === 0) return null;
  const current = document.activeElement;
  if (!items.includes(current)) {
    items[0].focus();
    return items[0];
  }
  const from = current.getBoundingClientRect();
  let best = null;
  let bestCost = Infinity;
  for (const el of items) {
    if (el === current) continue;
    const c = cost(from, el.getBoundingClientRect(), direction);
    if (c < bestCost) {
      best = el;
      bestCost = c;
    }
  }
  best?.focus();
  return best;
}

/** Focus the element whose data-id is `id`, else the [data-autofocus] one, else the first. */
export function focusFirst(root, id = null) {
  const items = reachable(root);
  const target =
    (id && items.find((el) => el.dataset.id === id)) ||
    items.find((el) => el.hasAttribute("data-autofocus")) ||
    items[0];
  target?.focus();
  return target ?? null;
}
