"""A resident on a phone: searches (with suggestions), opens a lecture, plays it, leaves,
comes back — and it picks up where they stopped (GET …/resume, fed by play reports)."""

from __future__ import annotations

import uuid

import pytest
from playwright.async_api import Browser, expect

from tests.e2e.catalog_flows import (
    BEIJING,
    Traffic,
    access_token,
    center_admin,
    publish_audio,
    resident_signs_in,
)
from tests.e2e.conftest import Tree, api_client
from tests.e2e.helpers import open_page, shot, until
from tests.support.platform import Platform, eventually

pytestmark = pytest.mark.e2e

AUDIO = "document.querySelector('main audio')"


async def test_a_resident_finds_a_lecture_and_it_resumes_where_they_stopped(
    platform: Platform, browser: Browser, tree: Tree
) -> None:
    title = f"续播测试讲座{uuid.uuid4().hex[:4]}"
    async with center_admin(platform) as center:
        lecture = await publish_audio(center, title, seconds=30, section="theory")

    watched = await open_page(
        browser, 375, 667, is_mobile=True, has_touch=True, timezone_id=BEIJING
    )
    page = watched.page
    traffic = Traffic()
    traffic.watch(page)
    await resident_signs_in(page, platform, tree.station)

    # Search: suggestions as they type, then the results with why each one matched.
    box = page.get_by_role("combobox", name="搜索节目")
    await box.fill("续播测试")
    await expect(page.get_by_role("option", name=title)).to_be_visible()
    await box.press("Enter")
    await expect(page.get_by_role("heading", name="「续播测试」的搜索结果")).to_be_visible()
    hit = page.get_by_role("link", name=title)
    await expect(hit).to_contain_text("标题")
    await hit.click()

    # Play a few seconds, then leave: the position goes to the platform.
    await expect(page.get_by_role("heading", name=title)).to_be_visible()
    await page.get_by_role("button", name="播放", exact=True).click()
    await until(page, f"{AUDIO} && !{AUDIO}.paused && {AUDIO}.currentTime > 3", 10)
    await shot(page, "mobile-item")
    await page.get_by_role("link", name="‹ 返回").click()
    await expect(page.get_by_role("heading", name="「续播测试」的搜索结果")).to_be_visible()
    await until(page, f"!{AUDIO}", 5)  # the player is gone (and silent)
    left_at = [p for p in traffic.plays if p["action"] == "progress"][-1]["position_s"]
    assert left_at >= 3, traffic.plays

    token = await access_token(page, "wm.m.tokens")
    async with api_client(platform, token) as resident:

        async def position() -> float:
            response = await resident.get(f"/api/v1/content/{lecture['id']}/resume")
            assert response.status_code == 200, response.text
            value: float = response.json()["position_s"]
            return value

        assert await eventually(position, lambda at: at >= 3, timeout_s=10) >= 3

    # Back to it: it opens at the stopped position and plays on from there.
    await page.get_by_role("link", name=title).click()
    note = page.get_by_role("status").filter(has_text="上次播放到")
    await expect(note).to_contain_text("点「播放」接着看")
    await until(page, f"{AUDIO} && Math.abs({AUDIO}.currentTime - {left_at}) < 1.5", 10)
    await page.get_by_role("button", name="播放", exact=True).click()
    await until(page, f"!{AUDIO}.paused && {AUDIO}.currentTime > {left_at}", 10)
    assert await page.evaluate("document.documentElement.scrollWidth") <= 375
    watched.assert_clean()
    await page.context.close()
