// The search box: full text, pinyin or initials; suggestions (GET /catalog/suggest) as
// the resident types, a combobox whose options fill the box and search at once.

import * as catalog from "../shared/catalog.js";
import { h, mount, uid } from "../shared/dom.js";

const DELAY_MS = 200;

export function searchBox(ctx, value = "") {
  const listId = uid("suggest");
  const input = h("input", {
    type: "search",
    name: "q",
    value,
    enterkeyhint: "search",
    autocomplete: "off",
    maxlength: "64",
    placeholder: "汉字、拼音或首字母",
    role: "combobox",
    "aria-label": "搜索节目",
    "aria-autocomplete": "list",
    "aria-expanded": "false",
    "aria-controls": listId,
  });
  const list = h("ul", { id: listId, class: "suggestions", role: "listbox", hidden: true });
  const go = (q) => {
    const text = q.trim();
    if (text) ctx.router.go(`/search?q=${encodeURIComponent(text)}`);
  };
  const close = () => {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
  };
  let timer = null;
  let serial = 0;
  input.addEventListener("input", () => {
    clearTimeout(timer);
    const prefix = input.value.trim();
    const mine = ++serial;
    if (!prefix) return close();
    timer = setTimeout(async () => {
      let items = [];
      try {
        items = await catalog.suggest(ctx.api, prefix);
      } catch {
        items = [];
      }
      if (mine !== serial) return;
      mount(
        list,
        items.map((text) =>
          h(
            "li",
            {
              role: "option",
              tabindex: "-1",
              onclick: () => {
                input.value = text;
                close();
                go(text);
              },
            },
            text,
          ),
        ),
      );
      list.hidden = items.length === 0;
      input.setAttribute("aria-expanded", String(items.length > 0));
    }, DELAY_MS);
    return undefined;
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Escape") close();
  });
  const form = h(
    "form",
    { class: "search-box", role: "search" },
    h(
      "div",
      { class: "search-row" },
      input,
      h("button", { type: "submit", class: "btn primary" }, "搜索"),
    ),
    list,
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    close();
    go(input.value);
  });
  return form;
}
