"""Limits the gateway enforces on its own — rate, body size, time, headers, page size —
proved in-process with a fake bus that records every call: a refused request must
never reach a service."""

from __future__ import annotations

import time
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from services.contracts import accounts as c
from services.contracts.envelope import Empty
from services.contracts.identity import ADMIN_ROLES, Caller, Role
from services.gateway.ratelimit import RateLimiter
from tests.support.gateway import (
    FakeBus,
    access_table,
    app_with_fake_bus,
    asgi_client,
    endpoints,
    mint,
)

STATION = "320000/320500/320582/320582001/320582001001"
CENTER = "320000/320500/320582"
ADMIN = Caller(sub="acct-1", role=Role.station_admin, site=STATION)


def signed_in() -> c.SignedIn:
    return c.SignedIn(
        caller=ADMIN,
        session_id=str(uuid.uuid4()),
        refresh_id=str(uuid.uuid4()),
        display_name="站点管理员",
        session_expires_at=datetime.now(UTC) + timedelta(days=30),
    )


def replies() -> dict[str, Any]:
    return {
        c.RPC_ADMIN_SIGN_IN: signed_in(),
        c.RPC_PHONE_SIGN_IN: signed_in(),
        c.RPC_KIOSK_SIGN_IN: signed_in(),
        c.RPC_SESSION_REFRESH: signed_in(),
        c.RPC_PHONE_CODE: c.CodeSent(sent=True, retry_after_s=60, expires_in_s=300),
        c.RPC_PASSWORD_CHANGE: Empty(),
        c.RPC_SITE_PUBLIC: c.PublicSite(path="320000", name="江苏省", kind="province", trail=[]),
        c.RPC_ME: c.Me(caller=ADMIN, display_name="站点管理员", site_name=None, phone=None),
    }


@pytest.fixture
def bus() -> FakeBus:
    return FakeBus(replies())


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> FastAPI:
    return app_with_fake_bus(tmp_path_factory.mktemp("gateway"), FakeBus())


@pytest.fixture
def app(built: FastAPI, bus: FakeBus) -> FastAPI:
    """The module's app (building one costs a second) with a fresh bus and fresh limits."""
    settings = built.state.settings
    built.state.bus = bus
    built.state.rate_limiter = RateLimiter(settings.rate_per_address, settings.rate_per_caller)
    return built


def refresh_token(app: FastAPI) -> str:
    extra = {"sid": str(uuid.uuid4()), "rid": str(uuid.uuid4())}
    return mint(app, Role.station_admin, STATION, kind="refresh", extra=extra)


def assert_rate_limited(response: httpx.Response) -> None:
    assert response.status_code == 429, response.text
    assert 1 <= int(response.headers["retry-after"]) <= 60
    error = response.json()["error"]
    assert error["code"] == "rate_limited"
    assert error["message_zh"]
    assert error["message_en"]
    assert error["request_id"] == response.headers["x-request-id"]


# -- per-route limits ------------------------------------------------------------

# (path, allowed per minute, body), each limited per client address.
PER_ADDRESS: list[tuple[str, int, dict[str, Any]]] = [
    ("/api/v1/auth/admin/sign-in", 10, {"username": "someone", "password": "whatever-it-is"}),
    ("/api/v1/auth/phone/code", 5, {"phone": "13800000001"}),
    ("/api/v1/auth/phone/sign-in", 20, {"phone": "13800000001", "code": "123456"}),
    ("/api/v1/auth/kiosk/sign-in", 20, {"device_token": "wmk_" + "a" * 40}),
    ("/api/v1/auth/refresh", 30, {}),
]


@pytest.mark.parametrize(("path", "allowed", "body"), PER_ADDRESS, ids=[p[0] for p in PER_ADDRESS])
async def test_a_route_limit_answers_429_before_the_service_is_asked(
    app: FastAPI, bus: FakeBus, path: str, allowed: int, body: dict[str, Any]
) -> None:
    if path.endswith("/refresh"):
        body = {"refresh_token": refresh_token(app)}
    async with asgi_client(app, address="203.0.113.10") as http:
        for _ in range(allowed):
            response = await http.post(path, json=body)
            assert response.status_code < 300, response.text
        assert len(bus.calls) == allowed
        assert_rate_limited(await http.post(path, json=body))
        assert_rate_limited(await http.post(path, json=body))
    assert len(bus.calls) == allowed
    # Another client address has its own allowance.
    async with asgi_client(app, address="203.0.113.11") as other:
        assert (await other.post(path, json=body)).status_code < 300
    assert len(bus.calls) == allowed + 1


PASSWORD_CHANGE = {"old_password": "old-password", "new_password": "new-password-long"}


async def test_five_password_changes_a_minute(app: FastAPI, bus: FakeBus) -> None:
    token = mint(app, Role.station_admin, STATION, sub="acct-1")
    async with asgi_client(app, token=token, address="203.0.113.19") as http:
        for _ in range(5):
            response = await http.post("/api/v1/auth/password", json=PASSWORD_CHANGE)
            assert response.status_code == 204
        assert_rate_limited(await http.post("/api/v1/auth/password", json=PASSWORD_CHANGE))
    assert len(bus.calls) == 5


async def test_the_password_change_limit_follows_the_caller_across_addresses(
    app: FastAPI, bus: FakeBus
) -> None:
    token = mint(app, Role.station_admin, STATION, sub="acct-1")
    for n in range(5):
        async with asgi_client(app, token=token, address=f"203.0.113.{20 + n}") as http:
            response = await http.post("/api/v1/auth/password", json=PASSWORD_CHANGE)
            assert response.status_code == 204
    async with asgi_client(app, token=token, address="203.0.113.25") as http:
        assert_rate_limited(await http.post("/api/v1/auth/password", json=PASSWORD_CHANGE))
    assert len(bus.calls) == 5


async def test_every_api_call_counts_against_the_address_ceiling(tmp_path: Path) -> None:
    bus = FakeBus(replies())
    app = app_with_fake_bus(tmp_path, bus, rate_per_address="3/minute")
    async with asgi_client(app, address="203.0.113.30") as http:
        for _ in range(3):
            response = await http.get("/api/v1/sites/public", params={"path": "320000"})
            assert response.status_code == 200, response.text
        assert_rate_limited(await http.get("/api/v1/sites/public", params={"path": "320000"}))
        # Any API route: the ceiling is per address, not per route.
        assert_rate_limited(
            await http.post("/api/v1/auth/phone/code", json={"phone": "13800000001"})
        )
        # Liveness is not an API call.
        assert (await http.get("/healthz")).status_code == 200
    assert len(bus.calls) == 3


async def test_every_signed_in_call_counts_against_the_caller_ceiling(tmp_path: Path) -> None:
    bus = FakeBus(replies())
    app = app_with_fake_bus(tmp_path, bus, rate_per_caller="2/minute")
    token = mint(app, Role.station_admin, STATION)
    for address in ("203.0.113.40", "203.0.113.41"):
        async with asgi_client(app, token=token, address=address) as http:
            assert (await http.get("/api/v1/auth/me")).status_code == 200
    async with asgi_client(app, token=token, address="203.0.113.42") as http:
        assert_rate_limited(await http.get("/api/v1/auth/me"))
        assert_rate_limited(await http.get("/api/v1/auth/ping"))
    assert len(bus.calls) == 2


# -- body size -------------------------------------------------------------------

CONTENT = {"title": "健康讲座", "section": "health", "kind": "article"}


@pytest.fixture
async def center_admin(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with asgi_client(app, token=mint(app, Role.center_admin, CENTER)) as http:
        yield http


def assert_too_large(response: httpx.Response) -> None:
    assert response.status_code == 413, response.text
    assert response.json()["error"]["code"] == "payload_too_large"
    assert response.json()["error"]["message_zh"]


async def test_a_body_over_the_limit_is_refused_before_the_route_runs(
    center_admin: httpx.AsyncClient, bus: FakeBus
) -> None:
    response = await center_admin.post(
        "/api/v1/content", json={**CONTENT, "summary": "长" * 30_000}
    )
    assert_too_large(response)
    assert "65536" in response.json()["error"]["message_en"]
    assert bus.calls == []


async def test_a_lying_content_length_is_refused(center_admin: httpx.AsyncClient) -> None:
    response = await center_admin.post(
        "/api/v1/content",
        content=b"{}",
        headers={"content-type": "application/json", "content-length": "99999999"},
    )
    assert_too_large(response)


async def test_the_limit_follows_the_setting(tmp_path: Path) -> None:
    bus = FakeBus(replies())
    app = app_with_fake_bus(tmp_path, bus, max_body_bytes=2048)
    async with asgi_client(app, token=mint(app, Role.center_admin, CENTER)) as http:
        response = await http.post("/api/v1/content", json={**CONTENT, "summary": "x" * 3000})
        assert_too_large(response)
        assert "2048" in response.json()["error"]["message_en"]
        small = await http.post("/api/v1/content", json={**CONTENT, "summary": "x" * 1000})
    assert small.status_code != 413
    assert len(bus.calls) == 1  # only the small one


async def chunks(total: int, size: int = 8192) -> AsyncIterator[bytes]:
    yield b'{"title": "x", "section": "health", "kind": "article", "summary": "'
    for _ in range(total // size):
        yield b"x" * size
    yield b'"}'


async def test_a_chunked_body_over_the_limit_never_reaches_the_service(
    center_admin: httpx.AsyncClient, bus: FakeBus
) -> None:
    response = await center_admin.post(
        "/api/v1/content", content=chunks(200_000), headers={"content-type": "application/json"}
    )
    assert response.request.headers.get("transfer-encoding") == "chunked"
    assert "content-length" not in response.request.headers
    assert 400 <= response.status_code < 500, response.text
    assert bus.calls == []


async def test_a_chunked_body_over_the_limit_answers_413(center_admin: httpx.AsyncClient) -> None:
    response = await center_admin.post(
        "/api/v1/content", content=chunks(200_000), headers={"content-type": "application/json"}
    )
    assert_too_large(response)


# -- time ------------------------------------------------------------------------


async def test_a_slow_service_ends_in_504_request_timeout(tmp_path: Path) -> None:
    bus = FakeBus(replies(), delay_s=10)
    app = app_with_fake_bus(tmp_path, bus, request_timeout_s=0.3)
    started = time.monotonic()
    async with asgi_client(app, token=mint(app, Role.station_admin, STATION)) as http:
        response = await http.get("/api/v1/auth/me")
    assert time.monotonic() - started < 5
    assert response.status_code == 504, response.text
    assert response.headers["content-type"] == "application/json"
    error = response.json()["error"]
    assert error["code"] == "request_timeout"
    assert error["message_zh"]
    assert error["request_id"] == response.headers["x-request-id"]
    assert_security_headers(response)
    assert len(bus.calls) == 1


# -- security headers ------------------------------------------------------------


def assert_security_headers(response: httpx.Response) -> None:
    headers = response.headers
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"
    csp = headers["content-security-policy"]
    assert "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "script-src 'self'" in csp
    assert "unsafe-eval" not in csp
    assert headers["referrer-policy"]


@pytest.mark.parametrize(
    ("method", "path", "signed_in", "status"),
    [
        ("GET", "/healthz", False, 200),
        ("GET", "/api/v1/auth/ping", True, 200),
        ("GET", "/api/v1/auth/ping", False, 401),
        ("GET", "/api/v1/sites/public?path=320000", False, 200),
        ("GET", "/api/v1/sites/public?path=../../etc", False, 422),
        ("GET", "/api/v1/no-such-route", False, 404),
        ("DELETE", "/api/v1/auth/ping", True, 405),
        ("GET", "/m/", False, 200),
        ("GET", "/admin/", False, 200),
        ("GET", "/kiosk/", False, 200),
        ("GET", "/docs", False, 200),
        ("GET", "/", False, 307),
        ("GET", "/openapi.json", False, 200),
    ],
)
async def test_security_headers_on_every_kind_of_answer(
    app: FastAPI, method: str, path: str, signed_in: bool, status: int
) -> None:
    token = mint(app, Role.resident, STATION) if signed_in else None
    async with asgi_client(app, token=token) as http:
        response = await http.request(method, path)
    assert response.status_code == status, response.text
    assert_security_headers(response)
    if path.startswith("/api/") and status >= 400:
        assert response.json()["error"]["code"]


async def test_security_headers_on_refusals_made_by_middleware(
    center_admin: httpx.AsyncClient,
) -> None:
    too_large = await center_admin.post("/api/v1/content", json={"summary": "长" * 30_000})
    assert too_large.status_code == 413
    assert_security_headers(too_large)


# -- page size caps --------------------------------------------------------------


def _paged(app: FastAPI) -> list[tuple[str, int, Role]]:
    """Every GET route with a `limit` query parameter: (path, its maximum, a role it admits)."""
    spec = app.openapi()
    table = access_table(app)
    found: list[tuple[str, int, Role]] = []
    for endpoint in endpoints(app):
        if endpoint.method != "GET" or not endpoint.in_schema:
            continue
        for parameter in spec["paths"][endpoint.path]["get"].get("parameters", []):
            if parameter["name"] == "limit" and parameter["in"] == "query":
                roles = table[endpoint.key].roles
                admitted = sorted(roles or ADMIN_ROLES, key=lambda r: r is not Role.center_admin)
                found.append((endpoint.path, parameter["schema"].get("maximum", 0), admitted[0]))
    return found


async def test_list_routes_cap_the_page_at_100(app: FastAPI, bus: FakeBus) -> None:
    paged = _paged(app)
    assert len(paged) >= 4, paged  # sites, accounts, kiosks, ops… at least
    problems: list[str] = []
    for path, maximum, role in paged:
        if not 1 <= maximum <= 100:
            problems.append(f"{path}: limit maximum is {maximum}")
        site = "320000" if role is Role.ops else CENTER
        async with asgi_client(app, token=mint(app, role, site)) as http:
            for limit in (101, 0, -1, 10**6):
                response = await http.get(path, params={"limit": limit})
                if (
                    response.status_code != 422
                    or response.json()["error"]["code"] != "invalid_input"
                ):
                    problems.append(f"{path}?limit={limit}: {response.status_code}")
    assert not problems, problems
    assert bus.calls == []
