"""The service menu (供单) and venues (场馆): admins publish and change them; residents,
volunteers and kiosks find what is near (the phone's position, else their site's)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, ConfigDict, Field

from services.contracts import catalog as c
from services.gateway.auth import Admin, Viewer
from services.gateway.deps import Bus, IdempotencyKey
from services.gateway.errors import ERROR_RESPONSES
from services.runtime.errors import invalid

# Not in the contracts yet (services/catalog/usecases/offers.py has the same names).

menu = APIRouter(prefix="/api/v1/menu", tags=["menu 服务菜单"], responses=ERROR_RESPONSES)
venues = APIRouter(prefix="/api/v1/venues", tags=["venues 场馆"], responses=ERROR_RESPONSES)

IdPath = Annotated[str, Path(pattern=r"^[0-9a-f-]{36}$", description="menu item or venue id")]
Lat = Annotated[float | None, Query(ge=-90, le=90, description="纬度（手机定位）")]
Lng = Annotated[float | None, Query(ge=-180, le=180, description="经度（手机定位）")]
Radius = Annotated[float, Query(gt=0, le=200, description="半径（公里）")]
Limit = Annotated[int, Query(ge=1, le=c.MAX_PAGE)]
Offset = Annotated[int, Query(ge=0, le=10_000)]


def near_point(lat: float | None, lng: float | None) -> c.GeoPoint | None:
    if (lat is None) != (lng is None):
        raise invalid("纬度和经度需同时提供", "give lat and lng together, or neither")
    return None if lat is None or lng is None else c.GeoPoint(lat=lat, lng=lng)


# -- menu items ------------------------------------------------------------------------


class MenuItemPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: c.Title | None = None
    description: c.Summary | None = None
    lead_time_days: int | None = Field(default=None, ge=0, le=90)
    active: bool | None = Field(default=None, description="false: 下架 (off the menu)")


@menu.post("", status_code=201, summary="发布服务菜单项 publish a menu item (供单)")
async def create_item(
    body: c.MenuItemCreate, bus: Bus, caller: Admin, idempotency_key: IdempotencyKey = None
) -> c.MenuItemView:
    return await bus.call(
        c.SERVICE,
        c.RPC_MENU_CREATE,
        body,
        caller,
        c.MenuItemView,
        idempotency_key=idempotency_key,
    )


@menu.patch("/{item_id}", summary="修改或下架服务菜单项 change or deactivate a menu item")
async def update_item(
    item_id: IdPath, body: MenuItemPatch, bus: Bus, caller: Admin
) -> c.MenuItemView:
    command = c.MenuItemUpdate(id=item_id, **body.model_dump(exclude_none=True))
    return await bus.call(c.SERVICE, c.RPC_MENU_UPDATE, command, caller, c.MenuItemView)


@menu.get("/near", summary="附近可点的服务 menu items deliverable here, nearest first")
async def near_items(
    bus: Bus,
    caller: Viewer,
    lat: Lat = None,
    lng: Lng = None,
    radius_km: Radius = 10,
    section: c.Section | None = None,
    limit: Limit = 20,
) -> c.MenuPage:
    query = c.NearQuery(
        near=near_point(lat, lng), radius_km=radius_km, section=section, limit=limit
    )
    return await bus.call(c.SERVICE, c.RPC_MENU_NEAR, query, caller, c.MenuPage)


@menu.get("", summary="本辖区的服务菜单 menu items owned in my subtree (admins)")
async def my_items(
    bus: Bus,
    caller: Admin,
    section: c.Section | None = None,
    active: bool | None = None,
    limit: Limit = 20,
    offset: Offset = 0,
) -> c.MenuPage:
    query = c.OfferList(section=section, active=active, limit=limit, offset=offset)
    return await bus.call(c.SERVICE, c.RPC_MENU_MINE, query, caller, c.MenuPage)


# -- venues ----------------------------------------------------------------------------


class VenuePatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    opening_hours: list[c.OpeningHours] | None = Field(default=None, max_length=21)
    capacity: int | None = Field(default=None, ge=0, le=100_000)
    equipment: list[c.Tag] | None = Field(default=None, max_length=30)
    active: bool | None = Field(default=None, description="false: 停用 (not listed)")


@venues.post("", status_code=201, summary="发布场馆 publish a venue")
async def create_venue(
    body: c.VenueCreate, bus: Bus, caller: Admin, idempotency_key: IdempotencyKey = None
) -> c.VenueView:
    return await bus.call(
        c.SERVICE, c.RPC_VENUE_CREATE, body, caller, c.VenueView, idempotency_key=idempotency_key
    )


@venues.patch("/{venue_id}", summary="修改或停用场馆 change or deactivate a venue")
async def update_venue(venue_id: IdPath, body: VenuePatch, bus: Bus, caller: Admin) -> c.VenueView:
    command = c.VenueUpdate(id=venue_id, **body.model_dump(exclude_none=True))
    return await bus.call(c.SERVICE, c.RPC_VENUE_UPDATE, command, caller, c.VenueView)


@venues.get("/near", summary="附近的场馆 venues of my county, nearest first, open now?")
async def near_venues(
    bus: Bus,
    caller: Viewer,
    lat: Lat = None,
    lng: Lng = None,
    radius_km: Radius = 10,
    limit: Limit = 20,
) -> c.VenuePage:
    query = c.NearQuery(near=near_point(lat, lng), radius_km=radius_km, limit=limit)
    return await bus.call(c.SERVICE, c.RPC_VENUE_NEAR, query, caller, c.VenuePage)


@venues.get("", summary="本辖区的场馆 venues owned in my subtree (admins)")
async def my_venues(
    bus: Bus,
    caller: Admin,
    active: bool | None = None,
    limit: Limit = 20,
    offset: Offset = 0,
) -> c.VenuePage:
    query = c.OfferList(active=active, limit=limit, offset=offset)
    return await bus.call(c.SERVICE, c.RPC_VENUE_MINE, query, caller, c.VenuePage)


router = APIRouter()
router.include_router(menu)
router.include_router(venues)
