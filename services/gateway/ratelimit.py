"""Rate limits (the `limits` library, in memory): per client on every API call, and
tighter per route where abuse costs (sign-in, codes). Over the limit → 429 with
Retry-After, before any service is asked.

Several gateway replicas would share a `limits` storage (Redis/Memcached) instead.
"""

from __future__ import annotations

import math
import time
from typing import Any

from fastapi import Depends, Request
from limits import RateLimitItem, parse
from limits.aio import storage, strategies

from services.runtime.errors import AppError


class RateLimiter:
    def __init__(self, per_address: str, per_caller: str) -> None:
        self._limiter = strategies.FixedWindowRateLimiter(storage.MemoryStorage())
        self.per_address = parse(per_address)
        self.per_caller = parse(per_caller)

    async def hit(self, item: RateLimitItem, *keys: str) -> int:
        """0 when allowed, else the seconds until the window resets."""
        if await self._limiter.hit(item, *keys):
            return 0
        reset = (await self._limiter.get_window_stats(item, *keys)).reset_time
        return max(1, math.ceil(reset - time.time()))


def too_many(retry_after: int) -> AppError:
    return AppError(
        "rate_limited",
        429,
        f"请求过于频繁，请 {retry_after} 秒后再试",
        f"too many requests; retry after {retry_after}s",
        headers={"Retry-After": str(retry_after)},
    )


def client_address(request: Request) -> str:
    return request.client.host if request.client else "-"


def limit(name: str, rate: str) -> Any:
    """A per-route limit, `rate` like "10/minute", keyed by client address (for routes
    anyone may call; `auth.limit_per_caller` keys signed-in routes by caller)."""
    item = parse(rate)

    async def check(request: Request) -> None:
        await hit(request, item, name, client_address(request))

    return Depends(check)


async def hit(request: Request, item: RateLimitItem, name: str, key: str) -> None:
    limiter: RateLimiter = request.app.state.rate_limiter
    wait = await limiter.hit(item, name, key)
    if wait:
        raise too_many(wait)


async def per_address(request: Request) -> None:
    """Applied to every API route: a ceiling per client address."""
    limiter: RateLimiter = request.app.state.rate_limiter
    await hit(request, limiter.per_address, "api", client_address(request))


async def per_caller(request: Request, sub: str) -> None:
    """Applied once the caller is known: a ceiling per signed-in caller."""
    limiter: RateLimiter = request.app.state.rate_limiter
    await hit(request, limiter.per_caller, "caller", sub)
