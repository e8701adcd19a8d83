"""HTTP → NATS: the gateway's request/reply client (DESIGN §5).

No responder → 503, timeout → 504, an error reply → the service's own error.
"""

from __future__ import annotations

from typing import Any, TypeVar, cast

import nats.errors
from faststream.nats import NatsBroker
from pydantic import BaseModel

from services.contracts import subjects
from services.contracts.envelope import RpcReply
from services.contracts.identity import Caller
from services.runtime.errors import AppError, timed_out, unavailable

T = TypeVar("T")


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
        try:
            message = await self.broker.request(
                request, subjects.rpc(self.region, service, action), timeout=self.timeout_s
            )
        except nats.errors.NoRespondersError as exc:
            raise unavailable(service) from exc
        except (TimeoutError, nats.errors.TimeoutError) as exc:
            raise timed_out(service) from exc
        except nats.errors.Error as exc:
            # Reconnecting, draining or closed: the bus itself is not available.
            raise unavailable(service) from exc
        reply = reply_type(reply_model).model_validate_json(message.body)
        if not reply.ok or reply.data is None:
            if reply.error is None:
                raise AppError("bad_reply", 502, "服务返回了无效结果", f"{service} sent no data")
            raise AppError.from_rpc(reply.error)
        return cast(T, reply.data)
