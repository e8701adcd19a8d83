"""(b) A bare FastAPI handler, served exactly like the gateway (services/gateway/__main__.py).

`python -m benchmarks.bare_app PORT` — uvicorn with its defaults (uvloop + httptools,
both installed by `uvicorn[standard]`), log_level warning, no access log, no proxy
headers; no middleware, no auth, no bus. `/bare` answers a body of the shape and size
of the ContentView the gateway returns for (c); `/ping` the body of the gateway's
`GET /api/v1/auth/ping` (the front-door overhead's bare reference, G1).
"""

from __future__ import annotations

import sys
from typing import Any

import uvicorn
from fastapi import FastAPI

ITEM: dict[str, Any] = {
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
}

# What the gateway's ping answers for the resident the benchmark signs in as.
PING: dict[str, Any] = {
    "sub": "bench-resident",
    "role": "resident",
    "site": "320000/320500/320582/320582102/320582102205/P01",
}

app = FastAPI()


@app.get("/bare")
async def bare() -> dict[str, Any]:
    return ITEM


@app.get("/ping")
async def ping() -> dict[str, Any]:
    return PING


def main() -> None:
    port = int(sys.argv[1])
    uvicorn.run(
        app, host="127.0.0.1", port=port, log_level="warning", access_log=False, proxy_headers=False
    )


if __name__ == "__main__":
    main()
