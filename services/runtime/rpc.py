"""Request/reply on the bus: errors become `RpcReply` errors instead of silent timeouts."""

from __future__ import annotations

import logging
from typing import Any

from faststream import Context
from faststream.middlewares import ExceptionMiddleware
from faststream.nats.message import NatsMessage
from pydantic import ValidationError

from services.contracts.envelope import RpcError, RpcReply
from services.runtime.errors import AppError
from services.runtime.telemetry import current_trace_id

log = logging.getLogger(__name__)


def _is_jetstream(message: NatsMessage) -> bool:
    reply = message.raw_message.reply or ""
    return reply.startswith("$JS.ACK.")


def build_exception_middleware() -> ExceptionMiddleware:
    """Turn handler failures into error replies; terminate undecodable events."""
    middleware = ExceptionMiddleware()

    @middleware.add_handler(AppError, publish=True)
    async def on_app_error(exc: AppError) -> RpcReply[Any]:
        return RpcReply(ok=False, error=exc.to_rpc())

    @middleware.add_handler(ValidationError, publish=True)
    async def on_invalid(
        exc: ValidationError, message: NatsMessage = Context()
    ) -> RpcReply[Any] | None:
        if _is_jetstream(message):
            # A poison event can never succeed: terminate it so the advisory
            # files it in the dead-letter stream instead of redelivering it.
            log.error("undecodable event on %s terminated: %s", message.raw_message.subject, exc)
            await message.reject()
            return None
        details = [{"loc": list(e["loc"]), "msg": e["msg"]} for e in exc.errors()[:20]]
        return RpcReply(
            ok=False,
            error=RpcError(
                code="invalid_request",
                status=422,
                message_zh="请求格式不正确",
                message_en="the request does not match the contract",
                details=details,
            ),
        )

    @middleware.add_handler(Exception, publish=True)
    async def on_unexpected(exc: Exception) -> RpcReply[Any]:
        log.exception("unhandled error in a bus handler", exc_info=exc)
        return RpcReply(
            ok=False,
            error=RpcError(
                code="internal_error",
                status=500,
                message_zh="服务内部错误，已记录，请稍后再试",
                message_en=f"internal error (trace {current_trace_id() or '-'})",
            ),
        )

    return middleware
