"""Sign-in, refresh, logout and "who am I" (登录).

Admins sign in with a password, residents and volunteers with a phone code, kiosks
with their device token. Each success starts a session in the accounts service; the
gateway turns it into a 15-minute access token and a refresh token.
"""

from __future__ import annotations

import time
from typing import Annotated

import jwt
from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from services.contracts import accounts as c
from services.contracts.envelope import Empty
from services.contracts.identity import ADMIN_ROLES, Caller, Role
from services.gateway.auth import (
    AnyCaller,
    CurrentToken,
    Public,
    allow,
    invalid_token,
    limit_per_caller,
)
from services.gateway.bus import BusClient
from services.gateway.deps import Bus
from services.gateway.errors import ERROR_RESPONSES
from services.gateway.ratelimit import client_address, limit
from services.runtime import tokens

# Accounts with a password: every admin level, and ops.
PasswordHolder = Annotated[Caller, allow(*ADMIN_ROLES, Role.ops)]

router = APIRouter(prefix="/api/v1/auth", tags=["auth 登录"], responses=ERROR_RESPONSES)

ACCESS_TTL_S = tokens.ACCESS_TTL_S


class TokenPair(BaseModel):
    access_token: str
    refresh_token: str
    token_type: str = "bearer"  # noqa: S105 - the OAuth token type, not a secret
    expires_in: int = Field(description="seconds the access token lives")
    caller: Caller
    display_name: str


class RefreshBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    refresh_token: Annotated[str, StringConstraints(min_length=20, max_length=2048)]


def issue(request: Request, signed: c.SignedIn) -> TokenPair:
    keys: tokens.TokenKeys = request.app.state.token_keys
    session_left = int(signed.session_expires_at.timestamp() - time.time())
    access = tokens.mint(keys, signed.caller, ttl_s=ACCESS_TTL_S, extra={"sid": signed.session_id})
    refresh = tokens.mint(
        keys,
        signed.caller,
        kind="refresh",
        ttl_s=max(60, session_left),
        extra={"sid": signed.session_id, "rid": signed.refresh_id},
    )
    return TokenPair(
        access_token=access,
        refresh_token=refresh,
        expires_in=ACCESS_TTL_S,
        caller=signed.caller,
        display_name=signed.display_name,
    )


async def start_session(
    request: Request, bus: BusClient, action: str, body: BaseModel
) -> TokenPair:
    """Ask the accounts service to start a session, and turn it into tokens."""
    signed = await bus.call(
        c.SERVICE, action, body, None, c.SignedIn, client=client_address(request)
    )
    return issue(request, signed)


@router.post(
    "/admin/sign-in",
    summary="管理员密码登录 admin sign-in",
    dependencies=[limit("auth.admin", "10/minute")],
)
async def admin_sign_in(body: c.AdminSignIn, request: Request, bus: Bus, _: Public) -> TokenPair:
    return await start_session(request, bus, c.RPC_ADMIN_SIGN_IN, body)


@router.post(
    "/phone/code",
    status_code=202,
    summary="发送短信验证码 send a sign-in code",
    dependencies=[limit("auth.code", "5/minute")],
)
async def phone_code(body: c.PhoneCodeRequest, request: Request, bus: Bus, _: Public) -> c.CodeSent:
    return await bus.call(
        c.SERVICE, c.RPC_PHONE_CODE, body, None, c.CodeSent, client=client_address(request)
    )


@router.post(
    "/phone/sign-in",
    summary="手机验证码登录 phone sign-in",
    dependencies=[limit("auth.phone", "20/minute")],
)
async def phone_sign_in(body: c.PhoneSignIn, request: Request, bus: Bus, _: Public) -> TokenPair:
    return await start_session(request, bus, c.RPC_PHONE_SIGN_IN, body)


@router.post(
    "/kiosk/sign-in",
    summary="一体机授权登录 kiosk sign-in",
    dependencies=[limit("auth.kiosk", "20/minute")],
)
async def kiosk_sign_in(body: c.KioskSignIn, request: Request, bus: Bus, _: Public) -> TokenPair:
    return await start_session(request, bus, c.RPC_KIOSK_SIGN_IN, body)


@router.post(
    "/refresh",
    summary="刷新登录 refresh the tokens",
    dependencies=[limit("auth.refresh", "30/minute")],
)
async def refresh(body: RefreshBody, request: Request, bus: Bus, _: Public) -> TokenPair:
    keys: tokens.TokenKeys = request.app.state.token_keys
    try:
        verified = tokens.verify(keys, body.refresh_token, kind="refresh")
        command = c.SessionRefresh(
            session_id=verified.claims["sid"], refresh_id=verified.claims["rid"]
        )
    except (jwt.InvalidTokenError, KeyError, ValueError) as exc:
        raise invalid_token("refresh token refused") from exc
    signed = await bus.call(
        c.SERVICE, c.RPC_SESSION_REFRESH, command, None, c.SignedIn, client=client_address(request)
    )
    return issue(request, signed)


@router.post("/logout", status_code=204, summary="退出登录 end this session")
async def logout(caller: AnyCaller, token: CurrentToken, request: Request, bus: Bus) -> Response:
    session_id = token.claims.get("sid")
    if session_id:
        await bus.call(
            c.SERVICE, c.RPC_SESSION_END, c.SessionRef(session_id=session_id), caller, Empty
        )
        request.app.state.revocations.add(session_id, token.expires_at)
    return Response(status_code=204)


@router.get("/me", summary="我的账号 who am I")
async def me(caller: AnyCaller, bus: Bus) -> c.Me:
    return await bus.call(c.SERVICE, c.RPC_ME, Empty(), caller, c.Me)


@router.post(
    "/password",
    status_code=204,
    summary="修改密码 change my password",
    dependencies=[limit_per_caller("auth.password", "5/minute")],
)
async def change_password(body: c.PasswordChange, caller: PasswordHolder, bus: Bus) -> Response:
    await bus.call(c.SERVICE, c.RPC_PASSWORD_CHANGE, body, caller, Empty)
    return Response(status_code=204)


class Ping(BaseModel):
    sub: str
    role: str
    site: str


@router.get("/ping", summary="检查登录状态 check the access token (no bus call)")
async def ping(caller: AnyCaller) -> Ping:
    return Ping(sub=caller.sub, role=caller.role.value, site=caller.site)
