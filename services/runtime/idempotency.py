"""Idempotency keys (DESIGN §5): retrying a command returns its first answer.

The answer is stored in the same transaction as the command's effect, keyed by the
caller and the client's key, so a retry after a lost reply changes nothing.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import TypeVar

from pydantic import BaseModel
from pymongo import ASCENDING, IndexModel
from pymongo.errors import DuplicateKeyError

from services.runtime.mongo import Mongo, Session

IDEMPOTENCY = "idempotency"
IDEMPOTENCY_INDEXES = {IDEMPOTENCY: [IndexModel([("created_at", ASCENDING)])]}

ReplyT = TypeVar("ReplyT", bound=BaseModel)


class IdempotentCommands:
    def __init__(self, mongo: Mongo) -> None:
        self._mongo = mongo
        self._answers = mongo.collection(IDEMPOTENCY)

    @staticmethod
    def _key(caller_sub: str, action: str, key: str) -> str:
        return f"{caller_sub}:{action}:{key}"

    async def run(
        self,
        *,
        caller_sub: str,
        action: str,
        key: str | None,
        reply_model: type[ReplyT],
        work: Callable[[Session], Awaitable[ReplyT]],
    ) -> ReplyT:
        """Run `work` in one transaction, once per (caller, action, key)."""
        if key is None:
            return await self._mongo.transaction(work)
        doc_id = self._key(caller_sub, action, key)
        stored = await self._answers.find_one({"_id": doc_id})
        if stored is not None:
            return reply_model.model_validate(stored["reply"])

        async def recorded(session: Session) -> ReplyT:
            reply = await work(session)
            await self._answers.insert_one(
                {
                    "_id": doc_id,
                    "reply": reply.model_dump(mode="json"),
                    "created_at": datetime.now(UTC),
                },
                session=session,
            )
            return reply

        try:
            return await self._mongo.transaction(recorded)
        except DuplicateKeyError:
            # A concurrent retry with the same key won the race: answer as it did.
            stored = await self._answers.find_one({"_id": doc_id})
            if stored is None:
                raise
            return reply_model.model_validate(stored["reply"])
