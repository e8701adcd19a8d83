"""Kiosk: set up from the installer's link, driven by the remote's keys only, back home
after inactivity, and stopped at once when its station admin revokes it."""

from __future__ import annotations

import re
import uuid

import httpx
import pytest
from playwright.async_api import Browser, Page, expect

from tests.e2e.conftest import Tree, api_client
from tests.e2e.helpers import COUNT_POINTER_EVENTS, open_page, shot, until
from tests.support.platform import Platform, eventually

pytestmark = pytest.mark.e2e


async def press(page: Page, key: str, expect_focus: str | None = None) -> None:
    await page.keyboard.press(key)
    if expect_focus is not None:
        await until(page, f"document.activeElement?.dataset?.id === {expect_focus!r}", 5)


async def at_home(page: Page) -> None:
    await until(page, "['', '#/'].includes(location.hash)", 5)
    await expect(page.get_by_role("navigation", name="栏目")).to_be_visible()


async def test_kiosk_is_set_up_by_link_and_driven_by_the_remote_only(
    platform: Platform, browser: Browser, tree: Tree, root: httpx.AsyncClient
) -> None:
    device_name = f"遥控测试一体机{uuid.uuid4().hex[:6]}"
    issued = await root.post(
        "/api/v1/kiosk-devices", json={"station": tree.station, "name": device_name}
    )
    assert issued.status_code == 201, issued.text
    token = issued.json()["device_token"]

    watched = await open_page(browser, 1280, 720)
    kiosk = watched.page
    await kiosk.add_init_script(COUNT_POINTER_EVENTS)
    await kiosk.goto(f"{platform.stack.gateway_url}/kiosk/#setup={token}&idle=120")

    # Set-up: the token is kept on the device and gone from the address bar and history.
    await expect(kiosk.locator("#station-name")).to_have_text(tree.station_name)
    assert kiosk.url == f"{platform.stack.gateway_url}/kiosk/"
    assert await kiosk.evaluate("localStorage.getItem('wm.kiosk.device')") == token
    assert await kiosk.evaluate("localStorage.getItem('wm.kiosk.idle_s')") == "120"

    # Home: the hot list first (when there are plays), then the five sections, 搜索 and
    # 下周精选; the remote moves a visible focus.
    tiles = kiosk.get_by_role("navigation", name="栏目").get_by_role("button")
    await expect(tiles).to_have_count(7)
    for label in ("理论宣讲", "文化服务", "健康健身", "科技科普", "教育服务", "搜索", "下周精选"):
        await expect(tiles.filter(has_text=label)).to_have_count(1)
    hot_row = kiosk.get_by_role("region", name="热门节目")
    await expect(hot_row).not_to_contain_text("正在加载")
    first_hot = await kiosk.evaluate("document.querySelector('.hot-item')?.dataset.id ?? null")
    start = first_hot or "theory"  # no plays yet: the hot row says so, the focus is on 理论宣讲
    await until(kiosk, f"document.activeElement?.dataset?.id === {start!r}", 5)
    outline = await kiosk.evaluate("getComputedStyle(document.activeElement).outlineWidth")
    assert float(outline.removesuffix("px")) >= 6, outline
    body = await kiosk.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    assert body >= 28, body  # big type, read from a few metres away
    for i in range(7):
        box = await tiles.nth(i).bounding_box()
        assert box is not None
        assert box["width"] >= 140, box
        assert box["height"] >= 180, box
        caption = tiles.nth(i).locator(".label")
        size = await caption.evaluate("el => parseFloat(getComputedStyle(el).fontSize)")
        assert size >= 28, size
    await press(kiosk, "ArrowDown", "theory")
    for lands_on in ("culture", "health", "science", "education", "search", "picks"):
        await press(kiosk, "ArrowRight", lands_on)
    await press(kiosk, "ArrowLeft", "search")

    # 搜索: an on-screen pinyin-initial keyboard, also driven by the arrows.
    await press(kiosk, "Enter", "key-A")
    await expect(kiosk.get_by_role("heading", name="搜索节目")).to_be_visible()
    query = kiosk.locator("#search-query")
    await press(kiosk, "Enter")
    await press(kiosk, "ArrowRight", "key-B")
    await press(kiosk, "Enter")
    await expect(query).to_have_text("AB")
    await press(kiosk, "ArrowDown", "key-P")
    for lands_on in ("key-Q", "key-R", "key-S", "key-T", "key-U", "key-V", "key-W", "key-X"):
        await press(kiosk, "ArrowRight", lands_on)
    for lands_on in ("key-Y", "key-Z", "key-delete", "key-clear"):
        await press(kiosk, "ArrowRight", lands_on)
    await press(kiosk, "ArrowLeft", "key-delete")
    await press(kiosk, "Enter")
    await expect(query).to_have_text("A")
    await press(kiosk, "j")  # a keyboard plugged into the kiosk types too
    await expect(query).to_have_text("AJ")
    # The results follow the typing (found, or 没有找到 with a hint).
    await expect(kiosk.get_by_role("region", name="搜索结果")).to_contain_text("找到")
    await shot(kiosk, "kiosk-search")

    # Back (Escape) returns home with the focus where it was.
    await press(kiosk, "Escape", "search")
    await at_home(kiosk)
    await shot(kiosk, "kiosk-home")

    # A section: one press from home; Backspace and the browser's back key come back.
    await press(kiosk, "ArrowLeft", "education")
    await press(kiosk, "ArrowLeft", "science")
    await press(kiosk, "Enter")
    await expect(kiosk.get_by_role("heading", name="科技科普")).to_be_visible()
    assert kiosk.url.endswith("#/section/science")
    await press(kiosk, "Backspace", "science")
    await at_home(kiosk)
    await press(kiosk, "Enter")
    await expect(kiosk.get_by_role("heading", name="科技科普")).to_be_visible()
    await kiosk.go_back()
    await at_home(kiosk)
    await until(kiosk, "document.activeElement?.dataset?.id === 'science'", 5)

    # Left alone on a section, it counts down and goes home by itself.
    await kiosk.evaluate("localStorage.setItem('wm.kiosk.idle_s', '2')")
    for lands_on in ("health", "culture", "theory"):
        await press(kiosk, "ArrowLeft", lands_on)
    await press(kiosk, "Enter")
    await expect(kiosk.get_by_role("heading", name="理论宣讲")).to_be_visible()
    await expect(kiosk.locator("#idle-notice")).to_contain_text("秒后返回首页", timeout=5000)
    await at_home(kiosk)
    await expect(kiosk.locator("#idle-notice")).to_be_hidden()
    await until(kiosk, f"document.activeElement?.dataset?.id === {start!r}", 5)
    await kiosk.evaluate("localStorage.removeItem('wm.kiosk.idle_s')")

    assert await kiosk.evaluate("window.__pointerEvents") == 0

    # Tokens are renewed (POST /auth/refresh) a minute before the access token expires.
    tokens = "JSON.parse(localStorage.getItem('wm.kiosk.tokens'))"
    before = await kiosk.evaluate(f"{tokens}.access_token")
    await kiosk.evaluate(
        f"localStorage.setItem('wm.kiosk.tokens', JSON.stringify("
        f"{{...{tokens}, expires_at: Date.now() + 60_500}}))"
    )
    await kiosk.reload()  # the page re-arms its timer from the stored expiry (≥ 2 s)
    await expect(kiosk.get_by_role("navigation", name="栏目")).to_be_visible()
    await until(kiosk, f"{tokens}.access_token !== {before!r}", 15)

    await revoke_in_admin_console(platform, browser, tree, device_name)

    # The gateway refuses the kiosk's session once the revocation reached it …
    access = await kiosk.evaluate(f"{tokens}.access_token")
    async with api_client(platform, access) as client:

        async def ping() -> int:
            return (await client.get("/api/v1/auth/ping")).status_code

        assert await eventually(ping, lambda status: status == 401, timeout_s=10) == 401

    # … and the kiosk's next call (opening a screen) shows the revoked screen.
    await press(kiosk, "Enter")
    revoked = kiosk.get_by_role("heading", name="本机授权已失效，请联系站点管理员")
    await expect(revoked).to_be_visible()
    await expect(kiosk.locator("#kiosk-help")).to_be_hidden()
    await shot(kiosk, "kiosk-revoked")
    assert await kiosk.evaluate("window.__pointerEvents") == 0
    watched.assert_clean()
    await kiosk.context.close()


async def revoke_in_admin_console(
    platform: Platform, browser: Browser, tree: Tree, device_name: str
) -> None:
    """The station's own admin signs in and revokes the device."""
    watched = await open_page(browser, 1366, 900)
    admin = watched.page
    await admin.goto(f"{platform.stack.gateway_url}/admin/#/kiosks")
    await admin.get_by_label("用户名").fill(tree.station_admin)
    await admin.get_by_label("密码").fill(tree.password)
    await admin.get_by_role("button", name="登录").click()
    await expect(admin.get_by_role("heading", name="一体机管理", exact=True)).to_be_visible()
    row = admin.get_by_role("row", name=re.compile(device_name))
    await expect(row).to_contain_text("在用")
    await row.get_by_role("button", name="收回授权").click()
    await admin.get_by_role("dialog").get_by_role("button", name="收回授权").click()
    await expect(admin.get_by_role("row", name=re.compile(device_name))).to_contain_text("已收回")
    watched.assert_clean()
    await admin.context.close()
