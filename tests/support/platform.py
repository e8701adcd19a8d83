"""A whole local deployment on free ports, for integration and fault tests."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import httpx
import nats
from pymongo import AsyncMongoClient

from deploy.health import wait_http, wait_services
from deploy.processes import BUS_SERVICES, Stack
from services.contracts import subjects
from services.contracts.identity import Caller, Role
from services.runtime import tokens

T = TypeVar("T")

CENTER = "320000/320500/320582"
INSTITUTE = f"{CENTER}/320582001"
STATION = f"{INSTITUTE}/320582001001"
SIBLING_STATION = f"{CENTER}/320582102/320582102205"
RESIDENT_SITE = f"{SIBLING_STATION}/P01"
_station_numbers = iter(range(1, 10**6))


def fresh_station() -> str:
    """A station path no other test uses, so its figures are the test's own."""
    return f"{CENTER}/320582900/{320582900000 + next(_station_numbers)}"


def fresh_center() -> str:
    """A county (center) no other test uses: its admin publishes without review."""
    return f"320000/320500/{329000 + next(_station_numbers)}"


@dataclass
class Platform:
    stack: Stack
    keys: tokens.TokenKeys
    _mongo: dict[str, AsyncMongoClient[dict[str, Any]]] = field(default_factory=dict)

    @classmethod
    def create(
        cls,
        data_dir: Path,
        env: dict[str, str] | None = None,
        proc_env: dict[str, dict[str, str]] | None = None,
    ) -> Platform:
        stack = Stack(
            data_dir,
            # Cheap password hashing in tests (production keeps argon2's defaults).
            extra_env={
                "WENMING_OUTBOX_POLL": "0.5",
                "WENMING_ARGON2_TIME_COST": "1",
                "WENMING_ARGON2_MEMORY_KIB": "8192",
                **(env or {}),
            },
            proc_env=proc_env or {},
        )
        private, public = tokens.generate_key_files(data_dir / "secrets")
        return cls(stack, tokens.load_keys(private, public, "wenming"))

    async def start(self, services: tuple[str, ...] = BUS_SERVICES, gateway: bool = True) -> None:
        self.stack.start_infrastructure()
        for service in services:
            self.stack.start(service)
        if gateway:
            self.stack.start("gateway")
        await self.wait_ready(services, gateway)

    async def wait_ready(
        self, services: tuple[str, ...] = BUS_SERVICES, gateway: bool = True
    ) -> None:
        await wait_services(self.stack.nats_url, self.stack.region, services, timeout_s=60)
        if gateway:
            await wait_http(self.stack.gateway_url + "/readyz", timeout_s=60)

    async def restart(self, name: str, env: dict[str, str] | None = None) -> None:
        """Stop `name` (if still running) and start it again, with `env` as its own env."""
        self.stack.stop(name)
        if env is not None:
            self.stack.proc_env[name] = env
        self.stack.procs[name] = self.stack.spec(name)
        self.stack.start(name)
        if name in BUS_SERVICES:
            await wait_services(self.stack.nats_url, self.stack.region, (name,), timeout_s=60)
        elif name == "gateway":
            await wait_http(self.stack.gateway_url + "/readyz", timeout_s=60)

    async def stop(self) -> None:
        for client in self._mongo.values():
            await client.close()
        self.stack.stop_all()

    # -- callers --------------------------------------------------------------------

    def token(self, role: Role, site: str, sub: str | None = None) -> str:
        return tokens.mint(self.keys, Caller(sub=sub or f"test-{role.value}", role=role, site=site))

    def client(self, role: Role | None = None, site: str = CENTER) -> httpx.AsyncClient:
        headers = {"Authorization": f"Bearer {self.token(role, site)}"} if role else {}
        return httpx.AsyncClient(base_url=self.stack.gateway_url, headers=headers, timeout=15.0)

    # -- quiescence: every outbox sent, every consumer caught up --------------------

    async def backlog(self) -> int:
        """Events written but not yet applied everywhere (outboxes + consumer backlogs)."""
        pending = 0
        for service in BUS_SERVICES:
            pending += await self.database(service).outbox.count_documents({"sent": False})
        client = await nats.connect(self.stack.nats_url)
        try:
            js = client.jetstream()
            # Every stream, the gateway's (play reports) included.
            for info in await js.streams_info():
                stream = info.config.name
                if stream is None or stream == subjects.dead_letter_stream(self.stack.region):
                    continue
                for consumer in await js.consumers_info(stream):
                    pending += consumer.num_pending + consumer.num_ack_pending
        finally:
            await client.close()
        return pending

    async def quiesce(self, timeout_s: float = 20.0) -> None:
        left = await eventually(self.backlog, lambda n: n == 0, timeout_s)
        assert left == 0, f"{left} events still in flight after {timeout_s}s"

    # -- peeking into a service's own database (tests only) -------------------------

    def database(self, service: str) -> Any:
        if service not in self._mongo:
            self._mongo[service] = AsyncMongoClient(self.stack.mongodb_url(service), tz_aware=True)
        return self._mongo[service][f"wenming_{service}"]


async def eventually(
    probe: Callable[[], Awaitable[T]], accept: Callable[[T], bool], timeout_s: float = 15.0
) -> T:
    """Poll `probe` until `accept` holds; returns the last value (asserted by the caller)."""
    deadline = time.monotonic() + timeout_s
    value = await probe()
    while not accept(value) and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
        value = await probe()
    return value
