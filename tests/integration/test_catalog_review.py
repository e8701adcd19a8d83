"""Grassroots upload with hierarchical review, through the gateway."""

from __future__ import annotations

from typing import Any

from services.contracts.identity import Role
from tests.support.platform import CENTER, INSTITUTE, STATION, Platform

SIBLING_INSTITUTE = f"{CENTER}/320582102"
OTHER_STATION_POINT = f"{CENTER}/320582102/320582102205/P01"
UPLOAD = {
    "title": "金都社区柔力球比赛集锦",
    "section": "culture",
    "kind": "article",
    "summary": "社区老年人柔力球比赛",
}


async def upload(platform: Platform, title: str) -> dict[str, Any]:
    async with platform.client(Role.station_admin, STATION) as station:
        response = await station.post("/api/v1/content", json={**UPLOAD, "title": title})
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    assert body["status"] == "pending_review"
    return body


async def resident_sees(platform: Platform, item_id: str, site: str) -> bool:
    async with platform.client(Role.resident, site) as resident:
        response = await resident.get(f"/api/v1/content/{item_id}")
        listed = await resident.get("/api/v1/content", params={"section": "culture", "limit": 100})
    in_list = any(i["id"] == item_id for i in listed.json()["items"])
    assert (response.status_code == 200) == in_list
    return in_list


async def test_the_level_above_reviews_and_sets_a_scope_within_its_own(
    platform: Platform,
) -> None:
    item = await upload(platform, "审核发布到全中心")
    assert not await resident_sees(platform, item["id"], OTHER_STATION_POINT)

    async with platform.client(Role.institute_admin, INSTITUTE) as institute:
        queue = await institute.get("/api/v1/content", params={"status": "pending_review"})
        assert item["id"] in {i["id"] for i in queue.json()["items"]}
        too_wide = await institute.post(
            f"/api/v1/content/{item['id']}/review", json={"approve": True, "scope": CENTER}
        )
        assert too_wide.status_code == 403
        assert too_wide.json()["error"]["code"] == "scope_beyond_reviewer"

    async with platform.client(Role.institute_admin, SIBLING_INSTITUTE) as sibling:
        queue = await sibling.get("/api/v1/content", params={"status": "pending_review"})
        assert item["id"] not in {i["id"] for i in queue.json()["items"]}
        foreign = await sibling.post(f"/api/v1/content/{item['id']}/review", json={"approve": True})
        assert foreign.status_code == 404

    async with platform.client(Role.center_admin, CENTER) as center:
        approved = await center.post(
            f"/api/v1/content/{item['id']}/review", json={"approve": True, "scope": CENTER}
        )
        assert approved.status_code == 200, approved.text
        assert approved.json()["scope"] == CENTER
        trail = await center.get(f"/api/v1/content/{item['id']}/audit")
    actions = [entry["action"] for entry in trail.json()["entries"]]
    assert actions == ["uploaded", "approved"]
    assert await resident_sees(platform, item["id"], OTHER_STATION_POINT)


async def test_a_rejected_upload_never_reaches_residents_and_its_uploader_sees_why(
    platform: Platform,
) -> None:
    item = await upload(platform, "画质模糊的视频")
    async with platform.client(Role.institute_admin, INSTITUTE) as institute:
        no_reason = await institute.post(
            f"/api/v1/content/{item['id']}/review", json={"approve": False}
        )
        assert no_reason.status_code == 422
        rejected = await institute.post(
            f"/api/v1/content/{item['id']}/review",
            json={"approve": False, "reason": "画质模糊，请重新拍摄"},
        )
        assert rejected.json()["status"] == "rejected"
        twice = await institute.post(f"/api/v1/content/{item['id']}/review", json={"approve": True})
        assert twice.status_code == 409
    async with platform.client(Role.station_admin, STATION) as station:
        mine = await station.get("/api/v1/content", params={"mine": True, "limit": 100})
    seen = next(i for i in mine.json()["items"] if i["id"] == item["id"])
    assert seen["reject_reason"] == "画质模糊，请重新拍摄"
    assert not await resident_sees(platform, item["id"], f"{STATION}/P01")
    async with platform.client(Role.resident, f"{STATION}/P01") as resident:
        found = await resident.get("/api/v1/catalog/search", params={"q": "画质模糊"})
    assert item["id"] not in {hit["content"]["id"] for hit in found.json()["items"]}


async def test_a_station_cannot_review_its_own_upload(platform: Platform) -> None:
    item = await upload(platform, "自己审核自己")
    async with platform.client(Role.station_admin, STATION) as station:
        response = await station.post(
            f"/api/v1/content/{item['id']}/review", json={"approve": True}
        )
    assert response.status_code == 403
