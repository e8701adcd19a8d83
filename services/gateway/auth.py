"""Who is calling: bearer JWTs verified on every route (signing is `runtime.tokens`)."""

from __future__ import annotations

from typing import Annotated

import jwt
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import ValidationError

from services.contracts.identity import Caller, Role
from services.runtime import tokens
from services.runtime.errors import AppError, forbidden

bearer = HTTPBearer(auto_error=False, description="JWT from the sign-in endpoints")


def invalid_token(reason: str) -> AppError:
    return AppError("invalid_token", 401, "登录已失效，请重新登录", f"invalid token: {reason}")


async def current_caller(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Caller:
    if credentials is None:
        raise AppError("unauthenticated", 401, "请先登录", "sign-in required")
    keys: tokens.TokenKeys = request.app.state.token_keys
    try:
        verified = tokens.verify(keys, credentials.credentials)
    except jwt.ExpiredSignatureError as exc:
        raise invalid_token("expired") from exc
    except (jwt.InvalidTokenError, ValidationError, KeyError) as exc:
        raise invalid_token(type(exc).__name__) from exc
    return verified.caller


CurrentCaller = Annotated[Caller, Depends(current_caller)]


def require_roles(*roles: Role) -> object:
    allowed = frozenset(roles)

    async def check(caller: CurrentCaller) -> Caller:
        if caller.role not in allowed:
            raise forbidden("您的角色无权执行此操作", "your role may not do this")
        return caller

    return Depends(check)
