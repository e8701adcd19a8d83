// Chinese labels of the API's enumerations (services/contracts).

export const ROLE_LABELS = {
  resident: "居民",
  volunteer: "志愿者",
  team_lead: "志愿服务队长",
  kiosk: "一体机",
  station_admin: "实践站管理员",
  institute_admin: "实践所管理员",
  center_admin: "实践中心管理员",
  municipal_admin: "市级管理员",
  provincial_admin: "省级管理员",
  ops: "运维",
};

export const ADMIN_ROLES = [
  "provincial_admin",
  "municipal_admin",
  "center_admin",
  "institute_admin",
  "station_admin",
];

// The site kind at each depth of a path (province/city/center/institute/station/point).
export const SITE_KINDS = ["province", "city", "center", "institute", "station", "point"];

export const SITE_KIND_LABELS = {
  province: "省",
  city: "市",
  center: "新时代文明实践中心",
  institute: "新时代文明实践所",
  station: "新时代文明实践站",
  point: "新时代文明实践点",
};

export const SECTIONS = [
  { key: "theory", label: "理论宣讲", hint: "身边的理论课" },
  { key: "culture", label: "文化服务", hint: "戏曲 · 电影 · 非遗" },
  { key: "health", label: "健康健身", hint: "养生 · 运动 · 防病" },
  { key: "science", label: "科技科普", hint: "防诈骗 · 智能手机" },
  { key: "education", label: "教育服务", hint: "家教 · 老年课堂" },
];

export const SECTION_LABELS = Object.fromEntries(SECTIONS.map((s) => [s.key, s.label]));

export const CONTENT_KIND_LABELS = {
  video: "视频",
  audio: "音频",
  article: "图文",
  link: "链接",
  series: "系列",
};

// The level of the site an item comes from (ContentView.source_level).
export const SOURCE_LEVEL_LABELS = {
  province: "省级",
  city: "市级",
  center: "中心",
  institute: "实践所",
  station: "实践站",
};

export const CONTENT_STATUS_LABELS = {
  pending_review: "待审核",
  rejected: "已驳回",
  scheduled: "已排期",
  published: "已发布",
  retired: "已下架",
};

// Only the states an admin must act on are shown (ok / unchecked say nothing).
export const LINK_STATE_LABELS = { broken: "外链失效", paywalled: "付费页面" };

export const PROVIDER_KIND_LABELS = { team: "志愿服务队", department: "部门", venue: "场馆" };

export const WEEKDAY_LABELS = ["", "周一", "周二", "周三", "周四", "周五", "周六", "周日"];

export const siteDepth = (path) => path.split("/").length - 1;

/** [{weekday, opens, closes}] → "每天 08:30–20:30" / "周一至周五 08:30–17:00；周六 09:00–12:00". */
export function openingHoursText(hours) {
  if (!hours?.length) return "未公布开放时间";
  const byDay = new Map();
  for (const entry of [...hours].sort((a, b) => a.weekday - b.weekday)) {
    const span = `${entry.opens}–${entry.closes}`;
    byDay.set(
      entry.weekday,
      byDay.has(entry.weekday) ? `${byDay.get(entry.weekday)}、${span}` : span,
    );
  }
  const days = [...byDay.keys()];
  const spans = new Set(byDay.values());
  if (days.length === 7 && spans.size === 1) return `每天 ${[...spans][0]}`;
  const groups = [];
  for (const day of days) {
    const last = groups.at(-1);
    if (last && last.to === day - 1 && last.span === byDay.get(day)) last.to = day;
    else groups.push({ from: day, to: day, span: byDay.get(day) });
  }
  return groups
    .map((g) => {
      const label =
        g.from === g.to
          ? WEEKDAY_LABELS[g.from]
          : `${WEEKDAY_LABELS[g.from]}至${WEEKDAY_LABELS[g.to]}`;
      return `${label} ${g.span}`;
    })
    .join("；");
}
