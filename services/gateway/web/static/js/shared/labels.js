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
  series: "系列课",
};

export const siteDepth = (path) => path.split("/").length - 1;
export const siteKindOf = (path) => SITE_KINDS[siteDepth(path)];
