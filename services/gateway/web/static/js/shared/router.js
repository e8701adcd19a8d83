// A small hash router: "#/ops/trace/<id>?x=1". Patterns use ":name" for one segment
// and "*name" for the rest of the path (site paths contain slashes).

function compile(pattern) {
  const names = [];
  const source = pattern
    .split("/")
    .map((part) => {
      if (part.startsWith(":")) {
        names.push(part.slice(1));
        return "([^/]+)";
      }
      if (part.startsWith("*")) {
        names.push(part.slice(1));
        return "(.*)";
      }
      return part.replace(/[.+?^${}()|[\]\\]/g, "\\$&");
    })
    .join("/");
  return { regex: new RegExp(`^${source}/?$`), names };
}

export function parseHash(hash = location.hash) {
  const text = hash.replace(/^#/, "") || "/";
  const [path, search = ""] = text.split("?");
  return { path: path.startsWith("/") ? path : `/${path}`, query: new URLSearchParams(search) };
}

/**
 * createRouter([[pattern, view], …], {fallback, before}) — `view(params, query)` renders;
 * `before(path)` may return a path to go to instead (e.g. the sign-in page).
 */
export function createRouter(routes, { fallback = "/", before = null } = {}) {
  const table = routes.map(([pattern, view]) => ({ ...compile(pattern), view }));

  function match(path) {
    for (const route of table) {
      const found = route.regex.exec(path);
      if (found) {
        const params = {};
        route.names.forEach((name, i) => (params[name] = decodeURIComponent(found[i + 1] ?? "")));
        return { route, params };
      }
    }
    return null;
  }

  function resolve() {
    const { path, query } = parseHash();
    const redirect = before?.(path);
    if (redirect && redirect !== path) return replace(redirect);
    const found = match(path);
    if (!found) return replace(fallback);
    return found.route.view(found.params, query);
  }

  function replace(path) {
    history.replaceState(history.state, "", `#${path}`);
    return resolve();
  }

  return {
    start() {
      window.addEventListener("hashchange", resolve);
      return resolve();
    },
    go(path) {
      if (location.hash === `#${path}`) return resolve();
      location.hash = path;
      return undefined;
    },
    replace,
    reload: resolve,
    current: () => parseHash(),
  };
}
