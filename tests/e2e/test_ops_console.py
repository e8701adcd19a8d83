"""Ops: find the trace of a failed request by its request id and read its waterfall."""

from __future__ import annotations

import re
import uuid

import httpx
import pytest
from playwright.async_api import Browser, expect

from services.contracts.identity import Role
from tests.e2e.conftest import api_client
from tests.e2e.helpers import open_page, shot
from tests.support.platform import Platform, eventually

pytestmark = pytest.mark.e2e


async def test_ops_finds_a_failed_request_by_its_request_id(
    platform: Platform, browser: Browser, root: httpx.AsyncClient
) -> None:
    username, password = f"ops{uuid.uuid4().hex[:8]}", "ops-" + uuid.uuid4().hex
    account = {
        "username": username,
        "display_name": "界面测试运维",
        "role": "ops",
        "site": "320000",
        "password": password,
    }
    response = await root.post("/api/v1/accounts", json=account)
    assert response.status_code == 201, response.text

    # A request that fails inside a service (accounts answers 404) …
    failed = await root.get("/api/v1/sites/detail", params={"path": "320000/320500/999999"})
    assert failed.status_code == 404
    request_id = failed.json()["error"]["request_id"]
    assert failed.headers["x-request-id"] == request_id
    # (Spans are exported in batches: wait until both processes reported theirs.)
    async with api_client(platform, platform.token(Role.ops, "320000")) as ops:

        async def services() -> set[str]:
            found = await ops.get("/api/v1/ops/traces", params={"request_id": request_id})
            return {s for t in found.json()["traces"] for s in t["services"]}

        assert {"gateway", "accounts"} <= await eventually(
            services, lambda seen: {"gateway", "accounts"} <= seen
        )

    watched = await open_page(browser, 1366, 900)
    page = watched.page
    await page.goto(f"{platform.stack.gateway_url}/admin/")
    await page.get_by_label("用户名").fill(username)
    await page.get_by_label("密码").fill(password)
    await page.get_by_role("button", name="登录").click()
    nav = page.get_by_role("navigation", name="功能菜单")
    await expect(nav.get_by_role("link")).to_have_text(["调用链追踪", "死信事件"])
    await expect(page.get_by_role("heading", name="调用链追踪", exact=True)).to_be_visible()

    # … is found by its request id, pasted into 按请求编号查找.
    lookup = page.get_by_role("search", name="按请求编号查找")
    await lookup.get_by_label("请求编号 / 调用链编号").fill(f'"{request_id}"')
    await lookup.get_by_role("button", name="打开调用链").click()
    await expect(page).to_have_url(re.compile(f"#/ops/trace/{request_id}$"))
    await expect(page.locator("#trace-id")).to_have_text(request_id)
    server_span = page.locator(".wf-row", has_text="GET /api/v1/sites/detail")
    await expect(server_span.first).to_be_visible()
    assert await page.locator(".wf-row[data-service=gateway]").count() >= 1
    accounts = page.locator(".wf-row[data-service=accounts]")
    await expect(accounts.first).to_be_visible(timeout=10_000)

    # Bars sit at their offsets: the root starts at 0 and spans the whole trace.
    root_bar = page.locator(".wf-row").first.locator(".wf-bar")
    assert (await root_bar.get_attribute("style") or "").startswith("left: 0.000%")

    # Choosing a span shows its attributes and events.
    await accounts.first.click()
    await expect(accounts.first).to_have_attribute("aria-pressed", "true")
    detail = page.get_by_role("region", name="跨度详情")
    await expect(detail.get_by_role("heading", name="属性")).to_be_visible()
    await expect(detail).to_contain_text("accounts")
    await shot(page, "admin-ops-waterfall")

    # The deep link opens the same waterfall after a reload.
    await page.goto(f"{platform.stack.gateway_url}/admin/#/ops/trace/{request_id}")
    await page.reload()
    await expect(page.locator("#trace-id")).to_have_text(request_id)

    await nav.get_by_role("link", name="死信事件").click()
    await expect(page.get_by_role("heading", name=re.compile("死信列表"))).to_be_visible()
    watched.assert_clean()
    await page.context.close()
