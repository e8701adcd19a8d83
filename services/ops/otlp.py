"""OTLP trace payloads: decode an export (protobuf or JSON) and turn its spans into documents.

Decoding goes through `opentelemetry-proto`'s `ExportTraceServiceRequest`, never by hand.
OTLP/JSON differs from protobuf's canonical JSON mapping in one place: trace and span ids
are hex strings, not base64, so they are rewritten before `json_format.ParseDict`.

A span document (the `spans` collection, see `store.py`) keeps times as integer epoch
microseconds, and its attributes and events as one compact JSON text each (attribute
keys hold dots; nothing queries them, and one string field costs the embedded server
about a quarter less per span than nested documents). Empty fields are left out to keep
documents small; the store reads them back with defaults.
"""

from __future__ import annotations

import base64
import json
import math
from enum import StrEnum
from typing import Any, Final, NamedTuple

from google.protobuf import json_format
from google.rpc.status_pb2 import Status  # type: ignore[import-untyped]
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)
from opentelemetry.proto.common.v1.common_pb2 import AnyValue, KeyValue
from opentelemetry.proto.trace.v1.trace_pb2 import Span

from services.contracts.ops import REQUEST_ID_ATTRIBUTE

Document = dict[str, Any]

MAX_NAME: Final = 256
MAX_STRING: Final = 4096
MAX_ATTRIBUTES: Final = 128
MAX_EVENTS: Final = 128
MAX_DEPTH: Final = 8
KINDS: Final = {
    0: "unspecified",
    1: "internal",
    2: "server",
    3: "client",
    4: "producer",
    5: "consumer",
}
_ERROR: Final = 2  # Status.STATUS_CODE_ERROR
_ZERO_TRACE: Final = bytes(16)
_ZERO_SPAN: Final = bytes(8)
_ID_KEYS: Final = ("traceId", "spanId", "parentSpanId", "trace_id", "span_id", "parent_span_id")


class Encoding(StrEnum):
    protobuf = "application/x-protobuf"
    json = "application/json"


class BadPayload(ValueError):
    """The body is not an OTLP trace export in the declared encoding."""


class Converted(NamedTuple):
    documents: list[Document]
    rejected: int


# -- decoding ----------------------------------------------------------------------------


def decode(body: bytes, encoding: Encoding) -> ExportTraceServiceRequest:
    request = ExportTraceServiceRequest()
    try:
        if encoding is Encoding.protobuf:
            request.ParseFromString(body)
        else:
            payload = json.loads(body)
            if not isinstance(payload, dict):
                raise BadPayload("the JSON body must be an object")
            _hex_ids_to_base64(payload)
            json_format.ParseDict(payload, request, ignore_unknown_fields=True)
    except BadPayload:
        raise
    except Exception as exc:  # DecodeError, ParseError, JSONDecodeError, UnicodeError…
        raise BadPayload(f"not an OTLP trace export: {type(exc).__name__}") from exc
    return request


def _items(parent: Any, *keys: str) -> list[Any]:
    if not isinstance(parent, dict):
        return []
    for key in keys:
        value = parent.get(key)
        if isinstance(value, list):
            return value
    return []


def _hex_ids_to_base64(payload: dict[str, Any]) -> None:
    for resource_spans in _items(payload, "resourceSpans", "resource_spans"):
        for scope_spans in _items(resource_spans, "scopeSpans", "scope_spans"):
            for span in _items(scope_spans, "spans"):
                _convert_ids(span)
                for link in _items(span, "links"):
                    _convert_ids(link)


def _convert_ids(obj: Any) -> None:
    if not isinstance(obj, dict):
        return
    for key in _ID_KEYS:
        value = obj.get(key)
        if isinstance(value, str):
            try:
                obj[key] = base64.b64encode(bytes.fromhex(value)).decode("ascii")
            except ValueError as exc:
                raise BadPayload(f"{key} is not a hex string") from exc


# -- encoding replies --------------------------------------------------------------------


def encode(message: Any, encoding: Encoding) -> bytes:
    if encoding is Encoding.protobuf:
        data: bytes = message.SerializeToString()
        return data
    text: str = json_format.MessageToJson(message, indent=None, ensure_ascii=False)
    return text.encode()


def export_response(rejected: int, reason: str) -> ExportTraceServiceResponse:
    response = ExportTraceServiceResponse()
    if rejected:
        response.partial_success.rejected_spans = rejected
        response.partial_success.error_message = reason
    return response


def status(code: int, message: str) -> Any:
    """A `google.rpc.Status`, the body OTLP/HTTP prescribes for failures."""
    return Status(code=code, message=message)


# -- spans to documents ------------------------------------------------------------------


def span_documents(request: ExportTraceServiceRequest) -> Converted:
    """One document per valid span; spans with an invalid trace or span id are rejected."""
    documents: list[Document] = []
    rejected = 0
    for resource_spans in request.resource_spans:
        service = _service_name(resource_spans.resource.attributes)
        for scope_spans in resource_spans.scope_spans:
            scope = scope_spans.scope.name
            for span in scope_spans.spans:
                document = _span_document(span, service, scope)
                if document is None:
                    rejected += 1
                else:
                    documents.append(document)
    return Converted(documents, rejected)


def _service_name(attributes: Any) -> str:
    for attribute in attributes:
        if attribute.key == "service.name":
            return str(attribute.value.string_value)[:MAX_NAME] or "unknown_service"
    return "unknown_service"


def _span_document(span: Span, service: str, scope: str) -> Document | None:
    trace_id, span_id = span.trace_id, span.span_id
    if len(trace_id) != 16 or len(span_id) != 8 or trace_id == _ZERO_TRACE or span_id == _ZERO_SPAN:
        return None
    trace_hex, span_hex = trace_id.hex(), span_id.hex()
    start = span.start_time_unix_nano // 1000
    end = span.end_time_unix_nano // 1000
    document: Document = {
        "_id": trace_hex + span_hex,  # an exporter's retry of the same span is a duplicate
        "trace_id": trace_hex,
        "span_id": span_hex,
        "service": service,
        "name": span.name[:MAX_NAME],
        "kind": KINDS.get(span.kind, "unspecified"),
        "scope": scope[:MAX_NAME],
        "start_us": start,
        "end_us": end,
        "duration_us": max(0, end - start),
        "error": span.status.code == _ERROR,
    }
    parent = span.parent_span_id
    if len(parent) == 8 and parent != _ZERO_SPAN:
        document["parent_span_id"] = parent.hex()
    if span.status.message:
        document["status_message"] = span.status.message[:MAX_STRING]
    if span.attributes:
        attributes = attribute_list(span.attributes)
        document["attributes_json"] = compact_json(attributes)
        for attribute in attributes:
            if attribute["key"] == REQUEST_ID_ATTRIBUTE and isinstance(attribute["value"], str):
                document["request_id"] = attribute["value"]
                break
    if span.events:
        document["events_json"] = compact_json(
            [
                _event_document(event.name, event.time_unix_nano, event.attributes)
                for event in span.events[:MAX_EVENTS]
            ]
        )
    return document


def compact_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def _event_document(name: str, time_unix_nano: int, attributes: Any) -> Document:
    event: Document = {"name": name[:MAX_NAME], "time_us": time_unix_nano // 1000}
    if attributes:
        event["attributes"] = attribute_list(attributes)
    return event


def attribute_list(attributes: Any, depth: int = 0) -> list[Document]:
    """OTLP key/values as `[{key, value}]`: attribute keys contain dots, so never Mongo keys."""
    kvs: list[KeyValue] = attributes[:MAX_ATTRIBUTES]
    return [{"key": kv.key[:MAX_NAME], "value": plain_value(kv.value, depth)} for kv in kvs]


def plain_value(value: AnyValue, depth: int = 0) -> Any:
    """An `AnyValue` as plain JSON-safe data (bytes as base64, NaN/∞ as text)."""
    kind = value.WhichOneof("value")
    if kind == "string_value":
        return value.string_value[:MAX_STRING]
    if kind in ("bool_value", "int_value"):
        return getattr(value, kind)
    if kind == "double_value":
        number = value.double_value
        return number if math.isfinite(number) else str(number)
    if depth >= MAX_DEPTH:
        return None
    if kind == "array_value":
        return [plain_value(item, depth + 1) for item in value.array_value.values[:MAX_ATTRIBUTES]]
    if kind == "kvlist_value":
        return attribute_list(value.kvlist_value.values, depth + 1)
    if kind == "bytes_value":
        return base64.b64encode(value.bytes_value[:MAX_STRING]).decode("ascii")
    return None
