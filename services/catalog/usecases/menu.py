"""The service menu (供单): admins publish and change what their teams, departments and
venues offer; residents, volunteers and kiosks find what can be delivered to them,
nearest first. Rules live in `domain/menu.py`; venues in `usecases/venues.py`."""

from __future__ import annotations

from services.catalog.domain import menu as rules
from services.catalog.store import MENU, OfferStore, site_locations
from services.catalog.usecases import venues
from services.catalog.usecases.context import Context
from services.catalog.usecases.offers import (
    Change,
    MineQuery,
    insert_new,
    item_document,
    item_from_document,
    item_view,
    mine_filter,
    origin_of,
    save_change,
)
from services.contracts import catalog as c
from services.contracts.envelope import RpcReply, RpcRequest, new_event_id
from services.contracts.identity import Caller
from services.runtime import sites
from services.runtime.errors import not_found, require_caller
from services.runtime.service import ServiceHost

KIND = "menu_item"


async def publish(
    ctx: Context, items: OfferStore, caller: Caller, command: c.MenuItemCreate, key: str | None
) -> c.MenuItemView:
    item = rules.new_item(new_event_id(), command, caller, ctx.now())
    view = item_view(item)
    change = Change(
        item.id,
        "menu_item_published",
        c.EVT_MENU_ITEM_PUBLISHED,
        c.MenuItemChanged(item=view),
        item.site,
        {"kind": KIND, "delivery_scope": item.delivery_scope},
    )

    return await insert_new(
        ctx, items, caller, item_document(item), change, view, action=c.RPC_MENU_CREATE, key=key
    )


async def change(
    ctx: Context, items: OfferStore, caller: Caller, patch: c.MenuItemUpdate
) -> c.MenuItemView:
    doc = await items.get(patch.id)
    if doc is None:
        raise not_found("服务菜单项", "menu item")
    before = item_from_document(doc)
    rules.require_owner(caller, before.site, "服务菜单项", "menu item")
    after, changed = rules.update_item(before, patch, ctx.now())
    if not changed:
        return item_view(before)
    view = item_view(after)
    await save_change(
        ctx,
        items,
        caller,
        item_document(after),
        Change(
            after.id,
            "menu_item_changed",
            c.EVT_MENU_ITEM_CHANGED,
            c.MenuItemChanged(item=view),
            after.site,
            {"kind": KIND, "changed": ",".join(changed)},
        ),
    )
    return view


async def near(ctx: Context, items: OfferStore, caller: Caller, query: c.NearQuery) -> c.MenuPage:
    """Active items deliverable to the caller's site, within the radius, nearest first.

    An item without its own location is placed at its site's (or the nearest located
    site above it); an item that cannot be placed at all is left out.
    """
    origin = await origin_of(ctx, caller, query.near)
    filters: dict[str, object] = {
        "active": True,
        "delivery_scope": {"$in": sites.ancestors(caller.site)},
    }
    if query.section is not None:
        filters["section"] = query.section.value
    found = [item_from_document(d) for d in await items.find(filters)]
    found = [i for i in found if rules.reaches(i, caller.site, query.section)]
    located = await site_locations(ctx.store.mongo, {i.site for i in found if i.location is None})
    candidates = [
        (
            item,
            (item.location.lat, item.location.lng)
            if item.location
            else rules.deepest_location(item.site, located),
        )
        for item in found
    ]
    ranked = rules.nearest(candidates, origin, query.radius_km, query.limit)
    return c.MenuPage(items=[item_view(item, km) for item, km in ranked])


async def mine(ctx: Context, items: OfferStore, caller: Caller, query: MineQuery) -> c.MenuPage:
    """Admins: the items owned in their subtree, newest first."""
    rules.require_admin(caller)
    filters = mine_filter(caller, query)
    if query.section is not None:
        filters["section"] = query.section.value
    docs = await items.page(filters, query.offset, query.limit)
    return c.MenuPage(items=[item_view(item_from_document(d)) for d in docs])


def register(host: ServiceHost, ctx: Context) -> None:
    """Register the menu and venue RPC handlers."""
    items = OfferStore(ctx.store.mongo, MENU)

    @host.rpc(c.RPC_MENU_CREATE)
    async def create_item(request: RpcRequest[c.MenuItemCreate]) -> RpcReply[c.MenuItemView]:
        caller = require_caller(request.caller)
        return RpcReply(
            data=await publish(ctx, items, caller, request.data, request.idempotency_key)
        )

    @host.rpc(c.RPC_MENU_UPDATE)
    async def update_item(request: RpcRequest[c.MenuItemUpdate]) -> RpcReply[c.MenuItemView]:
        return RpcReply(data=await change(ctx, items, require_caller(request.caller), request.data))

    @host.rpc(c.RPC_MENU_NEAR)
    async def near_items(request: RpcRequest[c.NearQuery]) -> RpcReply[c.MenuPage]:
        return RpcReply(data=await near(ctx, items, require_caller(request.caller), request.data))

    @host.rpc(c.RPC_MENU_MINE)
    async def my_items(request: RpcRequest[MineQuery]) -> RpcReply[c.MenuPage]:
        return RpcReply(data=await mine(ctx, items, require_caller(request.caller), request.data))

    venues.register(host, ctx)
