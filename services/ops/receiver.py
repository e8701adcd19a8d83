"""The OTLP/HTTP trace receiver: `POST /v1/traces`, protobuf or JSON, optionally gzipped.

A bare ASGI callable (served by `server.OtlpServer`): one route needs no router,
validation layer or middleware stack, so an export costs one protobuf parse and one
list of dicts. Replies follow the OTLP/HTTP spec: 200 with an
`ExportTraceServiceResponse` (partial success when spans had invalid ids), failures
with a `google.rpc.Status`, both in the request's encoding: 400 bad payload, 413 body
over the limit (also once inflated), 415 unsupported content type or encoding, 503
(retryable, `Retry-After`) when the write buffer is full.
"""

from __future__ import annotations

import asyncio
import zlib
from typing import Final

from starlette.types import Receive, Scope, Send

from .otlp import (
    BadPayload,
    Converted,
    Encoding,
    decode,
    encode,
    export_response,
    span_documents,
    status,
)
from .writer import SpanWriter

TRACES_PATH: Final = "/v1/traces"
OFFLOAD_BYTES: Final = 256 * 1024  # exports larger than this convert in a worker thread
GZIP_RATIO: Final = 8  # a rough guess of how much a gzipped export expands
# google.rpc.Code values for the Status bodies.
_INVALID_ARGUMENT, _NOT_FOUND, _RESOURCE_EXHAUSTED, _UNIMPLEMENTED, _UNAVAILABLE = 3, 5, 8, 12, 14
_ENCODINGS: Final = ("", "identity", "gzip")


class Rejected(Exception):
    """An export refused with an HTTP status and a `google.rpc.Status` body."""

    def __init__(
        self, status_code: int, rpc_code: int, zh: str, en: str, *headers: tuple[bytes, bytes]
    ) -> None:
        super().__init__(en)
        self.status_code = status_code
        self.rpc_code = rpc_code
        self.message = f"{zh}（{en}）"
        self.headers = list(headers)


class ClientGone(Exception):
    pass


def too_large(limit: int) -> Rejected:
    zh, en = f"请求体超过 {limit} 字节上限", f"the body exceeds {limit} bytes"
    # No `connection: close`: uvicorn discards the rest of the body itself, so a client
    # that sends it all before reading (most do) still gets this reply, not a reset.
    return Rejected(413, _RESOURCE_EXHAUSTED, zh, en)


def _header(scope: Scope, name: bytes) -> str:
    for key, value in scope.get("headers", ()):
        if key == name:
            return str(value.decode("latin-1")).strip()
    return ""


def _encoding(content_type: str) -> Encoding | None:
    media_type = content_type.split(";", 1)[0].strip().lower()
    try:
        return Encoding(media_type)
    except ValueError:
        return None


async def _read_body(receive: Receive, limit: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ClientGone
        chunk: bytes = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise too_large(limit)
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


def gunzip(body: bytes, limit: int) -> bytes:
    """Inflate a gzip body without ever holding more than `limit` bytes of output."""
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        data = inflater.decompress(body, limit + 1)
    except zlib.error as exc:
        raise BadPayload("the body is not valid gzip") from exc
    if len(data) > limit or inflater.unconsumed_tail:
        raise too_large(limit)
    if not inflater.eof:
        raise BadPayload("the gzip body is truncated")
    return data


class OtlpApp:
    """The ASGI application of the receiver."""

    def __init__(self, writer: SpanWriter, max_body_bytes: int) -> None:
        self.writer = writer
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        encoding = _encoding(_header(scope, b"content-type"))
        try:
            body = await self._export(scope, receive, encoding)
        except ClientGone:
            return
        except Rejected as rejected:
            body = encode(status(rejected.rpc_code, rejected.message), encoding or Encoding.json)
            await _send(send, rejected.status_code, encoding, body, rejected.headers)
            return
        await _send(send, 200, encoding, body, [])

    async def _export(self, scope: Scope, receive: Receive, encoding: Encoding | None) -> bytes:
        """Store the spans of one export; the reply body, or `Rejected`."""
        if scope["path"] != TRACES_PATH:
            raise Rejected(404, _NOT_FOUND, "没有这个接口", f"only {TRACES_PATH} is served")
        if scope["method"] != "POST":
            raise Rejected(405, _UNIMPLEMENTED, "只接受 POST", "POST only", (b"allow", b"POST"))
        content_encoding = _header(scope, b"content-encoding").lower()
        if encoding is None or content_encoding not in _ENCODINGS:
            raise Rejected(
                415,
                _INVALID_ARGUMENT,
                "只接受 application/x-protobuf 或 application/json，可用 gzip 压缩",
                "send application/x-protobuf or application/json, optionally gzip-encoded",
            )
        declared = _header(scope, b"content-length")
        if declared.isdigit() and int(declared) > self.max_body_bytes:
            raise too_large(self.max_body_bytes)
        body = await _read_body(receive, self.max_body_bytes)
        try:
            expanded = len(body) * (GZIP_RATIO if content_encoding == "gzip" else 1)
            if expanded > OFFLOAD_BYTES:
                # A big export takes a while to convert: keep the bus answering meanwhile.
                converted = await asyncio.to_thread(self._convert, body, encoding, content_encoding)
            else:
                converted = self._convert(body, encoding, content_encoding)
        except BadPayload as exc:
            raise Rejected(400, _INVALID_ARGUMENT, "请求体不是 OTLP 追踪数据", str(exc)) from exc
        if not self.writer.offer(converted.documents):
            raise Rejected(
                503,
                _UNAVAILABLE,
                "追踪数据写入繁忙，请稍后重试",
                "the span buffer is full; retry later",
                (b"retry-after", b"2"),
            )
        reason = "invalid trace or span id" if converted.rejected else ""
        return encode(export_response(converted.rejected, reason), encoding)

    def _convert(self, body: bytes, encoding: Encoding, content_encoding: str) -> Converted:
        if content_encoding == "gzip":
            body = gunzip(body, self.max_body_bytes)
        return span_documents(decode(body, encoding))


async def _send(
    send: Send,
    status_code: int,
    encoding: Encoding | None,
    body: bytes,
    headers: list[tuple[bytes, bytes]],
) -> None:
    content_type = (encoding or Encoding.json).value.encode()
    await send(
        {
            "type": "http.response.start",
            "status": status_code,
            "headers": [
                (b"content-type", content_type),
                (b"content-length", str(len(body)).encode()),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
