"""Catalog entrypoint: bus handlers and background tasks; rules live in `domain/`."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from typing import Any

from pydantic import BaseModel

from services.catalog.domain.search import HotTerms
from services.catalog.read_model import PublishedContent
from services.catalog.settings import CatalogSettings
from services.catalog.store import INDEXES, ContentStore, NoticeStore, PicksStore
from services.catalog.usecases import calendar, content, links, media, menu, plays, search
from services.catalog.usecases import sites as site_model
from services.catalog.usecases.context import Context
from services.contracts import accounts as accounts_contract
from services.contracts import catalog as c
from services.contracts import subjects
from services.contracts.envelope import Empty, EventEnvelope, RpcReply, RpcRequest
from services.runtime.errors import require_caller
from services.runtime.mongo import Session
from services.runtime.service import ServiceHost

log = logging.getLogger(__name__)

EMITTED: dict[str, tuple[type[BaseModel], str]] = {
    c.EVT_CONTENT_PUBLISHED: (c.ContentPublished, "内容已发布 published to a site subtree"),
    c.EVT_CONTENT_UPDATED: (c.ContentPublished, "已发布内容有变更 a published item changed"),
    c.EVT_CONTENT_RETIRED: (c.ContentRetired, "内容已下架 an item was retired"),
    c.EVT_RETIREMENT_ANNOUNCED: (c.RetirementAnnounced, "下架预告 a retirement announced"),
    c.EVT_MEDIA_LINK_BROKEN: (c.LinkChanged, "外链失效或付费 a media link broke"),
    c.EVT_MEDIA_LINK_FIXED: (c.LinkChanged, "外链恢复 a media link works again"),
    c.EVT_MENU_ITEM_PUBLISHED: (c.MenuItemChanged, "服务菜单新增 a menu item published"),
    c.EVT_MENU_ITEM_CHANGED: (c.MenuItemChanged, "服务菜单变更 a menu item changed"),
    c.EVT_VENUE_PUBLISHED: (c.VenueChanged, "场馆发布 a venue published"),
    c.EVT_VENUE_CHANGED: (c.VenueChanged, "场馆变更 a venue changed"),
    c.EVT_PICKS_LATE: (c.PicksLate, "下周精选逾期 next week's picks are late"),
}


def create_host(settings: CatalogSettings | None = None) -> ServiceHost:
    settings = settings or CatalogSettings()
    host = ServiceHost(c.SERVICE, settings, INDEXES)
    store = ContentStore(host.mongo)
    ctx = Context(
        host=host,
        store=store,
        read=PublishedContent(),
        retire_notice=timedelta(days=settings.retire_notice_days),
    )
    picks, notices = PicksStore(host.mongo), NoticeStore(host.mongo)
    terms = HotTerms(ctx.now)
    for event, (model, description) in EMITTED.items():
        host.emits(event, model, description)

    @host.on_startup
    async def warm() -> None:
        ctx.read.load(await store.all_published())
        await plays.warm(ctx)
        host.background(lambda: scheduler(ctx, picks, notices, settings.tick_s))

    register_content(host, ctx)
    register_calendar(host, ctx, picks, notices)
    register_discovery(host, ctx, terms)
    register_events(host, ctx)
    media.register(host, ctx)
    menu.register(host, ctx)
    links.register(host, ctx, settings)
    return host


def register_content(host: ServiceHost, ctx: Context) -> None:
    @host.rpc(c.RPC_CONTENT_CREATE)
    async def create_content(request: RpcRequest[c.ContentCreate]) -> RpcReply[c.ContentView]:
        view = await content.create(
            ctx, require_caller(request.caller), request.data, request.idempotency_key
        )
        return RpcReply(data=view)

    @host.rpc(c.RPC_CONTENT_GET)
    async def get_content(request: RpcRequest[c.ContentGet]) -> RpcReply[c.ContentView]:
        return RpcReply(
            data=await content.get(ctx, require_caller(request.caller), request.data.id)
        )

    @host.rpc(c.RPC_CONTENT_GET_FRESH)
    async def get_fresh(request: RpcRequest[c.ContentGet]) -> RpcReply[c.ContentView]:
        return RpcReply(
            data=await content.get_fresh(ctx, require_caller(request.caller), request.data.id)
        )

    @host.rpc(c.RPC_CONTENT_LIST)
    async def list_content(request: RpcRequest[c.ContentList]) -> RpcReply[c.ContentPage]:
        return RpcReply(data=await content.page(ctx, require_caller(request.caller), request.data))

    @host.rpc(c.RPC_REVIEW_DECIDE)
    async def review(request: RpcRequest[c.ReviewDecision]) -> RpcReply[c.ContentView]:
        return RpcReply(
            data=await content.decide(ctx, require_caller(request.caller), request.data)
        )

    @host.rpc(c.RPC_AUDIT_GET)
    async def audit(request: RpcRequest[c.ContentGet]) -> RpcReply[c.AuditTrail]:
        return RpcReply(
            data=await content.trail(ctx, require_caller(request.caller), request.data.id)
        )


def register_calendar(
    host: ServiceHost, ctx: Context, picks: PicksStore, notices: NoticeStore
) -> None:
    @host.rpc(c.RPC_RETIRE_ANNOUNCE)
    async def retire(request: RpcRequest[c.RetireAnnounce]) -> RpcReply[c.ContentView]:
        return RpcReply(
            data=await calendar.announce_retirement(
                ctx, require_caller(request.caller), request.data
            )
        )

    @host.rpc(c.RPC_CALENDAR)
    async def get_calendar(request: RpcRequest[c.CalendarQuery]) -> RpcReply[c.Calendar]:
        return RpcReply(
            data=await calendar.calendar(ctx, require_caller(request.caller), request.data)
        )

    @host.rpc(c.RPC_ANNOUNCEMENTS)
    async def get_announcements(request: RpcRequest[Empty]) -> RpcReply[c.Announcements]:
        return RpcReply(data=await calendar.announcements(ctx, require_caller(request.caller)))

    @host.rpc(c.RPC_PICKS_PUBLISH)
    async def publish_picks(request: RpcRequest[c.PicksPublish]) -> RpcReply[c.Picks]:
        return RpcReply(
            data=await calendar.publish_picks(
                ctx, picks, require_caller(request.caller), request.data
            )
        )

    @host.rpc(c.RPC_PICKS_GET)
    async def get_picks(request: RpcRequest[c.PicksGet]) -> RpcReply[c.Picks]:
        return RpcReply(
            data=await calendar.get_picks(ctx, picks, require_caller(request.caller), request.data)
        )

    @host.rpc(c.RPC_NOTICES)
    async def get_notices(request: RpcRequest[Empty]) -> RpcReply[c.Notices]:
        return RpcReply(data=await calendar.list_notices(notices, require_caller(request.caller)))


def register_discovery(host: ServiceHost, ctx: Context, terms: HotTerms) -> None:
    @host.rpc(c.RPC_RESUME)
    async def resume(request: RpcRequest[c.ContentGet]) -> RpcReply[c.Resume]:
        return RpcReply(
            data=await plays.resume(ctx, require_caller(request.caller), request.data.id)
        )

    @host.rpc(c.RPC_HOT)
    async def hot(request: RpcRequest[c.HotQuery]) -> RpcReply[c.HotList]:
        site = request.data.site or (request.caller.site if request.caller else None)
        if site is None:
            site = province_of(host.region)
        return RpcReply(data=plays.hot_list(ctx, site, request.data))

    @host.rpc(c.RPC_SEARCH)
    async def run_search(request: RpcRequest[c.SearchQuery]) -> RpcReply[c.SearchPage]:
        return RpcReply(
            data=search.search(ctx, terms, require_caller(request.caller), request.data)
        )

    @host.rpc(c.RPC_SUGGEST)
    async def suggest(request: RpcRequest[c.SuggestQuery]) -> RpcReply[c.Suggestions]:
        return RpcReply(data=search.suggest(ctx, require_caller(request.caller), request.data))

    @host.rpc(c.RPC_HOT_TERMS)
    async def hot_terms(request: RpcRequest[c.HotTermsQuery]) -> RpcReply[c.HotTerms]:
        return RpcReply(data=search.hot_terms(terms, request.data))


def register_events(host: ServiceHost, ctx: Context) -> None:
    async def heat_loaded(event: EventEnvelope[Any]) -> None:
        await plays.reload_heat(ctx, event.data)

    @host.on_event(c.GATEWAY_SERVICE, c.EVT_PLAY_REPORTED, c.PlayRecorded, after=heat_loaded)
    async def on_play(event: EventEnvelope[Any], session: Session) -> None:
        await plays.record(ctx, event, session)

    @host.on_event(
        accounts_contract.SERVICE, accounts_contract.EVT_SITE_CHANGED, accounts_contract.SiteView
    )
    async def on_site(event: EventEnvelope[Any], session: Session) -> None:
        await site_model.apply(ctx, event, session)

    for event_name in (
        c.EVT_CONTENT_PUBLISHED,
        c.EVT_CONTENT_UPDATED,
        c.EVT_CONTENT_RETIRED,
        c.EVT_MEDIA_LINK_BROKEN,
        c.EVT_MEDIA_LINK_FIXED,
    ):

        @host.broker.subscriber(
            subjects.evt(host.region, c.SERVICE, event_name),
            include_in_schema=False,
            # A JetStream publish is a request: answering it would race the stream's PubAck.
            no_reply=True,
        )
        async def replica_sync(event: EventEnvelope[dict[str, Any]]) -> None:
            if not host.emitted_here(event.id):  # this replica's read model is current
                await content.refresh(ctx, str(event.data["id"]))


def province_of(region: str) -> str:
    """The province's GB/T 2260 code: the region code's first two digits + 0000."""
    return f"{region[:2]}0000"


async def scheduler(ctx: Context, picks: PicksStore, notices: NoticeStore, tick_s: float) -> None:
    """Publish and retire on time; remind counties whose next-week picks are late."""
    while True:
        try:
            await calendar.run_due(ctx)
            await calendar.remind_late_picks(ctx, picks, notices)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("catalog scheduler tick failed")
        await asyncio.sleep(tick_s)
