"""Pure ASGI middlewares (cheap on the hot path): request ids and body size limits."""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import uuid
from collections.abc import Mapping
from typing import TypeVar

from opentelemetry import trace
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send


async def send_error(
    scope: Scope, send: Send, status: int, code: str, zh: str, en: str, *, close: bool = False
) -> None:
    """The platform's JSON error, sent from a middleware (no FastAPI handler here)."""
    body = json.dumps(
        {
            "error": {
                "code": code,
                "message_zh": zh,
                "message_en": en,
                "request_id": scope.get("state", {}).get("request_id"),
            }
        },
        ensure_ascii=False,
    ).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    if close:
        headers.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


_CLIENT_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
T = TypeVar("T")


def for_path(path: str, table: Mapping[str, T], default: T) -> T:
    """`table`'s entry for `path`: keys ending in "/" are prefixes, others exact paths."""
    if path in table:
        return table[path]
    for key, value in table.items():
        if key.endswith("/") and path.startswith(key):
            return value
    return default


def _request_id() -> str:
    ctx = trace.get_current_span().get_span_context()
    # The trace id doubles as the request id, so an error's id leads straight to its trace.
    return format(ctx.trace_id, "032x") if ctx.is_valid else uuid.uuid4().hex


class RequestIdMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = _request_id()
        scope.setdefault("state", {})["request_id"] = request_id
        span = trace.get_current_span()
        if span.is_recording():
            span.set_attribute("wenming.request_id", request_id)
            for name, value in scope.get("headers", ()):
                if name == b"x-request-id" and _CLIENT_ID.match(value.decode("latin-1")):
                    span.set_attribute("wenming.client_request_id", value.decode("latin-1"))
        header = (b"x-request-id", request_id.encode())

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], header]
            await send(message)

        await self.app(scope, receive, send_with_id)


class BodyTooLarge(StarletteHTTPException):
    """An HTTPException, so FastAPI's body parsing lets it through as a 413."""

    def __init__(self) -> None:
        super().__init__(status_code=413)


# A refused body is read on (and dropped) this far before answering, so a client that
# sends its whole body before reading gets the 413 instead of a connection reset.
LINGER_BYTES = 8 * 1024 * 1024
LINGER_S = 5.0


async def drain(
    receive: Receive, max_bytes: int = LINGER_BYTES, timeout_s: float = LINGER_S
) -> None:
    drained = 0
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(timeout_s):
            while drained <= max_bytes:
                message = await receive()
                if message["type"] != "http.request" or not message.get("more_body", False):
                    return
                drained += len(message.get("body", b""))


class BodyLimitMiddleware:
    """413 before the body is read when Content-Length says so; also caps chunked bodies.

    `path_limits` gives single paths (e.g. the media upload) a larger limit of their own.
    Any 413 (also one the route raises midway through an upload) first drains a bounded
    part of the unread body.
    """

    def __init__(
        self, app: ASGIApp, max_bytes: int, path_limits: Mapping[str, int] | None = None
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.path_limits = dict(path_limits or {})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        max_bytes = for_path(scope.get("path", ""), self.path_limits, self.max_bytes)
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                if not value.isdigit() or int(value) > max_bytes:
                    await drain(receive)
                    await self._reject(scope, send, max_bytes)
                    return
                break
        seen = 0
        started = False
        body_done = False

        async def limited_receive() -> Message:
            nonlocal seen, body_done
            message = await receive()
            if message["type"] == "http.request":
                body_done = not message.get("more_body", False)
                seen += len(message.get("body", b""))
                if seen > max_bytes:
                    raise BodyTooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                if message["status"] == 413 and not body_done:
                    await drain(receive)
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except BodyTooLarge:
            if not started:
                await drain(receive)
                await self._reject(scope, send, max_bytes)

    async def _reject(self, scope: Scope, send: Send, max_bytes: int) -> None:
        await send_error(
            scope,
            send,
            413,
            "payload_too_large",
            f"请求内容过大（上限 {max_bytes} 字节）",
            f"request body larger than {max_bytes} bytes",
            close=True,
        )


SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=(self)"),
    (
        b"content-security-policy",
        b"default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        b"img-src 'self' data: blob: https:; media-src 'self' blob: https:; "
        b"connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    ),
]


class SecurityHeadersMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *SECURITY_HEADERS]
            await send(message)

        await self.app(scope, receive, send_with_headers)


class TimeoutMiddleware:
    """504 when a request takes longer than the gateway allows (and nothing was sent).

    `path_timeouts` overrides the limit per path (None: no limit, for streamed downloads).
    """

    def __init__(
        self,
        app: ASGIApp,
        timeout_s: float,
        path_timeouts: Mapping[str, float | None] | None = None,
    ) -> None:
        self.app = app
        self.timeout_s = timeout_s
        self.path_timeouts = dict(path_timeouts or {})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        timeout_s = for_path(scope.get("path", ""), self.path_timeouts, self.timeout_s)
        if timeout_s is None:
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            async with asyncio.timeout(timeout_s):
                await self.app(scope, receive, tracking_send)
        except TimeoutError:
            if started:
                raise
            await send_error(
                scope,
                send,
                504,
                "request_timeout",
                "请求处理超时，请稍后再试",
                f"the request took longer than {timeout_s}s",
            )
