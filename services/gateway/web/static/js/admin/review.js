// 内容审核: uploads from the sites below me wait here. Approve with a scope — any site
// from the uploader's own up to mine (the sites in between are listed by name) — or
// reject with a reason the uploader reads in 内容管理. Each item's audit trail is one
// click away, and its media can be heard or watched before deciding.

import * as catalog from "../shared/catalog.js";
import { errorLine, field, h, mount } from "../shared/dom.js";
import { auditDialog, siteLabel } from "./content.js";
import { siteName } from "./sites.js";
import { badge, button, formDialog, page, toast } from "./ui.js";

/** The sites an approval may publish to: from the uploader's site up to the reviewer's. */
export function scopeChain(uploaderSite, reviewerSite) {
  const parts = uploaderSite.split("/");
  const top = reviewerSite.split("/").length;
  const chain = [];
  for (let depth = parts.length; depth >= top; depth -= 1)
    chain.push(parts.slice(0, depth).join("/"));
  return chain; // narrowest first
}

async function approve(ctx, item, reload) {
  const chain = scopeChain(item.site, ctx.me.caller.site);
  const names = await Promise.all(chain.map((path) => siteName(ctx, path).catch(() => path)));
  formDialog({
    title: `审核通过 · ${item.title}`,
    fields: [
      h(
        "fieldset",
        { class: "choices" },
        h("legend", {}, "发布范围（所选站点及其下级可见）"),
        chain.map((path, i) =>
          h(
            "label",
            { class: "choice" },
            h("input", { type: "radio", name: "scope", value: path, checked: i === 0 }),
            ` ${names[i]}`,
            i === 0 ? h("small", { class: "muted" }, "（上传站点）") : null,
            path === ctx.me.caller.site ? h("small", { class: "muted" }, "（本级全辖区）") : null,
          ),
        ),
      ),
    ],
    submitLabel: "通过并发布",
    async submit(form) {
      const scope = form.elements.scope.value;
      await ctx.api.post(catalog.contentPath(item.id, "/review"), { approve: true, scope });
      toast(`已通过：《${item.title}》，发布到 ${names[chain.indexOf(scope)]}`);
      reload();
    },
  });
}

function reject(ctx, item, reload) {
  formDialog({
    title: `驳回 · ${item.title}`,
    fields: [
      field(
        "驳回原因",
        h("textarea", { name: "reason", rows: "4", maxlength: "500", required: true }),
        "上传人会在「内容管理」中看到这段话",
      ),
    ],
    submitLabel: "驳回",
    async submit(form) {
      const reason = form.elements.reason.value.trim();
      if (reason.length < 2) throw new Error("请填写驳回原因（至少 2 个字）");
      await ctx.api.post(catalog.contentPath(item.id, "/review"), { approve: false, reason });
      toast(`已驳回：《${item.title}》`);
      reload();
    },
  });
}

function preview(item) {
  if (!item.media_url) return null;
  if (catalog.isPlayable(item) && !catalog.isExternal(item.media_url)) {
    return h(item.kind === "video" ? "video" : "audio", {
      class: "preview",
      src: item.media_url,
      controls: true,
      preload: "none",
    });
  }
  return h("p", { class: "token" }, item.media_url);
}

function card(ctx, item, reload) {
  return h(
    "article",
    { class: "panel review-card", "aria-labelledby": `review-${item.id}` },
    h(
      "div",
      { class: "review-head" },
      h("h3", { id: `review-${item.id}` }, item.title),
      badge("待审核", "wait"),
    ),
    h(
      "p",
      { class: "muted" },
      catalog.itemFacts(item).join(" · "),
      " · 上传站点：",
      siteLabel(ctx, item.site),
    ),
    item.summary ? h("p", { class: "review-summary" }, item.summary) : null,
    item.tags.length ? h("p", { class: "muted" }, `标签：${item.tags.join("、")}`) : null,
    preview(item),
    h(
      "div",
      { class: "actions" },
      button("通过", () => approve(ctx, item, reload), "btn primary"),
      button("驳回", () => reject(ctx, item, reload), "btn danger"),
      button("审核记录", () => auditDialog(ctx, item), "btn"),
    ),
  );
}

export async function reviewPage(ctx) {
  const holder = h("div", {}, h("p", { class: "muted" }, "加载中…"));
  const status = page(
    ctx,
    "内容审核",
    h(
      "p",
      { class: "muted" },
      "下级站点上传的内容在这里审核；通过时选择发布范围，驳回时写明原因。",
    ),
    holder,
  );
  async function reload() {
    try {
      const answer = await ctx.api.get("/api/v1/content", { status: "pending_review", limit: 50 });
      if (answer.items.length === 0) {
        mount(holder, h("p", { class: "placeholder" }, "没有待审核的内容"));
        return;
      }
      mount(
        holder,
        h("p", {}, `共 ${answer.total} 条待审核`),
        answer.items.map((item) => card(ctx, item, reload)),
      );
    } catch (error) {
      mount(
        holder,
        errorLine(error),
      );
    }
  }
  await reload();
  return status;
}
