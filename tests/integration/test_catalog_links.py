"""The link checker inside a running catalog: dead and paid links disappear for
residents, the owner is told, events go out, and a fixed link comes back.

A slim deployment of its own (NATS, the catalog, the gateway) runs the checker every
second with a one-second timeout, against media served by a local HTTP server the
test controls.
"""

from __future__ import annotations

import time
from pathlib import Path

import httpx

from deploy.health import wait_http, wait_services
from services.contracts.identity import Role
from tests.support.platform import Platform, eventually, fresh_center
from tests.unit.test_catalog_links import CHINESE_LOGIN_PAGE, LinkServer, Route, html_route

ENV = {
    "catalog": {
        "WENMING_LINK_CHECK_INTERVAL": "1",
        "WENMING_LINK_CHECK_TIMEOUT": "1",
        "WENMING_LINK_CHECK_CONCURRENCY": "4",
    },
    "gateway": {"WENMING_RATE_PER_CALLER": "100000/minute"},  # the test polls
}
WANTED = {"ok": "ok", "gone": "broken", "login": "paywalled", "twin": "paywalled", "slow": "broken"}
View = tuple[set[str], set[str]]


async def start_slim(platform: Platform) -> None:
    """Only what the checker needs: NATS, the catalog (and its database), the gateway."""
    stack = platform.stack
    stack.start_infrastructure(("catalog",))
    stack.start("catalog")
    stack.start("gateway")
    await wait_services(stack.nats_url, stack.region, ("catalog",), timeout_s=60)
    await wait_http(stack.gateway_url + "/healthz", timeout_s=60)


async def publish(admin: httpx.AsyncClient, title: str, kind: str, url: str) -> str:
    body = {"title": title, "section": "culture", "kind": kind, "media_url": url}
    created = await admin.post("/api/v1/content", json=body)
    assert created.status_code == 201, created.text
    assert created.json()["status"] == "published"
    content_id: str = created.json()["id"]
    return content_id


async def states(admin: httpx.AsyncClient, ids: dict[str, str]) -> dict[str, str]:
    found = {}
    for name, content_id in ids.items():
        response = await admin.get(f"/api/v1/content/{content_id}/fresh")
        assert response.status_code == 200, response.text
        found[name] = response.json()["link_state"]
    return found


async def resident_view(resident: httpx.AsyncClient, ids: dict[str, str]) -> View:
    """The items a resident can open, and those in the section's list."""
    opened = set()
    for name, content_id in ids.items():
        response = await resident.get(f"/api/v1/content/{content_id}")
        assert response.status_code in (200, 404), response.text
        if response.status_code == 200:
            opened.add(name)
    listing = await resident.get("/api/v1/content", params={"section": "culture", "limit": 100})
    assert listing.status_code == 200, listing.text
    listed = {i["id"] for i in listing.json()["items"]}
    return opened, {n for n, i in ids.items() if i in listed}


async def resident_search(resident: httpx.AsyncClient, ids: dict[str, str]) -> set[str]:
    response = await resident.get("/api/v1/catalog/search", params={"q": "外链检查"})
    assert response.status_code == 200, response.text
    hits = {h["content"]["id"] for h in response.json()["items"]}
    return {n for n, i in ids.items() if i in hits}


async def link_events(platform: Platform, event_type: str) -> set[str]:
    docs = await platform.database("catalog").outbox.find({}).to_list()
    wanted = f"catalog.{event_type}"
    return {d["envelope"]["data"]["id"] for d in docs if d["envelope"]["type"] == wanted}


async def notices(admin: httpx.AsyncClient) -> set[tuple[str, str]]:
    response = await admin.get("/api/v1/catalog/notices")
    assert response.status_code == 200, response.text
    return {(n["kind"], n["content_id"]) for n in response.json()["items"] if n["content_id"]}


async def first_audit(admin: httpx.AsyncClient, content_id: str, action: str) -> str:
    response = await admin.get(f"/api/v1/content/{content_id}/audit")
    assert response.status_code == 200, response.text
    at: str = next(e["at"] for e in response.json()["entries"] if e["action"] == action)
    return at


async def test_dead_and_paid_links_are_hidden_and_come_back(tmp_path: Path) -> None:
    with LinkServer() as server:
        server.routes.update(
            {
                "/ok.mp4": Route(),
                "/gone.mp4": Route(404, "text/html", b"<h1>404</h1>"),
                "/slow.mp4": Route(delay_s=5.0),
                "/login": html_route(CHINESE_LOGIN_PAGE),
            }
        )
        platform = Platform.create(tmp_path / "links", proc_env=ENV)
        try:
            await start_slim(platform)
            await scenario(platform, server)
        finally:
            await platform.stop()


async def scenario(platform: Platform, server: LinkServer) -> None:
    center = fresh_center()
    admin = platform.client(Role.center_admin, center)
    resident = platform.client(Role.resident, f"{center}/S01/P01")
    async with admin, resident:
        started = time.monotonic()
        ids = {
            "ok": await publish(admin, "外链检查正常视频", "video", server.url("/ok.mp4")),
            "gone": await publish(admin, "外链检查失效链接", "link", server.url("/gone.mp4")),
            "login": await publish(admin, "外链检查登录页面", "link", server.url("/login")),
            "twin": await publish(admin, "外链检查登录页面二", "link", server.url("/login")),
            # published last, so it is never checked in an earlier pass than the others
            "slow": await publish(admin, "外链检查超时视频", "video", server.url("/slow.mp4")),
        }
        # Published items are visible until a check says otherwise (the checker may
        # already have judged the quick ones by now, so look at the working one only).
        assert (await resident.get(f"/api/v1/content/{ids['ok']}")).status_code == 200

        found = await eventually(lambda: states(admin, ids), WANTED.__eq__, 15)
        assert found == WANTED
        assert time.monotonic() - started < 10  # a 5 s answer did not hold the pass up
        ok_at = await first_audit(admin, ids["ok"], "link_ok")
        assert ok_at < await first_audit(admin, ids["slow"], "link_broken")

        # residents no longer see the dead and paid items (item, list, search) …
        assert await resident_view(resident, ids) == ({"ok"}, {"ok"})
        assert await resident_search(resident, ids) == {"ok"}
        # … admins still do, with the link state
        shown = await admin.get(f"/api/v1/content/{ids['gone']}")
        assert shown.status_code == 200
        assert shown.json()["link_state"] == "broken"
        mine = await admin.get("/api/v1/content", params={"mine": "true", "limit": 100})
        listed = {i["id"]: i["link_state"] for i in mine.json()["items"]}
        assert {n: listed[i] for n, i in ids.items()} == WANTED

        hidden = {ids[n] for n in ("gone", "login", "twin", "slow")}
        assert {("link_broken", i) for i in hidden} <= await notices(admin)
        broken = await eventually(lambda: link_events(platform, "media_link_broken"), hidden.__le__)
        assert broken == hidden
        assert server.hits["/login"] <= server.hits["/ok.mp4"] + 1  # one fetch for two items

        # the owner's link works again: the item comes back
        server.routes["/gone.mp4"] = Route()
        back = {"ok", "gone"}
        view = await eventually(lambda: resident_view(resident, ids), (back, back).__eq__)
        assert view == (back, back)
        assert await resident_search(resident, ids) == back
        assert ("link_fixed", ids["gone"]) in await notices(admin)
        fixed = await eventually(
            lambda: link_events(platform, "media_link_fixed"), lambda f: ids["gone"] in f
        )
        assert fixed == {ids["gone"]}
        assert await states(admin, ids) == {**WANTED, "gone": "ok"}
