"""The trace store's one collection, `spans`, its indexes and queries.

A span document (written by `otlp.span_documents`, insert-only):
`_id` = trace id + span id (hex), `trace_id`, `span_id`, `parent_span_id`?, `service`,
`name`, `kind`, `scope`, `start_us`, `end_us`, `duration_us` (integer epoch µs — never
datetimes, which nx-27017 mangles on update), `error`, `status_message`?, `request_id`?,
`attributes_json`? (JSON of `[{key, value}]`), `events_json`? (JSON of
`[{name, time_us, attributes?}]`); documents written before these were JSON text hold the
same lists as `attributes`/`events`, and are read either way.
Indexes: trace id (one trace, and a request: its id is its trace id), start (newest
first, retention).
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any, Final

from pymongo import ASCENDING, DESCENDING, IndexModel
from pymongo.errors import BulkWriteError

from services.contracts.ops import Attribute, TraceSearch
from services.runtime.mongo import Document, Mongo

from .domain.traces import EventRecord, SpanRecord, to_epoch_us

SPANS: Final = "spans"
INDEXES: Final = {
    SPANS: [
        IndexModel([("trace_id", ASCENDING)]),
        IndexModel([("start_us", DESCENDING)]),
    ],
}
DUPLICATE_KEY: Final = 11000
MAX_SCAN: Final = 20_000  # spans read per search before giving up on more traces
MAX_TRACE_SPANS: Final = 5_000  # spans one `traces.get` answer carries
MAX_SUMMARY_SPANS: Final = 50_000  # spans read to summarize one page of search results
_SUMMARY_FIELDS: Final = {
    "trace_id": 1,
    "span_id": 1,
    "parent_span_id": 1,
    "service": 1,
    "name": 1,
    "start_us": 1,
    "end_us": 1,
    "error": 1,
    "request_id": 1,
}


def span_filter(query: TraceSearch) -> dict[str, Any] | None:
    """The span-level filters of a search as a MongoDB filter (operation text is escaped);
    None when nothing can match (a trace id and a request id that differ)."""
    clauses: dict[str, Any] = {}
    if query.service is not None:
        clauses["service"] = query.service
    if query.operation is not None:
        clauses["name"] = {"$regex": re.escape(query.operation), "$options": "i"}
    if query.min_duration_ms is not None:
        clauses["duration_us"] = {"$gte": int(query.min_duration_ms * 1000)}
    if query.errors_only:
        clauses["error"] = True
    start: dict[str, int] = {}
    if query.since is not None:
        start["$gte"] = to_epoch_us(query.since)
    if query.until is not None:
        start["$lt"] = to_epoch_us(query.until)
    if start:
        clauses["start_us"] = start
    # A request's id is its trace id (the gateway's RequestIdMiddleware).
    request_trace = query.request_id.lower() if query.request_id is not None else None
    wanted = {trace for trace in (query.trace_id, request_trace) if trace is not None}
    if len(wanted) > 1:
        return None
    if wanted:
        clauses["trace_id"] = wanted.pop()
    return clauses


def _attributes(raw: Any) -> tuple[Attribute, ...]:
    if not isinstance(raw, list):
        return ()
    return tuple(
        Attribute(key=str(a.get("key", "")), value=a.get("value"))
        for a in raw
        if isinstance(a, dict)
    )


def _json_list(doc: Document, name: str) -> list[Any]:
    """`name`_json decoded, else the older plain `name` field; [] when neither is a list."""
    value = doc.get(name)
    text = doc.get(f"{name}_json")
    if isinstance(text, str):
        try:
            value = json.loads(text)
        except ValueError:
            value = None
    return value if isinstance(value, list) else []


def record_from_document(doc: Document) -> SpanRecord:
    return SpanRecord(
        trace_id=doc["trace_id"],
        span_id=doc["span_id"],
        parent_span_id=doc.get("parent_span_id"),
        service=doc.get("service", "unknown_service"),
        name=doc.get("name", ""),
        start_us=int(doc.get("start_us", 0)),
        end_us=int(doc.get("end_us", 0)),
        kind=doc.get("kind", "unspecified"),
        scope=doc.get("scope", ""),
        error=bool(doc.get("error", False)),
        status_message=doc.get("status_message"),
        request_id=doc.get("request_id"),
        attributes=_attributes(_json_list(doc, "attributes")),
        events=tuple(
            EventRecord(
                name=str(e.get("name", "")),
                time_us=int(e.get("time_us", 0)),
                attributes=_attributes(e.get("attributes")),
            )
            for e in _json_list(doc, "events")
            if isinstance(e, dict)
        ),
    )


class SpanStore:
    def __init__(self, mongo: Mongo) -> None:
        self._spans = mongo.collection(SPANS)

    # -- writing ------------------------------------------------------------------------

    async def insert(self, documents: Sequence[Document]) -> int:
        """Insert a batch in one round trip; duplicates (exporter retries) are skipped.

        Returns how many documents the database refused for other reasons (dropped).
        """
        if not documents:
            return 0
        try:
            await self._spans.insert_many(list(documents), ordered=False)
        except BulkWriteError as exc:
            errors = exc.details.get("writeErrors", [])
            return sum(1 for error in errors if error.get("code") != DUPLICATE_KEY)
        return 0

    # -- retention ----------------------------------------------------------------------

    async def count(self) -> int:
        # The metadata count: an exact `count_documents({})` scans every span on nx-27017.
        return await self._spans.estimated_document_count()

    async def delete_started_before(self, cutoff_us: int) -> int:
        result = await self._spans.delete_many({"start_us": {"$lt": cutoff_us}})
        return result.deleted_count

    async def delete_oldest(self, how_many: int) -> int:
        """Delete the `how_many` earliest-starting spans (a few more on equal start times)."""
        if how_many <= 0:
            return 0
        cursor = (
            self._spans.find({}, {"start_us": 1})
            .sort("start_us", ASCENDING)
            .skip(how_many - 1)
            .limit(1)
        )
        last = await cursor.to_list(1)
        if not last:  # fewer spans than the (estimated) count said: nothing to trim
            return 0
        result = await self._spans.delete_many({"start_us": {"$lte": last[0]["start_us"]}})
        return result.deleted_count

    # -- queries ------------------------------------------------------------------------

    async def matching_trace_ids(self, where: dict[str, Any], limit: int) -> tuple[list[str], bool]:
        """Trace ids of the newest matching spans, distinct, at most `limit`.

        Returns the ids and whether the scan stopped at `MAX_SCAN` spans first.
        """
        found: dict[str, None] = {}
        scanned = 0
        cursor = (
            self._spans.find(where, {"trace_id": 1})
            .sort("start_us", DESCENDING)
            .limit(MAX_SCAN)
            .batch_size(1000)
        )
        async for doc in cursor:
            scanned += 1
            found.setdefault(doc["trace_id"], None)
            if len(found) >= limit:
                break
        await cursor.close()
        return list(found), len(found) < limit and scanned >= MAX_SCAN

    async def summary_spans(self, trace_ids: Sequence[str]) -> list[SpanRecord]:
        if not trace_ids:
            return []
        cursor = self._spans.find({"trace_id": {"$in": list(trace_ids)}}, _SUMMARY_FIELDS).limit(
            MAX_SUMMARY_SPANS
        )
        return [record_from_document(doc) async for doc in cursor]

    async def trace(self, trace_id: str) -> tuple[list[SpanRecord], bool]:
        """Every span of one trace by start (at most `MAX_TRACE_SPANS`), and if cut short."""
        cursor = (
            self._spans.find({"trace_id": trace_id})
            .sort("start_us", ASCENDING)
            .limit(MAX_TRACE_SPANS + 1)
        )
        spans = [record_from_document(doc) async for doc in cursor]
        return spans[:MAX_TRACE_SPANS], len(spans) > MAX_TRACE_SPANS
