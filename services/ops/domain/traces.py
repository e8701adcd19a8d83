"""A trace from its spans: the summary a search lists and the waterfall one trace shows.

Spans arrive from many processes in any order, and some may be missing (not exported
yet, or purged): a span whose parent is absent counts as a root, and a parent cycle
(a broken exporter) cannot loop.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from services.contracts.ops import Attribute, SpanEvent, SpanView, TraceDetail, TraceSummary

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class EventRecord:
    name: str
    time_us: int
    attributes: tuple[Attribute, ...] = ()


@dataclass(frozen=True, slots=True)
class SpanRecord:
    trace_id: str
    span_id: str
    parent_span_id: str | None
    service: str
    name: str
    start_us: int
    end_us: int
    kind: str = "internal"
    scope: str = ""
    error: bool = False
    status_message: str | None = None
    request_id: str | None = None
    attributes: tuple[Attribute, ...] = ()
    events: tuple[EventRecord, ...] = field(default=())

    @property
    def duration_us(self) -> int:
        return max(0, self.end_us - self.start_us)


def to_datetime(epoch_us: int) -> datetime:
    return EPOCH + timedelta(microseconds=epoch_us)


def to_epoch_us(moment: datetime) -> int:
    return (moment - EPOCH) // timedelta(microseconds=1)


def root_of(spans: Sequence[SpanRecord]) -> SpanRecord:
    """The earliest span without a parent in the trace (the earliest span if none)."""
    present = {span.span_id for span in spans}
    roots = [s for s in spans if s.parent_span_id is None or s.parent_span_id not in present]
    return min(roots or spans, key=lambda s: (s.start_us, s.span_id))


def summarize(spans: Sequence[SpanRecord]) -> TraceSummary:
    if not spans:
        raise ValueError("a trace has at least one span")
    root = root_of(spans)
    start = min(span.start_us for span in spans)
    end = max(span.end_us for span in spans)
    return TraceSummary(
        trace_id=root.trace_id,
        root_service=root.service,
        root_name=root.name,
        start=to_datetime(start),
        duration_us=max(0, end - start),
        span_count=len(spans),
        services=sorted({span.service for span in spans}),
        error=any(span.error for span in spans),
        request_id=next((s.request_id for s in spans if s.request_id), None),
    )


def summarize_all(spans: Iterable[SpanRecord]) -> list[TraceSummary]:
    """Group spans by trace; newest trace first."""
    by_trace: dict[str, list[SpanRecord]] = {}
    for span in spans:
        by_trace.setdefault(span.trace_id, []).append(span)
    summaries = [summarize(group) for group in by_trace.values()]
    return sorted(summaries, key=lambda s: (s.start, s.trace_id), reverse=True)


def depths(spans: Sequence[SpanRecord]) -> dict[str, int]:
    """Nesting depth per span id: 0 for a root, parent's + 1 below it."""
    parent = {s.span_id: s.parent_span_id for s in spans}
    known: dict[str, int] = {}
    for span in spans:
        chain: list[str] = []
        current: str | None = span.span_id
        while current is not None and current in parent and current not in known:
            if current in chain:  # a cycle: treat its entry point as a root
                break
            chain.append(current)
            current = parent[current]
        base = known.get(current, -1) if current is not None else -1
        for offset, span_id in enumerate(reversed(chain), start=1):
            known[span_id] = base + offset
    return known


def waterfall(spans: Sequence[SpanRecord], truncated: bool = False) -> TraceDetail:
    """Every span with its offset from the trace start, ordered by start."""
    summary = summarize(spans)
    start = min(span.start_us for span in spans)
    depth = depths(spans)
    ordered = sorted(spans, key=lambda s: (s.start_us, depth[s.span_id], s.span_id))
    rows = [
        SpanView(
            span_id=span.span_id,
            parent_span_id=span.parent_span_id,
            service=span.service,
            name=span.name,
            kind=span.kind,
            scope=span.scope,
            offset_us=span.start_us - start,
            duration_us=span.duration_us,
            depth=depth[span.span_id],
            error=span.error,
            status_message=span.status_message,
            attributes=list(span.attributes),
            events=[
                SpanEvent(
                    name=event.name,
                    offset_us=event.time_us - start,
                    attributes=list(event.attributes),
                )
                for event in span.events
            ],
        )
        for span in ordered
    ]
    return TraceDetail(summary=summary, spans=rows, truncated=truncated)
