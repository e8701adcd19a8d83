// 附近的场馆和服务: venues (open now?, opening hours, capacity, equipment) and the service
// menu, nearest first — from the phone's position when the resident allows it, else
// from their site's location (the API's default when lat/lng are left out).

import { errorLine, h, mount } from "../shared/dom.js";
import { PROVIDER_KIND_LABELS, SECTION_LABELS, openingHoursText } from "../shared/labels.js";
import { backLink } from "./lists.js";

const RADIUS_KM = 30; // a county: rural stations lie far apart

function distance(km) {
  if (km === null || km === undefined) return "";
  if (km < 0.05) return "就在附近";
  return km < 1 ? `${Math.round(km * 1000)} 米` : `${km.toFixed(1)} 公里`;
}

function venueCard(venue) {
  const open =
    venue.open_now === null || venue.open_now === undefined
      ? null
      : h(
          "span",
          { class: `badge ${venue.open_now ? "open" : "closed"}` },
          venue.open_now ? "开放中" : "已闭馆",
        );
  return h(
    "li",
    { class: "place" },
    h(
      "div",
      { class: "place-head" },
      h("strong", {}, venue.name),
      open,
      h("span", { class: "distance" }, distance(venue.distance_km)),
    ),
    venue.address ? h("p", { class: "muted" }, venue.address) : null,
    h(
      "dl",
      { class: "place-facts" },
      h("dt", {}, "开放时间"),
      h("dd", {}, openingHoursText(venue.opening_hours)),
      h("dt", {}, "可容纳"),
      h("dd", {}, `${venue.capacity} 人 · ${Math.round(venue.area_m2)} 平方米`),
      venue.equipment.length ? h("dt", {}, "设施设备") : null,
      venue.equipment.length
        ? h(
            "dd",
            {},
            h(
              "span",
              { class: "tags" },
              venue.equipment.map((e) => h("span", { class: "tag" }, e)),
            ),
          )
        : null,
    ),
  );
}

function serviceCard(item) {
  return h(
    "li",
    { class: "place" },
    h(
      "div",
      { class: "place-head" },
      h("strong", {}, item.title),
      h("span", { class: "distance" }, distance(item.distance_km)),
    ),
    h(
      "p",
      { class: "muted" },
      `${SECTION_LABELS[item.section] ?? ""} · ${item.provider}（${PROVIDER_KIND_LABELS[item.provider_kind] ?? ""}）`,
    ),
    item.description ? h("p", {}, item.description) : null,
    h(
      "p",
      { class: "muted" },
      item.lead_time_days ? `需提前 ${item.lead_time_days} 天预约` : "可随时预约",
    ),
  );
}

async function fill(ctx, holders, where) {
  const query = { radius_km: RADIUS_KM, ...(where ? { lat: where.lat, lng: where.lng } : {}) };
  const [venues, menu] = await Promise.allSettled([
    ctx.api.get("/api/v1/venues/near", { ...query, limit: 20 }),
    ctx.api.get("/api/v1/menu/near", { ...query, limit: 20 }),
  ]);
  if (!ctx.isCurrent()) return;
  const show = (holder, result, card, empty) => {
    if (result.status === "rejected") mount(holder, errorLine(result.reason));
    else if (result.value.items.length === 0) mount(holder, h("p", { class: "muted" }, empty));
    else mount(holder, h("ul", { class: "places" }, result.value.items.map(card)));
  };
  show(holders.venues, venues, venueCard, "附近暂时没有登记的场馆");
  show(holders.menu, menu, serviceCard, "附近暂时没有可预约的服务");
}

export async function nearPage(ctx) {
  const status = h(
    "p",
    { class: "status", role: "status", "aria-live": "polite" },
    "按您所在站点的位置排序",
  );
  const locate = h("button", { type: "button", class: "btn" }, "使用手机定位");
  const holders = { venues: h("div", {}, "加载中…"), menu: h("div", {}, "加载中…") };
  mount(
    ctx.main,
    backLink(ctx),
    h(
      "section",
      { class: "card", "aria-labelledby": "page-title" },
      h("h2", { id: "page-title" }, "附近的场馆和服务"),
      status,
      "geolocation" in navigator ? locate : null,
    ),
    h(
      "section",
      { class: "card", "aria-labelledby": "venues-title" },
      h("h3", { id: "venues-title" }, "场馆"),
      holders.venues,
    ),
    h(
      "section",
      { class: "card", "aria-labelledby": "menu-title" },
      h("h3", { id: "menu-title" }, "可预约的服务"),
      holders.menu,
    ),
  );
  locate.addEventListener("click", () => {
    locate.disabled = true;
    status.textContent = "正在定位…";
    navigator.geolocation.getCurrentPosition(
      (position) => {
        const { latitude: lat, longitude: lng } = position.coords;
        status.textContent = "按您现在的位置排序";
        fill(ctx, holders, { lat, lng });
      },
      () => {
        locate.disabled = false;
        status.textContent = "未能获取定位（未授权或信号弱），仍按您所在站点的位置排序";
      },
      { timeout: 10_000, maximumAge: 60_000 },
    );
  });
  await fill(ctx, holders, null);
}
