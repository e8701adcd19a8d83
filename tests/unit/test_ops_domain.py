"""The trace store's pure rules: access, retention, summaries and waterfalls (no I/O)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest

from services.contracts.identity import Caller, Role
from services.contracts.ops import Attribute
from services.ops.domain import traces
from services.ops.domain.access import require_ops
from services.ops.domain.retention import (
    MICROS_PER_HOUR,
    RetentionPolicy,
    age_cutoff_us,
    excess_spans,
)
from services.ops.domain.traces import EventRecord, SpanRecord
from services.runtime.errors import AppError

SITE = "320000/320500/320582"
T0 = 1_760_000_000_000_000  # epoch µs
TRACE = "0af7651916cd43dd8448eb211c80319c"


def span(
    span_id: str, parent: str | None, start: int, end: int, service: str = "gateway", **extra: Any
) -> SpanRecord:
    base = SpanRecord(
        trace_id=TRACE,
        span_id=span_id,
        parent_span_id=parent,
        service=service,
        name=f"op-{span_id}",
        start_us=T0 + start,
        end_us=T0 + end,
    )
    return replace(base, **extra)


# -- access ------------------------------------------------------------------------------


def test_only_the_ops_role_reads_traces() -> None:
    ops = Caller(sub="ops-1", role=Role.ops, site=SITE)
    assert require_ops(ops) is ops
    with pytest.raises(AppError) as refused:
        require_ops(Caller(sub="admin", role=Role.provincial_admin, site="320000"))
    assert refused.value.status == 403
    assert refused.value.message_zh
    with pytest.raises(AppError) as anonymous:
        require_ops(None)
    assert anonymous.value.status == 401


# -- retention ---------------------------------------------------------------------------


def test_no_excess_until_the_cap_is_passed() -> None:
    policy = RetentionPolicy(max_spans=1000, max_age_hours=24)
    assert excess_spans(0, policy) == 0
    assert excess_spans(1000, policy) == 0


def test_passing_the_cap_trims_down_to_the_low_watermark() -> None:
    policy = RetentionPolicy(max_spans=1000, max_age_hours=24)
    assert policy.keep_after_trim == 900
    assert excess_spans(1001, policy) == 101
    assert excess_spans(5000, policy) == 4100
    exact = RetentionPolicy(max_spans=10, max_age_hours=1, low_watermark=1.0)
    assert excess_spans(11, exact) == 1


def test_age_cutoff_is_now_minus_the_retention() -> None:
    policy = RetentionPolicy(max_spans=10, max_age_hours=24)
    assert age_cutoff_us(T0, policy) == T0 - 24 * MICROS_PER_HOUR
    half = RetentionPolicy(max_spans=10, max_age_hours=0.5)
    assert age_cutoff_us(T0, half) == T0 - MICROS_PER_HOUR // 2


@pytest.mark.parametrize(
    ("max_spans", "hours", "watermark"), [(0, 1, 0.9), (10, 0, 0.9), (10, 1, 0), (10, 1, 1.5)]
)
def test_a_nonsense_policy_is_refused(max_spans: int, hours: float, watermark: float) -> None:
    with pytest.raises(ValueError, match="must"):
        RetentionPolicy(max_spans=max_spans, max_age_hours=hours, low_watermark=watermark)


# -- times -------------------------------------------------------------------------------


def test_epoch_microseconds_convert_exactly() -> None:
    moment = datetime(2025, 10, 9, 8, 7, 6, 123457, tzinfo=UTC)
    assert traces.to_datetime(traces.to_epoch_us(moment)) == moment
    assert traces.to_epoch_us(traces.to_datetime(T0 + 1)) == T0 + 1


# -- summaries ---------------------------------------------------------------------------


def _request_trace() -> list[SpanRecord]:
    return [
        span("c3", "b2", 300, 900, service="catalog", kind="client", name="db.insert"),
        span("a1", None, 0, 1500, kind="server", name="POST /api/v1/content", request_id=TRACE),
        span("b2", "a1", 100, 1000, service="catalog", kind="consumer", error=True),
    ]


def test_summary_names_the_root_and_spans_the_whole_trace() -> None:
    summary = traces.summarize(_request_trace())
    assert summary.trace_id == TRACE
    assert (summary.root_service, summary.root_name) == ("gateway", "POST /api/v1/content")
    assert summary.start == traces.to_datetime(T0)
    assert summary.duration_us == 1500
    assert summary.span_count == 3
    assert summary.services == ["catalog", "gateway"]
    assert summary.error is True
    assert summary.request_id == TRACE


def test_a_span_whose_parent_is_missing_counts_as_root() -> None:
    spans = [
        span("b2", "gone", 100, 400, service="catalog"),
        span("c3", "b2", 200, 300, service="catalog"),
    ]
    summary = traces.summarize(spans)
    assert summary.root_name == "op-b2"
    assert summary.error is False
    assert summary.request_id is None


def test_an_empty_trace_has_no_summary() -> None:
    with pytest.raises(ValueError, match="at least one span"):
        traces.summarize([])


def test_summaries_group_by_trace_newest_first() -> None:
    other = "1" * 32
    spans = [
        *_request_trace(),
        span("d4", None, 5000, 5100, trace_id=other),
    ]
    summaries = traces.summarize_all(spans)
    assert [s.trace_id for s in summaries] == [other, TRACE]
    assert [s.span_count for s in summaries] == [1, 3]


# -- waterfall ---------------------------------------------------------------------------


def test_waterfall_orders_by_start_with_offsets_and_depths() -> None:
    event = EventRecord("retry", T0 + 450, (Attribute(key="db.attempt", value=2),))
    spans = _request_trace()
    spans[0] = span("c3", "b2", 300, 900, service="catalog", events=(event,))
    detail = traces.waterfall(spans)
    rows = detail.spans
    assert [r.span_id for r in rows] == ["a1", "b2", "c3"]
    assert [r.offset_us for r in rows] == [0, 100, 300]
    assert [r.duration_us for r in rows] == [1500, 900, 600]
    assert [r.depth for r in rows] == [0, 1, 2]
    assert [r.parent_span_id for r in rows] == [None, "a1", "b2"]
    assert rows[2].events[0].offset_us == 450
    assert rows[2].events[0].attributes[0].key == "db.attempt"
    assert detail.summary.span_count == 3
    assert detail.truncated is False


def test_a_parent_cycle_does_not_loop() -> None:
    spans = [span("a1", "b2", 0, 10), span("b2", "a1", 5, 8)]
    depth = traces.depths(spans)
    assert sorted(depth.values()) == [0, 1]
    assert len(traces.waterfall(spans).spans) == 2


def test_a_span_ending_before_it_starts_lasts_zero() -> None:
    assert span("a1", None, 100, 50).duration_us == 0
