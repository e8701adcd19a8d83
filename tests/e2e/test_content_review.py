"""Hierarchical upload and review in the admin console (seed 000: grassroots upload "after
hierarchical management"): a station admin uploads a recording through the form, the
institute admin approves it with a scope and rejects another with a reason; a resident
of the station finds the approved one, the uploader reads the reason. The approved item
is then announced for retirement (≥ 14 days ahead) and shows in 发布日历."""

from __future__ import annotations

import re
import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest
from playwright.async_api import Browser, Page, expect

from tests.e2e.catalog_flows import BEIJING, resident_signs_in, wav
from tests.e2e.conftest import Tree, created
from tests.e2e.helpers import Watched, open_page, shot
from tests.support.platform import Platform

pytestmark = pytest.mark.e2e


async def admin_console(
    browser: Browser, platform: Platform, username: str, password: str, start: str
) -> Watched:
    watched = await open_page(browser, 1366, 900, timezone_id=BEIJING)
    page = watched.page
    await page.goto(f"{platform.stack.gateway_url}/admin/#{start}")
    await page.get_by_label("用户名").fill(username)
    await page.get_by_label("密码").fill(password)
    await page.get_by_role("button", name="登录").click()
    return watched


async def upload(page: Page, title: str, kind: str, summary: str, audio: bytes | None) -> None:
    form = page.get_by_role("form", name="上传内容（提交上级审核）")
    await form.get_by_label("标题").fill(title)
    await form.get_by_label("栏目").select_option(label="文化服务")
    await form.get_by_label("类型").select_option(kind)
    await form.get_by_label("简介 / 正文").fill(summary)
    if audio is not None:
        await form.get_by_label("媒体文件").set_input_files(
            {"name": "choir.wav", "mimeType": "audio/wav", "buffer": audio}
        )
    await form.get_by_role("button", name="提交审核").click()
    await expect(form.get_by_role("status")).to_have_text(f"已保存：《{title}》 · 待审核")


async def test_an_upload_is_reviewed_up_the_tree_and_reaches_residents(
    platform: Platform, browser: Browser, tree: Tree, root: httpx.AsyncClient
) -> None:
    tag = uuid.uuid4().hex[:4]
    approved, rejected = f"社区合唱团排练录音{tag}", f"待修改的活动通知{tag}"
    reason = "通知缺少活动时间和地点，请补充后重新上传"
    reviewer = {
        "username": f"inst{tag}{uuid.uuid4().hex[:4]}",
        "display_name": "界面测试所管理员",
        "role": "institute_admin",
        "site": tree.institute,
        "password": "e2e-" + uuid.uuid4().hex,
    }
    await created(await root.post("/api/v1/accounts", json=reviewer))

    # The station admin uploads: a recording (a file through the form) and a notice.
    station = await admin_console(
        browser, platform, tree.station_admin, tree.password, "/content/new"
    )
    uploader = station.page
    await upload(uploader, approved, "audio", "社区合唱团周三晚上的排练录音。", wav(2))
    await upload(uploader, rejected, "article", "本周六举办合唱活动。", None)

    # The institute admin reviews: approve with a scope chosen from the chain, reject with why.
    institute = await admin_console(
        browser, platform, reviewer["username"], reviewer["password"], "/review"
    )
    page = institute.page
    await expect(page.get_by_role("heading", name="内容审核", exact=True)).to_be_visible()
    card = page.get_by_role("article", name=approved)
    await expect(card).to_contain_text(tree.station_name)
    await expect(card.locator("audio")).to_have_count(1)  # heard before deciding
    await shot(page, "admin-review")
    await card.get_by_role("button", name="通过").click()
    dialog = page.get_by_role("dialog")
    scopes = dialog.get_by_role("radio")
    await expect(scopes).to_have_count(2)  # the uploader's station, up to the institute
    await expect(dialog.get_by_role("radio", name=re.compile(tree.station_name))).to_be_checked()
    await dialog.get_by_role("radio", name=re.compile(tree.institute_name)).check()
    await shot(page, "admin-review-scope")
    await dialog.get_by_role("button", name="通过并发布").click()
    await expect(page.locator("#a-status")).to_contain_text(f"已通过：《{approved}》")
    await expect(page.get_by_role("article", name=approved)).to_have_count(0)

    await page.get_by_role("article", name=rejected).get_by_role("button", name="驳回").click()
    dialog = page.get_by_role("dialog")
    await dialog.get_by_label("驳回原因").fill(reason)
    await dialog.get_by_role("button", name="驳回").click()
    await expect(page.locator("#a-status")).to_contain_text(f"已驳回：《{rejected}》")

    # The audit trail of the approved item: uploaded, then approved with its scope.
    nav = page.get_by_role("navigation", name="功能菜单")
    await nav.get_by_role("link", name="内容管理").click()
    row = page.get_by_role("row", name=re.compile(approved))
    await expect(row).to_contain_text("已发布")
    await expect(row).to_contain_text(tree.institute_name)
    await row.get_by_role("button", name="审核记录").click()
    trail = page.get_by_role("dialog")
    await expect(trail.get_by_role("row", name=re.compile("上传，待审核"))).to_be_visible()
    await expect(trail.get_by_role("row", name=re.compile("审核通过"))).to_contain_text(
        f"发布范围：{tree.institute}"
    )
    await trail.get_by_role("button", name="关闭").click()

    # 下架预告: too soon is refused with the earliest allowed day; that day is accepted.
    await row.get_by_role("button", name="下架预告").click()
    dialog = page.get_by_role("dialog")
    soon = (datetime.now(ZoneInfo(BEIJING)) + timedelta(days=5)).date().isoformat()
    await dialog.get_by_label("下架日期").fill(soon)
    await dialog.get_by_label("下架原因").fill("合唱团换了新曲目，旧录音下架")
    await dialog.get_by_role("button", name="发布下架预告").click()
    refused = dialog.get_by_role("status")
    await expect(refused).to_contain_text("下架需至少提前 14 天预告：最早可选")
    earliest = re.search(r"\d{4}-\d{2}-\d{2}", await refused.inner_text())
    assert earliest is not None
    await dialog.get_by_label("下架日期").fill(earliest.group(0))
    await dialog.get_by_role("button", name="发布下架预告").click()
    await expect(page.locator("#a-status")).to_contain_text(f"已预告下架：{approved}")

    await nav.get_by_role("link", name="发布日历").click()
    day = page.get_by_role("gridcell", name=earliest.group(0))
    await expect(day).to_contain_text(f"下架 {approved}")
    await expect(page.get_by_role("grid", name="发布日历")).to_contain_text("精选截止")
    await shot(page, "admin-calendar")
    institute.assert_clean()
    await page.context.close()

    # A resident of the station finds the approved recording (and not the rejected notice).
    phone = await open_page(browser, 375, 667, is_mobile=True, has_touch=True)
    await resident_signs_in(phone.page, platform, tree.station)
    box = phone.page.get_by_role("combobox", name="搜索节目")
    await box.fill(approved)
    await box.press("Enter")
    await phone.page.get_by_role("link", name=approved).click()
    await expect(phone.page.get_by_role("heading", name=approved)).to_be_visible()
    await expect(phone.page.locator("main audio")).to_have_count(1)
    await phone.page.goto(f"{platform.stack.gateway_url}/m/#/search?q={rejected}")
    await expect(phone.page.locator("main .list-count, main .empty").first).to_be_attached()
    await expect(phone.page.get_by_role("link", name=rejected)).to_have_count(0)
    phone.assert_clean()
    await phone.page.context.close()

    # The uploader reads the rejection and its reason in 内容管理.
    await (
        uploader.get_by_role("navigation", name="功能菜单")
        .get_by_role("link", name="内容管理")
        .click()
    )
    row = uploader.get_by_role("row", name=re.compile(rejected))
    await expect(row).to_contain_text("已驳回")
    await expect(row).to_contain_text(f"驳回原因：{reason}")
    await expect(uploader.get_by_role("row", name=re.compile(approved))).to_contain_text("已发布")
    station.assert_clean()
    await uploader.context.close()
