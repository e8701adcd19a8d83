"""Ops contracts: trace search and the waterfall of one trace (DESIGN §9).

Served by the ops service on `wm.<region>.ops.rpc.traces.search` and `…traces.get`,
to callers with the `ops` role only. Times inside a trace are integer microseconds
(offsets from the trace's first span), so a waterfall needs no date arithmetic.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Final

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    JsonValue,
    StringConstraints,
    model_validator,
)

SERVICE: Final = "ops"

RPC_TRACES_SEARCH: Final = "traces.search"
RPC_TRACES_GET: Final = "traces.get"
RPC_DEAD_LETTERS_LIST: Final = "dead_letters.list"
RPC_DEAD_LETTERS_REPLAY: Final = "dead_letters.replay"

MAX_SEARCH_LIMIT: Final = 100
# The span attribute the gateway's RequestIdMiddleware sets (its value is the trace id).
REQUEST_ID_ATTRIBUTE: Final = "wenming.request_id"

TraceId = Annotated[
    str,
    StringConstraints(strip_whitespace=True, pattern=r"^[0-9a-fA-F]{32}$"),
    AfterValidator(str.lower),
]
RequestId = Annotated[
    str, StringConstraints(strip_whitespace=True, pattern=r"^[A-Za-z0-9._-]{8,64}$")
]
ServiceName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=128)]
OperationText = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=128)
]


class TraceSearch(BaseModel):
    """Find traces. Span filters (service, operation, duration, errors, time) must all hold
    for one span of a trace; `trace_id` and `request_id` narrow the set of traces."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    service: ServiceName | None = Field(default=None, description="exact service.name")
    operation: OperationText | None = Field(
        default=None, description="span name contains this text (plain text, case-insensitive)"
    )
    min_duration_ms: float | None = Field(default=None, ge=0, le=86_400_000)
    errors_only: bool = False
    since: AwareDatetime | None = Field(default=None, description="span starts at or after")
    until: AwareDatetime | None = Field(default=None, description="span starts before")
    trace_id: TraceId | None = None
    request_id: RequestId | None = None
    limit: int = Field(default=20, ge=1, le=MAX_SEARCH_LIMIT)

    @model_validator(mode="after")
    def _range_in_order(self) -> TraceSearch:
        if self.since is not None and self.until is not None and self.since >= self.until:
            raise ValueError("since must be earlier than until")
        return self


class TraceSummary(BaseModel):
    model_config = ConfigDict(frozen=True)

    trace_id: str
    root_service: str
    root_name: str
    start: datetime
    duration_us: int
    span_count: int
    services: list[str]
    error: bool
    request_id: str | None = None


class TraceSearchResult(BaseModel):
    model_config = ConfigDict(frozen=True)

    traces: list[TraceSummary]
    scan_capped: bool = Field(
        default=False, description="the scan limit was reached: narrow the filters to see more"
    )


class TraceGet(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    trace_id: TraceId


class Attribute(BaseModel):
    """An OTLP attribute; keys keep their dots (`http.method`), so they travel as values."""

    model_config = ConfigDict(frozen=True)

    key: str
    value: JsonValue


class SpanEvent(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str
    offset_us: int = Field(description="from the trace start")
    attributes: list[Attribute] = Field(default_factory=list)


class SpanView(BaseModel):
    """One row of the waterfall."""

    model_config = ConfigDict(frozen=True)

    span_id: str
    parent_span_id: str | None
    service: str
    name: str
    kind: str
    scope: str
    offset_us: int = Field(description="from the trace start")
    duration_us: int
    depth: int = Field(description="0 for a root; parent's depth + 1 otherwise")
    error: bool
    status_message: str | None = None
    attributes: list[Attribute] = Field(default_factory=list)
    events: list[SpanEvent] = Field(default_factory=list)


class TraceDetail(BaseModel):
    model_config = ConfigDict(frozen=True)

    summary: TraceSummary
    spans: list[SpanView] = Field(description="ordered by start")
    truncated: bool = Field(default=False, description="more spans than one answer carries")


class DeadLetter(BaseModel):
    """An event a consumer gave up on (max deliveries reached, or terminated as undecodable)."""

    sequence: int = Field(description="position in the dead-letter stream; replay by it")
    reason: str = Field(description="max_deliver or terminated")
    stream: str
    consumer: str
    stream_seq: int
    deliveries: int
    at: datetime | None
    subject: str | None
    event_id: str | None
    event_type: str | None
    available: bool = Field(description="the event is still in its source stream")


class DeadLetterList(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    limit: int = Field(default=50, ge=1, le=MAX_SEARCH_LIMIT)


class DeadLetters(BaseModel):
    items: list[DeadLetter]


class DeadLetterReplay(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    sequence: int = Field(ge=1, le=2**63 - 1)
