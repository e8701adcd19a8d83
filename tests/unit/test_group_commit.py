"""Group commit on a fake transactional store: who shares a commit, and who fails alone."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from services.runtime.group_commit import GroupCommit


class Store:
    """Writes land only when their transaction commits; a write of a taken key fails."""

    def __init__(self) -> None:
        self.rows: dict[str, str] = {}
        self.commits: list[list[str]] = []
        self.fail_next_commit = False

    async def run(self, work: Callable[[list[tuple[str, str]]], Awaitable[Any]]) -> Any:
        pending: list[tuple[str, str]] = []
        result = await work(pending)
        await asyncio.sleep(0)
        if self.fail_next_commit:
            self.fail_next_commit = False
            raise ConnectionError("commit failed")
        self.rows.update(pending)
        self.commits.append([key for key, _ in pending])
        return result


def insert(store: Store, key: str, value: str) -> Callable[[list[tuple[str, str]]], Awaitable[str]]:
    async def work(tx: list[tuple[str, str]]) -> str:
        if key in store.rows or any(k == key for k, _ in tx):
            raise KeyError(f"duplicate {key}")
        tx.append((key, value))
        return f"stored {key}"

    return work


async def queued_behind_a_holder(
    group: GroupCommit[Any], lock: asyncio.Lock, works: list[Any]
) -> list[Any]:
    """Submit `works` while the lock is held, so they queue up, then release it."""
    await lock.acquire()
    tasks = [asyncio.create_task(group.submit(work)) for work in works]
    await asyncio.sleep(0)
    lock.release()
    return await asyncio.gather(*tasks, return_exceptions=True)


async def test_work_that_queues_shares_one_commit_in_arrival_order() -> None:
    store, lock = Store(), asyncio.Lock()
    group = GroupCommit(lock, store.run)
    results = await queued_behind_a_holder(
        group, lock, [insert(store, k, k.upper()) for k in ("a", "b", "c")]
    )
    assert results == ["stored a", "stored b", "stored c"]
    assert store.commits == [["a", "b", "c"]]
    assert store.rows == {"a": "A", "b": "B", "c": "C"}


async def test_a_lone_transaction_commits_alone() -> None:
    store = Store()
    group = GroupCommit(asyncio.Lock(), store.run)
    assert await group.submit(insert(store, "a", "1")) == "stored a"
    assert store.commits == [["a"]]


async def test_a_failing_work_fails_alone_and_the_others_commit() -> None:
    store, lock = Store(), asyncio.Lock()
    store.rows["taken"] = "old"
    group = GroupCommit(lock, store.run)
    results = await queued_behind_a_holder(
        group,
        lock,
        [insert(store, "a", "1"), insert(store, "taken", "new"), insert(store, "b", "2")],
    )
    assert results[0] == "stored a"
    assert results[2] == "stored b"
    assert isinstance(results[1], KeyError)
    assert store.rows == {"taken": "old", "a": "1", "b": "2"}
    assert store.commits == [["a"], ["b"]]  # the shared attempt never committed


async def test_a_failed_shared_commit_retries_each_alone() -> None:
    store, lock = Store(), asyncio.Lock()
    store.fail_next_commit = True
    group = GroupCommit(lock, store.run)
    results = await queued_behind_a_holder(
        group, lock, [insert(store, "a", "1"), insert(store, "b", "2")]
    )
    assert results == ["stored a", "stored b"]
    assert store.commits == [["a"], ["b"]]


async def test_a_second_submission_of_the_same_key_loses_even_in_one_batch() -> None:
    store, lock = Store(), asyncio.Lock()
    group = GroupCommit(lock, store.run)
    first, second = await queued_behind_a_holder(
        group, lock, [insert(store, "a", "1"), insert(store, "a", "2")]
    )
    assert first == "stored a"
    assert isinstance(second, KeyError)
    assert store.rows == {"a": "1"}


async def test_batches_are_capped() -> None:
    store, lock = Store(), asyncio.Lock()
    group = GroupCommit(lock, store.run, max_batch=2)
    await queued_behind_a_holder(group, lock, [insert(store, k, k) for k in "abcde"])
    assert store.commits == [["a", "b"], ["c", "d"], ["e"]]


async def test_a_cancelled_caller_still_queued_is_never_run() -> None:
    store, lock = Store(), asyncio.Lock()
    group = GroupCommit(lock, store.run)
    await lock.acquire()
    kept = asyncio.create_task(group.submit(insert(store, "a", "1")))
    dropped = asyncio.create_task(group.submit(insert(store, "b", "2")))
    await asyncio.sleep(0)
    dropped.cancel()
    with pytest.raises(asyncio.CancelledError):
        await dropped
    lock.release()
    assert await kept == "stored a"
    assert store.rows == {"a": "1"}
