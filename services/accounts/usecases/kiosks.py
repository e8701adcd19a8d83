"""Kiosk devices (数智一体机): an admin issues a device token for one station and can
revoke it; the kiosk signs in with it and sees only what its station may see."""

from __future__ import annotations

import hashlib
import secrets
import uuid

from services.accounts.domain import hierarchy
from services.accounts.domain import sessions as session_rules
from services.accounts.store import KIOSKS
from services.accounts.usecases import sessions
from services.accounts.usecases.context import Context
from services.accounts.usecases.sites import require_active
from services.accounts.views import kiosk_view
from services.contracts.accounts import (
    KioskDeviceView,
    KioskIssue,
    KioskIssued,
    KioskList,
    KioskSignIn,
    SignedIn,
)
from services.contracts.identity import Caller, Role
from services.runtime import sites
from services.runtime.errors import AppError, not_found
from services.runtime.mongo import Document, Session


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def kiosk_caller(doc: Document) -> Caller:
    return Caller(sub=f"kiosk-{doc['_id']}", role=Role.kiosk, site=doc["station"])


async def issue(ctx: Context, caller: Caller, command: KioskIssue) -> KioskIssued:
    hierarchy.check_kiosk_issue(caller, command.station)
    await require_active(ctx, command.station)
    token = "wmk_" + secrets.token_urlsafe(32)
    doc = {
        "_id": str(uuid.uuid4()),
        "name": command.name,
        "station": command.station,
        "site_path": sites.ancestors(command.station),
        "token_hash": token_hash(token),
        "revoked": False,
        "created_at": ctx.now_dt(),
        "created_by": caller.sub,
        "last_seen_at": None,
    }

    async def write(session: Session) -> None:
        await ctx.store.insert(session, KIOSKS, doc)

    await ctx.store.mongo.transaction(write)
    return KioskIssued(device=kiosk_view(doc), device_token=token)


async def listing(ctx: Context, caller: Caller, query: KioskList) -> list[KioskDeviceView]:
    hierarchy.require_admin(caller)
    under = query.under or caller.site
    if not sites.is_within(under, caller.site):
        raise not_found("站点", "site")
    return [kiosk_view(d) for d in await ctx.store.kiosks_in(caller.site, under, query.limit)]


async def revoke(ctx: Context, caller: Caller, device_id: str) -> KioskDeviceView:
    hierarchy.require_admin(caller)
    doc = await ctx.store.kiosk(device_id, caller.site)
    if doc is None:
        raise not_found("一体机", "kiosk device")
    doc["revoked"] = True

    async def write(session: Session) -> None:
        await ctx.store.replace(session, KIOSKS, doc)

    await ctx.store.mongo.transaction(write)
    await sessions.end_all_of(ctx, doc["_id"])
    return kiosk_view(doc)


async def sign_in(ctx: Context, command: KioskSignIn) -> SignedIn:
    doc = await ctx.store.kiosk_by_token(token_hash(command.device_token))
    if doc is None or doc["revoked"]:
        raise AppError("kiosk_refused", 401, "一体机授权无效或已被收回", "kiosk token refused")
    doc["last_seen_at"] = ctx.now()
    caller = kiosk_caller(doc)

    async def write(session: Session) -> SignedIn:
        await ctx.store.replace(session, KIOSKS, doc)
        return await sessions.start(
            ctx,
            session,
            account_id=doc["_id"],
            kind="kiosk",
            caller=caller,
            display_name=doc["name"],
            ttl_s=session_rules.KIOSK_SESSION_TTL_S,
        )

    return await ctx.store.mongo.transaction(write)
