"""Refreshing a session re-reads the account (a revoked kiosk or a moved admin is seen at
once), and `me` tells a signed-in caller who they are."""

from __future__ import annotations

from services.accounts.usecases import sessions
from services.accounts.usecases.admins import caller_of
from services.accounts.usecases.context import Context
from services.accounts.usecases.kiosks import kiosk_caller
from services.contracts.accounts import Me, SessionRefresh, SignedIn
from services.contracts.identity import Caller, Role
from services.runtime.pii import mask_phone


async def current_caller(ctx: Context, kind: str, account_id: str) -> Caller | None:
    if kind == "admin":
        doc = await ctx.store.admin(account_id)
        return caller_of(doc) if doc else None
    if kind == "kiosk":
        kiosk = await ctx.store.kiosks.find_one({"_id": account_id})
        return kiosk_caller(kiosk) if kiosk and not kiosk["revoked"] else None
    person = await ctx.store.person(account_id)
    return (
        Caller(sub=person["_id"], role=Role(person["role"]), site=person["site"])
        if (person)
        else None
    )


async def refresh(ctx: Context, command: SessionRefresh) -> SignedIn:
    doc = await sessions.session_account(ctx, command.session_id)
    caller = await current_caller(ctx, doc["account_kind"], doc["account_id"])
    if caller is None:
        await sessions.revoke(ctx, [doc])
        raise sessions.refused("account gone")
    return await sessions.refresh(ctx, command.session_id, command.refresh_id, caller)


async def me(ctx: Context, caller: Caller) -> Me:
    names = await ctx.store.names([caller.site])
    phone = None
    display = caller.sub
    if caller.role in (Role.resident, Role.volunteer, Role.team_lead):
        person = await ctx.store.person(caller.sub)
        if person:
            phone = mask_phone(ctx.cipher.decrypt(person["phone_enc"]))
            display = person["display_name"]
    elif caller.role is Role.kiosk:
        kiosk = await ctx.store.kiosks.find_one({"_id": caller.sub.removeprefix("kiosk-")})
        display = kiosk["name"] if kiosk else "一体机"
    else:
        admin = await ctx.store.admin(caller.sub)
        display = admin["display_name"] if admin else caller.sub
    return Me(caller=caller, display_name=display, site_name=names.get(caller.site), phone=phone)
