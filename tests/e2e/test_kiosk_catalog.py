"""The kiosk with a real catalog, driven by the remote's keys only (seed 000's complaints):
a hot item plays within two presses of the home screen, the on-screen keyboard finds an
item by its pinyin initials, and a series plays on into its next episode by itself."""

from __future__ import annotations

import uuid

import httpx
import pytest
from playwright.async_api import Browser, expect

from tests.e2e.catalog_flows import (
    Traffic,
    center_admin,
    make_hottest,
    open_kiosk,
    publish,
    publish_audio,
    walk_to,
)
from tests.e2e.conftest import Tree
from tests.e2e.helpers import focused, shot, until
from tests.support.platform import Platform

pytestmark = pytest.mark.e2e

AUDIO = "document.querySelector('main audio')"
PLAYING = f"{AUDIO} && !{AUDIO}.paused && {AUDIO}.currentTime > 0.3"


async def test_a_hot_item_plays_within_two_presses_of_the_home_screen(
    platform: Platform, browser: Browser, tree: Tree, root: httpx.AsyncClient
) -> None:
    title = f"端到端热播讲座{uuid.uuid4().hex[:4]}"
    async with center_admin(platform) as center:
        lecture = await publish_audio(center, title, seconds=8)
    await make_hottest(platform, tree.station, lecture["id"])

    # idle=2: a kiosk left alone goes home after 2 s — but never while something plays.
    watched = await open_kiosk(browser, platform, root, tree.station, idle_s=2)
    kiosk = watched.page
    traffic = Traffic()
    traffic.watch(kiosk)

    # Home: the first row IS the hot list, the focus on its first tile, with why it is hot.
    hot_row = kiosk.get_by_role("region", name="热门节目")
    first = hot_row.get_by_role("button").first
    await expect(first).to_contain_text(title)
    await expect(first).to_contain_text("本周播放")
    await until(kiosk, f"document.activeElement?.dataset?.id === {lecture['id']!r}", 5)
    for label in ("理论宣讲", "文化服务", "健康健身", "科技科普", "教育服务", "搜索", "下周精选"):
        await expect(
            kiosk.get_by_role("navigation", name="栏目").get_by_text(label)
        ).to_be_visible()
    await shot(kiosk, "kiosk-home-hot")

    presses = 0
    await kiosk.keyboard.press("Enter")
    presses += 1
    await until(kiosk, PLAYING, 10)
    assert presses <= 2
    await expect(kiosk.get_by_role("heading", name=title)).to_be_visible()
    assert await focused(kiosk) == "ctl-play"
    await shot(kiosk, "kiosk-player")

    # Playing outlasts the idle time (2 s): no countdown, no trip home.
    await kiosk.wait_for_timeout(3000)
    assert await kiosk.evaluate(PLAYING)
    assert kiosk.url.endswith(f"#/item/{lecture['id']}")
    await expect(kiosk.locator("#idle-notice")).to_be_hidden()

    # 「确定」 on 播放/暂停 pauses (a progress report), 后退15秒 is one ▶ away, 点赞 counts.
    await kiosk.keyboard.press("Enter")
    await until(kiosk, f"{AUDIO}.paused", 5)
    await walk_to(kiosk, "ctl-like")
    await kiosk.keyboard.press("Enter")
    await expect(kiosk.get_by_role("button", name="♥ 已点赞")).to_be_visible()
    await until(kiosk, f"{AUDIO} && {AUDIO}.currentTime > 0", 2)
    await kiosk.keyboard.press("Escape")  # Back: home, where it was
    await until(kiosk, "['', '#/'].includes(location.hash)", 5)
    await until(kiosk, f"document.activeElement?.dataset?.id === {lecture['id']!r}", 5)
    actions = traffic.actions(lecture["id"])
    assert actions[0] == "play", actions
    assert {"progress", "like"} <= set(actions), actions
    assert all(p["position_s"] >= 0 for p in traffic.plays)
    assert lecture["id"] in traffic.resumes
    assert await kiosk.evaluate("window.__pointerEvents") == 0
    watched.assert_clean()
    await kiosk.context.close()


async def test_the_on_screen_keyboard_finds_an_item_by_its_pinyin_initials(
    platform: Platform, browser: Browser, tree: Tree, root: httpx.AsyncClient
) -> None:
    title = "鹦鹉螺剪纸"  # ying wu luo jian zhi → YWLJZ
    async with center_admin(platform) as center:
        article = await publish(
            center,
            title=title,
            section="culture",
            kind="article",
            summary="剪纸活动前的热身与步骤分解：先折纸，再画样，最后剪出螺纹。",
        )

    watched = await open_kiosk(browser, platform, root, tree.station)
    kiosk = watched.page
    await walk_to(kiosk, "search")
    await kiosk.keyboard.press("Enter")
    await expect(kiosk.get_by_role("heading", name="搜索节目")).to_be_visible()
    assert await focused(kiosk) == "key-A"

    presses = 0
    for letter in "YWLJZ":
        presses += await walk_to(kiosk, f"key-{letter}") + 1
        await kiosk.keyboard.press("Enter")
    await expect(kiosk.locator("#search-query")).to_have_text("YWLJZ")
    results = kiosk.get_by_role("region", name="搜索结果")
    hit = results.locator(f"[data-id='{article['id']}']")
    await expect(hit).to_contain_text(title)
    await expect(hit).to_contain_text("拼音首字母")
    await shot(kiosk, "kiosk-search-results")

    # The results are tiles below the keyboard: ▼ reaches them, 「确定」 opens the article.
    await walk_to(kiosk, article["id"])
    await kiosk.keyboard.press("Enter")
    await expect(kiosk.get_by_role("heading", name=title)).to_be_visible()
    await expect(kiosk.get_by_text("先折纸，再画样")).to_be_visible()
    assert presses < 40, presses
    assert await kiosk.evaluate("window.__pointerEvents") == 0
    watched.assert_clean()
    await kiosk.context.close()


async def test_a_series_plays_its_next_episode_when_one_ends(
    platform: Platform, browser: Browser, tree: Tree, root: httpx.AsyncClient
) -> None:
    tag = uuid.uuid4().hex[:4]
    async with center_admin(platform) as center:
        series = await publish(
            center,
            title=f"连播测试系列{tag}",
            section="education",
            kind="series",
            summary="两集短音频，测试连续播放。",
        )
        first = await publish_audio(
            center, f"连播第一集{tag}", seconds=1.5, series_id=series["id"], episode=1
        )
        second = await publish_audio(
            center, f"连播第二集{tag}", seconds=1.5, series_id=series["id"], episode=2
        )

    watched = await open_kiosk(browser, platform, root, tree.station)
    kiosk = watched.page
    traffic = Traffic()
    traffic.watch(kiosk)
    # The series' episode list (reached from a section or the hot list; opened here directly).
    await kiosk.evaluate(f"location.hash = '#/series/{series['id']}'")
    await expect(kiosk.get_by_role("heading", name=series["title"])).to_be_visible()
    await until(kiosk, f"document.activeElement?.dataset?.id === {first['id']!r}", 5)
    await kiosk.keyboard.press("Enter")

    # Episode 1 plays to its end; 「即将播放下一集」 counts down 5 s; episode 2 starts.
    await expect(kiosk.get_by_role("heading", name=first["title"])).to_be_visible()
    notice = kiosk.get_by_role("alert").filter(has_text="即将播放下一集")
    await expect(notice).to_contain_text(second["title"], timeout=10_000)
    await expect(kiosk.get_by_role("heading", name=second["title"])).to_be_visible(timeout=10_000)
    assert kiosk.url.endswith(f"#/item/{second['id']}")
    await until(kiosk, f"{AUDIO} && ({AUDIO}.currentTime > 0 || {AUDIO}.ended)", 10)
    assert traffic.resumes.count(second["id"]) >= 1, traffic.resumes
    assert "complete" in traffic.actions(first["id"])
    assert traffic.actions(second["id"])[:1] == ["play"]

    # Back from episode 2 goes to the episode list (the next episode replaced the first).
    await kiosk.keyboard.press("Escape")
    await expect(kiosk.get_by_role("heading", name=series["title"])).to_be_visible()
    watched.assert_clean()
    await kiosk.context.close()
