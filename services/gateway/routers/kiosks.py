"""Kiosk devices (一体机): issue a device token for a station, list, revoke."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from services.contracts import accounts as c
from services.contracts.identity import SITE_PATH_PATTERN
from services.gateway.auth import Admin
from services.gateway.deps import Bus
from services.gateway.errors import ERROR_RESPONSES

router = APIRouter(
    prefix="/api/v1/kiosk-devices", tags=["kiosks 一体机"], responses=ERROR_RESPONSES
)


@router.get("", summary="一体机列表 kiosk devices in my subtree")
async def list_devices(
    caller: Admin,
    bus: Bus,
    under: Annotated[str | None, Query(pattern=SITE_PATH_PATTERN, max_length=120)] = None,
    limit: Annotated[int, Query(ge=1, le=c.MAX_PAGE)] = 50,
) -> list[c.KioskDeviceView]:
    return await bus.call(
        c.SERVICE,
        c.RPC_KIOSK_LIST,
        c.KioskList(under=under, limit=limit),
        caller,
        list[c.KioskDeviceView],
    )


@router.post("", status_code=201, summary="发放一体机授权 issue a device token (shown once)")
async def issue_device(body: c.KioskIssue, caller: Admin, bus: Bus) -> c.KioskIssued:
    return await bus.call(c.SERVICE, c.RPC_KIOSK_ISSUE, body, caller, c.KioskIssued)


@router.delete("/{device_id}", summary="收回一体机授权 revoke a device")
async def revoke_device(
    device_id: Annotated[str, Path(pattern=r"^[0-9a-f-]{36}$")], caller: Admin, bus: Bus
) -> c.KioskDeviceView:
    return await bus.call(
        c.SERVICE, c.RPC_KIOSK_REVOKE, c.KioskRevoke(device_id=device_id), caller, c.KioskDeviceView
    )
