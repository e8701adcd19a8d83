"""Admin accounts: created and reset by a higher level, signed in by password."""

from __future__ import annotations

import uuid
from dataclasses import asdict

from services.accounts.domain import hierarchy, lockout
from services.accounts.passwords import Passwords
from services.accounts.store import ADMINS
from services.accounts.usecases import sessions
from services.accounts.usecases.context import Context
from services.accounts.usecases.sites import require_active
from services.accounts.views import admin_view
from services.contracts.accounts import (
    AccountList,
    AccountPage,
    AccountView,
    AdminCreate,
    AdminSignIn,
    PasswordChange,
    PasswordReset,
    SignedIn,
)
from services.contracts.identity import Caller, Role
from services.runtime import sites
from services.runtime.errors import AppError, conflict, not_found
from services.runtime.mongo import Document, Session


def wrong_credentials() -> AppError:
    return AppError("wrong_credentials", 401, "用户名或密码错误", "wrong username or password")


def locked(until: float, now: float) -> AppError:
    minutes = max(1, int((until - now + 59) // 60))
    return AppError(
        "account_locked",
        423,
        f"密码错误次数过多，账号已锁定，请 {minutes} 分钟后再试或联系上级管理员解锁",
        f"too many wrong passwords; locked for {minutes} more minute(s)",
        details=[{"retry_after_s": int(until - now) + 1}],
    )


def attempts_of(doc: Document) -> lockout.Attempts:
    return lockout.Attempts(**doc.get("attempts", {}))


def caller_of(doc: Document) -> Caller:
    return Caller(sub=doc["_id"], role=Role(doc["role"]), site=doc["site"])


async def save(ctx: Context, doc: Document) -> None:
    async def write(session: Session) -> None:
        await ctx.store.replace(session, ADMINS, doc)

    await ctx.store.mongo.transaction(write)


async def create(
    ctx: Context, passwords: Passwords, caller: Caller, command: AdminCreate
) -> AccountView:
    hierarchy.check_admin_create(caller, command.role, command.site)
    await require_active(ctx, command.site)
    if await ctx.store.admin_by_username(command.username) is not None:
        raise conflict("用户名已被使用", "the username is taken")
    doc = {
        "_id": str(uuid.uuid4()),
        "username": command.username,
        "display_name": command.display_name,
        "role": command.role.value,
        "site": command.site,
        "site_path": sites.ancestors(command.site),
        "password_hash": await passwords.hash(command.password),
        "attempts": asdict(lockout.Attempts()),
        "created_at": ctx.now_dt(),
        "created_by": caller.sub,
    }

    async def write(session: Session) -> None:
        await ctx.store.insert(session, ADMINS, doc)

    await ctx.store.mongo.transaction(write)
    return admin_view(doc, ctx.now())


async def page(ctx: Context, caller: Caller, query: AccountList) -> AccountPage:
    hierarchy.require_admin(caller)
    under = query.under or caller.site
    if not sites.is_within(under, caller.site):
        raise not_found("站点", "site")
    docs = await ctx.store.admins_page(caller.site, under, query.after, query.limit + 1)
    more = len(docs) > query.limit
    docs = docs[: query.limit]
    return AccountPage(
        items=[admin_view(d, ctx.now()) for d in docs],
        next_after=docs[-1]["_id"] if more else None,
    )


async def managed(ctx: Context, caller: Caller, account_id: str) -> Document:
    hierarchy.require_admin(caller)
    doc = await ctx.store.admin(account_id)
    if doc is None or not sites.is_within(doc["site"], caller.site):
        raise not_found("账号", "account")
    hierarchy.check_account_manage(caller, Role(doc["role"]), doc["site"])
    return doc


async def reset_password(
    ctx: Context, passwords: Passwords, caller: Caller, command: PasswordReset
) -> AccountView:
    doc = await managed(ctx, caller, command.account_id)
    doc["password_hash"] = await passwords.hash(command.new_password)
    doc["attempts"] = asdict(lockout.succeeded())
    await save(ctx, doc)
    await sessions.end_all_of(ctx, doc["_id"])
    return admin_view(doc, ctx.now())


async def unlock(ctx: Context, caller: Caller, account_id: str) -> AccountView:
    doc = await managed(ctx, caller, account_id)
    doc["attempts"] = asdict(lockout.succeeded())
    await save(ctx, doc)
    return admin_view(doc, ctx.now())


async def sign_in(ctx: Context, passwords: Passwords, command: AdminSignIn) -> SignedIn:
    doc = await ctx.store.admin_by_username(command.username)
    now = ctx.now()
    if doc is not None and lockout.is_locked(attempts_of(doc), now):
        raise locked(attempts_of(doc).locked_until, now)
    if not await passwords.verify(doc["password_hash"] if doc else None, command.password):
        if doc is not None:
            doc["attempts"] = asdict(lockout.failed(attempts_of(doc), now))
            await save(ctx, doc)
            if lockout.is_locked(attempts_of(doc), now):
                raise locked(attempts_of(doc).locked_until, now)
        raise wrong_credentials()
    assert doc is not None
    if doc.get("attempts", {}).get("failures"):
        doc["attempts"] = asdict(lockout.succeeded())
        await save(ctx, doc)
    caller = caller_of(doc)

    async def write(session: Session) -> SignedIn:
        return await sessions.start(
            ctx,
            session,
            account_id=doc["_id"],
            kind="admin",
            caller=caller,
            display_name=doc["display_name"],
        )

    return await ctx.store.mongo.transaction(write)


async def change_password(
    ctx: Context, passwords: Passwords, caller: Caller, command: PasswordChange
) -> None:
    doc = await ctx.store.admin(caller.sub)
    if doc is None:
        raise AppError("not_an_admin", 422, "只有管理员账号有密码", "only admin accounts have one")
    if not await passwords.verify(doc["password_hash"], command.old_password):
        raise AppError("wrong_password", 422, "原密码不正确", "the current password is wrong")
    doc["password_hash"] = await passwords.hash(command.new_password)
    await save(ctx, doc)


async def ensure_bootstrap(
    ctx: Context, passwords: Passwords, username: str, password: str
) -> None:
    """The first provincial admin of a new deployment, from its settings."""
    if await ctx.store.admin_by_username(username) is not None:
        return
    doc = {
        "_id": str(uuid.uuid4()),
        "username": username,
        "display_name": "平台管理员",
        "role": Role.provincial_admin.value,
        "site": ctx.root_site,
        "site_path": sites.ancestors(ctx.root_site),
        "password_hash": await passwords.hash(password),
        "attempts": asdict(lockout.Attempts()),
        "created_at": ctx.now_dt(),
        "created_by": "bootstrap",
    }

    async def write(session: Session) -> None:
        await ctx.store.insert(session, ADMINS, doc)

    await ctx.store.mongo.transaction(write)
