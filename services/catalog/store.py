"""The catalog's collections, indexes and queries (its own database).

Changing documents are written whole (`replace_one`) with a version check; times
inside documents that change are stored as they are in the domain only when written
by insert or replace — never by `$set` (nx-27017 turns a `$set` datetime into text).
"""

from __future__ import annotations

from dataclasses import asdict, fields
from datetime import datetime
from typing import Any

from pymongo import ASCENDING, DESCENDING, IndexModel

from services.contracts.catalog import ContentKind, ContentStatus, LinkState, Section
from services.contracts.identity import Caller
from services.runtime import sites
from services.runtime.errors import conflict
from services.runtime.mongo import Document, Mongo, Session

from .domain.content import HIDDEN_LINKS, Content, visible_to

CONTENT = "content"
AUDIT = "audit"
HEAT = "heat"
PROGRESS = "progress"
PICKS = "picks"
NOTICES = "notices"
MEDIA = "media"
MENU = "menu_items"
VENUES = "venues"
SITES = "sites"

# `site_path` is an array (every ancestor): nx-27017 answers `find` wrongly (nothing)
# through a single-field index on an array, so multikey indexes here are compound.
INDEXES = {
    CONTENT: [
        IndexModel([("site_path", ASCENDING), ("created_at", DESCENDING)]),
        IndexModel([("scope", ASCENDING), ("status", ASCENDING)]),
        IndexModel([("status", ASCENDING), ("publish_at", ASCENDING)]),
        IndexModel([("series_id", ASCENDING), ("episode", ASCENDING)]),
        IndexModel([("media_url", ASCENDING)]),
    ],
    AUDIT: [IndexModel([("content_id", ASCENDING), ("at", ASCENDING)])],
    HEAT: [],
    PROGRESS: [],
    PICKS: [IndexModel([("region", ASCENDING), ("week", ASCENDING)])],
    NOTICES: [IndexModel([("site_path", ASCENDING), ("at", DESCENDING)])],
    MEDIA: [],
    MENU: [
        IndexModel([("site_path", ASCENDING), ("created_at", DESCENDING)]),
        IndexModel([("delivery_scope", ASCENDING), ("active", ASCENDING)]),
    ],
    VENUES: [IndexModel([("site_path", ASCENDING), ("created_at", DESCENDING)])],
    SITES: [],
}

_CONTENT_FIELDS = {f.name for f in fields(Content)}


def to_document(content: Content) -> Document:
    doc = asdict(content)
    doc["_id"] = doc.pop("id")
    doc["tags"] = list(content.tags)
    for key in ("section", "kind", "status", "link_state"):
        doc[key] = doc[key].value
    doc["site_path"] = sites.ancestors(content.site)
    doc["source_level"] = content.source_level.value
    return doc


def from_document(doc: Document) -> Content:
    values: dict[str, Any] = {k: v for k, v in doc.items() if k in _CONTENT_FIELDS}
    values["id"] = doc["_id"]
    values["section"] = Section(doc["section"])
    values["kind"] = ContentKind(doc["kind"])
    values["status"] = ContentStatus(doc["status"])
    values["link_state"] = LinkState(doc.get("link_state", "unchecked"))
    values["tags"] = tuple(doc.get("tags", ()))
    return Content(**values)


def admin_filter(caller: Caller) -> dict[str, Any]:
    return sites.within_query(caller.site)


def visibility_filter(caller: Caller) -> dict[str, Any]:
    """The rule of `domain.content.visible_to`, as a query the database runs."""
    clauses: list[dict[str, Any]] = [
        {
            "status": ContentStatus.published.value,
            "link_state": {"$nin": [state.value for state in HIDDEN_LINKS]},
            "scope": {"$in": sites.ancestors(caller.site)},
        }
    ]
    if caller.is_admin:
        clauses.append(sites.within_query(caller.site))
    return {"$or": clauses}


class ContentStore:
    def __init__(self, mongo: Mongo) -> None:
        self.mongo = mongo
        self._content = mongo.collection(CONTENT)
        self._audit = mongo.collection(AUDIT)

    async def insert(self, session: Session, content: Content) -> None:
        await self._content.insert_one(to_document(content), session=session)

    async def save(self, session: Session, content: Content) -> None:
        """Replace the stored item if nobody changed it since it was read."""
        result = await self._content.replace_one(
            {"_id": content.id, "version": content.version - 1},
            to_document(content),
            session=session,
        )
        if result.matched_count != 1:
            raise conflict("内容已被他人修改，请刷新后重试", "the item changed meanwhile; reload")

    async def get(self, content_id: str) -> Content | None:
        doc = await self._content.find_one({"_id": content_id})
        return from_document(doc) if doc else None

    async def get_visible(self, content_id: str, caller: Caller) -> Content | None:
        # By id, then the domain rule: one indexed lookup (nx-27017 scans the whole
        # collection for `_id` combined with the `$or` of `visibility_filter`).
        item = await self.get(content_id)
        return item if item is not None and visible_to(item, caller) else None

    async def all_published(self) -> list[Content]:
        cursor = self._content.find({"status": ContentStatus.published.value})
        return [from_document(doc) async for doc in cursor]

    async def page(
        self, query: dict[str, Any], offset: int, limit: int
    ) -> tuple[list[Content], int]:
        total = await self._content.count_documents(query)
        cursor = self._content.find(query).sort("created_at", DESCENDING).skip(offset).limit(limit)
        return [from_document(doc) async for doc in cursor], total

    async def with_status(self, status: ContentStatus) -> list[Content]:
        return [from_document(d) async for d in self._content.find({"status": status.value})]

    async def retiring(self) -> list[Content]:
        query = {"status": ContentStatus.published.value, "retire_at": {"$ne": None}}
        return [from_document(d) async for d in self._content.find(query)]

    async def episodes(self, series_id: str) -> list[Content]:
        cursor = self._content.find({"series_id": series_id}).sort("episode", ASCENDING)
        return [from_document(doc) async for doc in cursor]

    async def linked(self) -> list[Content]:
        """Published items whose media is an external link (the link checker's list)."""
        query = {
            "status": ContentStatus.published.value,
            "media_id": None,
            "media_url": {"$ne": None},
        }
        return [from_document(d) async for d in self._content.find(query)]

    # -- audit trail (insert-only) ----------------------------------------------------

    async def audit(
        self,
        session: Session,
        content_id: str,
        action: str,
        actor: Caller,
        at: datetime,
        **details: str,
    ) -> None:
        await self._audit.insert_one(
            {
                "content_id": content_id,
                "action": action,
                "actor": actor.sub,
                "actor_role": actor.role.value,
                "at": at,
                "details": details,
            },
            session=session,
        )

    async def trail(self, content_id: str) -> list[Document]:
        cursor = self._audit.find({"content_id": content_id}).sort("at", ASCENDING)
        return await cursor.to_list()


class NoticeStore:
    """Messages to admins of a site (insert-only)."""

    def __init__(self, mongo: Mongo) -> None:
        self._notices = mongo.collection(NOTICES)

    async def add(
        self,
        session: Session,
        notice_id: str,
        kind: str,
        site: str,
        text: str,
        at: datetime,
        content_id: str | None = None,
    ) -> None:
        await self._notices.insert_one(
            {
                "_id": notice_id,
                "kind": kind,
                "site": site,
                "site_path": sites.ancestors(site),
                "text": text,
                "at": at,
                "content_id": content_id,
            },
            session=session,
        )

    async def exists(self, notice_id: str) -> bool:
        return await self._notices.find_one({"_id": notice_id}, {"_id": 1}) is not None

    async def for_caller(self, caller: Caller, limit: int = 50) -> list[Document]:
        query = {"site": {"$in": sites.ancestors(caller.site)}}
        cursor = self._notices.find(query).sort("at", DESCENDING).limit(limit)
        return await cursor.to_list()


class PicksStore:
    def __init__(self, mongo: Mongo) -> None:
        self._picks = mongo.collection(PICKS)

    async def get(self, region: str, week: str) -> Document | None:
        return await self._picks.find_one({"_id": f"{region}|{week}"})

    async def save(
        self,
        session: Session,
        region: str,
        week: str,
        content_ids: list[str],
        note: str,
        by: str,
        at: datetime,
    ) -> None:
        key = f"{region}|{week}"
        # `_id` repeated in the replacement: nx-27017 does not take it from the filter.
        await self._picks.replace_one(
            {"_id": key},
            {
                "_id": key,
                "region": region,
                "week": week,
                "content_ids": content_ids,
                "note": note,
                "published_by": by,
                "published_at": at,
            },
            upsert=True,
            session=session,
        )


# -- service menu items (供单) and venues ----------------------------------------------


class OfferStore:
    """Menu items or venues (one collection each): documents written whole, changes
    with a version check; every document keeps `site_path` for subtree queries."""

    def __init__(self, mongo: Mongo, collection: str) -> None:
        self.mongo = mongo
        self._docs = mongo.collection(collection)

    async def insert(self, session: Session, doc: Document) -> None:
        await self._docs.insert_one(doc, session=session)

    async def save(self, session: Session, doc: Document) -> None:
        """Replace the stored document if nobody changed it since it was read."""
        result = await self._docs.replace_one(
            {"_id": doc["_id"], "version": doc["version"] - 1}, doc, session=session
        )
        if result.matched_count != 1:
            raise conflict("已被他人修改，请刷新后重试", "it changed meanwhile; reload")

    async def get(self, doc_id: str) -> Document | None:
        return await self._docs.find_one({"_id": doc_id})

    async def find(self, query: dict[str, Any]) -> list[Document]:
        """Every match, in a stable order (by id: creation order for UUIDv7 ids)."""
        return await self._docs.find(query).sort("_id", ASCENDING).to_list()

    async def page(self, query: dict[str, Any], offset: int, limit: int) -> list[Document]:
        """Newest first."""
        cursor = self._docs.find(query).sort("_id", DESCENDING).skip(offset).limit(limit)
        return await cursor.to_list()


async def site_locations(mongo: Mongo, paths: set[str]) -> dict[str, tuple[float, float]]:
    """The located sites among `paths` and all their ancestors (the site read model)."""
    wanted = sorted({a for path in paths for a in sites.ancestors(path)})
    if not wanted:
        return {}
    query = {"_id": {"$in": wanted}, "location": {"$ne": None}}
    return {
        d["_id"]: (float(d["location"]["lat"]), float(d["location"]["lng"]))
        async for d in mongo.collection(SITES).find(query)
    }
