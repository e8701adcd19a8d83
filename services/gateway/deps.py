"""Dependencies every router shares."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Request

from services.gateway.bus import BusClient


async def bus_client(request: Request) -> BusClient:
    client: BusClient = request.app.state.bus
    return client


Bus = Annotated[BusClient, Depends(bus_client)]


IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        pattern=r"^[A-Za-z0-9_.:-]{8,80}$",
        description="重试同一请求时带上相同的键，只会执行一次 (retry-safe commands)",
    ),
]
