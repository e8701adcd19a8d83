"""The write side of ingest: a bounded buffer of span documents drained by one task.

The receiver hands over each export's documents and answers at once; the writer merges
exports from every process into `insert_many` batches (one round trip per batch, never
per span) every `flush_interval_s`, or sooner when a full batch is waiting. A full
buffer refuses new spans (the receiver answers 503, which OTLP exporters retry later).
Spans still buffered when the process is killed are lost: telemetry, not a ledger.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass

from pymongo.errors import ConnectionFailure

from services.runtime.mongo import Document

from .store import SpanStore

log = logging.getLogger(__name__)


@dataclass
class WriterStats:
    accepted: int = 0
    written: int = 0
    refused: int = 0
    dropped: int = 0


class SpanWriter:
    def __init__(
        self, store: SpanStore, *, flush_interval_s: float, batch: int, capacity: int
    ) -> None:
        self._store = store
        self._interval = flush_interval_s
        self._batch = batch
        self._capacity = capacity
        self._pending: list[Document] = []
        self._wake = asyncio.Event()
        self.stats = WriterStats()

    @property
    def pending(self) -> int:
        return len(self._pending)

    def offer(self, documents: Sequence[Document]) -> bool:
        """Buffer `documents` whole, or refuse them all if they do not fit."""
        if len(self._pending) + len(documents) > self._capacity:
            self.stats.refused += len(documents)
            return False
        self._pending.extend(documents)
        self.stats.accepted += len(documents)
        if len(self._pending) >= self._batch:
            self._wake.set()
        return True

    async def run(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=self._interval)
            self._wake.clear()
            if not await self.flush():
                await asyncio.sleep(min(5.0, self._interval * 4))

    async def flush(self) -> bool:
        """Write everything buffered; False if the database is unreachable (kept for later)."""
        while self._pending:
            batch = self._pending[: self._batch]
            try:
                refused = await self._store.insert(batch)
            except ConnectionFailure as exc:
                log.warning("span store unreachable, %d spans buffered: %s", self.pending, exc)
                return False
            except Exception:
                log.exception("dropping a batch of %d spans the store cannot take", len(batch))
                refused = len(batch)
            del self._pending[: len(batch)]
            self.stats.written += len(batch) - refused
            self.stats.dropped += refused
        return True
