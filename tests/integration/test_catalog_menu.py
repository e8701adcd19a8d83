"""The service menu (供单) and venues through the gateway: publish, change, find near me.

The module builds a county of its own with located sites: the center, station A about
1 km north of it (with a resident's point below, which has no location of its own),
station B about 20 km north, and a sibling county whose station is right next to A.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from services.contracts.identity import Role
from tests.support.accounts import ROOT, as_role, child_kind, create_site, unique
from tests.support.platform import Platform

KM = 1 / 111.2  # degrees of latitude in a kilometre
CENTER_AT = {"lat": 31.80, "lng": 121.60}
A_AT = {"lat": 31.80 + 1 * KM, "lng": 121.60}
B_AT = {"lat": 31.80 + 20 * KM, "lng": 121.60}
SIBLING_AT = {"lat": 31.80 + 1.2 * KM, "lng": 121.60}
FAR_AT = {"lat": 31.80 + 100 * KM, "lng": 121.60}  # in the county, beyond every radius here
ALL_WEEK = [{"weekday": d, "opens": "00:00", "closes": "24:00"} for d in range(1, 8)]


@dataclass(frozen=True)
class County:
    center: str
    station_a: str
    point_a: str
    station_b: str
    sibling_station: str


async def located_site(platform: Platform, parent: str, at: dict[str, float]) -> str:
    code = unique()
    body = {
        "parent": parent,
        "code": code,
        "name": f"测试{child_kind(parent).value}{code[-4:]}",
        "kind": child_kind(parent).value,
        "region_code": "320582",
        "location": at,
    }
    async with as_role(platform, Role.provincial_admin, ROOT) as admin:
        response = await admin.post("/api/v1/sites", json=body)
    assert response.status_code == 201, response.text
    path: str = response.json()["path"]
    return path


@pytest.fixture(scope="module")
async def county(platform: Platform) -> County:
    city = await create_site(platform, ROOT)
    center = await located_site(platform, city, CENTER_AT)
    institute = await create_site(platform, center)
    station_a = await located_site(platform, institute, A_AT)
    sibling_center = await create_site(platform, city)
    sibling_institute = await create_site(platform, sibling_center)
    found = County(
        center=center,
        station_a=station_a,
        point_a=await create_site(platform, station_a),
        station_b=await located_site(platform, institute, B_AT),
        sibling_station=await located_site(platform, sibling_institute, SIBLING_AT),
    )
    await platform.quiesce()  # the catalog heard every site_changed (it knows locations)
    return found


def venue(name: str, at: dict[str, float], **extra: Any) -> dict[str, Any]:
    return {
        "name": name,
        "address": "测试地址",
        "location": at,
        "opening_hours": ALL_WEEK,
        "area_m2": 150.5,
        "capacity": 60,
        "equipment": ["音响", "投影仪"],
        **extra,
    }


def item(title: str, **extra: Any) -> dict[str, Any]:
    return {
        "title": title,
        "section": "health",
        "provider": "测试志愿服务队",
        "provider_kind": "team",
        **extra,
    }


async def post(platform: Platform, role: Role, site: str, path: str, body: Any) -> httpx.Response:
    async with as_role(platform, role, site) as admin:
        return await admin.post(path, json=body)


async def created(platform: Platform, role: Role, site: str, path: str, body: Any) -> str:
    response = await post(platform, role, site, path, body)
    assert response.status_code == 201, response.text
    new_id: str = response.json()["id"]
    return new_id


async def near(
    platform: Platform, role: Role, site: str, path: str, **params: Any
) -> httpx.Response:
    async with as_role(platform, role, site) as caller:
        return await caller.get(path, params=params)


def names(response: httpx.Response, key: str = "name") -> list[str]:
    assert response.status_code == 200, response.text
    return [entry[key] for entry in response.json()["items"]]


@pytest.fixture(scope="module")
async def offers(platform: Platform, county: County) -> None:
    """Venues and menu items around the county (and one next door)."""
    center, a, b = county.center, county.station_a, county.station_b
    sibling = county.sibling_station
    for role, site, name, at in [
        (Role.center_admin, center, "中心剧场", CENTER_AT),
        (Role.station_admin, a, "A站书场", A_AT),
        (Role.station_admin, b, "B站礼堂", B_AT),
        (Role.station_admin, sibling, "邻县活动室", SIBLING_AT),
    ]:
        await created(platform, role, site, "/api/v1/venues", venue(name, at))
    for role, site, body in [
        (Role.center_admin, center, item("中心义诊")),
        (Role.station_admin, a, item("A站健身指导")),
        (Role.center_admin, center, item("远郊太极班", location=B_AT, section="culture")),
        (Role.station_admin, b, item("B站只送本站")),
        (Role.station_admin, sibling, item("邻县义剪")),
    ]:
        await created(platform, role, site, "/api/v1/menu", body)


# -- venues near me ------------------------------------------------------------------------


async def test_venues_near_a_resident_are_ordered_from_their_station(
    platform: Platform, county: County, offers: None
) -> None:
    answer = await near(
        platform, Role.resident, county.point_a, "/api/v1/venues/near", radius_km=10
    )
    # B is 19 km away; the sibling county's room (0.2 km away) is not this county's.
    assert names(answer) == ["A站书场", "中心剧场"]
    first, second = answer.json()["items"]
    assert first["distance_km"] == pytest.approx(0, abs=0.01)
    assert second["distance_km"] == pytest.approx(1, abs=0.05)
    assert first["open_now"] is True
    assert first["area_m2"] == 150.5
    assert first["equipment"] == ["音响", "投影仪"]

    wider = await near(platform, Role.kiosk, county.station_a, "/api/v1/venues/near", radius_km=30)
    assert names(wider) == ["A站书场", "中心剧场", "B站礼堂"]
    assert wider.json()["items"][2]["distance_km"] == pytest.approx(19, abs=0.1)


async def test_the_phones_position_overrides_the_site(
    platform: Platform, county: County, offers: None
) -> None:
    answer = await near(
        platform,
        Role.resident,
        county.point_a,
        "/api/v1/venues/near",
        radius_km=30,
        limit=2,
        **B_AT,
    )
    assert names(answer) == ["B站礼堂", "A站书场"]
    assert answer.json()["items"][0]["distance_km"] == pytest.approx(0, abs=0.01)


# -- menu items deliverable here -------------------------------------------------------------


async def test_menu_items_deliverable_here_nearest_first(
    platform: Platform, county: County, offers: None
) -> None:
    answer = await near(platform, Role.resident, county.point_a, "/api/v1/menu/near")
    assert names(answer, "title") == ["A站健身指导", "中心义诊"]
    distances = [entry["distance_km"] for entry in answer.json()["items"]]
    assert distances == sorted(distances)
    assert distances[1] == pytest.approx(1, abs=0.05)  # placed at the center's location

    wider = await near(platform, Role.volunteer, county.point_a, "/api/v1/menu/near", radius_km=50)
    assert names(wider, "title") == ["A站健身指导", "中心义诊", "远郊太极班"]
    culture = await near(
        platform,
        Role.resident,
        county.point_a,
        "/api/v1/menu/near",
        radius_km=50,
        section="culture",
    )
    assert names(culture, "title") == ["远郊太极班"]


async def test_no_known_location_asks_to_allow_it(platform: Platform) -> None:
    nowhere = f"{ROOT}/{unique()}"  # no site (and no ancestor) with a location
    for path in ("/api/v1/menu/near", "/api/v1/venues/near"):
        answer = await near(platform, Role.resident, nowhere, path)
        assert answer.status_code == 422, answer.text
        error = answer.json()["error"]
        assert error["code"] == "location_required"
        assert "定位" in error["message_zh"]
        half = await near(platform, Role.resident, nowhere, path, lat=31.8)
        assert half.status_code == 422
        assert "同时" in half.json()["error"]["message_zh"]


# -- who publishes where -----------------------------------------------------------------------


async def stored(platform: Platform, collection: str, site: str) -> int:
    count: int = await platform.database("catalog")[collection].count_documents({"site": site})
    return count


async def test_a_station_admin_cannot_deliver_outside_the_station(
    platform: Platform, county: County
) -> None:
    before = await stored(platform, "menu_items", county.station_a)
    for scope in (county.center, county.station_b, county.sibling_station):
        refused = await post(
            platform,
            Role.station_admin,
            county.station_a,
            "/api/v1/menu",
            item("越界配送", delivery_scope=scope),
        )
        assert refused.status_code == 403, refused.text
        assert refused.json()["error"]["message_zh"] == "配送范围只能是本站点或其下级站点"
    assert await stored(platform, "menu_items", county.station_a) == before


VENUE_OK = venue("坏输入测试", CENTER_AT)
BAD_VENUES: list[tuple[str, Any]] = [
    (
        "closes before opens",
        {**VENUE_OK, "opening_hours": [{"weekday": 1, "opens": "18:00", "closes": "09:00"}]},
    ),
    (
        "overnight",
        {**VENUE_OK, "opening_hours": [{"weekday": 1, "opens": "22:00", "closes": "02:00"}]},
    ),
    (
        "after midnight",
        {**VENUE_OK, "opening_hours": [{"weekday": 1, "opens": "22:00", "closes": "24:30"}]},
    ),
    (
        "weekday 8",
        {**VENUE_OK, "opening_hours": [{"weekday": 8, "opens": "08:00", "closes": "09:00"}]},
    ),
    ("capacity negative", {**VENUE_OK, "capacity": -1}),
    ("area negative", {**VENUE_OK, "area_m2": -5}),
    ("no location", {k: v for k, v in VENUE_OK.items() if k != "location"}),
    ("latitude 91", {**VENUE_OK, "location": {"lat": 91, "lng": 121}}),
    ("unknown field", {**VENUE_OK, "site": "320000"}),
    ("operator in name", {**VENUE_OK, "name": {"$ne": None}}),
    ("operator in location", {**VENUE_OK, "location": {"$ne": None}}),
    ("operator in capacity", {**VENUE_OK, "capacity": {"$gt": 0}}),
    ("operator as key", {**VENUE_OK, "$where": "sleep(1000)"}),
]
ITEM_OK = item("坏输入测试")
BAD_ITEMS: list[tuple[str, Any]] = [
    ("unknown provider kind", {**ITEM_OK, "provider_kind": "company"}),
    ("lead time negative", {**ITEM_OK, "lead_time_days": -1}),
    ("unknown field", {**ITEM_OK, "active": False, "owner": "x"}),
    ("operator in scope", {**ITEM_OK, "delivery_scope": {"$ne": None}}),
    ("scope not a path", {**ITEM_OK, "delivery_scope": "../.."}),
    ("operator in title", {**ITEM_OK, "title": {"$gt": ""}}),
]


@pytest.mark.parametrize(
    ("path", "collection", "body"),
    [("/api/v1/venues", "venues", b) for _, b in BAD_VENUES]
    + [("/api/v1/menu", "menu_items", b) for _, b in BAD_ITEMS],
    ids=[f"venue: {c}" for c, _ in BAD_VENUES] + [f"menu: {c}" for c, _ in BAD_ITEMS],
)
async def test_bad_input_is_refused_422_and_nothing_stored(
    platform: Platform, path: str, collection: str, body: Any
) -> None:
    station = f"{ROOT}/{unique()}"
    answer = await post(platform, Role.station_admin, station, path, body)
    assert answer.status_code == 422, answer.text
    error = answer.json()["error"]
    assert error["code"] == "invalid_input"
    assert error["message_zh"]
    assert await stored(platform, collection, station) == 0


# -- changes ----------------------------------------------------------------------------------


async def outbox_types(platform: Platform, key: str, subject_id: str) -> list[str]:
    entries = await platform.database("catalog").outbox.find({}).to_list()
    return [
        e["envelope"]["type"]
        for e in sorted(entries, key=lambda e: e["_id"])
        if e["envelope"]["data"].get(key, {}).get("id") == subject_id
    ]


async def test_changes_emit_changed_events_and_only_owners_may_make_them(
    platform: Platform, county: County
) -> None:
    a = county.station_a
    venue_id = await created(
        platform, Role.station_admin, a, "/api/v1/venues", venue("改动测试馆", FAR_AT)
    )
    item_id = await created(
        platform, Role.station_admin, a, "/api/v1/menu", item("改动测试项", location=FAR_AT)
    )

    async with as_role(platform, Role.station_admin, county.sibling_station) as stranger:
        hidden = await stranger.patch(f"/api/v1/venues/{venue_id}", json={"capacity": 1})
        assert hidden.status_code == 404
    async with as_role(platform, Role.center_admin, county.center) as center:
        bigger = await center.patch(
            f"/api/v1/venues/{venue_id}",
            json={
                "capacity": 200,
                "opening_hours": [{"weekday": 1, "opens": "08:00", "closes": "12:00"}],
            },
        )
        assert bigger.status_code == 200, bigger.text
        assert bigger.json()["capacity"] == 200
        bad = await center.patch(
            f"/api/v1/venues/{venue_id}",
            json={"opening_hours": [{"weekday": 1, "opens": "12:00", "closes": "08:00"}]},
        )
        assert bad.status_code == 422
        assert (
            await center.patch(f"/api/v1/venues/{venue_id}", json={"$set": {}})
        ).status_code == 422
    async with as_role(platform, Role.station_admin, a) as owner:
        off = await owner.patch(f"/api/v1/menu/{item_id}", json={"active": False})
        assert off.status_code == 200, off.text
        assert off.json()["active"] is False
        mine = await owner.get("/api/v1/menu", params={"active": False})
        assert [i["id"] for i in mine.json()["items"]] == [item_id]

    doc = await platform.database("catalog").venues.find_one({"_id": venue_id})
    assert (doc["capacity"], doc["version"]) == (200, 2)
    assert await outbox_types(platform, "venue", venue_id) == [
        "catalog.venue_published",
        "catalog.venue_changed",
    ]
    assert await outbox_types(platform, "item", item_id) == [
        "catalog.menu_item_published",
        "catalog.menu_item_changed",
    ]
    audit = await platform.database("catalog").audit.find({"content_id": item_id}).to_list()
    assert [e["action"] for e in sorted(audit, key=lambda e: e["at"])] == [
        "menu_item_published",
        "menu_item_changed",
    ]
    here = await near(platform, Role.resident, county.point_a, "/api/v1/menu/near", radius_km=200)
    assert "改动测试项" not in names(here, "title")


async def test_admins_list_their_subtree(platform: Platform, county: County, offers: None) -> None:
    await created(
        platform, Role.station_admin, county.station_b, "/api/v1/venues", venue("B站列表馆", B_AT)
    )
    async with as_role(platform, Role.station_admin, county.station_b) as station:
        own = names(await station.get("/api/v1/venues"))
        newest = names(await station.get("/api/v1/venues", params={"limit": 1}))
        older = names(await station.get("/api/v1/venues", params={"limit": 1, "offset": 1}))
    assert own == ["B站列表馆", "B站礼堂"]  # newest first
    assert (newest, older) == (["B站列表馆"], ["B站礼堂"])
    async with as_role(platform, Role.center_admin, county.center) as center:
        everything = names(await center.get("/api/v1/venues", params={"limit": 100}))
        items = names(await center.get("/api/v1/menu", params={"section": "culture"}), "title")
    assert {"B站列表馆", "A站书场", "中心剧场"} <= set(everything)
    assert "邻县活动室" not in everything
    assert items == ["远郊太极班"]
    async with as_role(platform, Role.resident, county.point_a) as resident:
        assert (await resident.get("/api/v1/venues")).status_code == 403
