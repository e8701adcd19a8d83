"""The service's own MongoDB database through PyMongo's async API.

Each service declares its indexes in `store.py`; `Mongo.ensure_indexes` creates them at
start (idempotent). Writes that change state and emit an event run in one transaction
(`Mongo.transaction`), which PyMongo retries on transient errors.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from typing import Any, TypeVar

from pymongo import AsyncMongoClient, IndexModel
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.write_concern import WriteConcern

from services.runtime.group_commit import GroupCommit

Document = dict[str, Any]
Session = AsyncClientSession
T = TypeVar("T")


class Mongo:
    """One service's database.

    Every write goes through `transaction`. On the embedded nx-27017 server, concurrent
    transactions are not isolated (one SQLite connection underneath: an abort also
    rolls back other sessions' writes, a commit can fail after applying), so there
    writes are serialized inside the process, and those that queue meanwhile share one
    commit (`GroupCommit`); a real MongoDB needs neither.
    """

    def __init__(self, url: str, database: str, app_name: str) -> None:
        self.client: AsyncMongoClient[Document] = AsyncMongoClient(
            url,
            appname=app_name,
            tz_aware=True,
            serverSelectionTimeoutMS=5000,
            uuidRepresentation="standard",
        )
        self.db: AsyncDatabase[Document] = self.client[database]
        self._serialize: bool | None = None
        self._write_lock = asyncio.Lock()
        self._group: GroupCommit[Session] = GroupCommit(self._write_lock, self._run)

    def collection(self, name: str) -> AsyncCollection[Document]:
        return self.db[name]

    async def ping(self) -> bool:
        try:
            await self.client.admin.command("ping")
        except Exception:
            return False
        return True

    async def ensure_indexes(self, indexes: Mapping[str, Sequence[IndexModel]]) -> None:
        """Create every declared collection and its indexes, and drop indexes no longer
        declared (an older release's index can change what a query answers on
        nx-27017). Idempotent."""
        existing = set(await self.db.list_collection_names())
        for collection, models in indexes.items():
            if collection not in existing:
                await self.db.create_collection(collection)
            await self._drop_undeclared(collection, models)
            if models:
                await self.db[collection].create_indexes(list(models))

    async def _drop_undeclared(self, collection: str, models: Sequence[IndexModel]) -> None:
        # Compared by field names only: nx-27017 reports every key as ascending.
        declared = {tuple(field for field, _ in m.document["key"].items()) for m in models}
        info = await self.db[collection].index_information()
        for name, spec in info.items():
            fields = tuple(field for field, _ in spec["key"])
            if fields != ("_id",) and fields not in declared:
                await self.db[collection].drop_index(name)

    async def is_embedded(self) -> bool:
        """True when the server is nx-27017 (it says so in `buildInfo.process`)."""
        if self._serialize is None:
            info = await self.client.admin.command("buildInfo")
            self._serialize = info.get("process") == "nx_27017"
        return self._serialize

    @asynccontextmanager
    async def exclusive(self) -> AsyncIterator[None]:
        """Hold the embedded server's write lock (a no-op on a real MongoDB).

        Also for reads that must not see another session's uncommitted writes
        (nx-27017 reads are dirty), such as the outbox relay's scan.
        """
        if await self.is_embedded():
            async with self._write_lock:
                yield
        else:
            yield

    async def transaction(self, work: Callable[[Session], Awaitable[T]]) -> T:
        """Run `work` in one multi-document transaction, retried on transient errors."""
        if await self.is_embedded():
            return await self._group.submit(work)
        return await self._run(work)

    async def _run(self, work: Callable[[Session], Awaitable[T]]) -> T:
        # No explicit read concern: nx-27017 stores a transaction's `readConcern`
        # as a document; the default is what a real replica set uses anyway.
        async with self.client.start_session() as session:
            return await session.with_transaction(work, write_concern=WriteConcern("majority"))

    async def close(self) -> None:
        await self.client.close()
