"""Service menu and venue rules: opening hours, open now, delivery scope, reach, near."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta, timezone

import pytest
from pydantic import ValidationError

from services.catalog.domain import menu as rules
from services.catalog.domain.geo import distance_km
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
from services.contracts.identity import ADMIN_ROLES, Caller, Role
from services.runtime.errors import AppError

PROVINCE = "320000"
CITY = "320000/320500"
CENTER = "320000/320500/320582"
INSTITUTE = f"{CENTER}/320582001"
INSTITUTE_TRAP = f"{CENTER}/3205820011"
STATION = f"{INSTITUTE}/320582001001"
POINT = f"{STATION}/P01"
SIBLING_STATION = f"{CENTER}/320582102/320582102205"
OTHER_COUNTY = "320000/320500/320583"

ITEM_ID = "0199a000-0000-7000-8000-000000000001"
VENUE_ID = "0199a000-0000-7000-8000-000000000002"
NOW = datetime(2025, 9, 1, 8, 0, tzinfo=UTC)  # a Monday, 16:00 in Beijing
BEIJING = timezone(timedelta(hours=8))
LECTURE = MenuItemCreate(
    title="防诈骗宣讲进社区",
    section=Section.theory,
    provider="市公安局反诈宣讲队",
    provider_kind=ProviderKind.team,
)


def caller(role: Role, site: str) -> Caller:
    return Caller(sub="u-1", role=role, site=site)


def hours(weekday: int, opens: str, closes: str) -> OpeningHours:
    return OpeningHours(weekday=weekday, opens=opens, closes=closes)


def at(day: int, clock: str) -> datetime:
    """September 2025 `day` at `clock` Beijing time (the 1st is a Monday)."""
    h, m = clock.split(":")
    return datetime(2025, 9, day, int(h), int(m), tzinfo=BEIJING)


@contextmanager
def refused(status: int) -> Iterator[pytest.ExceptionInfo[AppError]]:
    with pytest.raises(AppError) as error:
        yield error
    assert error.value.status == status, error.value


# -- opening hours ----------------------------------------------------------------------


def test_valid_hours_come_back_sorted() -> None:
    given = [hours(2, "09:00", "12:00"), hours(1, "14:00", "24:00"), hours(1, "08:30", "12:00")]
    assert rules.check_hours(given) == (given[2], given[1], given[0])


def test_adjacent_spans_are_fine_and_a_whole_day_is_00_to_24() -> None:
    assert len(rules.check_hours([hours(1, "10:00", "12:00"), hours(1, "12:00", "14:00")])) == 2
    assert rules.check_hours([hours(7, "00:00", "24:00")]) == (hours(7, "00:00", "24:00"),)


@pytest.mark.parametrize(("opens", "closes"), [("18:00", "09:00"), ("09:00", "09:00")])
def test_closing_before_opening_is_refused_422(opens: str, closes: str) -> None:
    with refused(422) as error:
        rules.check_hours([hours(3, "08:00", "09:00"), hours(3, opens, closes)])
    assert error.value.code == "invalid_input"
    assert "周三" in error.value.message_zh
    assert error.value.details == [{"loc": ["opening_hours", "1"], "msg": "closes <= opens"}]


def test_overnight_hours_are_refused_with_how_to_split_them() -> None:
    with refused(422) as error:
        rules.check_hours([hours(1, "22:00", "02:00")])
    message = error.value.message_zh
    assert "跨夜" in message
    assert "22:00–24:00" in message
    assert "00:00–02:00" in message


def test_closing_after_midnight_is_refused_by_the_contract() -> None:
    with pytest.raises(ValidationError):
        hours(1, "22:00", "24:30")
    assert hours(1, "22:00", "24:00").closes == "24:00"


def test_overlapping_spans_on_one_day_are_refused() -> None:
    with refused(422) as error:
        rules.check_hours([hours(5, "09:00", "12:00"), hours(5, "11:00", "13:00")])
    assert "周五" in error.value.message_zh
    assert rules.check_hours([hours(5, "09:00", "12:00"), hours(6, "11:00", "13:00")])


# -- open now ----------------------------------------------------------------------------

WEEKDAYS_9_TO_5 = [hours(d, "09:00", "17:00") for d in range(1, 6)]


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (at(1, "08:59"), False),
        (at(1, "09:00"), True),
        (at(1, "16:59"), True),
        (at(1, "17:00"), False),  # closes is exclusive
        (at(6, "10:00"), False),  # Saturday
        (NOW, True),  # 08:00 UTC is 16:00 in Beijing
        (datetime(2025, 9, 1, 0, 30, tzinfo=UTC), False),  # 08:30 Beijing
        (datetime(2025, 8, 31, 23, 30, tzinfo=UTC), False),  # Sunday in UTC, Mon 07:30 here
        (datetime(2025, 9, 5, 1, 30, tzinfo=UTC), True),  # Friday 09:30 Beijing
    ],
)
def test_open_now_in_beijing_time(moment: datetime, expected: bool) -> None:
    assert rules.open_now(WEEKDAYS_9_TO_5, moment) is expected


def test_overnight_hours_split_at_midnight_are_open_across_it() -> None:
    night = rules.check_hours([hours(1, "22:00", "24:00"), hours(2, "00:00", "02:00")])
    assert rules.open_now(night, at(1, "21:59")) is False
    assert rules.open_now(night, at(1, "22:00")) is True
    assert rules.open_now(night, at(1, "23:59")) is True
    assert rules.open_now(night, at(2, "00:00")) is True
    assert rules.open_now(night, at(2, "01:59")) is True
    assert rules.open_now(night, at(2, "02:00")) is False
    assert rules.open_now(night, at(2, "23:00")) is False


def test_open_now_is_unknown_without_hours() -> None:
    assert rules.open_now([], NOW) is None


# -- who publishes, where it can be delivered ----------------------------------------------


@pytest.mark.parametrize("role", sorted(set(Role) - ADMIN_ROLES))
def test_only_admins_publish(role: Role) -> None:
    with refused(403):
        rules.new_item(ITEM_ID, LECTURE, caller(role, STATION), NOW)


def test_delivery_scope_defaults_to_the_publishers_site() -> None:
    item = rules.new_item(ITEM_ID, LECTURE, caller(Role.center_admin, CENTER), NOW)
    assert (item.site, item.delivery_scope, item.active) == (CENTER, CENTER, True)


@pytest.mark.parametrize("scope", [CENTER, INSTITUTE, STATION, POINT])
def test_a_center_admin_delivers_anywhere_below(scope: str) -> None:
    command = LECTURE.model_copy(update={"delivery_scope": scope})
    item = rules.new_item(ITEM_ID, command, caller(Role.center_admin, CENTER), NOW)
    assert item.delivery_scope == scope


@pytest.mark.parametrize("scope", [CENTER, INSTITUTE, SIBLING_STATION, OTHER_COUNTY, PROVINCE])
def test_a_station_admin_cannot_deliver_outside_the_station(scope: str) -> None:
    command = LECTURE.model_copy(update={"delivery_scope": scope})
    with refused(403) as error:
        rules.new_item(ITEM_ID, command, caller(Role.station_admin, STATION), NOW)
    assert error.value.message_zh == "配送范围只能是本站点或其下级站点"


def test_a_look_alike_path_is_not_below() -> None:
    command = LECTURE.model_copy(update={"delivery_scope": f"{INSTITUTE_TRAP}/1"})
    with refused(403):
        rules.new_item(ITEM_ID, command, caller(Role.institute_admin, INSTITUTE), NOW)


def test_only_admins_above_the_owner_change_it_others_see_404() -> None:
    rules.require_owner(caller(Role.station_admin, STATION), STATION, "场馆", "venue")
    rules.require_owner(caller(Role.center_admin, CENTER), STATION, "场馆", "venue")
    for outsider in (
        caller(Role.station_admin, SIBLING_STATION),
        caller(Role.station_admin, POINT),  # below the owner is not above it
        caller(Role.resident, STATION),
    ):
        with refused(404):
            rules.require_owner(outsider, STATION, "场馆", "venue")


def test_an_item_reaches_sites_in_its_delivery_scope_while_active() -> None:
    command = LECTURE.model_copy(update={"delivery_scope": INSTITUTE})
    item = rules.new_item(ITEM_ID, command, caller(Role.center_admin, CENTER), NOW)
    assert rules.reaches(item, POINT)
    assert rules.reaches(item, INSTITUTE)
    assert not rules.reaches(item, CENTER)
    assert not rules.reaches(item, SIBLING_STATION)
    assert rules.reaches(item, POINT, Section.theory)
    assert not rules.reaches(item, POINT, Section.health)
    patched, _ = rules.update_item(item, MenuItemUpdate(id=ITEM_ID, active=False), NOW)
    assert not rules.reaches(patched, POINT)


@pytest.mark.parametrize(
    ("site", "reach"),
    [
        (POINT, CENTER),
        (STATION, CENTER),
        (CENTER, CENTER),
        (CITY, CITY),
        (PROVINCE, PROVINCE),
    ],
)
def test_venues_are_found_within_the_county(site: str, reach: str) -> None:
    assert rules.venue_reach(site) == reach


# -- changes ----------------------------------------------------------------------------------


def test_an_empty_change_is_refused_an_unchanged_one_is_a_no_op() -> None:
    item = rules.new_item(ITEM_ID, LECTURE, caller(Role.center_admin, CENTER), NOW)
    with refused(422):
        rules.update_item(item, MenuItemUpdate(id=ITEM_ID), NOW)
    same, changed = rules.update_item(item, MenuItemUpdate(id=ITEM_ID, title=item.title), NOW)
    assert (same, changed) == (item, [])
    later = NOW + timedelta(hours=1)
    after, changed = rules.update_item(
        item, MenuItemUpdate(id=ITEM_ID, lead_time_days=7, active=False), later
    )
    assert changed == ["active", "lead_time_days"]
    assert (after.version, after.updated_at, after.created_at) == (2, later, NOW)


def test_venue_changes_check_the_hours_again() -> None:
    venue = rules.new_venue(
        VENUE_ID,
        VenueCreate(
            name="金都社区书场",
            location=GeoPoint(lat=31.8, lng=121.6),
            area_m2=120,
            capacity=80,
            equipment=["音响", "投影", "音响"],
        ),
        caller(Role.station_admin, STATION),
        NOW,
    )
    assert venue.equipment == ("音响", "投影")
    with refused(422):
        rules.update_venue(
            venue, VenueUpdate(id=VENUE_ID, opening_hours=[hours(1, "20:00", "08:00")]), NOW
        )
    after, changed = rules.update_venue(
        venue, VenueUpdate(id=VENUE_ID, opening_hours=[hours(1, "08:00", "20:00")]), NOW
    )
    assert changed == ["opening_hours"]
    assert after.opening_hours == (hours(1, "08:00", "20:00"),)


# -- near me ---------------------------------------------------------------------------------

HOME = (31.80, 121.60)
KM_LAT = 1 / 111.2  # about one km of latitude


def test_nearest_first_within_the_radius_and_the_limit() -> None:
    candidates = [
        ("far", (HOME[0] + 20 * KM_LAT, HOME[1])),
        ("one", (HOME[0] + 1 * KM_LAT, HOME[1])),
        ("here", HOME),
        ("five", (HOME[0], HOME[1] + 0.053)),
        ("nowhere", None),
    ]
    ranked = rules.nearest(candidates, HOME, radius_km=10, limit=20)
    assert [name for name, _ in ranked] == ["here", "one", "five"]
    assert [round(km) for _, km in ranked] == [0, 1, 5]
    assert [n for n, _ in rules.nearest(candidates, HOME, radius_km=30, limit=2)] == [
        "here",
        "one",
    ]
    assert [n for n, _ in rules.nearest(candidates, HOME, radius_km=0.5, limit=20)] == ["here"]


def test_equal_distances_keep_the_given_order() -> None:
    candidates = [("b", HOME), ("a", HOME), ("c", HOME)]
    assert [n for n, _ in rules.nearest(candidates, HOME, 1, 10)] == ["b", "a", "c"]


def test_the_radius_is_inclusive_and_distances_are_haversine() -> None:
    point = (HOME[0] + 3 * KM_LAT, HOME[1])
    exact = distance_km(*HOME, *point)
    assert [n for n, _ in rules.nearest([("x", point)], HOME, exact, 1)] == ["x"]
    assert rules.nearest([("x", point)], HOME, exact - 0.001, 1) == []


def test_a_site_without_a_location_inherits_the_nearest_located_one_above() -> None:
    located = {CENTER: (1.0, 1.0), STATION: (2.0, 2.0)}
    assert rules.deepest_location(POINT, located) == (2.0, 2.0)
    assert rules.deepest_location(SIBLING_STATION, located) == (1.0, 1.0)
    assert rules.deepest_location(OTHER_COUNTY, located) is None
