"""What the catalog's browser tests share: playable WAV files made with the standard
library, publishing through the API, plays that make an item hot, a kiosk set up from
its link, the remote's arrow keys walking to a tile, and a resident signed in by SMS."""

from __future__ import annotations

import io
import json
import math
import re
import secrets
import struct
import uuid
import wave
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import httpx
from playwright.async_api import Browser, Page, Request, expect

from services.contracts.identity import Role
from tests.e2e.conftest import CENTER, api_client
from tests.e2e.helpers import COUNT_POINTER_EVENTS, Watched, focused, open_page, sms_code, until
from tests.support.platform import Platform, eventually

RATE = 8_000
BEIJING = "Asia/Shanghai"  # dates and deadlines as the admins of the seeds read them


def wav(seconds: float, pitch_hz: float = 440.0) -> bytes:
    """A quiet tone as 16-bit mono PCM WAV (what the kiosk plays)."""
    frames = int(seconds * RATE)
    samples = b"".join(
        struct.pack("<h", int(6000 * math.sin(2 * math.pi * pitch_hz * n / RATE)))
        for n in range(frames)
    )
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(samples)
    return buffer.getvalue()


def center_admin(platform: Platform) -> httpx.AsyncClient:
    """A center admin of the e2e county: publishes without review, to the whole county."""
    return api_client(
        platform,
        platform.token(Role.center_admin, CENTER, sub=f"e2e-center-{uuid.uuid4().hex[:6]}"),
    )


async def upload_wav(client: httpx.AsyncClient, seconds: float, name: str = "lecture.wav") -> str:
    response = await client.post("/api/v1/media", files={"file": (name, wav(seconds), "audio/wav")})
    assert response.status_code == 201, response.text
    media_id: str = response.json()["media_id"]
    return media_id


async def publish(client: httpx.AsyncClient, **body: Any) -> dict[str, Any]:
    response = await client.post("/api/v1/content", json=body)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def publish_audio(
    client: httpx.AsyncClient, title: str, seconds: float, **extra: Any
) -> dict[str, Any]:
    media_id = await upload_wav(client, seconds)
    return await publish(
        client,
        title=title,
        section=extra.pop("section", "health"),
        kind="audio",
        summary=extra.pop("summary", "端到端测试用的音频讲座。"),
        media_id=media_id,
        **extra,
    )


async def hot_scores(platform: Platform, site: str) -> list[tuple[str, float]]:
    """The county hot list of `site`, as (content id, score), hottest first."""
    async with api_client(platform) as anyone:
        response = await anyone.get("/api/v1/catalog/hot", params={"site": site, "limit": 10})
    assert response.status_code == 200, response.text
    return [(item["content"]["id"], item["score"]) for item in response.json()["items"]]


async def make_hottest(platform: Platform, site: str, content_id: str) -> None:
    """Residents of `site` play the item until it heads their county's hot list (as many
    plays as the current top item's score, whatever other tests of the session played)."""
    for _round in range(5):
        board = dict(await hot_scores(platform, site))
        top = max(board.values(), default=0.0)
        needed = int(top - board.get(content_id, 0.0)) + 3
        while needed > 0:  # at most 50 plays per resident (the API allows 240 a minute)
            token = platform.token(Role.resident, site, sub=f"e2e-fan-{uuid.uuid4().hex[:8]}")
            async with api_client(platform, token) as fan:
                for _ in range(min(needed, 50)):
                    play = {"event_id": str(uuid.uuid4()), "content_id": content_id}
                    response = await fan.post("/api/v1/plays", json={**play, "action": "play"})
                    assert response.status_code == 202, response.text
            needed -= 50
        ranked = await eventually(
            lambda: hot_scores(platform, site),
            lambda scores: scores[:1] != [] and scores[0][0] == content_id,
            timeout_s=5,
        )
        if ranked and ranked[0][0] == content_id:
            return
    raise AssertionError(f"{content_id} never reached the top of the hot list")


async def issue_kiosk(root: httpx.AsyncClient, station: str) -> str:
    issued = await root.post(
        "/api/v1/kiosk-devices",
        json={"station": station, "name": f"内容测试一体机{uuid.uuid4().hex[:6]}"},
    )
    assert issued.status_code == 201, issued.text
    token: str = issued.json()["device_token"]
    return token


async def open_kiosk(
    browser: Browser, platform: Platform, root: httpx.AsyncClient, station: str, idle_s: int = 120
) -> Watched:
    watched = await open_page(browser, 1280, 720)
    await watched.page.add_init_script(COUNT_POINTER_EVENTS)
    token = await issue_kiosk(root, station)
    await watched.page.goto(f"{platform.stack.gateway_url}/kiosk/#setup={token}&idle={idle_s}")
    await expect(watched.page.get_by_role("navigation", name="栏目")).to_be_visible()
    return watched


ARROW_TOWARDS = """(id) => {
  const box = (el) => {
    const r = el.getBoundingClientRect();
    return [r.left, r.top, r.right, r.bottom];
  };
  const target = document.querySelector(`[data-id="${CSS.escape(id)}"]`);
  return [box(document.activeElement), target ? box(target) : null];
}"""


async def walk_to(page: Page, target: str, limit: int = 30) -> int:
    """Press arrow keys (only) until the tile or key `target` (its data-id) has the focus;
    returns how many presses it took."""
    presses = 0
    while await focused(page) != target:
        assert presses < limit, f"{target} not reached after {limit} presses"
        here_id = await focused(page)
        here, there = await page.evaluate(ARROW_TOWARDS, target)
        assert there is not None, f"no element {target} on the screen"
        if there[1] >= here[3] - 4:
            key = "ArrowDown"
        elif there[3] <= here[1] + 4:
            key = "ArrowUp"
        elif there[0] >= here[2] - 4:
            key = "ArrowRight"
        else:
            key = "ArrowLeft"
        await page.keyboard.press(key)
        presses += 1
        moved = f"(document.activeElement?.dataset?.id ?? null) !== {json.dumps(here_id)}"
        await until(page, moved, 2)
    return presses


@dataclass
class Traffic:
    """The catalog calls a page made: play reports (their bodies) and resume lookups."""

    plays: list[dict[str, Any]] = field(default_factory=list)
    resumes: list[str] = field(default_factory=list)

    def watch(self, page: Page) -> None:
        page.on("request", self.seen)

    def seen(self, request: Request) -> None:
        if request.method == "POST" and request.url.endswith("/api/v1/plays"):
            report = request.post_data_json
            assert isinstance(report, dict), report
            self.plays.append(report)
        found = re.search(r"/api/v1/content/([0-9a-f-]{36})/resume$", request.url)
        if found:
            self.resumes.append(found.group(1))

    def actions(self, content_id: str) -> list[str]:
        return [p["action"] for p in self.plays if p["content_id"] == content_id]


async def resident_signs_in(page: Page, platform: Platform, site: str) -> str:
    """A resident opens the site's QR link, signs in by SMS code, lands on 首页."""
    phone = f"137{secrets.randbelow(10**8):08d}"
    await page.goto(f"{platform.stack.gateway_url}/m/?site={quote(site, safe='')}")
    await page.get_by_role("link", name="手机号登录").click()
    await page.get_by_label("手机号", exact=True).fill(phone)
    await page.get_by_role("button", name="获取验证码").click()
    code = await sms_code(platform.stack.data_dir / "sms" / "outbox.log", phone)
    await page.get_by_label("验证码", exact=True).fill(code)
    await page.get_by_role("button", name="登录", exact=True).click()
    await expect(page.get_by_role("combobox", name="搜索节目")).to_be_visible()
    return phone


async def access_token(page: Page, storage_key: str) -> str:
    token: str = await page.evaluate(
        f"JSON.parse(localStorage.getItem({storage_key!r})).access_token"
    )
    return token
