"""The catalog's collections, indexes and queries (its own database)."""

from __future__ import annotations

from typing import Any

from pymongo import ASCENDING, DESCENDING, IndexModel

from services.contracts.catalog import ContentKind, ContentStatus, Section
from services.contracts.identity import Caller
from services.runtime import sites
from services.runtime.mongo import Document, Mongo, Session

from .domain.content import Content

CONTENT = "content"

INDEXES = {
    CONTENT: [
        IndexModel([("site_path", ASCENDING), ("published_at", DESCENDING)]),
        IndexModel([("scope", ASCENDING), ("status", ASCENDING)]),
        IndexModel([("status", ASCENDING), ("published_at", DESCENDING)]),
    ],
}


def to_document(content: Content) -> Document:
    return {
        "_id": content.id,
        "title": content.title,
        "section": content.section.value,
        "kind": content.kind.value,
        "summary": content.summary,
        "media_url": content.media_url,
        "site": content.site,
        "site_path": sites.ancestors(content.site),
        "scope": content.scope,
        "status": content.status.value,
        "published_at": content.published_at,
        "created_by": content.created_by,
    }


def from_document(doc: Document) -> Content:
    return Content(
        id=doc["_id"],
        title=doc["title"],
        section=Section(doc["section"]),
        kind=ContentKind(doc["kind"]),
        summary=doc["summary"],
        media_url=doc.get("media_url"),
        site=doc["site"],
        scope=doc["scope"],
        status=ContentStatus(doc["status"]),
        published_at=doc["published_at"],
        created_by=doc["created_by"],
    )


def visibility_filter(caller: Caller) -> dict[str, Any]:
    """The scope rule of `domain.content.visible_to`, as a query the database runs."""
    clauses: list[dict[str, Any]] = [
        {"status": ContentStatus.published.value, "scope": {"$in": sites.ancestors(caller.site)}}
    ]
    if caller.is_admin:
        clauses.append(sites.within_query(caller.site))
    return {"$or": clauses}


class ContentStore:
    def __init__(self, mongo: Mongo) -> None:
        self._content = mongo.collection(CONTENT)

    async def insert(self, session: Session, content: Content) -> None:
        await self._content.insert_one(to_document(content), session=session)

    async def get_visible(self, content_id: str, caller: Caller) -> Content | None:
        doc = await self._content.find_one({"_id": content_id, **visibility_filter(caller)})
        return from_document(doc) if doc else None

    async def get(self, content_id: str) -> Content | None:
        doc = await self._content.find_one({"_id": content_id})
        return from_document(doc) if doc else None

    async def all_published(self) -> list[Content]:
        cursor = self._content.find({"status": ContentStatus.published.value})
        return [from_document(doc) async for doc in cursor]
