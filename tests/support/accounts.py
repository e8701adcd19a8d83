"""Accounts through the real gateway: a site tree of one's own, admins, phone codes, clients.

The gateway limits sign-ins per client address (10 admin sign-ins a minute) and the
accounts service limits codes per client address (20 an hour). Every client here
connects from its own loopback address (127.x.y.z, all of 127/8 is local on Linux), so
one test's sign-ins never eat another's allowance; the limits themselves are tested in
tests/security/test_limits.py.
"""

from __future__ import annotations

import itertools
import json
import re
import secrets
import uuid
from dataclasses import dataclass, field
from typing import Any

import httpx

from services.contracts.accounts import SiteKind
from services.contracts.identity import Role
from tests.support.platform import Platform, eventually

ROOT = "320000"
PASSWORD = "correct-horse-battery"
_addresses = itertools.count(2)


def loopback() -> str:
    """A client address no other client of this test session uses (never 127.0.0.1)."""
    n = next(_addresses)
    while n & 255 in (0, 255):
        n = next(_addresses)
    return f"127.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}"


def unique(prefix: str = "t") -> str:
    """A site code or username part no other test uses (the platform is shared)."""
    return f"{prefix}{uuid.uuid4().hex[:10]}"


def new_phone() -> str:
    return f"13{secrets.randbelow(9) + 1}{secrets.randbelow(10**8):08d}"


def client(
    platform: Platform, token: str | None = None, *, address: str | None = None
) -> httpx.AsyncClient:
    """An HTTP client of the running gateway, from its own loopback address."""
    transport = httpx.AsyncHTTPTransport(local_address=address or loopback())
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.AsyncClient(
        base_url=platform.stack.gateway_url, headers=headers, timeout=15.0, transport=transport
    )


def as_role(platform: Platform, role: Role, site: str, sub: str | None = None) -> httpx.AsyncClient:
    """A client carrying a minted token (no session behind it) of `role` at `site`."""
    return client(platform, platform.token(role, site, sub=sub or unique(f"{role.value}-")))


def error_of(response: httpx.Response) -> dict[str, Any]:
    body = response.json()
    assert "error" in body, response.text
    error: dict[str, Any] = body["error"]
    return error


# -- a site tree of one's own --------------------------------------------------------

KIND_BY_DEPTH = list(SiteKind)
ADMIN_OF_DEPTH = {
    0: Role.provincial_admin,
    1: Role.municipal_admin,
    2: Role.center_admin,
    3: Role.institute_admin,
    4: Role.station_admin,
}


def depth(path: str) -> int:
    return path.count("/")


def child_kind(parent: str) -> SiteKind:
    return KIND_BY_DEPTH[depth(parent) + 1]


async def create_site(
    platform: Platform, parent: str, *, code: str | None = None, name: str | None = None
) -> str:
    """Create a site below `parent` (as the provincial admin) and return its path."""
    code = code or unique()
    body = {
        "parent": parent,
        "code": code,
        "name": name or f"测试{child_kind(parent).value}{code[-4:]}",
        "kind": child_kind(parent).value,
        "region_code": "320582",
    }
    async with as_role(platform, Role.provincial_admin, ROOT) as admin:
        response = await admin.post("/api/v1/sites", json=body)
    assert response.status_code == 201, response.text
    path: str = response.json()["path"]
    return path


@dataclass(frozen=True)
class Tree:
    """province → city → center → institute → station → point, each with a sibling."""

    city: str
    center: str
    institute: str
    station: str
    point: str
    sibling_city: str
    sibling_center: str
    sibling_institute: str
    sibling_station: str
    root: str = ROOT

    def site_of(self, role: Role) -> str:
        """Where a caller of `role` sits in this tree."""
        return {
            Role.provincial_admin: self.root,
            Role.ops: self.root,
            Role.municipal_admin: self.city,
            Role.center_admin: self.center,
            Role.institute_admin: self.institute,
        }.get(role, self.station)

    def sibling_of(self, role: Role) -> str | None:
        """The same level in another subtree (none for the province)."""
        return {
            Role.provincial_admin: None,
            Role.ops: None,
            Role.municipal_admin: self.sibling_city,
            Role.center_admin: self.sibling_center,
            Role.institute_admin: self.sibling_institute,
        }.get(role, self.sibling_station)


async def build_tree(platform: Platform) -> Tree:
    city = await create_site(platform, ROOT)
    center = await create_site(platform, city)
    institute = await create_site(platform, center)
    station = await create_site(platform, institute)
    point = await create_site(platform, station)
    sibling_institute = await create_site(platform, center)
    return Tree(
        city=city,
        center=center,
        institute=institute,
        station=station,
        point=point,
        sibling_city=await create_site(platform, ROOT),
        sibling_center=await create_site(platform, city),
        sibling_institute=sibling_institute,
        sibling_station=await create_site(platform, sibling_institute),
    )


# -- admins ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Admin:
    id: str
    username: str
    password: str
    role: Role
    site: str


async def create_admin(
    platform: Platform, role: Role, site: str, *, password: str = PASSWORD
) -> Admin:
    """A real admin account at `site`, created by the provincial admin."""
    username = unique("u")
    body = {
        "username": username,
        "display_name": f"测试{role.value}",
        "role": role.value,
        "site": site,
        "password": password,
    }
    async with as_role(platform, Role.provincial_admin, ROOT) as admin:
        response = await admin.post("/api/v1/accounts", json=body)
    assert response.status_code == 201, response.text
    return Admin(response.json()["id"], username, password, role, site)


@dataclass
class Tokens:
    """What a sign-in answered: the token pair and the whole body."""

    access_token: str
    refresh_token: str
    body: dict[str, Any] = field(default_factory=dict)


async def admin_sign_in(http: httpx.AsyncClient, username: str, password: str) -> httpx.Response:
    return await http.post(
        "/api/v1/auth/admin/sign-in", json={"username": username, "password": password}
    )


def session_of(response: httpx.Response) -> Tokens:
    assert response.status_code == 200, response.text
    body = response.json()
    return Tokens(body["access_token"], body["refresh_token"], body)


async def signed_in(platform: Platform, admin: Admin) -> Tokens:
    async with client(platform) as http:
        return session_of(await admin_sign_in(http, admin.username, admin.password))


async def ping(platform: Platform, access_token: str) -> httpx.Response:
    async with client(platform, access_token) as http:
        return await http.get("/api/v1/auth/ping")


async def refused_soon(platform: Platform, access_token: str, timeout_s: float = 10.0) -> int:
    """Poll until the gateway refuses `access_token` (a session_revoked event reached it)."""

    async def status() -> int:
        return (await ping(platform, access_token)).status_code

    return await eventually(status, lambda code: code == 401, timeout_s)


# -- phone codes -------------------------------------------------------------------------

_CODE = re.compile(r"(?<![0-9])([0-9]{6})(?![0-9])")


def sms_outbox(platform: Platform) -> list[dict[str, Any]]:
    path = platform.stack.data_dir / "sms" / "outbox.log"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def last_code(platform: Platform, phone: str) -> str:
    """The code in the latest dev SMS to `phone` (DevSmsSender writes before replying)."""
    texts = [m["text"] for m in sms_outbox(platform) if m["phone"] == phone]
    assert texts, f"no SMS was sent to {phone}"
    found = _CODE.search(texts[-1])
    assert found, texts[-1]
    return found.group(1)


async def request_code(http: httpx.AsyncClient, phone: str) -> httpx.Response:
    return await http.post("/api/v1/auth/phone/code", json={"phone": phone})


async def phone_sign_in(
    http: httpx.AsyncClient, phone: str, code: str, site: str | None = None
) -> httpx.Response:
    body: dict[str, Any] = {"phone": phone, "code": code}
    if site is not None:
        body["site"] = site
    return await http.post("/api/v1/auth/phone/sign-in", json=body)
