"""The first feature through every layer: publish → outbox → JetStream → inbox → count."""

from __future__ import annotations

from typing import Any

from services.contracts.identity import Role
from tests.support.platform import (
    CENTER,
    INSTITUTE,
    RESIDENT_SITE,
    SIBLING_STATION,
    STATION,
    Platform,
    eventually,
    fresh_center,
)

ITEM = {"title": "柔力球入门教学", "section": "health", "kind": "article", "summary": "分解动作"}


async def site_count(platform: Platform, site: str) -> int:
    async with platform.client(Role.provincial_admin, "320000") as admin:
        response = await admin.get("/api/v1/stats/site", params={"site": site})
        assert response.status_code == 200, response.text
        count: int = response.json()["published_content"]
        return count


async def test_admin_publishes_and_resident_reads_item_and_count(platform: Platform) -> None:
    await platform.quiesce()
    before = await site_count(platform, CENTER)
    async with platform.client(Role.center_admin, CENTER) as admin:
        created = await admin.post("/api/v1/content", json=ITEM)
    assert created.status_code == 201, created.text
    item = created.json()
    assert item["title"] == ITEM["title"]
    assert item["scope"] == CENTER

    async with platform.client(Role.resident, RESIDENT_SITE) as resident:
        read = await resident.get(f"/api/v1/content/{item['id']}")
        assert read.status_code == 200
        assert read.json()["title"] == "柔力球入门教学"

        async def count() -> dict[str, Any]:
            response = await resident.get("/api/v1/stats/site", params={"site": CENTER})
            assert response.status_code == 200
            body: dict[str, Any] = response.json()
            return body

        stats = await eventually(count, lambda body: body["published_content"] == before + 1)
    assert stats["published_content"] == before + 1


async def test_counts_roll_up_the_site_tree(platform: Platform) -> None:
    await platform.quiesce()
    center_before = await site_count(platform, CENTER)
    institute_before = await site_count(platform, INSTITUTE)
    sibling_before = await site_count(platform, SIBLING_STATION)
    async with platform.client(Role.station_admin, STATION) as station:
        created = await station.post("/api/v1/content", json={**ITEM, "title": "金都社区天天书场"})
    assert created.status_code == 201
    assert created.json()["status"] == "pending_review"
    await platform.quiesce()
    assert await site_count(platform, CENTER) == center_before  # not published yet

    async with platform.client(Role.institute_admin, INSTITUTE) as institute:
        approved = await institute.post(
            f"/api/v1/content/{created.json()['id']}/review", json={"approve": True}
        )
    assert approved.status_code == 200, approved.text
    assert approved.json()["status"] == "published"
    await platform.quiesce()
    assert await site_count(platform, CENTER) == center_before + 1
    assert await site_count(platform, INSTITUTE) == institute_before + 1
    assert await site_count(platform, STATION) >= 1
    assert await site_count(platform, SIBLING_STATION) == sibling_before


async def test_item_outside_the_viewers_reach_answers_404(platform: Platform) -> None:
    async with platform.client(Role.station_admin, STATION) as station:
        created = await station.post("/api/v1/content", json={**ITEM, "title": "只在本站发布"})
    item_id = created.json()["id"]
    async with platform.client(Role.center_admin, CENTER) as center:
        approved = await center.post(
            f"/api/v1/content/{item_id}/review", json={"approve": True, "scope": STATION}
        )
    assert approved.json()["scope"] == STATION
    async with platform.client(Role.resident, RESIDENT_SITE) as stranger:
        response = await stranger.get(f"/api/v1/content/{item_id}")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert response.json()["error"]["message_zh"]


async def test_retry_with_the_same_idempotency_key_creates_once(platform: Platform) -> None:
    station = fresh_center()
    headers = {"Idempotency-Key": "test-retry-0001"}
    async with platform.client(Role.center_admin, station) as admin:
        first = await admin.post("/api/v1/content", json=ITEM, headers=headers)
        second = await admin.post("/api/v1/content", json=ITEM, headers=headers)
    assert first.status_code == second.status_code == 201
    assert first.json()["id"] == second.json()["id"]
    await platform.quiesce()
    assert await site_count(platform, station) == 1


async def test_one_trace_covers_gateway_catalog_mongodb_and_evaluation(
    platform: Platform,
) -> None:
    async with platform.client(Role.center_admin, CENTER) as admin:
        created = await admin.post("/api/v1/content", json={**ITEM, "title": "追踪一次发布"})
    trace_id = created.headers["x-request-id"]

    async with platform.client(Role.ops, "320000") as ops:

        async def spans() -> list[dict[str, Any]]:
            response = await ops.get(f"/api/v1/ops/traces/{trace_id}")
            body: list[dict[str, Any]] = (
                response.json()["spans"] if response.status_code == 200 else []
            )
            return body

        wanted = {"gateway", "catalog", "evaluation"}
        found = await eventually(
            spans,
            lambda ss: (
                wanted <= {s["service"] for s in ss}
                and any(s["name"].startswith("POST") for s in ss)
            ),
            timeout_s=20,
        )
    assert wanted <= {span["service"] for span in found}
    root = next(span for span in found if span["parent_span_id"] is None)
    assert root["service"] == "gateway"
    assert root["name"] == "POST /api/v1/content"
    mongo = [s for s in found if any(a["key"] == "db.system" for a in s["attributes"])]
    assert {s["service"] for s in mongo} >= {"catalog", "evaluation"}
    assert any(s["service"] == "evaluation" and "process" in s["name"] for s in found)
