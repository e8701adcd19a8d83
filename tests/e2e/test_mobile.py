"""Mobile H5 on a phone screen: the site QR code's landing page, phone-code sign-in, 我的."""

from __future__ import annotations

import re
import secrets
from urllib.parse import quote

import pytest
from playwright.async_api import Browser, expect

from tests.e2e.conftest import Tree
from tests.e2e.helpers import open_page, shot, sms_code
from tests.support.platform import Platform

pytestmark = pytest.mark.e2e


async def test_resident_signs_in_by_phone_code_on_a_phone(
    platform: Platform, browser: Browser, tree: Tree
) -> None:
    phone = f"139{secrets.randbelow(10**8):08d}"
    watched = await open_page(browser, 375, 667, is_mobile=True, has_touch=True)
    page = watched.page
    # A QR code of a site that does not exist: the API's message.
    await page.goto(f"{platform.stack.gateway_url}/m/?site={quote('320000/999999', safe='')}")
    await expect(page.get_by_role("heading", name="无法显示站点")).to_be_visible()
    await expect(page.get_by_role("alert")).to_contain_text("不存在")

    # The station's QR code (三端一码) opens /m/?site=<path>.
    await page.goto(f"{platform.stack.gateway_url}/m/?site={quote(tree.station, safe='')}")
    await expect(page.get_by_role("heading", name=tree.station_name)).to_be_visible()
    await expect(page.get_by_text(tree.institute_name)).to_be_visible()

    await page.get_by_role("link", name="手机号登录").click()
    await page.get_by_label("手机号", exact=True).fill(phone)
    send = page.get_by_role("button", name="获取验证码")
    await send.click()
    resend = page.locator("#send-code")
    await expect(resend).to_have_text(re.compile(r"^\d+ 秒后重发$"))
    await expect(resend).to_be_disabled()
    status = page.get_by_role("status")
    await expect(status).to_contain_text(f"验证码已发送至 {phone[:3]}****{phone[7:]}")
    code = await sms_code(platform.stack.data_dir / "sms" / "outbox.log", phone)

    # A wrong code: the API's message, in Chinese.
    wrong = "000000" if code != "000000" else "111111"
    await page.get_by_label("验证码", exact=True).fill(wrong)
    await page.get_by_role("button", name="登录", exact=True).click()
    await expect(status).to_have_text("验证码不正确")
    await shot(page, "mobile-signin")

    await page.get_by_label("验证码", exact=True).fill(code)
    await page.get_by_role("button", name="登录", exact=True).click()
    # Signed in: 首页 with the search box, the hot list and the sections; then 我的.
    await expect(page.get_by_role("combobox", name="搜索节目")).to_be_visible()
    await expect(page.get_by_role("heading", name="五大服务版块")).to_be_visible()
    await page.get_by_role("navigation", name="主菜单").get_by_role("link", name="我的").click()
    await expect(page.get_by_role("heading", name=f"居民{phone[-4:]}")).to_be_visible()
    await expect(page.locator("#me-phone")).to_have_text(f"{phone[:3]}****{phone[-4:]}")
    await expect(page.locator("#me-role")).to_have_text("居民")
    await expect(page.locator("#me-site")).to_have_text(tree.station_name)
    assert await page.evaluate("document.documentElement.scrollWidth") <= 375
    await shot(page, "mobile-me")

    await page.get_by_role("button", name="退出登录").click()
    await expect(page.get_by_role("link", name="手机号登录")).to_be_visible()
    assert await page.evaluate("localStorage.getItem('wm.m.tokens')") is None
    watched.assert_clean()
    await page.context.close()
