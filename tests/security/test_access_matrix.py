"""Who may call what — generated from the gateway's own routes.

Static: every route declares its access with `allow(...)` or `public()`; a route that
forgets both fails here by name. Dynamic: every route is called through the running
gateway by a caller of every role (and by nobody), at the role's level of a site tree
of this module's own; the answer must match what the route declares. Then objects of
a sibling subtree (another station, another institute) answer 404 — never 403, never
data — while their owner still reaches them.

Requests are derived from the OpenAPI document: path parameters by name (the module's
own objects), required query parameters and request bodies from their schemas, with a
few hand-made bodies below where a schema-minimal one could not reach the service. A
new route is covered the moment it exists.
"""

from __future__ import annotations

import asyncio
import re
import tempfile
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import APIRouter, Depends

from services.contracts.identity import ADMIN_ROLES, Caller, Role
from services.gateway.app import create_app
from services.gateway.auth import Admin, public
from services.runtime import tokens
from tests.support.accounts import (
    ADMIN_OF_DEPTH,
    PASSWORD,
    Tree,
    as_role,
    build_tree,
    child_kind,
    client,
    depth,
    new_phone,
    unique,
)
from tests.support.gateway import (
    Access,
    Endpoint,
    access_table,
    endpoints,
    settings_for,
    undeclared_routes,
)
from tests.support.platform import Platform

# The app as configured, for collection: routes and OpenAPI need no bus.
_KEYS_DIR = tempfile.TemporaryDirectory(prefix="wenming-matrix-")
STATIC_APP = create_app(settings_for(Path(_KEYS_DIR.name)))
OPENAPI: dict[str, Any] = STATIC_APP.openapi()
ENDPOINTS = {endpoint.key: endpoint for endpoint in endpoints(STATIC_APP)}
ACCESS = access_table(STATIC_APP)
CALLERS: list[Role | None] = [None, *Role]

# The gateway's own refusals (services/gateway/auth.py): these mean "the access check said no".
AUTH_CODES = {"unauthenticated", "invalid_token"}
ROLE_REFUSAL = "your role may not do this"


# -- static ----------------------------------------------------------------------------------


def test_every_route_declares_who_may_call_it() -> None:
    assert ENDPOINTS, "no routes found: has the app's routing changed?"
    missing = undeclared_routes(STATIC_APP)
    assert not missing, f"routes without allow(...) or public(): {missing}"


def test_the_checker_flags_a_route_that_declares_nothing(tmp_path: Path) -> None:
    app = create_app(settings_for(tmp_path))
    assert undeclared_routes(app) == []

    async def forgotten() -> dict[str, str]:
        return {"secret": "x"}

    app.add_api_route("/api/v1/forgotten", forgotten, methods=["GET"])
    router = APIRouter(prefix="/api/v1/nested")
    router.add_api_route("/also-forgotten", forgotten, methods=["POST"])
    app.include_router(router)
    assert undeclared_routes(app) == ["GET /api/v1/forgotten", "POST /api/v1/nested/also-forgotten"]


def test_the_checker_finds_declarations_wherever_they_hang(tmp_path: Path) -> None:
    app = create_app(settings_for(tmp_path))

    async def endpoint() -> None:
        return None

    async def admin_only(caller: Admin) -> None:
        return None

    router = APIRouter(prefix="/api/v1/declared", dependencies=[public()])
    router.add_api_route("/by-router", endpoint, methods=["GET"])
    app.include_router(router)
    app.add_api_route("/api/v1/declared/by-route", endpoint, dependencies=[public()])
    app.add_api_route("/api/v1/declared/by-parameter", admin_only)

    async def nested(_: None = Depends(admin_only)) -> None:
        return None

    app.add_api_route("/api/v1/declared/nested", nested)
    table = access_table(app)
    assert undeclared_routes(app) == []
    assert table["GET /api/v1/declared/by-router"] == Access(None)
    assert table["GET /api/v1/declared/by-route"] == Access(None)
    assert table["GET /api/v1/declared/by-parameter"] == Access(frozenset(ADMIN_ROLES))
    assert table["GET /api/v1/declared/nested"] == Access(frozenset(ADMIN_ROLES))


# Coarse policy per area; a route may admit fewer roles, never more.
POLICY: list[tuple[str, frozenset[Role]]] = [
    ("/api/v1/ops/", frozenset({Role.ops})),
    ("/api/v1/accounts", frozenset(ADMIN_ROLES)),
    ("/api/v1/kiosk-devices", frozenset(ADMIN_ROLES)),
    ("POST /api/v1/sites", frozenset(ADMIN_ROLES)),
    ("PATCH /api/v1/sites", frozenset(ADMIN_ROLES)),
    ("POST /api/v1/content", frozenset(ADMIN_ROLES)),
    ("/api/v1/", frozenset(Role)),
]
PUBLIC_API = {
    "GET /api/v1/sites/public",
    "GET /api/v1/catalog/hot",
    "GET /api/v1/catalog/hot-terms",
    "POST /api/v1/auth/admin/sign-in",
    "POST /api/v1/auth/phone/code",
    "POST /api/v1/auth/phone/sign-in",
    "POST /api/v1/auth/kiosk/sign-in",
    "POST /api/v1/auth/refresh",
}


def test_declared_access_stays_within_the_policy() -> None:
    wider: list[str] = []
    for key, access in ACCESS.items():
        path = key.split(" ", 1)[1]
        if not path.startswith("/api/"):
            continue
        if access.public:
            if key not in PUBLIC_API:
                wider.append(f"{key} is public")
            continue
        assert access.roles is not None
        for prefix, allowed in POLICY:
            if key.startswith(prefix) or path.startswith(prefix):
                if not access.roles <= allowed:
                    wider.append(f"{key} admits {sorted(access.roles - allowed)}")
                break
    assert not wider, wider


# -- the module's world: a tree, and objects made on demand on either side -----------------


@dataclass(frozen=True)
class Who:
    role: Role
    where: Callable[[Tree], str]


STATION_ADMIN = Who(Role.station_admin, lambda t: t.station)
RESIDENT = Who(Role.resident, lambda t: t.station)
INSTITUTE_ADMIN = Who(Role.institute_admin, lambda t: t.institute)
SIBLING_STATION_ADMIN = Who(Role.station_admin, lambda t: t.sibling_station)
SIBLING_RESIDENT = Who(Role.resident, lambda t: t.sibling_station)
SIBLING_INSTITUTE_ADMIN = Who(Role.institute_admin, lambda t: t.sibling_institute)
PUBLISHER = Who(Role.center_admin, lambda t: t.center)


def station(tree: Tree, sibling: bool) -> str:
    return tree.sibling_station if sibling else tree.station


@dataclass(frozen=True)
class Maker:
    """How the object behind a `{param}` is made at one station (or its sibling)."""

    creator: Callable[[bool], Who]  # sibling? → who makes it, and owns it
    body: Callable[[World, str], Any] | None = None  # (world, the station) → POST body


# Objects are made by a station admin of their station, with the collection's POST body
# (BODIES, else the schema's minimum), unless said otherwise here.
MAKERS: dict[str, Maker] = {
    # Published by the center to one station only (seed 000: content pushed downward).
    "content_id": Maker(
        lambda sibling: PUBLISHER,
        lambda w, at: {
            "title": "只发给一个站点",
            "section": "culture",
            "kind": "article",
            "scope": at,
        },
    ),
    # A station admin, created by their institute's admin.
    "account_id": Maker(
        lambda sibling: SIBLING_INSTITUTE_ADMIN if sibling else INSTITUTE_ADMIN,
        lambda w, at: {
            "username": unique("s"),
            "display_name": "站点管理员",
            "role": "station_admin",
            "site": at,
            "password": PASSWORD,
        },
    ),
}
DEFAULT_MAKER = Maker(lambda sibling: SIBLING_STATION_ADMIN if sibling else STATION_ADMIN)


def object_params(endpoint: Endpoint) -> list[str]:
    """Path parameters naming an object that lives at a site (not trace ids, media hashes)."""
    names = re.findall(r"{(\w+)}", endpoint.path)
    return [n for n in names if n.endswith("_id") and n not in PATH_VALUES]


@dataclass
class World:
    platform: Platform
    tree: Tree
    objects: dict[tuple[str, bool], str] = field(default_factory=dict)
    failures: dict[tuple[str, bool], str] = field(default_factory=dict)
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    async def make(self, param: str, collection: str, sibling: bool) -> str | None:
        """The id of a `param` object at the (sibling) station, made on first use."""
        key = (param, sibling)
        async with self.lock:
            if key not in self.objects and key not in self.failures:
                await self._create(param, collection, sibling)
        return self.objects.get(key)

    async def _create(self, param: str, collection: str, sibling: bool) -> None:
        maker = MAKERS.get(param, DEFAULT_MAKER)
        who = maker.creator(sibling)
        at = station(self.tree, sibling)
        post = f"POST {collection}"
        if maker.body is not None:
            body = maker.body(self, at)
        elif post in BODIES:
            body = BODIES[post](self, who.role, at)
        elif post in ENDPOINTS:
            request_body = operation(ENDPOINTS[post])["requestBody"]
            body = minimal(request_body["content"]["application/json"]["schema"])
        else:
            self.failures[(param, sibling)] = f"no {post} to make a {param} with"
            return
        async with as_role(self.platform, who.role, who.where(self.tree)) as http:
            response = await http.post(collection, json=body)
        found = _id_in(response.json()) if response.status_code == 201 else None
        if found is None:
            self.failures[(param, sibling)] = f"{post} as {who.role}: {response.text[:300]}"
        else:
            self.objects[(param, sibling)] = found


def _id_in(body: Any) -> str | None:
    if isinstance(body, dict):
        if isinstance(body.get("id"), str):
            return str(body["id"])
        for value in body.values():
            if isinstance(value, dict) and isinstance(value.get("id"), str):
                return str(value["id"])
    return None


@pytest.fixture(scope="module")
async def world(platform: Platform) -> World:
    return World(platform, await build_tree(platform))


# -- requests derived from the OpenAPI document ---------------------------------------------


@dataclass(frozen=True)
class Call:
    method: str
    path: str
    params: dict[str, Any]
    body: Any = None
    has_body: bool = False


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = OPENAPI["components"]["schemas"][name]
    return schema


def minimal(schema: dict[str, Any]) -> Any:
    """The smallest value a schema accepts, as far as a guess goes (else the service says 422)."""
    schema = _resolve(schema)
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            options = [s for s in schema[key] if _resolve(s).get("type") != "null"]
            return minimal(options[0]) if options else None
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "object":
        return {name: minimal(schema["properties"][name]) for name in schema.get("required", [])}
    if kind == "array":
        return []
    if kind == "boolean":
        return False
    if kind in ("integer", "number"):
        return schema.get("minimum", 1)
    if schema.get("format") == "date-time":
        return (datetime.now(UTC) + timedelta(days=30)).isoformat()
    return "测试" * max(1, schema.get("minLength", 1))


def site_of(world: World, role: Role | None) -> str:
    return world.tree.site_of(role) if role is not None else world.tree.station


def refresh_token(world: World) -> str:
    caller = Caller(sub="nobody", role=Role.resident, site=world.tree.station)
    extra = {"sid": str(uuid.uuid4()), "rid": str(uuid.uuid4())}
    return tokens.mint(world.platform.keys, caller, kind="refresh", extra=extra)


def new_admin(world: World, role: Role | None, site: str) -> dict[str, Any]:
    below = ADMIN_OF_DEPTH.get(depth(site) + 1, Role.station_admin)
    return {
        "username": unique("m"),
        "display_name": "矩阵测试",
        "role": below.value,
        "site": world.tree.site_of(below),
        "password": PASSWORD,
    }


# Bodies a schema-minimal guess would not get past validation, or would make too costly:
# (world, the caller's role, the caller's site) → body.
BODIES: dict[str, Callable[[World, Role | None, str], Any]] = {
    "POST /api/v1/sites": lambda w, r, site: {
        "parent": site,
        "code": unique(),
        "name": "矩阵测试站点",
        "kind": child_kind(site).value,
        "region_code": "320582",
    },
    "PATCH /api/v1/sites/detail": lambda w, r, site: {"path": w.tree.point, "address": "矩阵地址"},
    "POST /api/v1/accounts": new_admin,
    "POST /api/v1/accounts/{account_id}/password": lambda w, r, site: {"new_password": PASSWORD},
    "POST /api/v1/kiosk-devices": lambda w, r, site: {
        "station": w.tree.station if depth(site) < 4 else site,
        "name": "矩阵一体机",
    },
    "POST /api/v1/content": lambda w, r, site: {
        "title": "矩阵测试内容",
        "section": "health",
        "kind": "article",
    },
    "POST /api/v1/auth/admin/sign-in": lambda w, r, site: {
        "username": unique("nobody."),
        "password": "not-the-password",
    },
    "POST /api/v1/auth/phone/code": lambda w, r, site: {"phone": new_phone()},
    "POST /api/v1/auth/phone/sign-in": lambda w, r, site: {"phone": new_phone(), "code": "000000"},
    "POST /api/v1/auth/kiosk/sign-in": lambda w, r, site: {"device_token": "wmk_" + "x" * 40},
    "POST /api/v1/auth/refresh": lambda w, r, site: {"refresh_token": refresh_token(w)},
    "POST /api/v1/auth/password": lambda w, r, site: {
        "old_password": "not-the-password",
        "new_password": "another-long-passphrase",
    },
}
# Path parameters that name no object of ours.
PATH_VALUES = {
    "trace_id": "0" * 32,
    "sequence": "999999999",  # a dead letter nobody has: never replays a real one
    "media_id": "0" * 32,
}


def operation(endpoint: Endpoint) -> dict[str, Any]:
    if not endpoint.in_schema:
        return {}
    found: dict[str, Any] = OPENAPI["paths"][endpoint.path].get(endpoint.method.lower(), {})
    return found


def collection_of(endpoint: Endpoint, param: str) -> str:
    return endpoint.path.split("/{" + param + "}", 1)[0]


async def call_for(
    world: World, endpoint: Endpoint, role: Role | None, *, sibling: bool = False
) -> Call:
    """A request to `endpoint` as `role` would make it; objects from the (sibling) station."""
    op = operation(endpoint)
    site = site_of(world, role)
    path = endpoint.path
    for name in re.findall(r"{(\w+)}", path):
        value = PATH_VALUES.get(name)
        if value is None and name.endswith("_id"):
            value = await world.make(name, collection_of(endpoint, name), sibling)
        path = path.replace("{" + name + "}", value or str(uuid.uuid4()))
    params = {
        p["name"]: site if p["name"] == "path" else minimal(p["schema"])
        for p in op.get("parameters", [])
        if p["in"] == "query" and p.get("required")
    }
    content = op.get("requestBody", {}).get("content", {})
    if endpoint.key in BODIES:
        return Call(endpoint.method, path, params, BODIES[endpoint.key](world, role, site), True)
    if "application/json" in content:
        body = minimal(content["application/json"]["schema"])
        return Call(endpoint.method, path, params, body, True)
    return Call(endpoint.method, path, params)


async def send(http: httpx.AsyncClient, call: Call) -> httpx.Response:
    if call.has_body:
        return await http.request(call.method, call.path, params=call.params, json=call.body)
    return await http.request(call.method, call.path, params=call.params)


def refusal(response: httpx.Response) -> str | None:
    """Why the gateway's access check refused, or None when it did not."""
    if response.status_code not in (401, 403):
        return None
    try:
        error = response.json()["error"]
    except (ValueError, KeyError, TypeError):
        return f"{response.status_code} without the error body"
    if response.status_code == 401 and error["code"] in AUTH_CODES:
        return "unauthenticated"
    if response.status_code == 403 and error["message_en"] == ROLE_REFUSAL:
        return "role"
    return None


def violation(access: Access, role: Role | None, response: httpx.Response) -> str | None:
    status, why = response.status_code, refusal(response)
    if access.admits(role):
        return None if why is None else f"admitted, refused ({status} {why})"
    if role is None:
        return None if (status, why) == (401, "unauthenticated") else f"anonymous got {status}"
    return None if (status, why) == (403, "role") else f"refused role got {status} {why}"


@pytest.fixture(scope="module")
async def callers(world: World) -> AsyncIterator[dict[Role | None, httpx.AsyncClient]]:
    """A client per caller, each from its own address (its own per-route rate limits)."""
    opened: dict[Role | None, httpx.AsyncClient] = {}
    for role in CALLERS:
        token = (
            world.platform.token(role, site_of(world, role), sub=f"matrix-{role.value}")
            if role
            else None
        )
        opened[role] = client(world.platform, token)
    yield opened
    for http in opened.values():
        await http.aclose()


@pytest.mark.parametrize("key", sorted(ENDPOINTS))
async def test_every_role_gets_what_the_route_declares(
    world: World, callers: dict[Role | None, httpx.AsyncClient], key: str
) -> None:
    endpoint, access = ENDPOINTS[key], ACCESS[key]

    async def attempt(role: Role | None) -> str | None:
        response = await send(callers[role], await call_for(world, endpoint, role))
        problem = violation(access, role, response)
        return f"{role}: {problem}: {response.text[:200]}" if problem else None

    problems = [p for p in await asyncio.gather(*(attempt(r) for r in CALLERS)) if p]
    assert not problems, f"{key}:\n" + "\n".join(problems)


# -- siblings: another subtree's objects answer 404 ------------------------------------------


@dataclass(frozen=True)
class Sibling:
    """`build` aims at the sibling subtree: its strangers get 404, its owner does not."""

    name: str
    build: Callable[[World], Awaitable[Call]]
    strangers: tuple[Who, ...]
    owner: Who


def _object_case(key: str, endpoint: Endpoint) -> Sibling:
    access = ACCESS[key]
    param = object_params(endpoint)[-1]
    if param == "content_id":
        # Published to the sibling station only: its residents read it, ours do not.
        strangers = tuple(w for w in (STATION_ADMIN, RESIDENT) if access.admits(w.role))
        owner = SIBLING_RESIDENT if access.admits(Role.resident) else PUBLISHER
    else:
        mine = MAKERS.get(param, DEFAULT_MAKER)
        strangers = (mine.creator(False),)
        if access.admits(Role.resident) and mine is DEFAULT_MAKER:
            strangers = (*strangers, RESIDENT)
        owner = mine.creator(True)

    async def build(world: World) -> Call:
        made = await world.make(param, collection_of(endpoint, param), True)
        assert made, f"could not make a sibling {param}: {world.failures.get((param, True))}"
        return await call_for(world, endpoint, owner.role, sibling=True)

    return Sibling(key, build, strangers, owner)


def _query(
    method: str, url: str, **params: Callable[[World], str]
) -> Callable[[World], Awaitable[Call]]:
    async def build(world: World) -> Call:
        return Call(method, url, {k: v(world) for k, v in params.items()})

    return build


async def _patch_sibling_station(world: World) -> Call:
    body = {"path": world.tree.sibling_station, "address": "同级修改"}
    return Call("PATCH", "/api/v1/sites/detail", {}, body, True)


SIBLINGS: list[Sibling] = [
    *(
        _object_case(key, endpoint)
        for key, endpoint in sorted(ENDPOINTS.items())
        if object_params(endpoint) and not ACCESS[key].public
    ),
    Sibling(
        "GET /api/v1/sites/detail (a sibling station)",
        _query("GET", "/api/v1/sites/detail", path=lambda w: w.tree.sibling_station),
        (STATION_ADMIN, RESIDENT, INSTITUTE_ADMIN),
        SIBLING_STATION_ADMIN,
    ),
    Sibling(
        "PATCH /api/v1/sites/detail (a sibling station)",
        _patch_sibling_station,
        (INSTITUTE_ADMIN,),
        SIBLING_INSTITUTE_ADMIN,
    ),
    Sibling(
        "GET /api/v1/sites (under a sibling institute)",
        _query("GET", "/api/v1/sites", under=lambda w: w.tree.sibling_institute),
        (INSTITUTE_ADMIN, STATION_ADMIN),
        SIBLING_INSTITUTE_ADMIN,
    ),
    Sibling(
        "GET /api/v1/sites/qr.svg (a sibling station)",
        _query("GET", "/api/v1/sites/qr.svg", path=lambda w: w.tree.sibling_station),
        (STATION_ADMIN, INSTITUTE_ADMIN),
        SIBLING_STATION_ADMIN,
    ),
    Sibling(
        "GET /api/v1/accounts (under a sibling station)",
        _query("GET", "/api/v1/accounts", under=lambda w: w.tree.sibling_station),
        (STATION_ADMIN, INSTITUTE_ADMIN),
        SIBLING_STATION_ADMIN,
    ),
    Sibling(
        "GET /api/v1/kiosk-devices (under a sibling station)",
        _query("GET", "/api/v1/kiosk-devices", under=lambda w: w.tree.sibling_station),
        (STATION_ADMIN, INSTITUTE_ADMIN),
        SIBLING_STATION_ADMIN,
    ),
    Sibling(
        "GET /api/v1/stats/site (a sibling station)",
        _query("GET", "/api/v1/stats/site", site=lambda w: w.tree.sibling_station),
        (STATION_ADMIN, RESIDENT, INSTITUTE_ADMIN),
        SIBLING_STATION_ADMIN,
    ),
    Sibling(
        "GET /api/v1/stats/site (a sibling institute)",
        _query("GET", "/api/v1/stats/site", site=lambda w: w.tree.sibling_institute),
        (INSTITUTE_ADMIN, STATION_ADMIN),
        SIBLING_INSTITUTE_ADMIN,
    ),
]

# Sibling cases pinned as known bugs (xfail, strict) until they are fixed.
KNOWN_BUGS: dict[str, str] = {}


def _param(case: Sibling) -> Any:
    if case.name in KNOWN_BUGS:
        return pytest.param(
            case, id=case.name, marks=pytest.mark.xfail(strict=True, reason=KNOWN_BUGS[case.name])
        )
    return pytest.param(case, id=case.name)


@pytest.mark.parametrize("case", [_param(case) for case in SIBLINGS])
async def test_a_sibling_subtree_answers_404_and_its_owner_does_not(
    world: World, case: Sibling
) -> None:
    call = await case.build(world)
    for stranger in case.strangers:
        site = stranger.where(world.tree)
        async with as_role(world.platform, stranger.role, site) as http:
            response = await send(http, call)
        assert response.status_code == 404, (stranger.role, site, response.text)
        assert response.json()["error"]["code"] == "not_found"
    site = case.owner.where(world.tree)
    async with as_role(world.platform, case.owner.role, site) as http:
        response = await send(http, call)
    assert response.status_code != 404, (case.owner.role, site, response.text)
    assert response.status_code < 500, response.text


@pytest.mark.parametrize(
    ("name", "who", "body_of"),
    [
        (
            "POST /api/v1/sites",
            STATION_ADMIN,
            lambda w: {
                "parent": w.tree.sibling_station,
                "code": unique(),
                "name": "越界站点",
                "kind": "point",
                "region_code": "320582",
            },
        ),
        (
            "POST /api/v1/accounts",
            INSTITUTE_ADMIN,
            lambda w: {
                "username": unique("x"),
                "display_name": "越界账号",
                "role": "station_admin",
                "site": w.tree.sibling_station,
                "password": PASSWORD,
            },
        ),
        (
            "POST /api/v1/kiosk-devices",
            STATION_ADMIN,
            lambda w: {"station": w.tree.sibling_station, "name": "越界一体机"},
        ),
    ],
)
async def test_nothing_is_created_in_a_sibling_subtree(
    world: World, name: str, who: Who, body_of: Callable[[World], dict[str, Any]]
) -> None:
    method, path = name.split(" ", 1)
    async with as_role(world.platform, who.role, who.where(world.tree)) as http:
        response = await http.request(method, path, json=body_of(world))
    assert response.status_code in (403, 404), response.text
