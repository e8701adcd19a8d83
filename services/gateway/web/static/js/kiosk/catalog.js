// Where the kiosk's lists come from. The catalog's section, hot-list and search APIs
// are not served yet, so each loader answers null ("not available yet") and the screen
// shows 内容即将上线. Once they exist, a loader returns an array of items:
//   {id, title, kind: "video"|"audio"|"article"|"link"|"series", why_hot?: "本周播放 120 次"}
// and the screen renders them as focusable tiles (see screens.js, itemTiles).

export async function sectionItems(_api, _section) {
  return null;
}

export async function hotItems(_api) {
  return null;
}

export async function searchItems(_api, _initials) {
  return null;
}

export async function contentItem(api, id) {
  return api.get(`/api/v1/content/${encodeURIComponent(id)}`);
}
