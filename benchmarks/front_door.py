"""G1: the gateway's own overhead on a route that never leaves it.

`GET /api/v1/auth/ping` (AnyCaller, no bus call) served by the real gateway process
(`python -m services.gateway` in the stack): bearer JWT check with the verified-token
cache, the revocation check, the scoping dependency, both rate limits (raised, still in
the path), request id, security headers, body limit, timeout middleware and — with
`WENMING_TRACING=true`, the default — the FastAPI instrumentation (spans created, no
exporter). The reference is the same answer from `bare_app`'s `/ping`: FastAPI +
uvicorn with the gateway's settings, nothing else. Tracing on is the stock gateway;
for tracing off the gateway is restarted with `WENMING_TRACING=false`, then restarted
stock again.
"""

from __future__ import annotations

from benchmarks import gateway_load, wrk
from benchmarks.results import Measurement
from benchmarks.stack import RESIDENT_SITE, BenchStack
from services.contracts.identity import Role

PING = "/api/v1/auth/ping"
BARE_PATH = "/ping"
TRACED, UNTRACED = "g1-on", "g1-off"
UNTRACED_ENV = {"WENMING_TRACING": "false"}


def ping_load(bench: BenchStack) -> wrk.HttpLoad:
    token = bench.token(Role.resident, RESIDENT_SITE)
    with bench.http(token) as client:
        answer = client.get(PING)
        answer.raise_for_status()
    return wrk.HttpLoad(url=bench.gateway_url + PING, token=token)


def measure(
    bench: BenchStack, levels: list[int], seconds: float, warmup_s: float
) -> dict[str, list[Measurement]]:
    load = ping_load(bench)
    results = {TRACED: gateway_load.reads(bench, TRACED, load, levels, seconds, warmup_s)}
    bench.restart("gateway", env=UNTRACED_ENV)
    try:
        bench.settle(("gateway",))
        results[UNTRACED] = gateway_load.reads(bench, UNTRACED, load, levels, seconds, warmup_s)
    finally:
        bench.restart("gateway")
    return results
