"""Idempotent consumers (DESIGN §5).

`Inbox.apply` records the event id in the uniquely-indexed `inbox` collection in the
same transaction as the effect: a redelivered event finds its id and changes nothing.
The caller acks only after `apply` returned, and nacks with a growing delay when the
effect failed; after `max_deliver` attempts JetStream's advisory files the message in
the dead-letter stream.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from pymongo import ASCENDING, IndexModel
from pymongo.errors import DuplicateKeyError

from services.contracts.envelope import EventEnvelope
from services.runtime.mongo import Mongo, Session

INBOX = "inbox"
INBOX_INDEXES = {INBOX: [IndexModel([("received_at", ASCENDING)])]}

Effect = Callable[[EventEnvelope[Any], Session], Awaitable[None]]


class AlreadyProcessed(Exception):
    """The event id is already in the inbox: this delivery is a duplicate."""


class Inbox:
    def __init__(self, mongo: Mongo, consumer: str) -> None:
        self._mongo = mongo
        self._entries = mongo.collection(INBOX)
        self._consumer = consumer

    async def apply(self, event: EventEnvelope[Any], effect: Effect) -> bool:
        """Run `effect` once per event id. Returns False for a duplicate delivery."""
        if await self.seen(event.id):
            return False  # the common redelivery: no transaction opened, none aborted

        async def work(session: Session) -> None:
            try:
                await self._entries.insert_one(
                    {
                        "_id": event.id,
                        "type": event.type,
                        "consumer": self._consumer,
                        "received_at": datetime.now(UTC),
                    },
                    session=session,
                )
            except DuplicateKeyError as exc:
                raise AlreadyProcessed(event.id) from exc
            await effect(event, session)

        try:
            await self._mongo.transaction(work)
        except AlreadyProcessed:
            return False
        return True

    async def seen(self, event_id: str) -> bool:
        return await self._entries.find_one({"_id": event_id}, projection={"_id": 1}) is not None


def redelivery_delay(deliveries: int, base_s: float, cap_s: float = 60.0) -> float:
    """Exponential backoff for a failed delivery: base, 2·base, 4·base … capped."""
    return float(min(cap_s, base_s * 2 ** min(max(0, deliveries - 1), 30)))
