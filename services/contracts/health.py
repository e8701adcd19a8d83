"""Every service answers `wm.<region>.<service>.rpc.health`; the runner waits on it."""

from __future__ import annotations

from typing import Final

from pydantic import BaseModel, ConfigDict

RPC_HEALTH: Final = "health"


class Health(BaseModel):
    model_config = ConfigDict(frozen=True)

    service: str
    ready: bool
    database: bool
    bus: bool
    outbox_pending: int
    pid: int
