"""OTLP decoding and span documents, search filters and the ops contracts (no I/O)."""

from __future__ import annotations

import base64
import json
import re
from datetime import UTC, datetime
from typing import Any

import pytest
from google.protobuf import json_format
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)
from opentelemetry.proto.common.v1.common_pb2 import (
    AnyValue,
    ArrayValue,
    InstrumentationScope,
    KeyValue,
    KeyValueList,
)
from opentelemetry.proto.resource.v1.resource_pb2 import Resource
from opentelemetry.proto.trace.v1.trace_pb2 import ResourceSpans, ScopeSpans, Span, Status
from pydantic import ValidationError

from services.contracts.ops import TraceGet, TraceSearch
from services.ops import otlp
from services.ops.otlp import BadPayload, Encoding
from services.ops.store import record_from_document, span_filter

TRACE = bytes.fromhex("0af7651916cd43dd8448eb211c80319c")
ROOT = bytes.fromhex("b7ad6b7169203331")
CHILD = bytes.fromhex("00f067aa0ba902b7")
T0_NS = 1_760_000_000_000_000_000


def kv(key: str, **value: Any) -> KeyValue:
    return KeyValue(key=key, value=AnyValue(**value))


def export(*spans: Span, service: str | None = "gateway") -> ExportTraceServiceRequest:
    attributes = [kv("service.name", string_value=service)] if service else []
    return ExportTraceServiceRequest(
        resource_spans=[
            ResourceSpans(
                resource=Resource(attributes=attributes),
                scope_spans=[
                    ScopeSpans(scope=InstrumentationScope(name="probe"), spans=list(spans))
                ],
            )
        ]
    )


def root_span(**fields: Any) -> Span:
    base: dict[str, Any] = {
        "trace_id": TRACE,
        "span_id": ROOT,
        "name": "POST /api/v1/content",
        "kind": Span.SPAN_KIND_SERVER,
        "start_time_unix_nano": T0_NS,
        "end_time_unix_nano": T0_NS + 2_500_000,
    }
    return Span(**{**base, **fields})


def otlp_json(request: ExportTraceServiceRequest) -> dict[str, Any]:
    """OTLP/JSON as an exporter sends it: ids as hex, not protobuf JSON's base64."""
    payload: dict[str, Any] = json_format.MessageToDict(request)
    for resource_spans in payload["resourceSpans"]:
        for scope_spans in resource_spans["scopeSpans"]:
            for span in scope_spans["spans"]:
                for key in ("traceId", "spanId", "parentSpanId"):
                    if key in span:
                        span[key] = base64.b64decode(span[key]).hex()
    return payload


# -- decoding ----------------------------------------------------------------------------


def test_protobuf_and_json_decode_to_the_same_request() -> None:
    request = export(root_span(), root_span(span_id=CHILD, parent_span_id=ROOT, name="child"))
    from_protobuf = otlp.decode(request.SerializeToString(), Encoding.protobuf)
    from_json = otlp.decode(json.dumps(otlp_json(request)).encode(), Encoding.json)
    assert from_protobuf == request
    assert from_json == request


def test_json_ignores_unknown_fields_and_accepts_integer_enums() -> None:
    payload = otlp_json(export(root_span()))
    payload["futureField"] = {"x": 1}
    payload["resourceSpans"][0]["scopeSpans"][0]["spans"][0]["kind"] = 3
    decoded = otlp.decode(json.dumps(payload).encode(), Encoding.json)
    assert decoded.resource_spans[0].scope_spans[0].spans[0].kind == Span.SPAN_KIND_CLIENT


@pytest.mark.parametrize(
    ("body", "encoding"),
    [
        (b"\xff\xff\xff\xff", Encoding.protobuf),
        (b"{not json", Encoding.json),
        (b"[1, 2]", Encoding.json),
        (b'{"resourceSpans": "nope"}', Encoding.json),
        (
            b'{"resourceSpans": [{"scopeSpans": [{"spans": [{"traceId": "xyz"}]}]}]}',
            Encoding.json,
        ),
        (b"\xff\xfe", Encoding.json),
    ],
)
def test_a_bad_payload_is_refused(body: bytes, encoding: Encoding) -> None:
    with pytest.raises(BadPayload):
        otlp.decode(body, encoding)


# -- span documents ----------------------------------------------------------------------


def test_a_span_becomes_an_insert_only_document_with_integer_times() -> None:
    child = root_span(
        span_id=CHILD,
        parent_span_id=ROOT,
        name="db.insert",
        kind=Span.SPAN_KIND_CLIENT,
        start_time_unix_nano=T0_NS + 1_000_999,
        end_time_unix_nano=T0_NS + 2_000_000,
        status=Status(code=Status.STATUS_CODE_ERROR, message="duplicate key"),
        attributes=[
            kv("db.system", string_value="mongodb"),
            kv("wenming.request_id", string_value=TRACE.hex()),
        ],
        events=[
            Span.Event(
                name="exception",
                time_unix_nano=T0_NS + 1_500_000,
                attributes=[kv("exception.type", string_value="DuplicateKeyError")],
            )
        ],
    )
    converted = otlp.span_documents(export(root_span(), child))
    assert converted.rejected == 0
    root, doc = converted.documents
    assert doc["_id"] == TRACE.hex() + CHILD.hex()
    assert doc["trace_id"] == TRACE.hex()
    assert doc["parent_span_id"] == ROOT.hex()
    assert "parent_span_id" not in root
    assert (doc["service"], doc["scope"], doc["kind"]) == ("gateway", "probe", "client")
    assert doc["start_us"] == T0_NS // 1000 + 1000
    assert doc["end_us"] == T0_NS // 1000 + 2000
    assert doc["duration_us"] == 1000
    assert all(isinstance(doc[k], int) for k in ("start_us", "end_us", "duration_us"))
    assert doc["error"] is True
    assert root["error"] is False
    assert doc["status_message"] == "duplicate key"
    assert json.loads(doc["attributes_json"])[0] == {"key": "db.system", "value": "mongodb"}
    assert doc["request_id"] == TRACE.hex()
    assert json.loads(doc["events_json"]) == [
        {
            "name": "exception",
            "time_us": T0_NS // 1000 + 1500,
            "attributes": [{"key": "exception.type", "value": "DuplicateKeyError"}],
        }
    ]


def test_attribute_values_become_plain_json_safe_data() -> None:
    attributes = [
        kv("s", string_value="x" * 10_000),
        kv("b", bool_value=True),
        kv("i", int_value=-(2**62)),
        kv("d", double_value=0.25),
        kv("nan", double_value=float("nan")),
        kv("raw", bytes_value=b"\x00\x01"),
        kv(
            "list",
            array_value=ArrayValue(values=[AnyValue(int_value=1), AnyValue(string_value="a")]),
        ),
        kv("map", kvlist_value=KeyValueList(values=[kv("k.v", bool_value=False)])),
        KeyValue(key="empty"),
    ]
    (doc,) = otlp.span_documents(export(root_span(attributes=attributes))).documents
    values = {a["key"]: a["value"] for a in json.loads(doc["attributes_json"])}
    assert len(values["s"]) == otlp.MAX_STRING
    assert values["b"] is True
    assert values["i"] == -(2**62)
    assert values["d"] == 0.25
    assert values["nan"] == "nan"
    assert values["raw"] == "AAE="
    assert values["list"] == [1, "a"]
    assert values["map"] == [{"key": "k.v", "value": False}]
    assert values["empty"] is None
    json.dumps(doc, allow_nan=False)


def test_spans_with_invalid_ids_are_rejected_and_counted() -> None:
    converted = otlp.span_documents(
        export(
            root_span(),
            root_span(trace_id=bytes(16)),
            root_span(span_id=b"\x01\x02"),
            root_span(trace_id=b""),
        )
    )
    assert len(converted.documents) == 1
    assert converted.rejected == 3


def test_a_resource_without_a_service_name_is_unknown_service() -> None:
    (doc,) = otlp.span_documents(export(root_span(), service=None)).documents
    assert doc["service"] == "unknown_service"


def test_replies_use_the_request_encoding() -> None:
    response = otlp.export_response(2, "invalid trace or span id")
    parsed = ExportTraceServiceResponse()
    parsed.ParseFromString(otlp.encode(response, Encoding.protobuf))
    assert parsed.partial_success.rejected_spans == 2
    as_json = json.loads(otlp.encode(response, Encoding.json))
    assert as_json["partialSuccess"]["rejectedSpans"] == "2"
    assert json.loads(otlp.encode(otlp.export_response(0, ""), Encoding.json)) == {}


# -- search filters and contracts --------------------------------------------------------


def test_operation_text_is_matched_literally() -> None:
    where = span_filter(TraceSearch(operation="GET /api/v1/content/{id}.*"))
    pattern = where["name"]["$regex"]
    assert re.search(pattern, "get /api/v1/content/{id}.* x", re.IGNORECASE)
    assert not re.search(pattern, "GET /api/v1/content/42")
    assert where["name"]["$options"] == "i"


def test_span_filters_translate_to_integer_microseconds() -> None:
    since = datetime(2025, 1, 1, tzinfo=UTC)
    until = datetime(2025, 1, 2, tzinfo=UTC)
    where = span_filter(
        TraceSearch(
            service="catalog",
            min_duration_ms=1.5,
            errors_only=True,
            since=since,
            until=until,
            trace_id=TRACE.hex().upper(),
        )
    )
    assert where == {
        "service": "catalog",
        "duration_us": {"$gte": 1500},
        "error": True,
        "start_us": {"$gte": 1_735_689_600_000_000, "$lt": 1_735_776_000_000_000},
        "trace_id": TRACE.hex(),
    }
    assert span_filter(TraceSearch()) == {}


@pytest.mark.parametrize(
    "data",
    [
        {"limit": 101},
        {"limit": 0},
        {"unknown": 1},
        {"operation": ""},
        {"operation": "x" * 129},
        {"min_duration_ms": -1},
        {"trace_id": "not-a-trace-id"},
        {"request_id": "short"},
        {"since": "2025-01-01T00:00:00"},
        {"since": "2025-01-02T00:00:00Z", "until": "2025-01-01T00:00:00Z"},
        {"service": {"$ne": None}},
    ],
)
def test_search_input_is_validated(data: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        TraceSearch.model_validate(data)


def test_trace_get_normalizes_the_id() -> None:
    assert TraceGet(trace_id=f" {TRACE.hex().upper()} ").trace_id == TRACE.hex()
    with pytest.raises(ValidationError):
        TraceGet.model_validate({"trace_id": TRACE.hex(), "extra": True})


def test_stored_attributes_and_events_read_back_as_written_and_from_older_documents() -> None:
    span = root_span(
        attributes=[kv("db.system", string_value="mongodb"), kv("n", int_value=3)],
        events=[
            Span.Event(
                name="exception",
                time_unix_nano=T0_NS + 1_000,
                attributes=[kv("exception.type", string_value="Boom")],
            )
        ],
    )
    (doc,) = otlp.span_documents(export(span)).documents
    record = record_from_document(doc)
    assert [(a.key, a.value) for a in record.attributes] == [("db.system", "mongodb"), ("n", 3)]
    (event,) = record.events
    assert (event.name, [(a.key, a.value) for a in event.attributes]) == (
        "exception",
        [("exception.type", "Boom")],
    )

    older = {k: v for k, v in doc.items() if not k.endswith("_json")}
    older["attributes"] = json.loads(doc["attributes_json"])
    older["events"] = json.loads(doc["events_json"])
    assert record_from_document(older) == record

    damaged = {**doc, "attributes_json": "[{not json", "events_json": "42"}
    assert record_from_document(damaged).attributes == ()
    assert record_from_document(damaged).events == ()


def test_a_request_id_narrows_the_search_to_its_trace() -> None:
    other = "ab" * 16
    assert span_filter(TraceSearch(request_id=TRACE.hex().upper())) == {"trace_id": TRACE.hex()}
    assert span_filter(TraceSearch(request_id=TRACE.hex(), trace_id=TRACE.hex())) == {
        "trace_id": TRACE.hex()
    }
    assert span_filter(TraceSearch(request_id=TRACE.hex(), trace_id=other)) is None
