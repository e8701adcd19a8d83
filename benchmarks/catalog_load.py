"""C2 search and hot list through the gateway, and C3 freshness (publish → searchable).

Realistic data first: the 235 titles of `tests/data/catalog_titles.py` (the search
quality corpus: 锡剧, 柔力球, 防诈骗 …), each published twice — as written and with a
town's name in front — by the admin of the center the resident reads from, through
`POST /api/v1/content` (16 at a time; the real write path: transaction, outbox,
search indexing). Video, audio and link titles are published as articles: those kinds
need a media link, which the catalog's link checker would then go out and probe.
Then play reports through `POST /api/v1/plays` (JetStream → the catalog's inbox → heat)
from residents of stations below the center, skewed so that a few items are hot.

C2 rotates wrk through many paths (`wrk.HttpLoad.paths`): the search queries of the
corpus of the kinds the issue names (Chinese, full pinyin, initials, homophones, pinyin
typos), as a resident; the hot list of several sites of the county, this week's and
the decayed one, with and without a section, anonymously (the route is public, as on
a kiosk's home screen).

C3 publishes items one at a time, each with a unique title, and polls the search for
that title (as a resident, every 5 ms) until the item is among the hits.
"""

from __future__ import annotations

import asyncio
import random
import time
import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlencode

import httpx

from benchmarks import wrk
from benchmarks.results import percentile
from benchmarks.stack import CENTER, RESIDENT_SITE, BenchStack
from services.contracts.catalog import ContentKind, PlayAction
from services.contracts.identity import Caller, Role
from services.runtime import tokens
from tests.data.catalog_titles import QUERIES, TITLES

SEARCH_KINDS = ("chinese", "pinyin", "initials", "homophone", "typo")
TOWNS = ("杨舍", "金港", "塘桥", "锦丰", "乐余", "凤凰", "南丰", "大新")
# Sites of the county whose hot list kiosks ask for (the county, a town, stations).
HOT_SITES = (
    CENTER,
    f"{CENTER}/320582102",
    f"{CENTER}/320582102/320582102205",
    RESIDENT_SITE,
    f"{CENTER}/320582103/320582103201",
    f"{CENTER}/320582104/320582104210/P03",
)
VIEWERS = 24
PLAYED_ITEMS = 40  # ≤ the hot list's limit, so its plays add up to those reported
PLAYS = 480
PUBLISH_CONCURRENCY = 16
HOT_WAIT_S = 30.0
FRESH_ITEMS = 50
FRESH_TIMEOUT_S = 5.0
FRESH_POLL_S = 0.005
WORDS = ("柔力球", "锡剧", "剪纸", "书法", "评弹", "太极拳", "防诈骗", "广场舞", "八段锦", "合唱")


@dataclass(frozen=True)
class CatalogLoad:
    items: int
    publish_s: float
    plays: int
    plays_applied_s: float | None
    search: wrk.HttpLoad
    hot: wrk.HttpLoad

    def describe(self) -> str:
        applied = (
            f"heat caught up {self.plays_applied_s:.1f} s after the last report"
            if self.plays_applied_s is not None
            else f"heat NOT caught up after {HOT_WAIT_S:.0f} s"
        )
        return (
            f"{self.items} items published in {self.publish_s:.1f} s "
            f"({self.items / self.publish_s:.0f}/s, {PUBLISH_CONCURRENCY} at a time); "
            f"{self.plays} play reports on {PLAYED_ITEMS} items, {applied}; "
            f"{len(self.search.paths)} search paths, {len(self.hot.paths)} hot-list paths"
        )


@dataclass
class Freshness:
    """C3: publish → searchable, per item, in ms."""

    latencies_ms: list[float] = field(default_factory=list)
    publish_ms: list[float] = field(default_factory=list)
    polls: list[int] = field(default_factory=list)
    missing: int = 0

    @property
    def p50_ms(self) -> float:
        return percentile(sorted(self.latencies_ms), 50)

    @property
    def p99_ms(self) -> float:
        return percentile(sorted(self.latencies_ms), 99)

    @property
    def max_ms(self) -> float:
        return max(self.latencies_ms, default=0.0)

    @property
    def publish_p50_ms(self) -> float:
        return percentile(sorted(self.publish_ms), 50)


def _token(bench: BenchStack, sub: str, role: Role, site: str) -> str:
    return tokens.mint(bench.keys, Caller(sub=sub, role=role, site=site), ttl_s=3 * 3600)


def _bodies() -> list[dict[str, Any]]:
    bodies = []
    for copy in range(2):
        for n, title in enumerate(TITLES):
            kind = title.kind if title.kind in (ContentKind.article, ContentKind.series) else None
            text = title.title if copy == 0 else f"{TOWNS[n % len(TOWNS)]}：{title.title}"
            bodies.append(
                {
                    "title": text[:120],
                    "section": title.section.value,
                    "kind": (kind or ContentKind.article).value,
                    "summary": f"{text}。基准测试数据 benchmark corpus",
                }
            )
    return bodies


async def _publish_all(bench: BenchStack, token: str, bodies: list[dict[str, Any]]) -> list[str]:
    gate = asyncio.Semaphore(PUBLISH_CONCURRENCY)
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(
        base_url=bench.gateway_url, headers=headers, timeout=30.0
    ) as client:

        async def one(body: dict[str, Any]) -> str:
            async with gate:
                response = await client.post("/api/v1/content", json=body)
                response.raise_for_status()
                return str(response.json()["id"])

        return list(await asyncio.gather(*(one(body) for body in bodies)))


async def _report_plays(bench: BenchStack, ids: list[str], rng: random.Random) -> int:
    """Play reports from VIEWERS residents, Zipf-like over PLAYED_ITEMS items.

    Returns how many were `play` actions (what this week's plays of the list add to).
    """
    played = rng.sample(ids, PLAYED_ITEMS)
    weights = [1 / (rank + 1) for rank in range(PLAYED_ITEMS)]
    stations = [s for s in HOT_SITES if s.count("/") >= 4]
    plays = 0
    gate = asyncio.Semaphore(PUBLISH_CONCURRENCY)
    async with httpx.AsyncClient(base_url=bench.gateway_url, timeout=30.0) as client:
        viewers = [
            _token(bench, f"bench-viewer-{v:02d}", Role.resident, stations[v % len(stations)])
            for v in range(VIEWERS)
        ]
        reports = []
        for n in range(PLAYS):
            action = rng.choices(
                [PlayAction.play, PlayAction.complete, PlayAction.like], weights=[8, 2, 1]
            )[0]
            plays += action is PlayAction.play
            reports.append((viewers[n % VIEWERS], rng.choices(played, weights)[0], action))

        async def one(token: str, content_id: str, action: PlayAction) -> None:
            body = {"event_id": str(uuid.uuid4()), "content_id": content_id, "action": action}
            async with gate:
                response = await client.post(
                    "/api/v1/plays", json=body, headers={"Authorization": f"Bearer {token}"}
                )
                response.raise_for_status()

        await asyncio.gather(*(one(*report) for report in reports))
    return plays


def _hot_plays(client: httpx.Client) -> int:
    response = client.get(
        "/api/v1/catalog/hot", params={"site": CENTER, "week": "true", "limit": 50}
    )
    response.raise_for_status()
    return sum(int(item["plays_week"]) for item in response.json()["items"])


def prepare(bench: BenchStack) -> CatalogLoad:
    admin = bench.token(Role.center_admin, CENTER)
    resident = bench.token(Role.resident, RESIDENT_SITE)
    rng = random.Random(20260301)
    bodies = _bodies()
    started = time.monotonic()
    ids = asyncio.run(_publish_all(bench, admin, bodies))
    publish_s = time.monotonic() - started
    plays = asyncio.run(_report_plays(bench, ids, rng))
    reported = time.monotonic()
    applied: float | None = None
    with httpx.Client(base_url=bench.gateway_url, timeout=10.0) as client:
        while time.monotonic() - reported < HOT_WAIT_S:
            if _hot_plays(client) >= plays:
                applied = time.monotonic() - reported
                break
            time.sleep(0.1)
    search_paths = tuple(
        "/api/v1/catalog/search?q=" + quote(query.text, safe="")
        for query in QUERIES
        if query.kind in SEARCH_KINDS and query.text.strip()
    )
    hot_paths = tuple(
        "/api/v1/catalog/hot?" + urlencode(params)
        for site in HOT_SITES
        for params in (
            {"site": site},
            {"site": site, "week": "true"},
            {"site": site, "section": "health"},
            {"site": site, "section": "culture", "week": "true"},
        )
    )
    base = bench.gateway_url
    search = wrk.HttpLoad(url=base + search_paths[0], token=resident, paths=search_paths)
    hot = wrk.HttpLoad(url=base + hot_paths[0], paths=hot_paths)
    _check(bench, search, hot)
    return CatalogLoad(len(ids), publish_s, PLAYS, applied, search, hot)


def _check(bench: BenchStack, search: wrk.HttpLoad, hot: wrk.HttpLoad) -> None:
    """Every path answers 200 (a 4xx would make wrk measure the error path)."""
    with httpx.Client(base_url=bench.gateway_url, timeout=10.0) as client:
        for load in (search, hot):
            headers = {"Authorization": f"Bearer {load.token}"} if load.token else {}
            for path in load.paths:
                response = client.get(path, headers=headers)
                if response.status_code != 200:
                    raise RuntimeError(f"GET {path} → {response.status_code}: {response.text}")


def freshness(bench: BenchStack, items: int = FRESH_ITEMS) -> Freshness:
    """C3: publish `items` one by one; for each, poll the search until it is found."""
    admin = bench.token(Role.center_admin, CENTER)
    resident = bench.token(Role.resident, RESIDENT_SITE)
    rng = random.Random(20260302)
    stamp = uuid.uuid4().hex[:6]
    out = Freshness()
    with bench.http(admin) as publisher, bench.http(resident) as reader:
        for n in range(items):
            title = f"新鲜度探针{stamp}第{n:03d}号：{rng.choice(WORDS)}{rng.choice(WORDS)}"
            body = {"title": title, "section": "culture", "kind": "article"}
            started = time.perf_counter()
            created = publisher.post("/api/v1/content", json=body)
            created.raise_for_status()
            published = time.perf_counter()
            item_id = created.json()["id"]
            polls = 0
            while True:
                polls += 1
                found = reader.get("/api/v1/catalog/search", params={"q": title, "limit": 50})
                found.raise_for_status()
                if any(hit["content"]["id"] == item_id for hit in found.json()["items"]):
                    break
                if time.perf_counter() - started > FRESH_TIMEOUT_S:
                    out.missing += 1
                    break
                time.sleep(FRESH_POLL_S)
            took_ms = (time.perf_counter() - started) * 1000
            out.latencies_ms.append(took_ms)
            out.publish_ms.append((published - started) * 1000)
            out.polls.append(polls)
    return out
