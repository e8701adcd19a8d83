"""Liveness and readiness of the gateway and of every service behind it."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Response
from pydantic import BaseModel

from services.contracts.envelope import Empty
from services.contracts.health import RPC_HEALTH, Health
from services.contracts.subjects import SERVICES as BUS_SERVICES
from services.gateway.auth import Public
from services.gateway.deps import Bus
from services.runtime.errors import AppError

router = APIRouter(tags=["health 运行状态"])


class Readiness(BaseModel):
    ready: bool
    services: dict[str, Health | None]


@router.get("/healthz", summary="gateway liveness")
async def healthz(_: Public) -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz", summary="every service answers and is ready")
async def readyz(bus: Bus, response: Response, _: Public) -> Readiness:
    async def probe(service: str) -> Health | None:
        try:
            return await bus.call(service, RPC_HEALTH, Empty(), None, Health)
        except AppError:
            return None

    names = BUS_SERVICES
    results = await asyncio.gather(*(probe(s) for s in names))
    services = dict(zip(names, results, strict=True))
    ready = all(h is not None and h.ready for h in results)
    response.status_code = 200 if ready else 503
    return Readiness(ready=ready, services=services)
