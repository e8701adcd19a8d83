"""Transactional outbox (DESIGN §5).

`Outbox.add` writes the event in the same transaction as the state change. The
`OutboxRelay` publishes pending entries to JetStream in id (= time) order with
`Nats-Msg-Id = event.id`, and marks them sent only after the stream acknowledged them.
A crash between commit and publish leaves the entry pending; the next relay run
(same process after restart, or another replica) publishes it, and JetStream's
duplicate window drops a second publish of the same id.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from opentelemetry import context as otel_context
from opentelemetry.instrumentation.utils import suppress_instrumentation
from pymongo import ASCENDING, IndexModel

from services.contracts.envelope import EventEnvelope
from services.runtime import failpoints
from services.runtime.mongo import Document, Mongo, Session
from services.runtime.telemetry import context_from, current_carrier

log = logging.getLogger(__name__)

OUTBOX = "outbox"
# nx-27017 cannot index `_id` inside a compound index; `sent` alone serves the scan.
OUTBOX_INDEXES = {OUTBOX: [IndexModel([("sent", ASCENDING)])]}
BATCH = 256
PENDING_CAP = 10_000
PURGE_EVERY_S = 3600.0
PUBLISH_CONCURRENCY = 32
KEEP_SENT = timedelta(days=1)


class Publisher(Protocol):
    async def __call__(self, subject: str, envelope: dict[str, Any], msg_id: str) -> None: ...


class Outbox:
    def __init__(self, mongo: Mongo) -> None:
        self._mongo = mongo
        self._entries = mongo.collection(OUTBOX)
        self.wake = asyncio.Event()

    async def add(self, session: Session, subject: str, event: EventEnvelope[Any]) -> None:
        if not event.trace:
            event = event.model_copy(update={"trace": current_carrier()})
        doc = {
            "_id": event.id,
            "subject": subject,
            "envelope": event.model_dump(mode="json"),
            "created_at": datetime.now(UTC),
            "sent": False,
        }
        await self._entries.insert_one(doc, session=session)

    def committed(self) -> None:
        """Tell the relay that new entries are waiting (call after the transaction)."""
        failpoints.hit("outbox.after_commit")
        self.wake.set()

    async def pending_count(self, cap: int = PENDING_CAP) -> int:
        """Entries waiting to be published (counted up to `cap`: health stays cheap)."""
        return await self._entries.count_documents({"sent": False}, limit=cap)

    async def pending(self, limit: int = BATCH) -> list[Document]:
        # Under the write lock: an embedded-server read would also see entries of a
        # transaction still open (and perhaps about to abort).
        async with self._mongo.exclusive():
            cursor = self._entries.find({"sent": False}).sort("_id", ASCENDING).limit(limit)
            return await cursor.to_list()

    async def mark_sent(self, ids: list[str]) -> None:
        # A flag, not a `$set` timestamp: nx-27017 turns a `$set` datetime into a string.
        async def mark(session: Session) -> None:
            await self._entries.update_many(
                {"_id": {"$in": ids}}, {"$set": {"sent": True}}, session=session
            )

        await self._mongo.transaction(mark)

    async def purge_sent(self, older_than: timedelta = KEEP_SENT) -> int:
        cutoff = datetime.now(UTC) - older_than

        async def purge(session: Session) -> int:
            result = await self._entries.delete_many(
                {"sent": True, "created_at": {"$lt": cutoff}}, session=session
            )
            return result.deleted_count

        return await self._mongo.transaction(purge)


class OutboxRelay:
    def __init__(self, outbox: Outbox, publish: Publisher, poll_s: float) -> None:
        self._outbox = outbox
        self._publish = publish
        self._poll_s = poll_s
        self._purged_at = time.monotonic()

    async def run(self) -> None:
        backoff = self._poll_s
        while True:
            try:
                sent = await self.publish_pending()
                await self._purge_now_and_then()
                backoff = self._poll_s
            except asyncio.CancelledError:
                raise
            except Exception:
                log.warning(
                    "outbox relay: publish failed; retrying in %.1fs", backoff, exc_info=True
                )
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 30.0)
                continue
            if sent >= BATCH:
                continue
            await self._wait()

    async def _purge_now_and_then(self) -> None:
        """Sent entries are kept a day (to trace what was published), then removed."""
        if time.monotonic() - self._purged_at < PURGE_EVERY_S:
            return
        self._purged_at = time.monotonic()
        with suppress_instrumentation():
            removed = await self._outbox.purge_sent()
        if removed:
            log.info("outbox relay: removed %d entries sent over a day ago", removed)

    async def _wait(self) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._outbox.wake.wait(), timeout=self._poll_s)
        self._outbox.wake.clear()

    async def publish_pending(self) -> int:
        # The poll itself is not traced (once a second, idle or not); each publish is,
        # under the trace of the request that wrote the event.
        with suppress_instrumentation():
            entries = await self._outbox.pending()
        if not entries:
            return 0
        sent: list[str] = []
        try:
            # A few publishes in flight at once: each ack waits for the stream's fsync.
            for start in range(0, len(entries), PUBLISH_CONCURRENCY):
                chunk = entries[start : start + PUBLISH_CONCURRENCY]
                results = await asyncio.gather(
                    *(self._publish_one(e) for e in chunk), return_exceptions=True
                )
                failed = next((r for r in results if isinstance(r, BaseException)), None)
                sent.extend(
                    e["_id"]
                    for e, r in zip(chunk, results, strict=True)
                    if not isinstance(r, BaseException)
                )
                if failed is not None:
                    raise failed
        finally:
            if sent:
                with suppress_instrumentation():
                    await self._outbox.mark_sent(sent)
        return len(sent)

    async def _publish_one(self, entry: Document) -> None:
        envelope: dict[str, Any] = entry["envelope"]
        # Publish under the trace of the request that wrote the event.
        token = otel_context.attach(context_from(envelope.get("trace") or {}))
        try:
            await self._publish(entry["subject"], envelope, entry["_id"])
        finally:
            otel_context.detach(token)
