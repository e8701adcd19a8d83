"""Trace search and trace detail for the ops role: store queries + domain summaries."""

from __future__ import annotations

from services.contracts.identity import Caller
from services.contracts.ops import TraceDetail, TraceSearch, TraceSearchResult
from services.runtime.errors import not_found

from .domain import traces
from .domain.access import require_ops
from .store import SpanStore, span_filter


class TraceQueries:
    def __init__(self, store: SpanStore) -> None:
        self._store = store

    async def search(self, caller: Caller | None, query: TraceSearch) -> TraceSearchResult:
        require_ops(caller)
        where = span_filter(query)
        if where is None:
            return TraceSearchResult(traces=[])
        trace_ids, capped = await self._store.matching_trace_ids(where, query.limit)
        spans = await self._store.summary_spans(trace_ids)
        summaries = traces.summarize_all(spans)[: query.limit]
        return TraceSearchResult(traces=summaries, scan_capped=capped)

    async def get(self, caller: Caller | None, trace_id: str) -> TraceDetail:
        require_ops(caller)
        spans, truncated = await self._store.trace(trace_id)
        if not spans:
            raise not_found("调用链路", "trace")
        return traces.waterfall(spans, truncated=truncated)
