"""Venues (场馆, seed 003): where they are, when they are open, how big, how many people,
what equipment. Admins publish and change them; callers find their county's venues
nearest first, with whether each is open now (Beijing time)."""

from __future__ import annotations

from services.catalog.domain import menu as rules
from services.catalog.store import VENUES, OfferStore
from services.catalog.usecases.context import Context
from services.catalog.usecases.offers import (
    Change,
    MineQuery,
    insert_new,
    mine_filter,
    origin_of,
    save_change,
    venue_document,
    venue_from_document,
    venue_view,
)
from services.contracts import catalog as c
from services.contracts.envelope import RpcReply, RpcRequest, new_event_id
from services.contracts.identity import Caller
from services.runtime import sites
from services.runtime.errors import not_found, require_caller
from services.runtime.service import ServiceHost

KIND = "venue"


async def publish(
    ctx: Context, venues: OfferStore, caller: Caller, command: c.VenueCreate, key: str | None
) -> c.VenueView:
    venue = rules.new_venue(new_event_id(), command, caller, ctx.now())
    view = venue_view(venue)
    change = Change(
        venue.id,
        "venue_published",
        c.EVT_VENUE_PUBLISHED,
        c.VenueChanged(venue=view),
        venue.site,
        {"kind": KIND},
    )
    answer = await insert_new(
        ctx,
        venues,
        caller,
        venue_document(venue),
        change,
        view,
        action=c.RPC_VENUE_CREATE,
        key=key,
    )
    # A retried key answers with the first venue: say whether that one is open now.
    return answer.model_copy(update={"open_now": rules.open_now(answer.opening_hours, ctx.now())})


async def change(
    ctx: Context, venues: OfferStore, caller: Caller, patch: c.VenueUpdate
) -> c.VenueView:
    doc = await venues.get(patch.id)
    if doc is None:
        raise not_found("场馆", "venue")
    before = venue_from_document(doc)
    rules.require_owner(caller, before.site, "场馆", "venue")
    after, changed = rules.update_venue(before, patch, ctx.now())
    if not changed:
        return venue_view(before, ctx.now())
    await save_change(
        ctx,
        venues,
        caller,
        venue_document(after),
        Change(
            after.id,
            "venue_changed",
            c.EVT_VENUE_CHANGED,
            c.VenueChanged(venue=venue_view(after)),
            after.site,
            {"kind": KIND, "changed": ",".join(changed)},
        ),
    )
    return venue_view(after, ctx.now())


async def near(ctx: Context, venues: OfferStore, caller: Caller, query: c.NearQuery) -> c.VenuePage:
    """Active venues of the caller's county, within the radius, nearest first."""
    origin = await origin_of(ctx, caller, query.near)
    filters = {**sites.within_query(rules.venue_reach(caller.site)), "active": True}
    found = [venue_from_document(d) for d in await venues.find(filters)]
    ranked = rules.nearest(
        [(v, (v.location.lat, v.location.lng)) for v in found if v.active],
        origin,
        query.radius_km,
        query.limit,
    )
    now = ctx.now()
    return c.VenuePage(items=[venue_view(v, now, km) for v, km in ranked])


async def mine(ctx: Context, venues: OfferStore, caller: Caller, query: MineQuery) -> c.VenuePage:
    """Admins: the venues owned in their subtree, newest first."""
    rules.require_admin(caller)
    docs = await venues.page(mine_filter(caller, query), query.offset, query.limit)
    now = ctx.now()
    return c.VenuePage(items=[venue_view(venue_from_document(d), now) for d in docs])


def register(host: ServiceHost, ctx: Context) -> None:
    venues = OfferStore(ctx.store.mongo, VENUES)

    @host.rpc(c.RPC_VENUE_CREATE)
    async def create_venue(request: RpcRequest[c.VenueCreate]) -> RpcReply[c.VenueView]:
        caller = require_caller(request.caller)
        return RpcReply(
            data=await publish(ctx, venues, caller, request.data, request.idempotency_key)
        )

    @host.rpc(c.RPC_VENUE_UPDATE)
    async def update_venue(request: RpcRequest[c.VenueUpdate]) -> RpcReply[c.VenueView]:
        return RpcReply(
            data=await change(ctx, venues, require_caller(request.caller), request.data)
        )

    @host.rpc(c.RPC_VENUE_NEAR)
    async def near_venues(request: RpcRequest[c.NearQuery]) -> RpcReply[c.VenuePage]:
        return RpcReply(data=await near(ctx, venues, require_caller(request.caller), request.data))

    @host.rpc(c.RPC_VENUE_MINE)
    async def my_venues(request: RpcRequest[MineQuery]) -> RpcReply[c.VenuePage]:
        return RpcReply(data=await mine(ctx, venues, require_caller(request.caller), request.data))
