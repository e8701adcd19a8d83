"""Who is calling, and may they call this route.

Every route declares its access with `allow(...)` (signed-in callers of these roles)
or `public()` (anyone); the access-matrix test fails for a route that declares
neither. Access tokens are EdDSA JWTs (`runtime.tokens`) checked locally, plus the
in-memory list of revoked sessions.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Coroutine
from typing import Annotated, Any

import jwt
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from limits import parse
from pydantic import ValidationError

from services.contracts.identity import ADMIN_ROLES, Caller, Role
from services.gateway.ratelimit import hit, per_caller
from services.gateway.revocations import Revocations
from services.runtime import tokens
from services.runtime.errors import AppError, forbidden

bearer = HTTPBearer(auto_error=False, description="access token from the sign-in endpoints")

ALL_ROLES = frozenset(Role)
PEOPLE = frozenset({Role.resident, Role.volunteer, Role.team_lead})


def invalid_token(reason: str) -> AppError:
    return AppError("invalid_token", 401, "登录已失效，请重新登录", f"invalid token: {reason}")


class VerifiedTokens:
    """Tokens already verified, reused until they expire: clients send the same access
    token for 15 minutes, and an EdDSA check costs ~150 µs. Only tokens that passed
    verification are kept, so a forged one is never admitted; revocation and rate
    limits are still checked on every request."""

    def __init__(self, capacity: int = 10_000) -> None:
        self._known: dict[str, tokens.VerifiedToken] = {}
        self._capacity = capacity

    def get(self, token: str) -> tokens.VerifiedToken | None:
        known = self._known.get(token)
        if known is not None and known.expires_at <= time.time():
            del self._known[token]
            return None
        return known

    def add(self, token: str, verified: tokens.VerifiedToken) -> None:
        if len(self._known) >= self._capacity:
            self._known.clear()
        self._known[token] = verified


def _verify(request: Request, token: str) -> tokens.VerifiedToken:
    cache: VerifiedTokens = request.app.state.verified_tokens
    known = cache.get(token)
    if known is not None:
        return known
    keys: tokens.TokenKeys = request.app.state.token_keys
    try:
        verified = tokens.verify(keys, token)
    except jwt.ExpiredSignatureError as exc:
        raise invalid_token("expired") from exc
    except (jwt.InvalidTokenError, ValidationError, KeyError) as exc:
        raise invalid_token(type(exc).__name__) from exc
    cache.add(token, verified)
    return verified


def verify_access(request: Request, token: str) -> tokens.VerifiedToken:
    verified = _verify(request, token)
    revocations: Revocations = request.app.state.revocations
    if revocations.revoked(verified.claims.get("sid")):
        raise invalid_token("session ended")
    return verified


async def current_token(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> tokens.VerifiedToken:
    if credentials is None:
        raise AppError("unauthenticated", 401, "请先登录", "sign-in required")
    verified = verify_access(request, credentials.credentials)
    await per_caller(request, verified.caller.sub)
    return verified


CurrentToken = Annotated[tokens.VerifiedToken, Depends(current_token)]

Check = Callable[..., Coroutine[Any, Any, Caller]]


def limit_per_caller(name: str, rate: str) -> Any:
    """A per-route limit keyed by the signed-in caller (resolved first, so the key is
    the caller even when the route lists the limit among its `dependencies`)."""
    item = parse(rate)

    async def check(request: Request, token: CurrentToken) -> None:
        await hit(request, item, name, f"sub:{token.caller.sub}")

    return Depends(check)


def allow(*roles: Role) -> Any:
    """`Depends` that admits signed-in callers of `roles` (403 for other roles)."""
    allowed = frozenset(roles)

    async def check(token: CurrentToken) -> Caller:
        if token.caller.role not in allowed:
            raise forbidden("您的角色无权执行此操作", "your role may not do this")
        return token.caller

    check.access_roles = allowed  # type: ignore[attr-defined]
    return Depends(check)


async def _anyone() -> None:
    return None


_anyone.access_roles = None  # type: ignore[attr-defined]


def public() -> Any:
    """`Depends` marking a route open to anyone (sign-in, public site info, pages)."""
    return Depends(_anyone)


AnyCaller = Annotated[Caller, allow(*ALL_ROLES)]
Admin = Annotated[Caller, allow(*ADMIN_ROLES)]
OpsCaller = Annotated[Caller, allow(Role.ops)]
Person = Annotated[Caller, allow(*PEOPLE)]
Viewer = Annotated[Caller, allow(*(ALL_ROLES - {Role.ops}))]
Public = Annotated[None, public()]
