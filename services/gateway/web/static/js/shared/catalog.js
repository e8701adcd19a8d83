// The catalog API as the kiosk, mobile and admin pages use it, and small facts about a
// ContentView (what kind of player it needs, how to label it). No DOM here.

import { CONTENT_KIND_LABELS, SECTION_LABELS, SOURCE_LEVEL_LABELS } from "./labels.js";

const id = (value) => encodeURIComponent(value);
export const contentPath = (contentId, tail = "") => `/api/v1/content/${id(contentId)}${tail}`;

/** The hot list of `site`'s county: [{content, why, plays_week, score}]. */
export async function hotItems(api, { site, section, limit = 10 } = {}) {
  const list = await api.get("/api/v1/catalog/hot", { site, section, limit });
  return list.items;
}

/** Browse published items: {items, total}. `seriesId` lists a series' episodes in order. */
export function browse(api, { section, kind, seriesId, limit = 20, offset = 0 } = {}) {
  return api.get("/api/v1/content", { section, kind, series_id: seriesId, limit, offset });
}

export async function episodes(api, seriesId) {
  return (await browse(api, { seriesId, limit: 100 })).items;
}

/** Forgiving search (pinyin, initials, homophones…): {items: [{content, why}], total, notes}. */
export function search(api, q, { limit = 20, offset = 0, section, record = true } = {}) {
  // record=false: typed-as-you-go queries do not count as the week's hot search terms.
  const extra = record ? {} : { record: false };
  return api.get("/api/v1/catalog/search", { q, limit, offset, section, ...extra });
}

export async function suggest(api, prefix, limit = 8) {
  return (await api.get("/api/v1/catalog/suggest", { prefix, limit })).items;
}

export async function hotTerms(api, limit = 8) {
  return (await api.get("/api/v1/catalog/hot-terms", { limit })).items;
}

export const getContent = (api, contentId) => api.get(contentPath(contentId));

/** {position_s, completed, next: ContentView | null} for the signed-in viewer (or kiosk). */
export const getResume = (api, contentId) => api.get(contentPath(contentId, "/resume"));

/** Next week's picks of the caller's county (or `week`, "2026-W49"). */
export const getPicks = (api, week) => api.get("/api/v1/catalog/picks", { week });

// -- facts about an item ---------------------------------------------------------------

export const isExternal = (url) => /^https?:\/\//i.test(url ?? "");
export const isPlayable = (item) =>
  (item.kind === "audio" || item.kind === "video") && Boolean(item.media_url);

export const kindLabel = (item) => CONTENT_KIND_LABELS[item.kind] ?? "节目";
export const levelLabel = (item) => SOURCE_LEVEL_LABELS[item.source_level] ?? "";
export const sectionLabel = (item) => SECTION_LABELS[item.section] ?? "";
export const episodeLabel = (item) => (item.episode ? `第${item.episode}集` : "");

/** The small facts under a title: 音频 · 省级 · 健康健身 · 第2集 / 共 3 集. */
export function itemFacts(item) {
  return [
    kindLabel(item),
    levelLabel(item),
    sectionLabel(item),
    episodeLabel(item),
    item.kind === "series" ? `共 ${item.episodes} 集` : "",
  ].filter(Boolean);
}

/** Where a click on the item leads: a series opens its episode list, the rest open. */
export const itemRoute = (item) =>
  item.kind === "series" ? `/series/${id(item.id)}` : `/item/${id(item.id)}`;
