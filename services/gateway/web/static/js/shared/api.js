// The JSON API client shared by all three pages: bearer tokens kept in localStorage,
// one refresh (then one retry) when a call answers 401, a refresh shortly before the
// access token expires, and errors carrying the API's Chinese message (error.message_zh)
// and request id.

const TIMEOUT_MS = 20_000;

export class ApiError extends Error {
  constructor(status, error = {}, retryAfter = null) {
    super(error.message_zh || `请求失败（HTTP ${status}）`);
    this.status = status;
    this.code = error.code || `http_${status}`;
    this.requestId = error.request_id || null;
    this.details = error.details || null;
    this.retryAfter = retryAfter ?? error.details?.find?.((d) => d.retry_after_s)?.retry_after_s;
  }
}

const NETWORK_DOWN = { code: "network", message_zh: "网络连接失败，请检查网络后重试" };
const TIMED_OUT = { code: "timeout", message_zh: "请求超时，请稍后重试" };

function newKey() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
}

function withQuery(path, query) {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === null || value === undefined || value === "") continue;
    params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

/**
 * createApi({storageKey, reauthenticate, onSignedOut})
 *  - reauthenticate(): optional; when the refresh token is refused, returns a new token
 *    pair (the kiosk signs in again with its device token) or throws.
 *  - onSignedOut(error): the session is gone (tokens cleared); `error` is why.
 */
export function createApi({ storageKey, reauthenticate = null, onSignedOut = () => {} }) {
  let timer = null;
  let renewing = null;

  const store = {
    read() {
      try {
        return JSON.parse(localStorage.getItem(storageKey));
      } catch {
        return null;
      }
    },
    save(pair) {
      const tokens = {
        access_token: pair.access_token,
        refresh_token: pair.refresh_token ?? null,
        expires_at: Date.now() + (pair.expires_in ?? 900) * 1000,
        caller: pair.caller ?? null,
        display_name: pair.display_name ?? "",
      };
      localStorage.setItem(storageKey, JSON.stringify(tokens));
      schedule(tokens);
      return tokens;
    },
    clear() {
      localStorage.removeItem(storageKey);
      clearTimeout(timer);
    },
  };

  function schedule(tokens) {
    clearTimeout(timer);
    if (!tokens?.refresh_token && !reauthenticate) return;
    // Renew a minute before expiry (at least 2 s from now).
    const wait = Math.max(2_000, tokens.expires_at - Date.now() - 60_000);
    timer = setTimeout(() => renew(tokens.access_token).catch(() => {}), wait);
  }

  async function send(
    method,
    path,
    { body, form, query, headers = {}, auth = true, key, keepalive = false },
    access,
  ) {
    // keepalive: the request outlives the page (a player's last report as the tab closes).
    const init = { method, keepalive, headers: { Accept: "application/json", ...headers } };
    if (form !== undefined) {
      init.body = form; // FormData: the browser sets the multipart boundary
    } else if (body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    if (auth && access) init.headers.Authorization = `Bearer ${access}`;
    if (key) init.headers["Idempotency-Key"] = key;
    const abort = new AbortController();
    const timeout = setTimeout(() => abort.abort(), TIMEOUT_MS);
    init.signal = abort.signal;
    try {
      return await fetch(withQuery(path, query), init);
    } catch (error) {
      throw new ApiError(0, error?.name === "AbortError" ? TIMED_OUT : NETWORK_DOWN);
    } finally {
      clearTimeout(timeout);
    }
  }

  async function failure(response) {
    let error = {};
    try {
      error = (await response.json()).error ?? {};
    } catch {
      error = {};
    }
    const header = response.headers.get("Retry-After");
    return new ApiError(response.status, error, header ? Number(header) : null);
  }

  async function refreshWith(current) {
    if (current?.refresh_token) {
      const response = await send("POST", "/api/v1/auth/refresh", {
        body: { refresh_token: current.refresh_token },
        auth: false,
      });
      if (response.ok) return store.save(await response.json());
      if (response.status !== 401) throw await failure(response);
    }
    if (reauthenticate) return store.save(await reauthenticate());
    throw new ApiError(401, { code: "session_ended", message_zh: "登录已失效，请重新登录" });
  }

  /** New tokens unless someone (this tab or another) already replaced `failedAccess`. */
  function renew(failedAccess) {
    renewing ||= (async () => {
      const run = async () => {
        const current = store.read();
        if (current && current.access_token !== failedAccess) return current;
        try {
          return await refreshWith(current);
        } catch (error) {
          if (error.status === 401) {
            store.clear();
            onSignedOut(error);
          }
          throw error;
        }
      };
      // Tabs of one browser take turns, so one refresh token is never presented twice.
      return navigator.locks ? navigator.locks.request(`renew:${storageKey}`, run) : run();
    })().finally(() => {
      renewing = null;
    });
    return renewing;
  }

  async function request(method, path, options = {}) {
    const opts = { ...options, key: options.idempotent ? newKey() : undefined };
    const tokens = opts.auth === false ? null : store.read();
    let response = await send(method, path, opts, tokens?.access_token);
    if (response.status === 401 && tokens) {
      const renewed = await renew(tokens.access_token);
      response = await send(method, path, opts, renewed.access_token);
      if (response.status === 401) {
        store.clear();
        const error = await failure(response);
        onSignedOut(error);
        throw error;
      }
    }
    if (!response.ok) throw await failure(response);
    if (opts.raw) return response;
    if (response.status === 204) return null;
    const text = await response.text(); // 202 (accepted) may come without a body
    return text ? JSON.parse(text) : null;
  }

  return {
    request,
    get: (path, query) => request("GET", path, { query }),
    post: (path, body, opts = {}) => request("POST", path, { body, idempotent: true, ...opts }),
    patch: (path, body) => request("PATCH", path, { body }),
    del: (path) => request("DELETE", path),
    /** POST a FormData body (file uploads: multipart/form-data). */
    upload: (path, form) => request("POST", path, { form, idempotent: true }),
    async blob(path, query) {
      return (await request("GET", path, { query, raw: true })).blob();
    },
    /** POST a sign-in body; keeps and returns the token pair. */
    async signIn(path, body) {
      return store.save(await request("POST", path, { body, auth: false }));
    },
    async logout() {
      try {
        if (store.read()) await request("POST", "/api/v1/auth/logout");
      } finally {
        store.clear();
      }
    },
    tokens: () => store.read(),
    save: (pair) => store.save(pair),
    clear: () => store.clear(),
    /** Re-arm the refresh timer after a page load. */
    resume() {
      const tokens = store.read();
      if (tokens) schedule(tokens);
      return tokens;
    },
  };
}
