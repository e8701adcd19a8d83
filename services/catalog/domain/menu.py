"""The service menu (供单) and venues: who publishes and changes them, where a menu item
can be delivered, which venues a caller finds, opening hours and "open now", and the
nearest-first ranking of "near me" (seed 003: where, when open, how big, how many, what
equipment; seeds 001/004: 供单 starts the five-order loop).

Rules:
- Any admin publishes inside their own subtree: the item or venue belongs to the
  admin's site; a menu item's `delivery_scope` (default: that site) must lie in it.
- Only an admin whose subtree holds the item or venue changes it; to anyone else it
  does not exist (404). `active=false` takes it off the "near me" lists.
- A menu item reaches a caller whose site lies in its delivery scope.
- A venue is found by callers of its county (the center's subtree): a resident may
  travel inside the county, not beyond. A caller above county level (city, province)
  finds the venues of their own subtree.
- Near me: from the phone's position, else the caller's site's (a point inherits its
  station's); an item without a location of its own sits at its site's; whatever
  cannot be placed is left out. Nearest first, within the radius.
- Opening hours are same-day spans, opens < closes (closes may be 24:00). Overnight
  hours are refused with a hint to split them: Mon 22:00–24:00 + Tue 00:00–02:00.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from itertools import pairwise
from typing import Any, Final, TypeVar

from services.contracts.catalog import (
    GeoPoint,
    MenuItemCreate,
    MenuItemUpdate,
    OpeningHours,
    ProviderKind,
    Section,
    VenueCreate,
    VenueUpdate,
)
from services.contracts.identity import Caller
from services.runtime import sites
from services.runtime.errors import forbidden, invalid, not_found

from .calendar import CHINA
from .geo import distance_km
from .levels import county_of

DAY_END: Final = 24 * 60
WEEKDAYS: Final = ("", "周一", "周二", "周三", "周四", "周五", "周六", "周日")
Point = tuple[float, float]
T = TypeVar("T")


@dataclass(frozen=True)
class MenuItem:
    id: str
    title: str
    section: Section
    description: str
    provider: str
    provider_kind: ProviderKind
    site: str
    delivery_scope: str
    lead_time_days: int
    location: GeoPoint | None
    active: bool
    created_by: str
    created_at: datetime
    updated_at: datetime
    version: int = 1


@dataclass(frozen=True)
class Venue:
    id: str
    name: str
    address: str
    site: str
    location: GeoPoint
    opening_hours: tuple[OpeningHours, ...]
    area_m2: float
    capacity: int
    equipment: tuple[str, ...]
    active: bool
    created_by: str
    created_at: datetime
    updated_at: datetime
    version: int = 1


# -- who may publish and change --------------------------------------------------------


def require_admin(caller: Caller) -> None:
    if not caller.is_admin:
        raise forbidden("只有管理员可以发布或修改服务菜单和场馆", "admins only")


def delivery_scope(caller: Caller, requested: str | None) -> str:
    """Where a new menu item can be delivered: the publisher's site or below it."""
    scope = requested or caller.site
    if not sites.is_within(scope, caller.site):
        raise forbidden(
            "配送范围只能是本站点或其下级站点", "delivery_scope must lie in your own subtree"
        )
    return scope


def require_owner(caller: Caller, site: str, what_zh: str, what_en: str) -> None:
    """Only admins whose subtree holds `site` change it; others get 404 (no leak)."""
    if not (caller.is_admin and sites.is_within(site, caller.site)):
        raise not_found(what_zh, what_en)


def reaches(item: MenuItem, site: str, section: Section | None = None) -> bool:
    """An active item whose delivery scope covers `site` (and of `section`, if given)."""
    return (
        item.active
        and sites.is_within(site, item.delivery_scope)
        and (section is None or item.section is section)
    )


def venue_reach(site: str) -> str:
    """The subtree whose venues a caller at `site` finds: their county, or their own."""
    return county_of(site)


# -- publish and change ----------------------------------------------------------------


def new_item(item_id: str, command: MenuItemCreate, caller: Caller, now: datetime) -> MenuItem:
    require_admin(caller)
    return MenuItem(
        id=item_id,
        title=command.title,
        section=command.section,
        description=command.description,
        provider=command.provider,
        provider_kind=command.provider_kind,
        site=caller.site,
        delivery_scope=delivery_scope(caller, command.delivery_scope),
        lead_time_days=command.lead_time_days,
        location=command.location,
        active=True,
        created_by=caller.sub,
        created_at=now,
        updated_at=now,
    )


def new_venue(venue_id: str, command: VenueCreate, caller: Caller, now: datetime) -> Venue:
    require_admin(caller)
    return Venue(
        id=venue_id,
        name=command.name,
        address=command.address,
        site=caller.site,
        location=command.location,
        opening_hours=check_hours(command.opening_hours),
        area_m2=command.area_m2,
        capacity=command.capacity,
        equipment=tuple(dict.fromkeys(command.equipment)),
        active=True,
        created_by=caller.sub,
        created_at=now,
        updated_at=now,
    )


def _changes(patch: MenuItemUpdate | VenueUpdate) -> dict[str, Any]:
    given = {
        name: getattr(patch, name)
        for name in type(patch).model_fields
        if name != "id" and getattr(patch, name) is not None
    }
    if not given:
        raise invalid("请至少填写一项要修改的内容", "nothing to change")
    return given


def update_item(item: MenuItem, patch: MenuItemUpdate, now: datetime) -> tuple[MenuItem, list[str]]:
    """The item after `patch`, and the names of the fields that really changed."""
    given = _changes(patch)
    changed = sorted(k for k, v in given.items() if getattr(item, k) != v)
    if not changed:
        return item, []
    after = replace(item, **given, updated_at=now, version=item.version + 1)
    return after, changed


def update_venue(venue: Venue, patch: VenueUpdate, now: datetime) -> tuple[Venue, list[str]]:
    given = _changes(patch)
    if patch.opening_hours is not None:
        given["opening_hours"] = check_hours(patch.opening_hours)
    if patch.equipment is not None:
        given["equipment"] = tuple(dict.fromkeys(patch.equipment))
    changed = sorted(k for k, v in given.items() if getattr(venue, k) != v)
    if not changed:
        return venue, []
    after = replace(venue, **given, updated_at=now, version=venue.version + 1)
    return after, changed


# -- opening hours ---------------------------------------------------------------------


def minutes(clock: str) -> int:
    hours, mins = clock.split(":")
    return int(hours) * 60 + int(mins)


def check_hours(hours: Sequence[OpeningHours]) -> tuple[OpeningHours, ...]:
    """Valid same-day spans, none overlapping on a weekday, sorted (422 otherwise)."""
    for index, span in enumerate(hours):
        if minutes(span.closes) > DAY_END:
            raise invalid(
                f"{WEEKDAYS[span.weekday]}的结束时间 {span.closes} 有误：最晚为 24:00",
                "closes is at most 24:00",
                [{"loc": ["opening_hours", str(index), "closes"], "msg": "after 24:00"}],
            )
        if minutes(span.closes) <= minutes(span.opens):
            day = WEEKDAYS[span.weekday]
            raise invalid(
                f"{day}的开放时间 {span.opens}–{span.closes} 有误：结束须晚于开始；"
                f"跨夜开放请拆成两段，如{day} {span.opens}–24:00 和次日 00:00–{span.closes}",
                "closes must be after opens; split overnight hours at midnight",
                [{"loc": ["opening_hours", str(index)], "msg": "closes <= opens"}],
            )
    ordered = tuple(sorted(hours, key=lambda s: (s.weekday, minutes(s.opens))))
    for earlier, later in pairwise(ordered):
        if earlier.weekday == later.weekday and minutes(later.opens) < minutes(earlier.closes):
            raise invalid(
                f"{WEEKDAYS[later.weekday]}的开放时间段有重叠，请合并后再提交",
                "opening hours overlap on the same weekday",
            )
    return ordered


def open_now(hours: Sequence[OpeningHours], moment: datetime) -> bool | None:
    """Open at `moment` (Beijing time)? None when no hours are listed (unknown)."""
    if not hours:
        return None
    local = moment.astimezone(CHINA)
    now = local.hour * 60 + local.minute
    return any(
        s.weekday == local.isoweekday() and minutes(s.opens) <= now < minutes(s.closes)
        for s in hours
    )


# -- near me ---------------------------------------------------------------------------


def deepest_location(path: str, located: dict[str, Point]) -> Point | None:
    """The location of the nearest located site at or above `path`."""
    for ancestor in reversed(sites.ancestors(path)):
        if ancestor in located:
            return located[ancestor]
    return None


def nearest(
    candidates: Iterable[tuple[T, Point | None]],
    origin: Point,
    radius_km: float,
    limit: int,
) -> list[tuple[T, float]]:
    """Candidates within `radius_km` of `origin`, nearest first (unplaceable ones left out).

    Equal distances keep the order given, so callers pass a stable order.
    """
    ranked: list[tuple[float, int, T]] = []
    for order, (candidate, point) in enumerate(candidates):
        if point is None:
            continue
        km = distance_km(origin[0], origin[1], point[0], point[1])
        if km <= radius_km:
            ranked.append((km, order, candidate))
    ranked.sort(key=lambda r: (r[0], r[1]))
    return [(candidate, km) for km, _, candidate in ranked[:limit]]
