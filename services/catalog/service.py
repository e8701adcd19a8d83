"""Catalog use cases: one function per command or query, over the store and the outbox."""

from __future__ import annotations

from datetime import UTC, datetime

from services.contracts.catalog import (
    EVT_CONTENT_PUBLISHED,
    ContentCreate,
    ContentPublished,
    ContentView,
)
from services.contracts.envelope import new_event_id
from services.contracts.identity import Caller
from services.runtime.errors import not_found, require_caller
from services.runtime.mongo import Session
from services.runtime.service import ServiceHost

from .domain import content as rules
from .domain.content import Content
from .read_model import PublishedContent
from .store import ContentStore


def to_view(item: Content) -> ContentView:
    return ContentView(
        id=item.id,
        title=item.title,
        section=item.section,
        kind=item.kind,
        summary=item.summary,
        media_url=item.media_url,
        site=item.site,
        scope=item.scope,
        status=item.status,
        published_at=item.published_at,
    )


class Catalog:
    def __init__(self, host: ServiceHost, store: ContentStore, read_model: PublishedContent):
        self._host = host
        self._store = store
        self._read = read_model

    async def create_content(
        self, caller: Caller | None, command: ContentCreate, idempotency_key: str | None = None
    ) -> ContentView:
        who = require_caller(caller)
        item = rules.publish(new_event_id(), command, who, datetime.now(UTC))

        async def write(session: Session) -> ContentView:
            await self._store.insert(session, item)
            await self._host.emit(
                session,
                EVT_CONTENT_PUBLISHED,
                ContentPublished(
                    id=item.id,
                    title=item.title,
                    section=item.section,
                    kind=item.kind,
                    site=item.site,
                    scope=item.scope,
                    published_at=item.published_at,
                ),
                site=item.site,
                actor=who,
            )
            return to_view(item)

        view = await self._host.commands.run(
            caller_sub=who.sub,
            action="content.create",
            key=idempotency_key,
            reply_model=ContentView,
            work=write,
        )
        self._host.outbox.committed()
        if view.id == item.id:
            self._read.put(item)
        return view

    async def get_content(self, caller: Caller | None, content_id: str) -> ContentView:
        who = require_caller(caller)
        item = self._read.get_visible(content_id, who)
        if item is None and not self._read.has(content_id):
            item = await self._store.get_visible(content_id, who)
        if item is None:
            raise not_found("内容", "content")
        return to_view(item)

    async def get_content_fresh(self, caller: Caller | None, content_id: str) -> ContentView:
        """Read through to the database (admin detail view; never served from memory)."""
        item = await self._store.get_visible(content_id, require_caller(caller))
        if item is None:
            raise not_found("内容", "content")
        return to_view(item)

    async def refresh(self, content_id: str) -> None:
        """Another replica published `content_id`: load it into this replica's read model."""
        if self._read.has(content_id):
            return
        item = await self._store.get(content_id)
        if item is not None:
            self._read.put(item)

    async def warm(self) -> None:
        self._read.load(await self._store.all_published())
