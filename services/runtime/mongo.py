"""The service's own MongoDB database through PyMongo's async API.

Each service declares its indexes in `store.py`; `Mongo.ensure_indexes` creates them at
start (idempotent). Writes that change state and emit an event run in one transaction
(`Mongo.transaction`), which PyMongo retries on transient errors.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, TypeVar

from pymongo import AsyncMongoClient, IndexModel
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.write_concern import WriteConcern

Document = dict[str, Any]
Session = AsyncClientSession
T = TypeVar("T")


class Mongo:
    def __init__(self, url: str, database: str, app_name: str) -> None:
        self.client: AsyncMongoClient[Document] = AsyncMongoClient(
            url,
            appname=app_name,
            tz_aware=True,
            serverSelectionTimeoutMS=5000,
            uuidRepresentation="standard",
        )
        self.db: AsyncDatabase[Document] = self.client[database]

    def collection(self, name: str) -> AsyncCollection[Document]:
        return self.db[name]

    async def ping(self) -> bool:
        try:
            await self.client.admin.command("ping")
        except Exception:
            return False
        return True

    async def ensure_indexes(self, indexes: Mapping[str, Sequence[IndexModel]]) -> None:
        for collection, models in indexes.items():
            if models:
                await self.db[collection].create_indexes(list(models))

    async def transaction(self, work: Callable[[Session], Awaitable[T]]) -> T:
        """Run `work` in one multi-document transaction, retried on transient errors."""
        # No explicit read concern: nx-27017 stores a transaction's `readConcern`
        # as a document; the default is what a real replica set uses anyway.
        async with self.client.start_session() as session:
            return await session.with_transaction(work, write_concern=WriteConcern("majority"))

    async def close(self) -> None:
        await self.client.close()
