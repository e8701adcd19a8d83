"""The OTLP/HTTP receiver's replies and the span writer's batching, in process (no sockets)."""

from __future__ import annotations

import gzip
import json
from collections.abc import Sequence
from typing import Any

import httpx
import pytest
from google.rpc.status_pb2 import Status
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceResponse
from pymongo.errors import AutoReconnect

from services.ops.receiver import OFFLOAD_BYTES, OtlpApp
from services.ops.writer import SpanWriter
from tests.unit.test_ops_otlp import ROOT, TRACE, export, kv, otlp_json, root_span

PROTOBUF = {"content-type": "application/x-protobuf"}
JSON = {"content-type": "application/json"}
LIMIT = 64 * 1024


class FakeStore:
    def __init__(self) -> None:
        self.batches: list[list[dict[str, Any]]] = []
        self.down = False

    async def insert(self, documents: Sequence[dict[str, Any]]) -> int:
        if self.down:
            raise AutoReconnect("connection refused")
        self.batches.append(list(documents))
        return 0


def make_writer(store: FakeStore, capacity: int = 1000, batch: int = 100) -> SpanWriter:
    return SpanWriter(store, flush_interval_s=0.05, batch=batch, capacity=capacity)  # type: ignore[arg-type]


def client(writer: SpanWriter) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=OtlpApp(writer, LIMIT))
    return httpx.AsyncClient(transport=transport, base_url="http://otlp")


def many_spans(n: int) -> bytes:
    spans = [root_span(span_id=(i + 1).to_bytes(8, "big")) for i in range(n)]
    return export(*spans).SerializeToString()


async def test_protobuf_export_is_buffered_and_answered_in_protobuf() -> None:
    writer = make_writer(FakeStore())
    async with client(writer) as http:
        response = await http.post("/v1/traces", content=many_spans(3), headers=PROTOBUF)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/x-protobuf"
    reply = ExportTraceServiceResponse()
    reply.ParseFromString(response.content)
    assert not reply.HasField("partial_success")
    assert writer.pending == 3


async def test_json_export_is_answered_in_json() -> None:
    writer = make_writer(FakeStore())
    body = json.dumps(otlp_json(export(root_span()))).encode()
    async with client(writer) as http:
        response = await http.post(
            "/v1/traces", content=body, headers={"content-type": "application/json; charset=utf-8"}
        )
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {}
    assert writer.pending == 1


async def test_gzip_bodies_are_inflated() -> None:
    writer = make_writer(FakeStore())
    async with client(writer) as http:
        response = await http.post(
            "/v1/traces",
            content=gzip.compress(many_spans(2)),
            headers={**PROTOBUF, "content-encoding": "gzip"},
        )
    assert response.status_code == 200
    assert writer.pending == 2


async def test_invalid_ids_are_a_partial_success() -> None:
    writer = make_writer(FakeStore())
    body = export(root_span(), root_span(trace_id=bytes(16))).SerializeToString()
    async with client(writer) as http:
        response = await http.post("/v1/traces", content=body, headers=PROTOBUF)
    reply = ExportTraceServiceResponse()
    reply.ParseFromString(response.content)
    assert response.status_code == 200
    assert reply.partial_success.rejected_spans == 1
    assert writer.pending == 1


def _status(response: httpx.Response) -> Status:
    status = Status()
    if response.headers["content-type"] == "application/x-protobuf":
        status.ParseFromString(response.content)
    else:
        status.code = response.json()["code"]
        status.message = response.json()["message"]
    return status


@pytest.mark.parametrize(
    ("headers", "body", "expected"),
    [
        (PROTOBUF, b"\xff\xff\xff\xff", 400),
        (JSON, b"{not json", 400),
        ({**PROTOBUF, "content-encoding": "gzip"}, b"not gzip", 400),
        ({**PROTOBUF, "content-encoding": "gzip"}, gzip.compress(b"\x0a" * 10)[:-8], 400),
        ({"content-type": "text/plain"}, b"hello", 415),
        ({}, b"hello", 415),
        ({**PROTOBUF, "content-encoding": "br"}, b"x", 415),
        (PROTOBUF, b"\x0a" * (LIMIT + 1), 413),
        ({**PROTOBUF, "content-encoding": "gzip"}, gzip.compress(bytes(LIMIT * 4)), 413),
    ],
)
async def test_refused_exports_store_nothing(
    headers: dict[str, str], body: bytes, expected: int
) -> None:
    writer = make_writer(FakeStore())
    async with client(writer) as http:
        response = await http.post("/v1/traces", content=body, headers=headers)
    assert response.status_code == expected
    status = _status(response)
    assert status.code != 0
    assert "（" in status.message  # Chinese first, English in brackets
    assert writer.pending == 0


async def test_other_paths_and_methods() -> None:
    writer = make_writer(FakeStore())
    async with client(writer) as http:
        assert (await http.post("/v1/metrics", content=b"", headers=PROTOBUF)).status_code == 404
        wrong_method = await http.get("/v1/traces")
    assert wrong_method.status_code == 405
    assert wrong_method.headers["allow"] == "POST"


async def test_a_full_buffer_answers_503_to_retry_later() -> None:
    writer = make_writer(FakeStore(), capacity=4)
    async with client(writer) as http:
        accepted = await http.post("/v1/traces", content=many_spans(3), headers=PROTOBUF)
        refused = await http.post("/v1/traces", content=many_spans(2), headers=PROTOBUF)
    assert accepted.status_code == 200
    assert refused.status_code == 503
    assert refused.headers["retry-after"]
    assert writer.pending == 3
    assert writer.stats.refused == 2


async def test_the_writer_inserts_in_batches() -> None:
    store = FakeStore()
    writer = make_writer(store, batch=100)
    writer.offer(
        [{"_id": str(i), "trace_id": TRACE.hex(), "span_id": ROOT.hex()} for i in range(250)]
    )
    assert await writer.flush() is True
    assert [len(batch) for batch in store.batches] == [100, 100, 50]
    assert writer.pending == 0
    assert writer.stats.written == 250


async def test_the_writer_keeps_spans_while_the_database_is_down() -> None:
    store = FakeStore()
    writer = make_writer(store)
    writer.offer([{"_id": "a"}, {"_id": "b"}])
    store.down = True
    assert await writer.flush() is False
    assert writer.pending == 2
    store.down = False
    assert await writer.flush() is True
    assert store.batches == [[{"_id": "a"}, {"_id": "b"}]]


async def test_a_big_export_converts_off_the_event_loop() -> None:
    writer = make_writer(FakeStore(), capacity=10_000)
    padding = kv("db.statement", string_value="x" * 200)
    spans = [
        root_span(span_id=(i + 1).to_bytes(8, "big"), attributes=[padding]) for i in range(2000)
    ]
    body = export(*spans).SerializeToString()
    assert len(body) > OFFLOAD_BYTES
    transport = httpx.ASGITransport(app=OtlpApp(writer, 8 * 1024 * 1024))
    async with httpx.AsyncClient(transport=transport, base_url="http://otlp") as http:
        response = await http.post("/v1/traces", content=body, headers=PROTOBUF)
    assert response.status_code == 200
    assert writer.pending == 2000
