"""Browser tests: Debian's chromium driven by Playwright against the session's platform.

Each test signs in the way a person would; what a test needs but does not test (a site
tree of its own, a kiosk device, an ops account) is made through the API by the
bootstrap provincial admin. API set-up calls come from their own loopback address, so
the browser's sign-ins (from 127.0.0.1) keep the whole per-address allowance.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from playwright.async_api import Browser, async_playwright

from tests.e2e.helpers import CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS
from tests.support.platform import Platform

API_ADDRESS = "127.1.0.7"  # set-up calls: not 127.0.0.1, where the browser signs in
CITY = "320000/320500"
CENTER = f"{CITY}/320582"


@dataclass(frozen=True)
class Tree:
    """A branch of the site tree of the e2e tests' own (names are unique per run)."""

    institute: str
    institute_name: str
    station: str
    station_name: str
    station_admin: str
    password: str


def api_client(platform: Platform, token: str | None = None) -> httpx.AsyncClient:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.AsyncClient(
        base_url=platform.stack.gateway_url,
        headers=headers,
        timeout=15.0,
        transport=httpx.AsyncHTTPTransport(local_address=API_ADDRESS),
    )


async def created(response: httpx.Response) -> dict[str, Any]:
    """The created object; 409 (made by an earlier test of the session) is fine too."""
    assert response.status_code in (201, 409), response.text
    return response.json() if response.status_code == 201 else {}


@pytest.fixture(scope="session")
async def root_token(platform: Platform) -> str:
    async with api_client(platform) as client:
        response = await client.post(
            "/api/v1/auth/admin/sign-in",
            json={"username": "admin", "password": platform.stack.bootstrap_password()},
        )
    assert response.status_code == 200, response.text
    token: str = response.json()["access_token"]
    return token


@pytest.fixture(scope="session")
async def root(platform: Platform, root_token: str) -> AsyncIterator[httpx.AsyncClient]:
    async with api_client(platform, root_token) as client:
        yield client


@pytest.fixture(scope="session")
async def tree(root: httpx.AsyncClient) -> Tree:
    tag = uuid.uuid4().hex[:6]
    institute_code, station_code = f"E2E{tag}", f"E2E{tag}S"
    sites = [
        ("320000", "320500", "苏州市", "city", "320500"),
        (CITY, "320582", "张家港市新时代文明实践中心", "center", "320582"),
        (CENTER, institute_code, f"界面测试{tag}新时代文明实践所", "institute", "320582"),
        (
            f"{CENTER}/{institute_code}",
            station_code,
            f"界面测试{tag}社区新时代文明实践站",
            "station",
            "320582",
        ),
    ]
    for parent, code, name, kind, region in sites:
        body = {"parent": parent, "code": code, "name": name, "kind": kind, "region_code": region}
        await created(await root.post("/api/v1/sites", json=body))
    station = f"{CENTER}/{institute_code}/{station_code}"
    password = "e2e-" + uuid.uuid4().hex
    admin = {
        "username": f"e2e{tag}",
        "display_name": "界面测试站管理员",
        "role": "station_admin",
        "site": station,
        "password": password,
    }
    await created(await root.post("/api/v1/accounts", json=admin))
    return Tree(
        institute=f"{CENTER}/{institute_code}",
        institute_name=sites[2][2],
        station=station,
        station_name=sites[3][2],
        station_admin=admin["username"],
        password=password,
    )


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        await launched.close()
