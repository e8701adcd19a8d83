"""The release calendar with a controllable clock: scheduled releases, retirements
announced 14 days ahead, and the Thursday 18:00 reminder for next week's picks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from services.contracts.identity import Role
from services.runtime.clock import set_fake_now
from tests.conftest import MakePlatform
from tests.support.platform import Platform, eventually

CITY = "320000/320500"
COUNTY = f"{CITY}/320581"
STATION = f"{COUNTY}/320581001/320581001001"
POINT = f"{STATION}/P01"
# Thursday 26 Nov 2026, 10:00 Beijing time: before next week's picks deadline.
THURSDAY_MORNING = datetime(2026, 11, 26, 2, 0, tzinfo=UTC)


async def clocked(make_platform: MakePlatform, tmp_path: Path) -> tuple[Platform, Path]:
    clock = tmp_path / "now.txt"
    set_fake_now(clock, THURSDAY_MORNING)
    platform = await make_platform(
        env={"WENMING_FAKE_NOW_FILE": str(clock), "WENMING_CATALOG_TICK": "0.3"}
    )
    return platform, clock


async def visible(client: httpx.AsyncClient, item_id: str) -> bool:
    return (await client.get(f"/api/v1/content/{item_id}")).status_code == 200


async def test_scheduled_release_and_announced_retirement(
    make_platform: MakePlatform, tmp_path: Path
) -> None:
    platform, clock = await clocked(make_platform, tmp_path)
    release_at = THURSDAY_MORNING + timedelta(hours=2)
    async with (
        platform.client(Role.center_admin, COUNTY) as center,
        platform.client(Role.resident, POINT) as resident,
    ):
        created = await center.post(
            "/api/v1/content",
            json={
                "title": "冬季养生讲座",
                "section": "health",
                "kind": "article",
                "publish_at": release_at.isoformat(),
            },
        )
        assert created.json()["status"] == "scheduled", created.text
        item_id = created.json()["id"]
        assert not await visible(resident, item_id)

        week = {
            "since": THURSDAY_MORNING.isoformat(),
            "until": (THURSDAY_MORNING + timedelta(days=30)).isoformat(),
        }
        calendar = await center.get("/api/v1/catalog/calendar", params=week)
        kinds = {(e["kind"], e["content_id"]) for e in calendar.json()["entries"]}
        assert ("release", item_id) in kinds
        assert any(kind == "picks_deadline" for kind, _ in kinds)

        set_fake_now(clock, release_at + timedelta(minutes=1))
        assert await eventually(lambda: visible(resident, item_id), bool)
        found = await resident.get("/api/v1/catalog/search", params={"q": "dongji"})
        assert item_id in {hit["content"]["id"] for hit in found.json()["items"]}

        now = release_at + timedelta(minutes=1)
        too_soon = await center.post(
            f"/api/v1/content/{item_id}/retirement",
            json={"retire_at": (now + timedelta(days=13)).isoformat(), "reason": "内容更新"},
        )
        assert too_soon.status_code == 422
        assert too_soon.json()["error"]["code"] == "retire_notice_too_short"
        retire_at = now + timedelta(days=15)
        announced = await center.post(
            f"/api/v1/content/{item_id}/retirement",
            json={"retire_at": retire_at.isoformat(), "reason": "讲座内容将更新为新版"},
        )
        assert announced.status_code == 200, announced.text
        assert await visible(resident, item_id)  # still playable until the day

    async with platform.client(Role.station_admin, STATION) as station:
        notes = await station.get("/api/v1/catalog/announcements")
        assert item_id in {a["content_id"] for a in notes.json()["items"]}
        ahead = await station.get(
            "/api/v1/catalog/calendar",
            params={"since": now.isoformat(), "until": (now + timedelta(days=20)).isoformat()},
        )
        assert ("retirement", item_id) in {
            (e["kind"], e["content_id"]) for e in ahead.json()["entries"]
        }
    outbox = platform.database("catalog").outbox
    assert (
        await outbox.count_documents(
            {"envelope.type": "catalog.retirement_announced", "envelope.data.id": item_id}
        )
        == 1
    )

    set_fake_now(clock, retire_at + timedelta(minutes=1))
    async with platform.client(Role.resident, POINT) as resident:
        gone = await eventually(lambda: visible(resident, item_id), lambda seen: not seen)
        assert not gone
        found = await resident.get("/api/v1/catalog/search", params={"q": "冬季养生"})
        assert item_id not in {hit["content"]["id"] for hit in found.json()["items"]}
    assert (
        await outbox.count_documents(
            {"envelope.type": "catalog.content_retired", "envelope.data.id": item_id}
        )
        == 1
    )


async def make_county(platform: Platform) -> None:
    """The county must exist in the site tree (the catalog learns counties from it)."""
    async with httpx.AsyncClient(base_url=platform.stack.gateway_url) as client:
        signed = await client.post(
            "/api/v1/auth/admin/sign-in",
            json={"username": "admin", "password": platform.stack.bootstrap_password()},
        )
        root = {"Authorization": f"Bearer {signed.json()['access_token']}"}
        for parent, code, name, kind in (
            ("320000", "320500", "苏州市", "city"),
            (CITY, "320581", "常熟市新时代文明实践中心", "center"),
        ):
            response = await client.post(
                "/api/v1/sites",
                headers=root,
                json={
                    "parent": parent,
                    "code": code,
                    "name": name,
                    "kind": kind,
                    "region_code": "320581",
                },
            )
            assert response.status_code in (201, 409), response.text
    await platform.quiesce()


async def test_thursday_reminder_for_late_picks(
    make_platform: MakePlatform, tmp_path: Path
) -> None:
    platform, clock = await clocked(make_platform, tmp_path)
    await make_county(platform)
    async with platform.client(Role.center_admin, COUNTY) as center:
        picks = await center.get("/api/v1/catalog/picks")
        assert picks.json()["week"] == "2026-W49"
        assert not picks.json()["late"]
        assert (await center.get("/api/v1/catalog/notices")).json()["items"] == []

        set_fake_now(clock, datetime(2026, 11, 26, 10, 30, tzinfo=UTC))  # 18:30 Beijing

        async def reminders() -> list[dict[str, Any]]:
            items: list[dict[str, Any]] = (await center.get("/api/v1/catalog/notices")).json()[
                "items"
            ]
            return [n for n in items if n["kind"] == "picks_late"]

        late = await eventually(reminders, lambda found: len(found) == 1)
        assert len(late) == 1
        assert "2026-W49" in late[0]["text"]
        assert (await center.get("/api/v1/catalog/picks")).json()["late"]

        item = await center.post(
            "/api/v1/content",
            json={"title": "下周推荐：防范电信诈骗", "section": "science", "kind": "article"},
        )
        published = await center.post(
            "/api/v1/catalog/picks",
            json={"week": "2026-W49", "content_ids": [item.json()["id"]], "note": "重点推荐"},
        )
        assert published.status_code == 200, published.text
        assert not published.json()["late"], published.text
        assert [i["title"] for i in published.json()["items"]] == ["下周推荐：防范电信诈骗"]
        # Still exactly one reminder: it is sent once per county and week.
        assert len(await reminders()) == 1

    async with platform.client(Role.station_admin, STATION) as station:
        refused = await station.post(
            "/api/v1/catalog/picks", json={"week": "2026-W49", "content_ids": [item.json()["id"]]}
        )
        assert refused.status_code == 403
        seen = await station.get("/api/v1/catalog/picks")
        assert [i["id"] for i in seen.json()["items"]] == [item.json()["id"]]
