"""(c) read from the catalog's read model, (d) read through to MongoDB, (e) create.

All three go through the real gateway (JWT check, middlewares, tracing) and the bus.
(e) is measured end to end: from the start of the load until the evaluation service's
count for the load's own center — read through the gateway — equals the number of
items the catalog committed, so the outbox relay, JetStream (fsync on every write)
and the evaluation consumer's transaction are all inside the figure.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass

import httpx

from benchmarks import wrk
from benchmarks.results import Measurement
from benchmarks.stack import CENTER, RESIDENT_SITE, BenchStack
from services.contracts.identity import Role

ITEM = {
    "title": "基准测试：柔力球入门教学",
    "section": "health",
    "kind": "article",
    "summary": "分解动作，适合社区晨练。benchmark item",
}
CATCH_UP_TIMEOUT_S = 90.0
POLL_S = 0.025
STABLE_S = 0.5


@dataclass(frozen=True)
class Reads:
    cached: wrk.HttpLoad
    fresh: wrk.HttpLoad


def prepare_reads(bench: BenchStack) -> Reads:
    """One item published by the center admin, read by a resident below the center."""
    admin = bench.token(Role.center_admin, CENTER)
    resident = bench.token(Role.resident, RESIDENT_SITE)
    with bench.http(admin) as client:
        created = client.post("/api/v1/content", json=ITEM)
        created.raise_for_status()
        item_id = created.json()["id"]
        fresh = client.get(f"/api/v1/content/{item_id}/fresh")
        fresh.raise_for_status()
    with bench.http(resident) as client:
        client.get(f"/api/v1/content/{item_id}").raise_for_status()
    base = f"{bench.gateway_url}/api/v1/content/{item_id}"
    return Reads(
        cached=wrk.HttpLoad(url=base, token=resident),
        fresh=wrk.HttpLoad(url=f"{base}/fresh", token=admin),
    )


def reads(
    bench: BenchStack,
    scenario: str,
    load: wrk.HttpLoad,
    levels: list[int],
    seconds: float,
    warmup_s: float,
) -> list[Measurement]:
    if warmup_s > 0:
        wrk.run(scenario, load, 16, warmup_s)
    return [wrk.run_windows(scenario, load, clients, seconds) for clients in levels]


def _site_count(client: httpx.Client, site: str) -> int:
    response = client.get("/api/v1/stats/site", params={"site": site})
    response.raise_for_status()
    return int(response.json()["published_content"])


def create_load(bench: BenchStack, center: str) -> wrk.HttpLoad:
    return wrk.HttpLoad(
        url=f"{bench.gateway_url}/api/v1/content",
        method="POST",
        body=json.dumps(ITEM, ensure_ascii=False),
        token=bench.token(Role.center_admin, center),
    )


def wait_caught_up(
    bench: BenchStack, center: str, token: str, total_before: int
) -> tuple[int, float | None]:
    """(items the catalog committed, monotonic time the evaluation count reached them).

    Requests still queued when wrk stops keep being served (the gateway finishes a
    request whose client went away), so "committed" is the catalog's count once it has
    not moved for STABLE_S; the catch-up time is the first poll that saw the evaluation
    count at that number.
    """
    deadline = time.monotonic() + CATCH_UP_TIMEOUT_S
    committed, stable_since = -1, time.monotonic()
    seen: list[tuple[float, int]] = []
    with bench.http(token) as client:
        while time.monotonic() < deadline:
            seen.append((time.monotonic(), _site_count(client, center)))
            current = bench.catalog_total() - total_before
            if current != committed:
                committed, stable_since = current, time.monotonic()
            elif time.monotonic() - stable_since >= STABLE_S and seen[-1][1] >= committed:
                return committed, next(t for t, n in seen if n >= committed)
            time.sleep(POLL_S)
    return committed, None


def creates(
    bench: BenchStack, levels: list[int], seconds: float, warmup_s: float
) -> list[Measurement]:
    if warmup_s > 0:
        center = bench.fresh_center()
        load = create_load(bench, center)
        with bench.http(load.token) as client:
            client.post("/api/v1/content", json=ITEM).raise_for_status()
        total_before = bench.catalog_total()
        wrk.run("e", load, 16, warmup_s)
        wait_caught_up(bench, center, load.token, total_before)
    return [create_once(bench, clients, seconds)[0] for clients in levels]


def create_once(
    bench: BenchStack,
    clients: int,
    seconds: float,
    scenario: str = "e",
    mark: Callable[[str], None] | None = None,
) -> tuple[Measurement, int]:
    """One (e) run at `clients`: the measurement and how many items were committed.

    `mark("start")` / `mark("end")` are called right before and after the load.
    """
    center = bench.fresh_center()
    load = create_load(bench, center)
    total_before = bench.catalog_total()
    if mark is not None:
        mark("start")
    started = time.monotonic()
    measured = wrk.run(scenario, load, clients, seconds)
    load_ended = time.monotonic()
    if mark is not None:
        mark("end")
    committed, caught_up = wait_caught_up(bench, center, load.token, total_before)
    if caught_up is None:
        measured.notes.append(f"evaluation not caught up after {CATCH_UP_TIMEOUT_S:.0f}s")
        measured.end_to_end_per_s = 0.0
    else:
        measured.end_to_end_per_s = committed / (caught_up - started)
        measured.notes.append(
            f"{committed} created; count caught up {caught_up - load_ended:.2f}s after load"
        )
    return measured, committed
