"""Content (内容): publish or upload, browse, read, review, retire, resume."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from pydantic import AwareDatetime, BaseModel, ConfigDict

from services.contracts import catalog as c
from services.contracts.identity import SitePath
from services.gateway.auth import Admin, Viewer
from services.gateway.deps import Bus, IdempotencyKey
from services.gateway.errors import ERROR_RESPONSES

router = APIRouter(prefix="/api/v1/content", tags=["content 内容"], responses=ERROR_RESPONSES)

ContentIdPath = Annotated[str, Path(pattern=r"^[0-9a-f-]{36}$", description="content id")]


@router.post("", status_code=201, summary="发布或上传内容 publish (center+) or upload for review")
async def create_content(
    body: c.ContentCreate, bus: Bus, caller: Admin, idempotency_key: IdempotencyKey = None
) -> c.ContentView:
    return await bus.call(
        c.SERVICE,
        c.RPC_CONTENT_CREATE,
        body,
        caller,
        c.ContentView,
        idempotency_key=idempotency_key,
    )


@router.get("", summary="浏览内容 browse (residents) or list my subtree's items (admins)")
async def list_content(
    bus: Bus,
    caller: Viewer,
    section: c.Section | None = None,
    kind: c.ContentKind | None = None,
    series_id: Annotated[str | None, Query(pattern=r"^[0-9a-f-]{36}$")] = None,
    status: c.ContentStatus | None = None,
    mine: bool = False,
    limit: Annotated[int, Query(ge=1, le=c.MAX_PAGE)] = 20,
    offset: Annotated[int, Query(ge=0, le=10_000)] = 0,
) -> c.ContentPage:
    query = c.ContentList(
        section=section,
        kind=kind,
        series_id=series_id,
        status=status,
        mine=mine,
        limit=limit,
        offset=offset,
    )
    return await bus.call(c.SERVICE, c.RPC_CONTENT_LIST, query, caller, c.ContentPage)


@router.get("/{content_id}", summary="查看内容 read an item")
async def get_content(content_id: ContentIdPath, bus: Bus, caller: Viewer) -> c.ContentView:
    return await bus.call(
        c.SERVICE, c.RPC_CONTENT_GET, c.ContentGet(id=content_id), caller, c.ContentView
    )


@router.get("/{content_id}/fresh", summary="管理端查看内容（直读数据库） read from the database")
async def get_content_fresh(content_id: ContentIdPath, bus: Bus, caller: Admin) -> c.ContentView:
    return await bus.call(
        c.SERVICE, c.RPC_CONTENT_GET_FRESH, c.ContentGet(id=content_id), caller, c.ContentView
    )


@router.get("/{content_id}/audit", summary="审核记录 the item's audit trail")
async def audit(content_id: ContentIdPath, bus: Bus, caller: Admin) -> c.AuditTrail:
    return await bus.call(
        c.SERVICE, c.RPC_AUDIT_GET, c.ContentGet(id=content_id), caller, c.AuditTrail
    )


class ReviewBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    approve: bool
    scope: SitePath | None = None
    reason: c.Reason | None = None


@router.post(
    "/{content_id}/review", summary="审核 approve (with a scope) or reject (with a reason)"
)
async def review(
    content_id: ContentIdPath, body: ReviewBody, bus: Bus, caller: Admin
) -> c.ContentView:
    decision = c.ReviewDecision(
        id=content_id, approve=body.approve, scope=body.scope, reason=body.reason
    )
    return await bus.call(c.SERVICE, c.RPC_REVIEW_DECIDE, decision, caller, c.ContentView)


class RetireBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    retire_at: AwareDatetime
    reason: c.Reason


@router.post("/{content_id}/retirement", summary="下架预告 announce a retirement (≥ 14 days ahead)")
async def announce_retirement(
    content_id: ContentIdPath, body: RetireBody, bus: Bus, caller: Admin
) -> c.ContentView:
    command = c.RetireAnnounce(id=content_id, retire_at=body.retire_at, reason=body.reason)
    return await bus.call(c.SERVICE, c.RPC_RETIRE_ANNOUNCE, command, caller, c.ContentView)


@router.get("/{content_id}/resume", summary="续播 where this viewer stopped, and what plays next")
async def resume(content_id: ContentIdPath, bus: Bus, caller: Viewer) -> c.Resume:
    return await bus.call(c.SERVICE, c.RPC_RESUME, c.ContentGet(id=content_id), caller, c.Resume)
