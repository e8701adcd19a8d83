"""Residents and volunteers sign in with their phone and a one-time SMS code.

Phones are stored encrypted and found by a keyed hash (PIPL); codes are stored hashed.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import asdict
from datetime import UTC, datetime

from services.accounts.domain import codes
from services.accounts.store import CODE_CLIENTS, CODES, PEOPLE
from services.accounts.usecases import sessions
from services.accounts.usecases.context import Context
from services.accounts.usecases.sites import require_active
from services.contracts.accounts import CodeSent, PhoneCodeRequest, PhoneSignIn, SignedIn
from services.contracts.identity import Caller, Role
from services.runtime import sites
from services.runtime.errors import AppError
from services.runtime.mongo import Document, Session

SMS_TEXT = "【文明实践云】您的登录验证码是 {code}，5分钟内有效。如非本人操作请忽略。"


def too_soon(seconds: int) -> AppError:
    return AppError(
        "code_rate_limited",
        429,
        f"验证码发送过于频繁，请 {seconds} 秒后再试",
        f"too many codes; try again in {seconds}s",
        details=[{"retry_after_s": seconds}],
    )


def code_refused(reason: str) -> AppError:
    zh = {
        "expired": "验证码已过期，请重新获取",
        "used": "验证码已使用，请重新获取",
        "too_many_tries": "验证码错误次数过多，请重新获取",
    }.get(reason, "验证码不正确")
    return AppError("code_refused", 401, zh, f"sign-in code refused: {reason}")


def _day(now: float) -> str:
    return time.strftime("%Y-%m-%d", time.gmtime(now))


def _hour(now: float) -> int:
    return int(now // 3600)


async def send_code(ctx: Context, request: PhoneCodeRequest, client: str) -> CodeSent:
    now = ctx.now()
    index = ctx.cipher.blind_index(request.phone)
    current = await ctx.store.codes.find_one({"_id": index})
    sent_today = current["sent_today"] if current and current["day"] == _day(now) else 0
    client_key = f"{client or '-'}:{_hour(now)}"
    by_client = await ctx.store.code_clients.find_one({"_id": client_key})
    client_count: int = by_client["count"] if by_client else 0
    wait = codes.retry_after(
        current["issued_at"] if current else None, sent_today, client_count, now
    )
    if wait:
        raise too_soon(wait)
    code = codes.new_code()
    issued = codes.issue(ctx.code_secret, index, code, now)
    doc = {
        "_id": index,
        **asdict(issued),
        "day": _day(now),
        "sent_today": sent_today + 1,
        "version": current.get("version") if current else None,
    }

    async def write(session: Session) -> None:
        await ctx.store.replace(session, CODES, doc)
        await ctx.store.replace(
            session,
            CODE_CLIENTS,
            {
                "_id": client_key,
                "count": client_count + 1,
                "version": by_client.get("version") if by_client else None,
            },
        )

    await ctx.store.mongo.transaction(write)
    await ctx.sms.send(request.phone, SMS_TEXT.format(code=code))
    return CodeSent(sent=True, retry_after_s=codes.RESEND_AFTER_S, expires_in_s=codes.CODE_TTL_S)


async def _spend_code(ctx: Context, index: str, code: str) -> None:
    doc = await ctx.store.codes.find_one({"_id": index})
    if doc is None:
        raise code_refused("none")
    fields = {k: doc[k] for k in ("code_hash", "issued_at", "expires_at", "tries", "used")}
    issued = codes.IssuedCode(**fields)
    try:
        spent = codes.check(issued, codes.hash_code(ctx.code_secret, index, code), ctx.now())
    except codes.CodeRefused as exc:
        after = codes.tried(issued) if exc.reason == "wrong" else issued
        await _save_code(ctx, {**doc, **asdict(after)})
        raise code_refused(exc.reason) from exc
    await _save_code(ctx, {**doc, **asdict(spent)})


async def _save_code(ctx: Context, doc: Document) -> None:
    async def write(session: Session) -> None:
        await ctx.store.replace(session, CODES, doc)

    await ctx.store.mongo.transaction(write)


async def sign_in(ctx: Context, command: PhoneSignIn) -> SignedIn:
    index = ctx.cipher.blind_index(command.phone)
    if command.site is not None:
        await require_active(ctx, command.site)  # before the code is spent
    await _spend_code(ctx, index, command.code)
    person = await ctx.store.person_by_index(index)
    if person is None:
        person = {
            "_id": str(uuid.uuid4()),
            "phone_index": index,
            "phone_enc": ctx.cipher.encrypt(command.phone),
            "display_name": f"居民{command.phone[-4:]}",
            "role": Role.resident.value,
            "site": command.site or ctx.root_site,
            "created_at": datetime.fromtimestamp(ctx.now(), UTC),
        }
    elif command.site is not None:
        person = {**person, "site": command.site}
    person["site_path"] = sites.ancestors(person["site"])
    caller = Caller(sub=person["_id"], role=Role(person["role"]), site=person["site"])

    async def write(session: Session) -> SignedIn:
        await ctx.store.replace(session, PEOPLE, person)
        return await sessions.start(
            ctx,
            session,
            account_id=person["_id"],
            kind="person",
            caller=caller,
            display_name=person["display_name"],
        )

    return await ctx.store.mongo.transaction(write)
