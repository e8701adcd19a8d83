"""Sessions: start one per sign-in, rotate on refresh, end on logout or revocation.

Ending a session emits `session_revoked`, which the gateway applies at once to the
access tokens still in circulation.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime

from services.accounts.domain import sessions as rules
from services.accounts.store import SESSIONS
from services.accounts.usecases.context import Context
from services.contracts.accounts import (
    EVT_SESSION_REVOKED,
    RevokedSessions,
    SessionRevoked,
    SignedIn,
)
from services.contracts.identity import Caller
from services.runtime.errors import AppError
from services.runtime.mongo import Document, Session

ACCESS_TOKEN_LIFETIME_S = 15 * 60


def refused(reason: str) -> AppError:
    return AppError("session_ended", 401, "登录已失效，请重新登录", f"session refused: {reason}")


def _doc(session: rules.Session, kind: str, caller: Caller, name: str) -> Document:
    return {
        "_id": session.id,
        **{k: v for k, v in asdict(session).items() if k != "id"},
        "account_kind": kind,
        "caller": caller.model_dump(mode="json"),
        "display_name": name,
    }


def _from_doc(doc: Document) -> rules.Session:
    return rules.Session(
        id=doc["_id"],
        account_id=doc["account_id"],
        refresh_id=doc["refresh_id"],
        expires_at=doc["expires_at"],
        revoked=doc["revoked"],
    )


def signed_in(session: rules.Session, caller: Caller, name: str) -> SignedIn:
    return SignedIn(
        caller=caller,
        session_id=session.id,
        refresh_id=session.refresh_id,
        display_name=name,
        session_expires_at=datetime.fromtimestamp(session.expires_at, UTC),
    )


async def start(
    ctx: Context,
    session: Session,
    *,
    account_id: str,
    kind: str,
    caller: Caller,
    display_name: str,
    ttl_s: float = rules.SESSION_TTL_S,
) -> SignedIn:
    """Inside the sign-in's transaction: record a new session for `caller`."""
    new = rules.start(account_id, ctx.now(), ttl_s)
    await ctx.store.insert(session, SESSIONS, _doc(new, kind, caller, display_name))
    return signed_in(new, caller, display_name)


async def refresh(ctx: Context, session_id: str, refresh_id: str, current: Caller) -> SignedIn:
    doc = await ctx.store.session(session_id)
    if doc is None:
        raise refused("unknown")
    try:
        rotated = rules.rotate(_from_doc(doc), refresh_id, ctx.now())
    except rules.RefreshRefused as exc:
        if exc.revoke:
            await revoke(ctx, [doc])
        raise refused(exc.reason) from exc
    updated = {**doc, "refresh_id": rotated.refresh_id, "caller": current.model_dump(mode="json")}

    async def write(s: Session) -> None:
        await ctx.store.replace(s, SESSIONS, updated)

    await ctx.store.mongo.transaction(write)
    return signed_in(rotated, current, doc["display_name"])


async def revoke(ctx: Context, docs: list[Document]) -> None:
    live = [d for d in docs if not d["revoked"]]
    if not live:
        return
    now = ctx.now()

    async def write(s: Session) -> None:
        for doc in live:
            await ctx.store.replace(s, SESSIONS, {**doc, "revoked": True, "revoked_at": now})
            await ctx.host.emit(
                s,
                EVT_SESSION_REVOKED,
                SessionRevoked(
                    session_id=doc["_id"],
                    expires_at=datetime.fromtimestamp(now + ACCESS_TOKEN_LIFETIME_S, UTC),
                ),
                site=Caller.model_validate(doc["caller"]).site,
                actor=None,
            )

    await ctx.store.mongo.transaction(write)
    ctx.host.outbox.committed()


async def end(ctx: Context, caller: Caller, session_id: str) -> None:
    doc = await ctx.store.session(session_id)
    if doc is None or Caller.model_validate(doc["caller"]).sub != caller.sub:
        raise refused("unknown")
    await revoke(ctx, [doc])


async def end_all_of(ctx: Context, account_id: str) -> None:
    await revoke(ctx, await ctx.store.live_sessions_of(account_id))


async def recently_revoked(ctx: Context) -> RevokedSessions:
    docs = await ctx.store.revoked_sessions_since(ctx.now() - ACCESS_TOKEN_LIFETIME_S)
    return RevokedSessions(session_ids=[d["_id"] for d in docs])


async def session_account(ctx: Context, session_id: str) -> Document:
    doc = await ctx.store.session(session_id)
    if doc is None:
        raise refused("unknown")
    return doc
