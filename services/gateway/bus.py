"""HTTP → NATS: the gateway's request/reply client (DESIGN §5).

No responder → 503, timeout → 504, an error reply → the service's own error.

Requests go out on the broker's nats-py connection directly: FastStream's publish
pipeline (middlewares, codec, a response message parsed through the subscriber
machinery) cost a quarter of the gateway's CPU on a read. The services still receive a
FastStream-shaped message (JSON body, `content-type`, `correlation_id`) and the trace
context in `traceparent`, so their FastStream subscribers continue the trace.
"""

from __future__ import annotations

import json
import uuid
from typing import Any, TypeVar, cast

import nats.errors
from faststream.exceptions import IncorrectState
from faststream.nats import NatsBroker
from nats.aio.client import Client as NatsClient
from opentelemetry import propagate, trace
from opentelemetry.trace import SpanKind, Status, StatusCode
from pydantic import BaseModel

from services.contracts import subjects
from services.contracts.envelope import RpcReply
from services.contracts.identity import Caller
from services.runtime.errors import AppError, timed_out, unavailable

T = TypeVar("T")
tracer = trace.get_tracer("services.gateway.bus")


_REPLY_TYPES: dict[Any, type[RpcReply[Any]]] = {}


def reply_type(data_type: Any) -> type[RpcReply[Any]]:
    """`RpcReply[X]`, built once: pydantic caches parametrized models only weakly, and a
    garbage collection under load made the gateway rebuild their schemas."""
    known = _REPLY_TYPES.get(data_type)
    if known is None:
        known = _REPLY_TYPES[data_type] = RpcReply[data_type]
    return known


class BusClient:
    def __init__(self, broker: NatsBroker, region: str, timeout_s: float) -> None:
        self.broker = broker
        self.region = region
        self.timeout_s = timeout_s

    @property
    def connection(self) -> NatsClient:
        """The broker's nats-py connection (FastStream's `IncorrectState` until started)."""
        client: NatsClient = self.broker.config.connection_state.connection
        return client

    async def call(
        self,
        service: str,
        action: str,
        data: BaseModel | dict[str, Any],
        caller: Caller | None,
        reply_model: type[T],
        *,
        idempotency_key: str | None = None,
        client: str = "",
    ) -> T:
        payload = data.model_dump(mode="json") if isinstance(data, BaseModel) else data
        request = {
            "caller": caller.model_dump(mode="json") if caller else None,
            "idempotency_key": idempotency_key,
            "client": client,
            "data": payload,
        }
        encoded = json.dumps(request, ensure_ascii=False).encode()
        body = await self._request(service, subjects.rpc(self.region, service, action), encoded)
        reply = reply_type(reply_model).model_validate_json(body)
        if not reply.ok or reply.data is None:
            if reply.error is None:
                raise AppError("bad_reply", 502, "服务返回了无效结果", f"{service} sent no data")
            raise AppError.from_rpc(reply.error)
        return cast(T, reply.data)

    async def _request(self, service: str, subject: str, payload: bytes) -> bytes:
        correlation_id = uuid.uuid4().hex
        with tracer.start_as_current_span(
            f"{subject} publish",
            kind=SpanKind.PRODUCER,
            attributes={
                "messaging.system": "nats",
                "messaging.destination.name": subject,
                "messaging.message.conversation_id": correlation_id,
                "messaging.message.body.size": len(payload),
            },
            record_exception=False,
            set_status_on_exception=False,
        ) as span:
            headers = {"content-type": "application/json", "correlation_id": correlation_id}
            propagate.inject(headers)
            try:
                message = await self.connection.request(
                    subject, payload, timeout=self.timeout_s, headers=headers
                )
            except nats.errors.NoRespondersError as exc:
                span.set_status(Status(StatusCode.ERROR, "no responders"))
                raise unavailable(service) from exc
            except (TimeoutError, nats.errors.TimeoutError) as exc:
                span.set_status(Status(StatusCode.ERROR, "timeout"))
                raise timed_out(service) from exc
            except (nats.errors.Error, IncorrectState) as exc:
                # Not connected yet, reconnecting, draining or closed: the bus is not available.
                span.set_status(Status(StatusCode.ERROR, type(exc).__name__))
                raise unavailable(service) from exc
            data: bytes = message.data
            return data
