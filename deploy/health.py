"""Readiness probes the runner and the tests wait on."""

from __future__ import annotations

import asyncio
import json
import time

import httpx
import nats

from services.contracts import subjects
from services.contracts.health import RPC_HEALTH


async def service_health(nats_url: str, region: str, service: str) -> dict[str, object] | None:
    try:
        client = await nats.connect(nats_url, connect_timeout=1, max_reconnect_attempts=0)
    except Exception:
        return None
    try:
        reply = await client.request(
            subjects.rpc(region, service, RPC_HEALTH),
            json.dumps({"caller": None, "data": {}}).encode(),
            timeout=1.0,
        )
        body = json.loads(reply.data)
        data: dict[str, object] | None = body.get("data")
        return data
    except Exception:
        return None
    finally:
        await client.close()


async def wait_services(
    nats_url: str,
    region: str,
    services: tuple[str, ...],
    timeout_s: float = 30.0,
    on_ready: object = None,
) -> None:
    deadline = time.monotonic() + timeout_s
    pending = set(services)
    while pending:
        for service in sorted(pending):
            health = await service_health(nats_url, region, service)
            if health and health.get("ready"):
                pending.discard(service)
                if callable(on_ready):
                    on_ready(service)
        if pending and time.monotonic() > deadline:
            raise TimeoutError(f"not ready after {timeout_s}s: {', '.join(sorted(pending))}")
        if pending:
            await asyncio.sleep(0.1)


async def wait_http(url: str, timeout_s: float = 30.0) -> None:
    deadline = time.monotonic() + timeout_s
    async with httpx.AsyncClient(timeout=2.0) as client:
        while True:
            try:
                response = await client.get(url)
                if response.status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise TimeoutError(f"{url} not ready after {timeout_s}s")
            await asyncio.sleep(0.1)
