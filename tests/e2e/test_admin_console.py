"""Admin console: sign in, walk the site tree, create a station, issue its kiosk token."""

from __future__ import annotations

import re
import uuid
from urllib.parse import quote

import httpx
import pytest
from playwright.async_api import Browser, Page, expect

from tests.e2e.conftest import CENTER, CITY, Tree
from tests.e2e.helpers import open_page, shot, until
from tests.support.platform import Platform

pytestmark = pytest.mark.e2e


async def open_site(page: Page, path: str) -> None:
    """Click a site's name in the 下级站点 table (paging with 加载更多 if need be)."""
    link = page.locator(f"a[href='#/sites?under={quote(path, safe='')}']")
    more = page.get_by_role("button", name="加载更多")
    for _ in range(20):
        if await link.count() or not await more.count():
            break
        await more.click()
    await link.first.click()
    current = page.get_by_role("region", name="当前站点")
    await expect(current.locator("dd.token")).to_have_text(path)


async def locked_account(root: httpx.AsyncClient, tree: Tree) -> str:
    """A station admin locked out by five wrong passwords (from the set-up address)."""
    username = f"lock{uuid.uuid4().hex[:8]}"
    account = {
        "username": username,
        "display_name": "被锁定的管理员",
        "role": "station_admin",
        "site": tree.station,
        "password": "the-right-password",
    }
    assert (await root.post("/api/v1/accounts", json=account)).status_code == 201
    for _ in range(5):
        wrong = {"username": username, "password": "a-wrong-password"}
        response = await root.post("/api/v1/auth/admin/sign-in", json=wrong)
        assert response.status_code in (401, 423), response.text
    return username


async def test_admin_signs_in_creates_a_station_and_issues_its_kiosk_token(
    platform: Platform, browser: Browser, tree: Tree, root: httpx.AsyncClient
) -> None:
    locked = await locked_account(root, tree)
    watched = await open_page(browser, 1366, 900)
    page = watched.page
    await page.goto(f"{platform.stack.gateway_url}/admin/")

    # A locked account (423): the API's Chinese message is shown as it is.
    await page.get_by_label("用户名").fill(locked)
    await page.get_by_label("密码").fill("whatever-it-is")
    await page.get_by_role("button", name="登录").click()
    await expect(page.get_by_role("alert")).to_contain_text("密码错误次数过多，账号已锁定")

    # A wrong password: 401, and its message.
    await page.get_by_label("用户名").fill("admin")
    await page.get_by_label("密码").fill("not-the-password")
    await page.get_by_role("button", name="登录").click()
    await expect(page.get_by_role("alert")).to_have_text("用户名或密码错误")

    await page.get_by_label("密码").fill(platform.stack.bootstrap_password())
    await page.get_by_role("button", name="登录").click()
    nav = page.get_by_role("navigation", name="功能菜单")
    menu = ["站点管理", "账号管理", "一体机管理", "内容管理", "发布内容", "内容审核"]
    menu += ["发布日历", "下架预告", "下周精选", "提醒", "服务菜单", "场馆管理"]
    await expect(nav.get_by_role("link")).to_have_text([re.compile(label) for label in menu])
    await expect(page.get_by_role("heading", name="站点管理", exact=True)).to_be_visible()

    # Down the tree: province → city → center → the institute of this run.
    for path in (CITY, CENTER, tree.institute):
        await open_site(page, path)
    await expect(page.get_by_role("heading", name=tree.institute_name)).to_be_visible()

    tag = uuid.uuid4().hex[:6]
    name, code = f"界面新建{tag}新时代文明实践站", f"UI{tag}"
    form = page.get_by_role("form", name=re.compile("新建下级站点"))
    await form.get_by_label("名称").fill(name)
    await form.get_by_label("编码").fill(code)
    await expect(form.get_by_label("区划代码")).to_have_value("320582")
    await form.get_by_role("button", name="新建站点").click()
    row = page.get_by_role("row", name=re.compile(name))
    await expect(row).to_be_visible()
    await expect(row.get_by_role("cell", name="新时代文明实践站", exact=True)).to_be_visible()

    # 三端一码: the station's QR code, fetched with the bearer token, shown as an image.
    await row.get_by_role("button", name="二维码").click()
    dialog = page.get_by_role("dialog")
    await expect(dialog.get_by_role("img", name=f"{name}的二维码")).to_be_visible()
    await until(page, "document.querySelector('dialog img.qr')?.naturalWidth > 0")
    await expect(dialog.get_by_role("button", name="打印")).to_be_visible()
    await dialog.get_by_role("button", name="关闭").click()
    await expect(dialog).to_have_count(0)
    await shot(page, "admin-sites")

    # Its kiosk: the token is shown once, with the set-up link and that link's QR code.
    await row.get_by_role("link", name="发放一体机").click()
    await expect(page.get_by_role("heading", name="一体机管理", exact=True)).to_be_visible()
    station = f"{tree.institute}/{code}"
    await expect(page.get_by_label("站点路径（实践站或实践点）")).to_have_value(station)
    device = f"界面测试一体机{tag}"
    await page.get_by_label("设备名称").fill(device)
    await page.get_by_role("button", name="发放授权").click()
    dialog = page.get_by_role("dialog")
    await expect(dialog.get_by_text("授权码只显示这一次")).to_be_visible()
    token = await dialog.get_by_label("设备授权码").input_value()
    assert re.fullmatch(r"wmk_[A-Za-z0-9_-]{20,80}", token)
    link = await dialog.get_by_label(re.compile("授权链接")).input_value()
    assert link == f"{platform.stack.gateway_url}/kiosk/#setup={token}"
    await until(page, "document.querySelector('#issued-qr')?.naturalWidth > 0")
    await shot(page, "admin-kiosk-issued")
    await dialog.get_by_role("button", name="关闭").click()
    await expect(page.get_by_role("row", name=re.compile(device))).to_contain_text("在用")

    # 账号管理: the locked account is unlocked and given a new password.
    await nav.get_by_role("link", name="账号管理").click()
    await page.get_by_role("search").get_by_label("站点路径").fill(tree.station)
    await page.get_by_role("search").get_by_role("button", name="查询").click()
    account = page.get_by_role("row", name=re.compile(locked))
    await expect(account).to_contain_text("已锁定")
    await account.get_by_role("button", name="解锁").click()
    await expect(account).to_contain_text("正常")
    await account.get_by_role("button", name="重置密码").click()
    dialog = page.get_by_role("dialog")
    await dialog.get_by_label("新密码").fill("a-brand-new-password")
    await dialog.get_by_role("button", name="重置密码").click()
    await expect(page.locator("#a-status")).to_have_text(f"已重置 {locked} 的密码")
    signed_in = await root.post(
        "/api/v1/auth/admin/sign-in",
        json={"username": locked, "password": "a-brand-new-password"},
    )
    assert signed_in.status_code == 200, signed_in.text

    # Back in the tree (a deep link), the new station is disabled.
    await page.goto(f"{platform.stack.gateway_url}/admin/#/sites?under={quote(tree.institute)}")
    row = page.get_by_role("row", name=re.compile(name))
    await row.get_by_role("button", name="停用").click()
    await page.get_by_role("dialog").get_by_role("button", name="停用").click()
    await expect(row.get_by_text("已停用")).to_be_visible()

    # The token shown is the device's: it signs in as a kiosk of the new station.
    response = await root.post("/api/v1/auth/kiosk/sign-in", json={"device_token": token})
    assert response.status_code == 200, response.text
    caller = response.json()["caller"]
    assert (caller["role"], caller["site"]) == ("kiosk", station)
    watched.assert_clean()
    await page.context.close()
