"""The periodic purge: age limit first, then the size cap (rules in `domain/retention.py`)."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from .domain.retention import RetentionPolicy, age_cutoff_us, excess_spans
from .store import SpanStore

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PurgeResult:
    expired: int
    trimmed: int


def now_us() -> int:
    return time.time_ns() // 1000


class Purger:
    def __init__(
        self,
        store: SpanStore,
        policy: RetentionPolicy,
        interval_s: float,
        clock: Callable[[], int] = now_us,
    ) -> None:
        self._store = store
        self._policy = policy
        self._interval = interval_s
        self._clock = clock

    async def purge_once(self) -> PurgeResult:
        expired = await self._store.delete_started_before(
            age_cutoff_us(self._clock(), self._policy)
        )
        trimmed = await self._store.delete_oldest(
            excess_spans(await self._store.count(), self._policy)
        )
        if expired or trimmed:
            log.info("purged %d expired and %d excess spans", expired, trimmed)
        return PurgeResult(expired, trimmed)

    async def run(self) -> None:
        while True:
            try:
                await self.purge_once()
            except Exception:
                log.warning("span purge failed; retrying next round", exc_info=True)
            await asyncio.sleep(self._interval)
