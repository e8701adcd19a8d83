"""Group commit: transactions that must run one at a time share one commit.

On nx-27017 a process runs its transactions one after another (see `Mongo`). While one
runs, others queue; the next to get the lock runs every queued piece of work in one
transaction, in arrival order — the same order the lock would have given them — so a
burst of commands or events costs one commit instead of one each. When a shared
transaction fails, each piece of work runs again alone, so a failure stays with the
caller whose work caused it. Work may run more than once (as PyMongo's own retries
already do); it must keep its side effects inside the transaction.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

S = TypeVar("S")
T = TypeVar("T")
Work = Callable[[S], Awaitable[Any]]
RunInTransaction = Callable[[Callable[[S], Awaitable[Any]]], Awaitable[Any]]


@dataclass
class _Pending(Generic[S]):
    work: Work[S]
    result: asyncio.Future[Any] = field(
        default_factory=lambda: asyncio.get_running_loop().create_future()
    )


class GroupCommit(Generic[S]):
    def __init__(self, lock: asyncio.Lock, run: RunInTransaction[S], max_batch: int = 32) -> None:
        self._lock = lock
        self._run = run
        self._max_batch = max_batch
        self._queue: list[_Pending[S]] = []

    async def submit(self, work: Callable[[S], Awaitable[T]]) -> T:
        """Run `work` in a transaction (maybe shared with others queued beside it)."""
        pending: _Pending[S] = _Pending(work)
        self._queue.append(pending)
        try:
            async with self._lock:
                while not pending.result.done():
                    await self._run_next_batch()
        except asyncio.CancelledError:
            # Not run if still queued (a batch skips it); if it already ran, the outcome
            # is marked as read so asyncio does not report it as lost.
            if not pending.result.cancel() and not pending.result.cancelled():
                pending.result.exception()
            raise
        result: T = pending.result.result()
        return result

    async def _run_next_batch(self) -> None:
        batch = [p for p in self._queue[: self._max_batch] if not p.result.done()]
        del self._queue[: self._max_batch]
        try:
            if len(batch) > 1 and await self._together(batch):
                return
            for pending in batch:
                await self._alone(pending)
        finally:
            # Interrupted (the lock holder was cancelled): the rest go back to the front.
            self._queue[:0] = [p for p in batch if not p.result.done()]

    async def _together(self, batch: list[_Pending[S]]) -> bool:
        async def all_of(session: S) -> list[Any]:
            return [await pending.work(session) for pending in batch]

        try:
            results = await self._run(all_of)
        except Exception:
            return False
        for pending, result in zip(batch, results, strict=True):
            if not pending.result.done():
                pending.result.set_result(result)
        return True

    async def _alone(self, pending: _Pending[S]) -> None:
        try:
            result = await self._run(pending.work)
        except Exception as exc:
            if not pending.result.done():
                pending.result.set_exception(exc)
            return
        if not pending.result.done():
            pending.result.set_result(result)
