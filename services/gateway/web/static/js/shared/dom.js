// DOM helpers shared by the kiosk, mobile and admin pages. Text always goes in as text
// nodes (never innerHTML), and handlers are attached with addEventListener (CSP: no
// inline on* attributes).

const PROPERTIES = new Set(["value", "checked", "disabled", "selected", "hidden", "textContent"]);

/** h("button", {class: "tile", onclick: go}, "文字", child) → an element. */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") el.className = value;
    else if (key === "dataset") Object.assign(el.dataset, value);
    else if (key === "style" && typeof value === "object") Object.assign(el.style, value);
    else if (key.startsWith("on") && typeof value === "function") {
      el.addEventListener(key.slice(2), value);
    } else if (PROPERTIES.has(key)) el[key] = value;
    else el.setAttribute(key, value === true ? "" : String(value));
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/** Replace everything inside `el`. */
export function mount(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

export const $ = (selector, root = document) => root.querySelector(selector);
export const $$ = (selector, root = document) => [...root.querySelectorAll(selector)];

let ids = 0;
export const uid = (prefix = "f") => `${prefix}-${++ids}`;

/** A labelled form field: <div class="field"><label for>…</label><input id>…<small hint></div>. */
export function field(label, control, hint) {
  control.id ||= uid("field");
  const parts = [h("label", { for: control.id }, label), control];
  if (hint) {
    const hintId = uid("hint");
    control.setAttribute("aria-describedby", hintId);
    parts.push(h("small", { id: hintId, class: "hint" }, hint));
  }
  return h("div", { class: "field" }, parts);
}

/** Form values by input name (checkboxes → booleans, empty strings kept). */
export function formValues(form) {
  const values = {};
  for (const el of form.elements) {
    if (!el.name) continue;
    values[el.name] = el.type === "checkbox" ? el.checked : el.value.trim();
  }
  return values;
}

/** Disable a form's controls while `work` runs; returns what `work` returns. */
export async function busy(form, work) {
  const controls = [...form.elements].filter((el) => !el.disabled);
  controls.forEach((el) => (el.disabled = true));
  form.setAttribute("aria-busy", "true");
  try {
    return await work();
  } finally {
    controls.forEach((el) => (el.disabled = false));
    form.removeAttribute("aria-busy");
  }
}

/** Write a message into a status region (role="status" / aria-live) of the page. */
export function announce(region, message, kind = "info") {
  if (!region) return;
  region.dataset.kind = kind;
  region.textContent = message;
}

const pad = (n) => String(n).padStart(2, "0");

export function fmtDateTime(value) {
  if (!value) return "—";
  const d = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(d.getTime())) return "—";
  return (
    `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ` +
    `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`
  );
}

export function fmtClock(d = new Date()) {
  return `${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

const WEEKDAYS = "日一二三四五六";
export function fmtDate(d = new Date()) {
  return `${d.getFullYear()}年${d.getMonth() + 1}月${d.getDate()}日 星期${WEEKDAYS[d.getDay()]}`;
}

/** Microseconds → "850 µs" / "12.3 毫秒" / "1.25 秒". */
export function fmtDuration(us) {
  if (us < 1000) return `${us} µs`;
  if (us < 1_000_000) return `${(us / 1000).toFixed(us < 10_000 ? 2 : 1)} 毫秒`;
  return `${(us / 1_000_000).toFixed(2)} 秒`;
}

/** Seconds → "3:07" / "1:02:03" (a player's clock). */
export function fmtSeconds(value) {
  const total = Math.max(0, Math.floor(Number.isFinite(value) ? value : 0));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = pad(total % 60);
  return hours ? `${hours}:${pad(minutes)}:${seconds}` : `${minutes}:${seconds}`;
}

/** "12月3日 周三" (short day, for calendars and deadlines). */
export function fmtDay(value) {
  const d = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(d.getTime())) return "—";
  return `${d.getMonth() + 1}月${d.getDate()}日 周${WEEKDAYS[d.getDay()]}`;
}

/** "2026-12-03" in local time (the value of an <input type="date">). */
export function isoDay(d = new Date()) {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** The platform's inline error paragraph (announced to screen readers). */
export const errorLine = (error) =>
  h("p", { class: "status", role: "alert", dataset: { kind: "error" } }, error.message);

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
