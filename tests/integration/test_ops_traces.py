"""The embedded trace store end to end: OTLP/HTTP in, MongoDB (nx-27017), queries over NATS.

Runs its own small deployment (NATS + the ops database + `python -m services.ops`) so its
retention settings and span counts are its own. The ops process is pointed at its own
receiver through `OTEL_EXPORTER_OTLP_ENDPOINT` on purpose: it must not export to itself.
"""

from __future__ import annotations

import asyncio
import gzip
import json
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import nats
import pytest
from nats.aio.client import Client as NatsClient
from opentelemetry.exporter.otlp.proto.http import Compression
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceResponse
from opentelemetry.proto.trace.v1.trace_pb2 import Span, Status
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.trace import Status as SdkStatus
from opentelemetry.trace import StatusCode

from deploy.health import wait_services
from services.contracts import subjects
from services.contracts.ops import REQUEST_ID_ATTRIBUTE
from tests.support.platform import CENTER, Platform, eventually
from tests.unit.test_ops_otlp import export, kv, otlp_json

PROTOBUF = {"content-type": "application/x-protobuf"}
JSON = {"content-type": "application/json"}
OPS = {"sub": "ops-oncall", "role": "ops", "site": CENTER}
MIB = 1024 * 1024


@dataclass
class Ops:
    platform: Platform
    bus: NatsClient
    http: httpx.AsyncClient

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.platform.stack.ports.otlp}/v1/traces"

    @property
    def spans(self) -> Any:
        return self.platform.database("ops").spans

    async def rpc(
        self, action: str, data: dict[str, Any], caller: dict[str, Any] | None = OPS
    ) -> dict[str, Any]:
        subject = subjects.rpc(self.platform.stack.region, "ops", action)
        payload = json.dumps({"caller": caller, "data": data}).encode()
        reply = await self.bus.request(subject, payload, timeout=10)
        body: dict[str, Any] = json.loads(reply.data)
        return body

    async def search(self, **filters: Any) -> list[dict[str, Any]]:
        reply = await self.rpc("traces.search", filters)
        assert reply["ok"], reply
        traces: list[dict[str, Any]] = reply["data"]["traces"]
        return traces

    async def search_until(self, count: int, **filters: Any) -> list[dict[str, Any]]:
        async def probe() -> list[dict[str, Any]]:
            return await self.search(**filters)

        return await eventually(probe, lambda found: len(found) >= count, timeout_s=15)


async def start_ops(data_dir: Path, env: dict[str, str] | None = None) -> Ops:
    platform = Platform.create(data_dir, env=env)
    stack = platform.stack
    # Bait for the feedback loop: the ops process must ignore its own endpoint.
    stack.extra_env["OTEL_EXPORTER_OTLP_ENDPOINT"] = f"http://127.0.0.1:{stack.ports.otlp}"
    try:
        stack.start_infrastructure(services=("ops",))
        stack.start("ops")
        await wait_services(stack.nats_url, stack.region, ("ops",), timeout_s=60)
    except BaseException:
        stack.stop_all()
        raise
    bus = await nats.connect(stack.nats_url)
    return Ops(platform, bus, httpx.AsyncClient(timeout=30))


async def stop_ops(ops: Ops) -> None:
    await ops.http.aclose()
    await ops.bus.close()
    await ops.platform.stop()


@pytest.fixture(scope="module")
async def ops(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Ops]:
    running = await start_ops(tmp_path_factory.mktemp("ops"))
    yield running
    await stop_ops(running)


# -- building exports --------------------------------------------------------------------


def new_trace() -> bytes:
    return uuid.uuid4().bytes


def span_id(n: int) -> bytes:
    return n.to_bytes(8, "big")


def now_ns() -> int:
    return time.time_ns()


def request_trace(trace: bytes, service: str, start_ns: int) -> list[tuple[str, Span]]:
    """gateway → catalog → mongodb, the shape of one platform request."""
    return [
        (
            "gateway",
            Span(
                trace_id=trace,
                span_id=span_id(1),
                name="POST /api/v1/content/{id}",
                kind=Span.SPAN_KIND_SERVER,
                start_time_unix_nano=start_ns,
                end_time_unix_nano=start_ns + 12_000_000,
                attributes=[
                    kv("http.method", string_value="POST"),
                    kv(REQUEST_ID_ATTRIBUTE, string_value=trace.hex()),
                ],
            ),
        ),
        (
            service,
            Span(
                trace_id=trace,
                span_id=span_id(2),
                parent_span_id=span_id(1),
                name="wm.320582.catalog.rpc.content.create process",
                kind=Span.SPAN_KIND_CONSUMER,
                start_time_unix_nano=start_ns + 2_000_000,
                end_time_unix_nano=start_ns + 10_000_000,
                events=[
                    Span.Event(
                        name="exception",
                        time_unix_nano=start_ns + 6_000_000,
                        attributes=[kv("exception.type", string_value="DuplicateKeyError")],
                    )
                ],
            ),
        ),
        (
            service,
            Span(
                trace_id=trace,
                span_id=span_id(3),
                parent_span_id=span_id(2),
                name="db.insert",
                kind=Span.SPAN_KIND_CLIENT,
                start_time_unix_nano=start_ns + 3_000_000,
                end_time_unix_nano=start_ns + 5_000_000,
                status=Status(code=Status.STATUS_CODE_ERROR, message="E11000 duplicate key"),
                attributes=[kv("db.system", string_value="mongodb")],
            ),
        ),
    ]


def request_export(spans: list[tuple[str, Span]]) -> Any:
    request = export(service=None)
    request.resource_spans.pop()
    for service in dict.fromkeys(name for name, _ in spans):
        part = export(*(s for name, s in spans if name == service), service=service)
        request.resource_spans.extend(part.resource_spans)
    return request


# -- ingest and query --------------------------------------------------------------------


async def test_protobuf_export_is_searchable_and_shows_a_waterfall(ops: Ops) -> None:
    trace = new_trace()
    service = f"catalog-{uuid.uuid4().hex[:8]}"
    body = request_export(request_trace(trace, service, now_ns())).SerializeToString()
    response = await ops.http.post(ops.url, content=body, headers=PROTOBUF)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/x-protobuf"
    reply = ExportTraceServiceResponse()
    reply.ParseFromString(response.content)
    assert reply.partial_success.rejected_spans == 0

    (summary,) = await ops.search_until(1, trace_id=trace.hex())
    assert summary["root_service"] == "gateway"
    assert summary["root_name"] == "POST /api/v1/content/{id}"
    assert summary["span_count"] == 3
    assert summary["duration_us"] == 12_000
    assert summary["services"] == sorted(["gateway", service])
    assert summary["error"] is True
    assert summary["request_id"] == trace.hex()

    detail = await ops.rpc("traces.get", {"trace_id": trace.hex().upper()})
    assert detail["ok"], detail
    spans = detail["data"]["spans"]
    assert [s["name"] for s in spans] == [
        "POST /api/v1/content/{id}",
        "wm.320582.catalog.rpc.content.create process",
        "db.insert",
    ]
    assert [s["offset_us"] for s in spans] == [0, 2000, 3000]
    assert [s["duration_us"] for s in spans] == [12_000, 8000, 2000]
    assert [s["depth"] for s in spans] == [0, 1, 2]
    assert [s["parent_span_id"] for s in spans] == [None, span_id(1).hex(), span_id(2).hex()]
    assert [s["kind"] for s in spans] == ["server", "consumer", "client"]
    assert spans[2]["error"] is True
    assert spans[2]["status_message"] == "E11000 duplicate key"
    assert {"key": "http.method", "value": "POST"} in spans[0]["attributes"]
    assert spans[1]["events"][0]["name"] == "exception"
    assert spans[1]["events"][0]["offset_us"] == 6000

    stored = await ops.spans.find_one({"trace_id": trace.hex(), "span_id": span_id(1).hex()})
    assert isinstance(stored["start_us"], int)
    assert stored["request_id"] == trace.hex()


async def test_json_export_with_hex_ids_is_found_by_request_id_and_operation(ops: Ops) -> None:
    trace = new_trace()
    service = f"orders-{uuid.uuid4().hex[:8]}"
    payload = otlp_json(request_export(request_trace(trace, service, now_ns())))
    response = await ops.http.post(ops.url, content=json.dumps(payload), headers=JSON)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {}

    (by_request,) = await ops.search_until(1, request_id=trace.hex())
    assert by_request["trace_id"] == trace.hex()
    (by_operation,) = await ops.search(service=service, operation="RPC.content.CREATE")
    assert by_operation["trace_id"] == trace.hex()
    assert await ops.search(service=service, operation="rpc.*create") == []
    assert (await ops.search(operation="content/{id}", limit=100))[0]["trace_id"]


async def test_search_filters_and_newest_first(ops: Ops) -> None:
    service = f"volunteers-{uuid.uuid4().hex[:8]}"
    base = now_ns() - 60_000_000_000
    traces = [new_trace() for _ in range(4)]
    spans: list[tuple[str, Span]] = []
    for i, trace in enumerate(traces):
        spans.append(
            (
                service,
                Span(
                    trace_id=trace,
                    span_id=span_id(1),
                    name=f"hours.record {i}",
                    kind=Span.SPAN_KIND_SERVER,
                    start_time_unix_nano=base + i * 1_000_000_000,
                    end_time_unix_nano=base + i * 1_000_000_000 + (i + 1) * 10_000_000,
                    status=Status(code=Status.STATUS_CODE_ERROR if i == 1 else 0),
                ),
            )
        )
    body = request_export(spans).SerializeToString()
    assert (await ops.http.post(ops.url, content=body, headers=PROTOBUF)).status_code == 200

    found = await ops.search_until(4, service=service)
    assert [t["trace_id"] for t in found] == [t.hex() for t in reversed(traces)]
    assert [t["trace_id"] for t in await ops.search(service=service, limit=2)] == [
        traces[3].hex(),
        traces[2].hex(),
    ]
    slow = await ops.search(service=service, min_duration_ms=25)
    assert {t["trace_id"] for t in slow} == {traces[2].hex(), traces[3].hex()}
    failed = await ops.search(service=service, errors_only=True)
    assert [t["trace_id"] for t in failed] == [traces[1].hex()]
    window = await ops.search(
        service=service,
        since=_iso(base + 500_000_000),
        until=_iso(base + 2_500_000_000),
    )
    assert [t["trace_id"] for t in window] == [traces[2].hex(), traces[1].hex()]
    assert await ops.search(service=f"{service}-none") == []


def _iso(epoch_ns: int) -> str:
    seconds, nanos = divmod(epoch_ns, 1_000_000_000)
    stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds))
    return f"{stamp}.{nanos // 1000:06d}Z"


async def test_only_the_ops_role_may_query(ops: Ops) -> None:
    admin = {"sub": "admin-1", "role": "provincial_admin", "site": "320000"}
    for action, data in (("traces.search", {}), ("traces.get", {"trace_id": "a" * 32})):
        refused = await ops.rpc(action, data, caller=admin)
        assert refused["ok"] is False
        assert refused["error"]["status"] == 403
        assert refused["error"]["message_zh"]
        anonymous = await ops.rpc(action, data, caller=None)
        assert anonymous["error"]["status"] == 401


async def test_bad_queries_and_unknown_traces(ops: Ops) -> None:
    too_many = await ops.rpc("traces.search", {"limit": 101})
    assert too_many["error"]["status"] == 422
    extra = await ops.rpc("traces.search", {"service": "x", "$where": "1"})
    assert extra["error"]["status"] == 422
    missing = await ops.rpc("traces.get", {"trace_id": new_trace().hex()})
    assert missing["error"]["status"] == 404
    assert missing["error"]["message_zh"]


async def test_refused_exports_store_nothing(ops: Ops) -> None:
    before = await ops.spans.count_documents({})
    valid = request_export(request_trace(new_trace(), "orders", now_ns())).SerializeToString()
    cases = [
        (PROTOBUF, b"\xff\xff\xff\xff", 400),
        (JSON, b'{"resourceSpans": [{"scopeSpans": [{"spans": [{"traceId": "zz"}]}]}]}', 400),
        ({"content-type": "text/plain"}, valid, 415),
        ({"content-type": "application/grpc"}, valid, 415),
        (PROTOBUF, valid + b"\x00" * (8 * MIB), 413),
        ({**PROTOBUF, "content-encoding": "gzip"}, gzip.compress(bytes(9 * MIB)), 413),
    ]
    for headers, body, expected in cases:
        response = await ops.http.post(ops.url, content=body, headers=headers)
        assert response.status_code == expected, (headers, response.text)
    await asyncio.sleep(1.0)  # several flush intervals
    assert await ops.spans.count_documents({}) == before


async def test_invalid_span_ids_are_reported_as_partial_success(ops: Ops) -> None:
    trace = new_trace()
    good = Span(trace_id=trace, span_id=span_id(1), name="ok", start_time_unix_nano=now_ns())
    bad = Span(trace_id=bytes(16), span_id=span_id(2), name="zero trace id")
    response = await ops.http.post(
        ops.url, content=export(good, bad).SerializeToString(), headers=PROTOBUF
    )
    reply = ExportTraceServiceResponse()
    reply.ParseFromString(response.content)
    assert response.status_code == 200
    assert reply.partial_success.rejected_spans == 1
    assert len(await ops.search_until(1, trace_id=trace.hex())) == 1


async def test_a_retried_export_is_stored_once(ops: Ops) -> None:
    trace = new_trace()
    body = request_export(request_trace(trace, "catalog", now_ns())).SerializeToString()
    for _ in range(2):
        assert (await ops.http.post(ops.url, content=body, headers=PROTOBUF)).status_code == 200
    (summary,) = await ops.search_until(1, trace_id=trace.hex())
    await asyncio.sleep(0.6)
    assert await ops.spans.count_documents({"trace_id": trace.hex()}) == 3
    assert summary["span_count"] == 3


async def test_the_sdk_exporter_delivers_to_the_store(ops: Ops) -> None:
    service = f"sdk-probe-{uuid.uuid4().hex[:8]}"
    provider = TracerProvider(resource=Resource.create({"service.name": service}))
    exporter = OTLPSpanExporter(endpoint=ops.url, compression=Compression.Gzip, timeout=10)
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    tracer = provider.get_tracer("tests.ops")
    with tracer.start_as_current_span("GET /api/v1/stats/site") as root:
        trace_id = format(root.get_span_context().trace_id, "032x")
        root.set_attribute(REQUEST_ID_ATTRIBUTE, trace_id)
        root.set_attribute("http.status_code", 500)
        with tracer.start_as_current_span("evaluation site_stats.get") as child:
            child.add_event("cache.miss", {"cache.key": "320582"})
            child.set_status(SdkStatus(StatusCode.ERROR, "store timeout"))
    provider.shutdown()

    (summary,) = await ops.search_until(1, service=service)
    assert summary["trace_id"] == trace_id
    assert summary["root_name"] == "GET /api/v1/stats/site"
    assert summary["span_count"] == 2
    assert summary["error"] is True
    assert (await ops.search(request_id=trace_id))[0]["trace_id"] == trace_id
    detail = (await ops.rpc("traces.get", {"trace_id": trace_id}))["data"]
    root_view, child_view = detail["spans"]
    assert child_view["parent_span_id"] == root_view["span_id"]
    assert child_view["events"][0]["name"] == "cache.miss"
    assert child_view["events"][0]["attributes"] == [{"key": "cache.key", "value": "320582"}]
    assert {"key": "http.status_code", "value": 500} in root_view["attributes"]
    assert child_view["status_message"] == "store timeout"


async def test_the_ops_process_does_not_export_its_own_spans(ops: Ops) -> None:
    for _ in range(3):
        await ops.search(limit=5)
    await asyncio.sleep(1.5)  # the SDK would have exported within its 0.5 s batch delay
    assert await ops.spans.count_documents({"service": "ops"}) == 0


# -- retention ---------------------------------------------------------------------------


async def test_retention_drops_expired_then_oldest_spans(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    small = await start_ops(
        tmp_path_factory.mktemp("ops-retention"),
        env={
            "WENMING_OPS_MAX_SPANS": "50",
            "WENMING_OPS_RETENTION_HOURS": "1",
            "WENMING_OPS_PURGE_INTERVAL": "0.3",
        },
    )
    try:
        now = now_ns()
        hour = 3600 * 1_000_000_000
        trace = new_trace()
        expired = [
            Span(
                trace_id=trace,
                span_id=span_id(i + 1),
                name="old",
                start_time_unix_nano=now - 2 * hour + i,
            )
            for i in range(10)
        ]
        recent = [
            Span(
                trace_id=new_trace(),
                span_id=span_id(1),
                name=f"recent {i}",
                start_time_unix_nano=now - (80 - i) * 1_000_000,
                end_time_unix_nano=now - (80 - i) * 1_000_000 + 1000,
            )
            for i in range(80)
        ]
        body = export(*expired, *recent, service="retention").SerializeToString()
        response = await small.http.post(small.url, content=body, headers=PROTOBUF)
        assert response.status_code == 200

        async def kept() -> list[dict[str, Any]]:
            cursor = small.spans.find({}, {"name": 1, "start_us": 1}).sort("start_us", 1)
            return [doc async for doc in cursor]

        def settled(docs: list[dict[str, Any]]) -> bool:
            return 0 < len(docs) <= 50 and all(d["name"] != "old" for d in docs)

        docs = await eventually(kept, settled, timeout_s=15)
        assert settled(docs), len(docs)
        assert len(docs) >= 45  # trimmed to the low watermark (90 % of the cap), no further
        newest = [f"recent {i}" for i in range(80)][-len(docs) :]
        assert [d["name"] for d in docs] == newest
    finally:
        await stop_ops(small)
