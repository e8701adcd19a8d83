"""Series with continuous play and resume; the hot list from real plays; search freshness."""

from __future__ import annotations

import asyncio
import time
import uuid
from typing import Any

import httpx

from services.contracts.identity import Role
from tests.support.platform import Platform, eventually, fresh_center


async def publish(client: httpx.AsyncClient, **body: Any) -> dict[str, Any]:
    response = await client.post("/api/v1/content", json={"section": "education", **body})
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def play(
    client: httpx.AsyncClient,
    content_id: str,
    action: str = "play",
    position_s: float = 0,
    duration_s: float | None = None,
    event_id: str | None = None,
) -> None:
    response = await client.post(
        "/api/v1/plays",
        json={
            "event_id": event_id or str(uuid.uuid4()),
            "content_id": content_id,
            "action": action,
            "position_s": position_s,
            "duration_s": duration_s,
        },
    )
    assert response.status_code == 202, response.text


async def test_series_resume_and_continuous_play(platform: Platform) -> None:
    county = fresh_center()
    point = f"{county}/{county[-6:]}001/{county[-6:]}001001/P01"
    async with platform.client(Role.center_admin, county) as center:
        series = await publish(center, title="老年人手机摄影课", kind="series")
        episodes = [
            await publish(
                center,
                title=f"手机摄影第{n}讲",
                kind="video",
                series_id=series["id"],
                episode=n,
                media_url=f"https://media.example.org/photo/{n}.mp4",
            )
            for n in (1, 2, 3)
        ]
        listed = await center.get("/api/v1/content", params={"series_id": series["id"]})
    assert [i["episode"] for i in listed.json()["items"]] == [1, 2, 3]

    async with platform.client(Role.resident, point) as resident:
        first = episodes[0]["id"]
        fresh = await resident.get(f"/api/v1/content/{first}/resume")
        assert fresh.json()["position_s"] == 0
        assert fresh.json()["next"]["id"] == episodes[1]["id"]

        await play(resident, first, "progress", position_s=120, duration_s=600)
        await platform.quiesce()
        resumed = (await resident.get(f"/api/v1/content/{first}/resume")).json()
        assert resumed["position_s"] == 120
        assert not resumed["completed"]

        await play(resident, first, "complete", position_s=600, duration_s=600)
        await platform.quiesce()
        done = (await resident.get(f"/api/v1/content/{first}/resume")).json()
        assert done["completed"]
        assert done["position_s"] == 0
        last = (await resident.get(f"/api/v1/content/{episodes[2]['id']}/resume")).json()
        assert last["next"] is None

        # The series itself resumes at the episode to continue: 1 is done, so 2.
        whole = (await resident.get(f"/api/v1/content/{series['id']}/resume")).json()
        assert whole["content_id"] == episodes[1]["id"]
        assert whole["next"]["id"] == episodes[2]["id"]
        await play(resident, episodes[1]["id"], "progress", position_s=42, duration_s=300)
        await platform.quiesce()
        whole = (await resident.get(f"/api/v1/content/{series['id']}/resume")).json()
        assert (whole["content_id"], whole["position_s"]) == (episodes[1]["id"], 42)

    # Each viewer resumes on their own: the kiosk of the same station starts at 0.
    async with platform.client(Role.kiosk, point.rsplit("/", 1)[0]) as kiosk:
        own = (await kiosk.get(f"/api/v1/content/{first}/resume")).json()
    assert own["position_s"] == 0
    assert not own["completed"]


async def hot_ids(client: httpx.AsyncClient, site: str, **params: Any) -> list[str]:
    response = await client.get("/api/v1/catalog/hot", params={"site": site, **params})
    assert response.status_code == 200, response.text
    return [item["content"]["id"] for item in response.json()["items"]]


async def test_hot_list_follows_plays_counts_resends_once_and_says_why(
    platform: Platform,
) -> None:
    county = fresh_center()
    viewer_site = f"{county}/{county[-6:]}001/{county[-6:]}001001"
    async with platform.client(Role.center_admin, county) as center:
        quiet = await publish(center, title="垃圾分类小知识", kind="article", section="science")
        loud = await publish(center, title="太极拳二十四式", kind="article", section="health")
    async with (
        platform.client(Role.resident, viewer_site) as viewer,
        httpx.AsyncClient(base_url=platform.stack.gateway_url) as anonymous,
    ):
        await play(viewer, quiet["id"])
        await platform.quiesce()
        assert await hot_ids(anonymous, viewer_site) == [quiet["id"]]

        resend = str(uuid.uuid4())
        for _ in range(3):  # one play, sent three times (a flaky network)
            await play(viewer, loud["id"], event_id=resend)
        await play(viewer, loud["id"], "like")
        await platform.quiesce()
        order = await hot_ids(anonymous, viewer_site)
        assert order == [loud["id"], quiet["id"]]

        week = await anonymous.get(
            "/api/v1/catalog/hot", params={"site": viewer_site, "week": True}
        )
        top = week.json()["items"][0]
        assert top["plays_week"] == 1  # the resent report counted once
        assert top["why"] == "本周播放 1 次，点赞 1 次"
        health = await hot_ids(anonymous, viewer_site, section="health")
        assert health == [loud["id"]]
        # Another county's viewers do not see this county's heat.
        assert await hot_ids(anonymous, "320000/320500/320583") == []


async def test_a_published_item_is_searchable_within_a_second_and_retired_ones_vanish(
    platform: Platform,
) -> None:
    county = fresh_center()
    async with (
        platform.client(Role.center_admin, county) as center,
        platform.client(Role.resident, county) as resident,
    ):
        started = time.monotonic()
        item = await publish(center, title="柔力球进阶教学", kind="article", section="health")

        async def found() -> bool:
            hits = await resident.get("/api/v1/catalog/search", params={"q": "rlqjjjx"})
            return item["id"] in {h["content"]["id"] for h in hits.json()["items"]}

        assert await eventually(found, bool, timeout_s=1.0)
        assert time.monotonic() - started < 1.5
        by_pinyin = await resident.get("/api/v1/catalog/search", params={"q": "rou li qiu"})
        assert item["id"] in {h["content"]["id"] for h in by_pinyin.json()["items"]}
        hints = await resident.get("/api/v1/catalog/suggest", params={"prefix": "柔力"})
        assert "柔力球进阶教学" in hints.json()["items"]


async def test_hostile_queries_are_plain_text(platform: Platform) -> None:
    async with platform.client(Role.resident, "320000/320500/320582") as resident:
        for query in [
            '{"$ne": null}',
            ".*",
            "(?i)柔",
            "[",
            "$where",
            "'; DROP TABLE x;--",
            "柔" * 200,
            "😀😀",
            "\u0000\u0001",
            "   ",
        ]:
            response = await resident.get("/api/v1/catalog/search", params={"q": query})
            assert response.status_code == 200, (query, response.text)
            assert isinstance(response.json()["items"], list)
        too_long = await resident.get("/api/v1/catalog/search", params={"q": "x" * 201})
        assert too_long.status_code == 422
    await asyncio.sleep(0)


async def test_as_you_type_queries_do_not_become_hot_terms(platform: Platform) -> None:
    county = fresh_center()
    async with platform.client(Role.center_admin, county) as center:
        await publish(center, title="锡剧折子戏欣赏", kind="article", section="culture")
    async with platform.client(Role.resident, county) as resident:
        for prefix in ("x", "xj", "xjz"):
            typed = await resident.get(
                "/api/v1/catalog/search", params={"q": prefix, "record": "false"}
            )
            assert typed.status_code == 200
        chosen = await resident.get("/api/v1/catalog/search", params={"q": "xjzzx"})
        assert chosen.json()["items"]
        terms = await resident.get("/api/v1/catalog/hot-terms", params={"limit": 50})
    counted = {t["term"] for t in terms.json()["items"]}
    assert "锡剧折子戏" in counted  # what the resident meant, from the chosen query
    assert not {"x", "xj", "xjz"} & counted
