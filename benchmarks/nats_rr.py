"""(a) Bare NATS request/reply: a trivial nats-py responder and a nats-py load client.

    python -m benchmarks.nats_rr respond NATS_URL
    python -m benchmarks.nats_rr load NATS_URL CLIENTS SECONDS WARMUP_SECONDS

The responder runs on the default asyncio loop, like the services (`asyncio.run`);
the load client runs on uvloop to be as cheap as a Python client can be. Payload
sizes match the gateway's content.get request (~200 B) and reply (~400 B). The load
client prints one JSON line with the count and latencies of the measured window.
"""

from __future__ import annotations

import asyncio
import json
import signal
import sys
import time
from collections.abc import Coroutine
from typing import Any

import nats
import uvloop

from benchmarks.results import percentile

SUBJECT = "bench.rr.echo"
REQUEST = json.dumps(
    {
        "caller": {"sub": "bench-resident", "role": "resident", "site": "320000/320500/320582"},
        "idempotency_key": None,
        "data": {"id": "01980000-0000-7000-8000-000000000000"},
    }
).encode()
REPLY = json.dumps(
    {
        "ok": True,
        "data": {
            "id": "01980000-0000-7000-8000-000000000000",
            "title": "基准测试内容 benchmark item",
            "section": "health",
            "kind": "article",
            "summary": "分解动作",
            "media_url": None,
            "site": "320000/320500/320582",
            "scope": "320000/320500/320582",
            "status": "published",
            "published_at": "2026-01-01T00:00:00Z",
        },
        "error": None,
    }
).encode()


async def respond(url: str) -> None:
    client = await nats.connect(url, name="bench-responder")
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)

    async def echo(msg: Any) -> None:
        await msg.respond(REPLY)

    await client.subscribe(SUBJECT, queue="bench", cb=echo)
    await client.flush()
    print("ready", flush=True)
    await stop.wait()
    await client.drain()


async def load(url: str, clients: int, seconds: float, warmup_s: float) -> dict[str, Any]:
    client = await nats.connect(url, name="bench-load")
    latencies: list[float] = []
    errors = 0
    begin = time.perf_counter() + warmup_s
    end = begin + seconds

    async def worker() -> None:
        nonlocal errors
        while True:
            start = time.perf_counter()
            if start >= end:
                return
            try:
                await client.request(SUBJECT, REQUEST, timeout=5.0)
            except Exception:
                errors += 1
                continue
            if start >= begin:
                latencies.append(time.perf_counter() - start)

    await asyncio.gather(*(worker() for _ in range(clients)))
    await client.close()
    latencies.sort()
    return {
        "requests": len(latencies),
        "seconds": seconds,
        "p50_ms": percentile(latencies, 50) * 1000,
        "p99_ms": percentile(latencies, 99) * 1000,
        "errors": errors,
    }


def _run(coro: Coroutine[Any, Any, Any], use_uvloop: bool) -> Any:
    if use_uvloop:
        return uvloop.run(coro)
    return asyncio.run(coro)


def main(argv: list[str]) -> None:
    mode, url = argv[0], argv[1]
    if mode == "respond":
        _run(respond(url), use_uvloop=False)
        return
    clients, seconds, warmup_s = int(argv[2]), float(argv[3]), float(argv[4])
    print(json.dumps(_run(load(url, clients, seconds, warmup_s), use_uvloop=True)), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
