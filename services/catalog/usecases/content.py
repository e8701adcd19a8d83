"""Publishing, uploading for review, reading and listing content."""

from __future__ import annotations

from typing import Any

from services.catalog.domain import content as rules
from services.catalog.domain.content import Content
from services.catalog.store import admin_filter
from services.catalog.usecases.context import Context
from services.catalog.usecases.views import published_event, to_view
from services.contracts import catalog as c
from services.contracts.envelope import new_event_id
from services.contracts.identity import Caller
from services.runtime.errors import not_found
from services.runtime.mongo import Session


async def emit_state(
    ctx: Context, session: Session, before: Content | None, after: Content, actor: Caller | None
) -> None:
    """The event that tells others what changed."""
    became_public = after.status is c.ContentStatus.published and (
        before is None or before.status is not c.ContentStatus.published
    )
    if became_public:
        await ctx.host.emit(
            session, c.EVT_CONTENT_PUBLISHED, published_event(after), site=after.site, actor=actor
        )
    elif before is not None and after.status is c.ContentStatus.published:
        await ctx.host.emit(
            session, c.EVT_CONTENT_UPDATED, published_event(after), site=after.site, actor=actor
        )


def committed(ctx: Context, item: Content) -> None:
    ctx.host.outbox.committed()
    ctx.read.put(item)


async def create(
    ctx: Context, caller: Caller, command: c.ContentCreate, idempotency_key: str | None
) -> c.ContentView:
    series = await ctx.store.get(command.series_id) if command.series_id else None
    if series is not None and not rules.visible_to(series, caller):
        series = None
    if command.media_id is not None:
        await require_media(ctx, caller, command.media_id)
    item = rules.create(new_event_id(), command, caller, ctx.now(), series)

    async def write(session: Session) -> c.ContentView:
        await ctx.store.insert(session, item)
        action = "uploaded" if item.status is c.ContentStatus.pending_review else "created"
        await ctx.store.audit(
            session, item.id, action, caller, ctx.now(), status=item.status.value, scope=item.scope
        )
        await emit_state(ctx, session, None, item, caller)
        return to_view(item, ctx.read)

    view = await ctx.host.commands.run(
        caller_sub=caller.sub,
        action="content.create",
        key=idempotency_key,
        reply_model=c.ContentView,
        work=write,
    )
    if view.id == item.id:
        committed(ctx, item)
    return view


async def require_media(ctx: Context, caller: Caller, media_id: str) -> None:
    doc = await ctx.store.mongo.collection("media").find_one(
        {"_id": media_id, **admin_filter(caller)}
    )
    if doc is None:
        raise not_found("上传的媒体文件", "uploaded media")


async def get(ctx: Context, caller: Caller, content_id: str) -> c.ContentView:
    item = ctx.read.get_visible(content_id, caller)
    if item is None and not ctx.read.has(content_id):
        item = await ctx.store.get_visible(content_id, caller)
    if item is None:
        raise not_found("内容", "content")
    return to_view(item, ctx.read)


async def get_fresh(ctx: Context, caller: Caller, content_id: str) -> c.ContentView:
    """Read through to the database (admin detail view; never served from memory)."""
    item = await ctx.store.get_visible(content_id, caller)
    if item is None:
        raise not_found("内容", "content")
    return to_view(item, ctx.read)


def _page_from_memory(ctx: Context, caller: Caller, query: c.ContentList) -> c.ContentPage:
    items = [
        i
        for i in ctx.read.visible_items(caller.site)
        if (query.section is None or i.section is query.section)
        and (query.kind is None or i.kind is query.kind)
        and (query.series_id is None or i.series_id == query.series_id)
        and (query.series_id is not None or i.series_id is None)
    ]
    if query.series_id is not None:
        items.sort(key=lambda i: i.episode or 0)
    else:
        items.sort(key=lambda i: (i.published_at is not None, i.published_at), reverse=True)
    chosen = items[query.offset : query.offset + query.limit]
    return c.ContentPage(items=[to_view(i, ctx.read) for i in chosen], total=len(items))


async def page(ctx: Context, caller: Caller, query: c.ContentList) -> c.ContentPage:
    """Residents browse published items from memory; admins list their subtree's items."""
    if not (query.mine or query.status) or not caller.is_admin:
        return _page_from_memory(ctx, caller, query)
    filters: dict[str, Any] = {**admin_filter(caller)}
    if query.status is c.ContentStatus.pending_review:
        # The review queue: items below me waiting for my level or any level above them.
        filters = {**admin_filter(caller), "site": {"$ne": caller.site}}
    for key in ("section", "kind", "status", "series_id"):
        value = getattr(query, key)
        if value is not None:
            filters[key] = value.value if hasattr(value, "value") else value
    items, total = await ctx.store.page(filters, query.offset, query.limit)
    return c.ContentPage(items=[to_view(i, ctx.read) for i in items], total=total)


async def decide(ctx: Context, caller: Caller, decision: c.ReviewDecision) -> c.ContentView:
    before = await ctx.store.get(decision.id)
    if before is None or not rules.visible_to(before, caller):
        raise not_found("内容", "content")
    after = rules.review(
        before, caller, decision.approve, decision.scope, decision.reason, ctx.now()
    )

    async def write(session: Session) -> None:
        await ctx.store.save(session, after)
        details = {"scope": after.scope} if decision.approve else {"reason": decision.reason or ""}
        await ctx.store.audit(
            session,
            after.id,
            "approved" if decision.approve else "rejected",
            caller,
            ctx.now(),
            **details,
        )
        await emit_state(ctx, session, before, after, caller)

    await ctx.store.mongo.transaction(write)
    committed(ctx, after)
    return to_view(after, ctx.read)


async def trail(ctx: Context, caller: Caller, content_id: str) -> c.AuditTrail:
    item = await ctx.store.get(content_id)
    if item is None or not rules.visible_to(item, caller) or not caller.is_admin:
        raise not_found("内容", "content")
    entries = [
        c.AuditEntry(
            at=d["at"],
            action=d["action"],
            actor=d["actor"],
            actor_role=d["actor_role"],
            details=d.get("details", {}),
        )
        for d in await ctx.store.trail(content_id)
    ]
    return c.AuditTrail(content_id=content_id, entries=entries)


async def refresh(ctx: Context, content_id: str) -> None:
    """Another replica changed `content_id`: reload it into this replica's read model."""
    item = await ctx.store.get(content_id)
    if item is not None:
        ctx.read.put(item)
