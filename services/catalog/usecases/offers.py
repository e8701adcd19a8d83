"""What menu items and venues share: documents, views, where the caller is, the admin
list query, and what each write records in its transaction (audit entry, outbox event)."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any, TypeVar

from pydantic import BaseModel

from services.catalog.domain.menu import MenuItem, Point, Venue, open_now
from services.catalog.store import OfferStore
from services.catalog.usecases import sites as site_model
from services.catalog.usecases.context import Context
from services.contracts import catalog as c
from services.contracts.identity import Caller
from services.runtime import sites
from services.runtime.errors import AppError
from services.runtime.mongo import Document, Session

MineQuery = c.OfferList
ViewT = TypeVar("ViewT", bound=BaseModel)


def location_required() -> AppError:
    return AppError(
        "location_required",
        422,
        "无法确定您的位置：请允许获取定位后重试，或联系管理员为所在站点设置位置",
        "no location known: allow geolocation (lat/lng) or set the site's location",
    )


async def origin_of(ctx: Context, caller: Caller, near: c.GeoPoint | None) -> Point:
    """The phone's position if given, else the caller's site's (inherited upward)."""
    if near is not None:
        return near.lat, near.lng
    located = await site_model.location_of(ctx, caller.site)
    if located is None:
        raise location_required()
    return located


def mine_filter(caller: Caller, query: MineQuery) -> dict[str, Any]:
    filters: dict[str, Any] = {**sites.within_query(caller.site)}
    if query.active is not None:
        filters["active"] = query.active
    return filters


@dataclass(frozen=True)
class Change:
    """What one publish or change records besides the document: audit entry and event."""

    subject_id: str
    action: str
    event: str
    data: BaseModel
    site: str
    details: dict[str, str]


async def record(ctx: Context, session: Session, caller: Caller, change: Change) -> None:
    """Inside the document's transaction: the audit entry and the outbox event."""
    await ctx.store.audit(
        session, change.subject_id, change.action, caller, ctx.now(), **change.details
    )
    await ctx.host.emit(session, change.event, change.data, site=change.site, actor=caller)


async def insert_new(
    ctx: Context,
    store: OfferStore,
    caller: Caller,
    doc: Document,
    change: Change,
    view: ViewT,
    *,
    action: str,
    key: str | None,
) -> ViewT:
    """Insert a new document with its audit entry and event, once per idempotency key
    (a retried key answers with the first document's view)."""

    async def work(session: Session) -> ViewT:
        await store.insert(session, doc)
        await record(ctx, session, caller, change)
        return view

    answer = await ctx.host.commands.run(
        caller_sub=caller.sub, action=action, key=key, reply_model=type(view), work=work
    )
    ctx.host.outbox.committed()
    return answer


async def save_change(
    ctx: Context, store: OfferStore, caller: Caller, doc: Document, change: Change
) -> None:
    """Replace a changed document (version-checked) with its audit entry and event."""

    async def work(session: Session) -> None:
        await store.save(session, doc)
        await record(ctx, session, caller, change)

    await ctx.store.mongo.transaction(work)
    ctx.host.outbox.committed()


# -- documents and views ---------------------------------------------------------------


def _fields(doc: Document, kind: type[MenuItem] | type[Venue]) -> dict[str, Any]:
    names = {f.name for f in fields(kind)} - {"id"}
    return {k: v for k, v in doc.items() if k in names}


def item_document(item: MenuItem) -> Document:
    return {
        "_id": item.id,
        "title": item.title,
        "section": item.section.value,
        "description": item.description,
        "provider": item.provider,
        "provider_kind": item.provider_kind.value,
        "site": item.site,
        "site_path": sites.ancestors(item.site),
        "delivery_scope": item.delivery_scope,
        "lead_time_days": item.lead_time_days,
        "location": item.location.model_dump() if item.location else None,
        "active": item.active,
        "created_by": item.created_by,
        "created_at": item.created_at,
        "updated_at": item.updated_at,
        "version": item.version,
    }


def item_from_document(doc: Document) -> MenuItem:
    values = _fields(doc, MenuItem)
    values["section"] = c.Section(doc["section"])
    values["provider_kind"] = c.ProviderKind(doc["provider_kind"])
    values["location"] = c.GeoPoint(**doc["location"]) if doc.get("location") else None
    values["active"] = bool(doc["active"])
    return MenuItem(id=doc["_id"], **values)


def item_view(item: MenuItem, distance: float | None = None) -> c.MenuItemView:
    return c.MenuItemView(
        id=item.id,
        title=item.title,
        section=item.section,
        description=item.description,
        provider=item.provider,
        provider_kind=item.provider_kind,
        site=item.site,
        delivery_scope=item.delivery_scope,
        lead_time_days=item.lead_time_days,
        location=item.location,
        active=item.active,
        distance_km=None if distance is None else round(distance, 3),
    )


def venue_document(venue: Venue) -> Document:
    return {
        "_id": venue.id,
        "name": venue.name,
        "address": venue.address,
        "site": venue.site,
        "site_path": sites.ancestors(venue.site),
        "location": venue.location.model_dump(),
        "opening_hours": [h.model_dump() for h in venue.opening_hours],
        "area_m2": venue.area_m2,
        "capacity": venue.capacity,
        "equipment": list(venue.equipment),
        "active": venue.active,
        "created_by": venue.created_by,
        "created_at": venue.created_at,
        "updated_at": venue.updated_at,
        "version": venue.version,
    }


def venue_from_document(doc: Document) -> Venue:
    values = _fields(doc, Venue)
    values["location"] = c.GeoPoint(**doc["location"])
    values["opening_hours"] = tuple(c.OpeningHours(**h) for h in doc["opening_hours"])
    values["area_m2"] = float(doc["area_m2"])
    values["equipment"] = tuple(doc["equipment"])
    values["active"] = bool(doc["active"])
    return Venue(id=doc["_id"], **values)


def venue_view(
    venue: Venue, now: datetime | None = None, distance: float | None = None
) -> c.VenueView:
    """`now` given: say whether it is open then; events carry no `open_now`."""
    return c.VenueView(
        id=venue.id,
        name=venue.name,
        address=venue.address,
        site=venue.site,
        location=venue.location,
        opening_hours=list(venue.opening_hours),
        area_m2=venue.area_m2,
        capacity=venue.capacity,
        equipment=list(venue.equipment),
        active=venue.active,
        distance_km=None if distance is None else round(distance, 3),
        open_now=open_now(venue.opening_hours, now) if now is not None else None,
    )
