"""The gateway in-process: its routes' declared access, and the app with a fake bus.

`auth.allow(...)` and `auth.public()` hang a check function carrying `access_roles`
(a frozenset of roles, or None for anyone) into a route's dependency tree. The
access-matrix test reads those markers to know, for every route, who may call it.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI, routing
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from pydantic import BaseModel

from services.contracts.identity import Caller, Role
from services.gateway.app import create_app
from services.gateway.settings import GatewaySettings
from services.runtime import tokens
from services.runtime.errors import AppError

# Nothing listens on port 9 (discard) here: a bus that is never reached.
DEAD_NATS = "nats://127.0.0.1:9"


@dataclass(frozen=True)
class Access:
    """Who may call a route: `roles` None means anyone (public)."""

    roles: frozenset[Role] | None

    @property
    def public(self) -> bool:
        return self.roles is None

    def admits(self, role: Role | None) -> bool:
        if self.roles is None:
            return True
        return role is not None and role in self.roles


def _markers(dependant: Dependant) -> list[frozenset[Role] | None]:
    found: list[frozenset[Role] | None] = []
    for sub in dependant.dependencies:
        if sub.call is not None and hasattr(sub.call, "access_roles"):
            found.append(sub.call.access_roles)
        found.extend(_markers(sub))
    return found


@dataclass(frozen=True)
class Endpoint:
    """One method of one route as the app serves it (prefixes and router dependencies applied)."""

    method: str
    path: str
    dependant: Dependant
    in_schema: bool

    @property
    def key(self) -> str:
        return f"{self.method} {self.path}"


def endpoints(app: FastAPI) -> list[Endpoint]:
    """Every API route of `app`, also those of included routers.

    FastAPI 0.165 no longer copies included routes into `app.routes`; the routers stay
    nested and `iter_route_contexts` yields each route with its effective context.
    """
    found: list[Endpoint] = []
    for context in routing.iter_route_contexts(app.routes):
        if not isinstance(context.original_route, APIRoute):
            continue
        dependant = context.dependant or context.original_route.dependant
        for method in sorted(context.methods or ()):
            found.append(
                Endpoint(method, str(context.path), dependant, bool(context.include_in_schema))
            )
    return found


def declared_access(dependant: Dependant) -> Access | None:
    """The access the dependencies declare; None when nothing declares it."""
    markers = _markers(dependant)
    if not markers:
        return None
    restricting = [m for m in markers if m is not None]
    if not restricting:
        return Access(None)
    roles = frozenset(Role)
    for marker in restricting:
        roles &= marker
    return Access(roles)


def undeclared_routes(app: FastAPI) -> list[str]:
    """Every `METHOD path` whose dependencies declare neither allow() nor public()."""
    return [e.key for e in endpoints(app) if declared_access(e.dependant) is None]


def access_table(app: FastAPI) -> dict[str, Access]:
    """`METHOD path` → declared access, for every route that declares one."""
    table: dict[str, Access] = {}
    for endpoint in endpoints(app):
        access = declared_access(endpoint.dependant)
        if access is not None:
            table[endpoint.key] = access
    return table


def settings_for(data_dir: Path, **overrides: Any) -> GatewaySettings:
    values: dict[str, Any] = {"data_dir": data_dir, "nats_url": DEAD_NATS, "tracing": False}
    values.update(overrides)
    return GatewaySettings(**values)


# -- the app with a fake bus -------------------------------------------------------------


@dataclass(frozen=True)
class BusCall:
    service: str
    action: str
    data: dict[str, Any]
    caller: Caller | None


@dataclass
class FakeBus:
    """Stands in for `BusClient`: records every call, answers from `replies` by action."""

    replies: dict[str, BaseModel | list[Any]] = field(default_factory=dict)
    delay_s: float = 0.0
    calls: list[BusCall] = field(default_factory=list)

    async def call(
        self,
        service: str,
        action: str,
        data: BaseModel | dict[str, Any],
        caller: Caller | None,
        reply_model: Any,
        *,
        idempotency_key: str | None = None,
        client: str = "",
    ) -> Any:
        payload = data.model_dump(mode="json") if isinstance(data, BaseModel) else data
        self.calls.append(BusCall(service, action, payload, caller))
        if self.delay_s:
            await asyncio.sleep(self.delay_s)
        if action not in self.replies:
            raise AppError("not_found", 404, "不存在", f"fake bus has no reply for {action}")
        return self.replies[action]


def app_with_fake_bus(data_dir: Path, bus: FakeBus, **settings: Any) -> FastAPI:
    """The real gateway app, its bus replaced; its lifespan is never started."""
    app = create_app(settings_for(data_dir, **settings))
    app.state.bus = bus
    return app


def asgi_client(
    app: FastAPI, *, token: str | None = None, address: str = "198.51.100.7"
) -> httpx.AsyncClient:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    transport = httpx.ASGITransport(app=app, client=(address, 40000))
    return httpx.AsyncClient(transport=transport, base_url="http://gateway.test", headers=headers)


def mint(app: FastAPI, role: Role, site: str, sub: str = "tester", **extra: Any) -> str:
    keys: tokens.TokenKeys = app.state.token_keys
    return tokens.mint(keys, Caller(sub=sub, role=role, site=site), **extra)
