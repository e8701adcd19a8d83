"""The event envelope (DESIGN §4) and the request/reply envelopes on the bus."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Generic, TypeVar

import uuid_utils
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from services.contracts.identity import Caller, SitePath

DataT = TypeVar("DataT")

IdempotencyKey = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.:-]{8,80}$")]
EventType = Annotated[str, StringConstraints(pattern=r"^[a-z]+\.[a-z_]+$", max_length=64)]


def new_event_id() -> str:
    """UUIDv7: time-ordered, so outbox entries sort by creation."""
    return str(uuid_utils.uuid7())


class Actor(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    sub: str
    role: str


class EventEnvelope(BaseModel, Generic[DataT]):
    """Every event on JetStream. `id` doubles as the `Nats-Msg-Id` and the inbox key."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    id: str = Field(default_factory=new_event_id)
    type: EventType
    version: int = 1
    occurred_at: datetime = Field(default_factory=lambda: datetime.now(UTC))
    site: SitePath
    actor: Actor | None = None
    trace: dict[str, str] = Field(default_factory=dict)
    data: DataT


class RpcRequest(BaseModel, Generic[DataT]):
    """A query or command from the gateway: the verified caller plus the validated input."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    caller: Caller | None = None
    idempotency_key: IdempotencyKey | None = None
    client: Annotated[str, StringConstraints(max_length=64)] = Field(
        default="", description="the client address the gateway saw (rate limits, audit)"
    )
    data: DataT


class RpcError(BaseModel):
    """One error model for the whole platform: a stable code, an HTTP status, two languages."""

    model_config = ConfigDict(frozen=True)

    code: str
    status: int
    message_zh: str
    message_en: str
    details: list[dict[str, Any]] | None = None


class RpcReply(BaseModel, Generic[DataT]):
    model_config = ConfigDict(frozen=True)

    ok: bool = True
    data: DataT | None = None
    error: RpcError | None = None


class Empty(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
