"""The accounts service's collections, indexes and queries (its own database).

Mutable times are epoch seconds (floats): nx-27017 turns a `$set` datetime into a
string. Documents that change are written whole (`replace_one`), inside transactions.
"""

from __future__ import annotations

from typing import Any

from pymongo import ASCENDING, IndexModel
from pymongo.errors import DuplicateKeyError

from services.runtime import sites
from services.runtime.errors import conflict
from services.runtime.mongo import Document, Mongo, Session

SITES = "sites"
ADMINS = "admins"
PEOPLE = "people"
CODES = "codes"
CODE_CLIENTS = "code_clients"
KIOSKS = "kiosks"
SESSIONS = "sessions"

# `site_path` is an array (every ancestor): nx-27017 answers `find` wrongly (nothing)
# through a single-field index on an array, so multikey indexes here are compound.
INDEXES = {
    SITES: [
        IndexModel([("site_path", ASCENDING), ("kind", ASCENDING)]),
        IndexModel([("parent", ASCENDING)]),
    ],
    ADMINS: [
        IndexModel([("username", ASCENDING)], unique=True),
        IndexModel([("site_path", ASCENDING), ("role", ASCENDING)]),
    ],
    PEOPLE: [IndexModel([("phone_index", ASCENDING)], unique=True)],
    CODES: [],
    CODE_CLIENTS: [],
    KIOSKS: [
        IndexModel([("token_hash", ASCENDING)], unique=True),
        IndexModel([("site_path", ASCENDING), ("revoked", ASCENDING)]),
    ],
    SESSIONS: [IndexModel([("account_id", ASCENDING)]), IndexModel([("revoked", ASCENDING)])],
}


class AccountsStore:
    def __init__(self, mongo: Mongo) -> None:
        self.mongo = mongo
        self.sites = mongo.collection(SITES)
        self.admins = mongo.collection(ADMINS)
        self.people = mongo.collection(PEOPLE)
        self.codes = mongo.collection(CODES)
        self.code_clients = mongo.collection(CODE_CLIENTS)
        self.kiosks = mongo.collection(KIOSKS)
        self.sessions = mongo.collection(SESSIONS)

    # -- sites ----------------------------------------------------------------------

    async def site(self, path: str) -> Document | None:
        return await self.sites.find_one({"_id": path})

    async def sites_page(
        self, scope: str, under: str, children_only: bool, after: str | None, limit: int
    ) -> list[Document]:
        query: dict[str, Any] = {**sites.within_query(scope)}
        query["parent" if children_only else "site_path"] = under
        if after:
            query["_id"] = {"$gt": after}
        cursor = self.sites.find(query).sort("_id", ASCENDING).limit(limit)
        return await cursor.to_list()

    async def any_disabled(self, paths: list[str]) -> bool:
        query = {"_id": {"$in": paths}, "disabled": True}
        return await self.sites.find_one(query, {"_id": 1}) is not None

    async def names(self, paths: list[str]) -> dict[str, str]:
        docs = await self.sites.find({"_id": {"$in": paths}}, {"name": 1}).to_list()
        return {doc["_id"]: doc["name"] for doc in docs}

    # -- writes ---------------------------------------------------------------------

    async def insert(self, session: Session, collection: str, doc: Document) -> None:
        await self.mongo.collection(collection).insert_one(doc, session=session)

    async def replace(self, session: Session, collection: str, doc: Document) -> None:
        """Write `doc` whole, unless someone changed it since it was read.

        `version` is the one read (None: a new document, or one from before versions);
        with several replicas, two guesses at one code or two refreshes of one session
        cannot both win: the second gets a conflict.
        """
        read = doc.get("version")
        try:
            await self.mongo.collection(collection).replace_one(
                {"_id": doc["_id"], "version": read},
                {**doc, "version": (read or 0) + 1},
                upsert=True,
                session=session,
            )
        except DuplicateKeyError as exc:
            raise conflict("数据已被同时修改，请重试", "changed meanwhile; try again") from exc

    # -- accounts -------------------------------------------------------------------

    async def admin_by_username(self, username: str) -> Document | None:
        return await self.admins.find_one({"username": username})

    async def admin(self, account_id: str) -> Document | None:
        return await self.admins.find_one({"_id": account_id})

    async def person_by_index(self, phone_index: str) -> Document | None:
        return await self.people.find_one({"phone_index": phone_index})

    async def person(self, account_id: str) -> Document | None:
        return await self.people.find_one({"_id": account_id})

    async def admins_page(
        self, scope: str, under: str, after: str | None, limit: int
    ) -> list[Document]:
        query: dict[str, Any] = {"$and": [sites.within_query(scope), sites.within_query(under)]}
        if after:
            query["_id"] = {"$gt": after}
        return await self.admins.find(query).sort("_id", ASCENDING).limit(limit).to_list()

    # -- kiosks and sessions --------------------------------------------------------

    async def kiosk_by_token(self, token_hash: str) -> Document | None:
        return await self.kiosks.find_one({"token_hash": token_hash})

    async def kiosk(self, device_id: str, scope: str) -> Document | None:
        return await self.kiosks.find_one({"_id": device_id, **sites.within_query(scope)})

    async def kiosks_in(self, scope: str, under: str, limit: int) -> list[Document]:
        query = {"$and": [sites.within_query(scope), sites.within_query(under)]}
        return await self.kiosks.find(query).sort("_id", ASCENDING).limit(limit).to_list()

    async def session(self, session_id: str) -> Document | None:
        return await self.sessions.find_one({"_id": session_id})

    async def live_sessions_of(self, account_id: str) -> list[Document]:
        return await self.sessions.find({"account_id": account_id, "revoked": False}).to_list()

    async def revoked_sessions_since(self, since: float) -> list[Document]:
        query = {"revoked": True, "revoked_at": {"$gt": since}}
        return await self.sessions.find(query, {"_id": 1, "revoked_at": 1}).to_list()
