"""Admin accounts (账号管理): created, reset and unlocked by a higher level."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from services.contracts import accounts as c
from services.contracts.identity import SITE_PATH_PATTERN
from services.gateway.auth import Admin
from services.gateway.deps import Bus
from services.gateway.errors import ERROR_RESPONSES

router = APIRouter(prefix="/api/v1/accounts", tags=["accounts 账号"], responses=ERROR_RESPONSES)

AccountId = Annotated[str, Path(pattern=r"^[0-9a-f-]{36}$")]


class NewPassword(c.Frozen):
    new_password: c.Password


@router.get("", summary="管理员账号列表 admin accounts in my subtree")
async def list_accounts(
    caller: Admin,
    bus: Bus,
    under: Annotated[str | None, Query(pattern=SITE_PATH_PATTERN, max_length=120)] = None,
    limit: Annotated[int, Query(ge=1, le=c.MAX_PAGE)] = 50,
    after: Annotated[str | None, Query(pattern=r"^[0-9a-f-]{36}$")] = None,
) -> c.AccountPage:
    query = c.AccountList(under=under, limit=limit, after=after)
    return await bus.call(c.SERVICE, c.RPC_ADMIN_LIST, query, caller, c.AccountPage)


@router.post("", status_code=201, summary="新建下级管理员 create an admin below me")
async def create_account(body: c.AdminCreate, caller: Admin, bus: Bus) -> c.AccountView:
    return await bus.call(c.SERVICE, c.RPC_ADMIN_CREATE, body, caller, c.AccountView)


@router.post("/{account_id}/password", summary="重置密码 reset a lower admin's password")
async def reset_password(
    account_id: AccountId, body: NewPassword, caller: Admin, bus: Bus
) -> c.AccountView:
    command = c.PasswordReset(account_id=account_id, new_password=body.new_password)
    return await bus.call(c.SERVICE, c.RPC_ADMIN_RESET_PASSWORD, command, caller, c.AccountView)


@router.post("/{account_id}/unlock", summary="解锁账号 unlock after too many wrong passwords")
async def unlock(account_id: AccountId, caller: Admin, bus: Bus) -> c.AccountView:
    return await bus.call(
        c.SERVICE, c.RPC_ADMIN_UNLOCK, c.AccountRef(account_id=account_id), caller, c.AccountView
    )
