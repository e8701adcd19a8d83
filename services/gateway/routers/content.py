"""Content: admins publish, everyone reads within their site's reach."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from services.contracts import catalog
from services.contracts.catalog import ContentCreate, ContentGet, ContentView
from services.gateway.auth import Admin, Viewer
from services.gateway.deps import Bus, IdempotencyKey
from services.gateway.errors import ERROR_RESPONSES

router = APIRouter(prefix="/api/v1/content", tags=["content 内容"], responses=ERROR_RESPONSES)

ContentIdPath = Annotated[str, Path(pattern=r"^[0-9a-f-]{36}$", description="content id")]


@router.post("", status_code=201, summary="发布内容 publish a content item")
async def create_content(
    body: ContentCreate,
    bus: Bus,
    caller: Admin,
    idempotency_key: IdempotencyKey = None,
) -> ContentView:
    return await bus.call(
        catalog.SERVICE,
        catalog.RPC_CONTENT_CREATE,
        body,
        caller,
        ContentView,
        idempotency_key=idempotency_key,
    )


@router.get("/{content_id}", summary="查看内容 read a content item")
async def get_content(content_id: ContentIdPath, bus: Bus, caller: Viewer) -> ContentView:
    return await bus.call(
        catalog.SERVICE, catalog.RPC_CONTENT_GET, ContentGet(id=content_id), caller, ContentView
    )


@router.get(
    "/{content_id}/fresh",
    summary="管理端查看内容（直读数据库） read a content item from the database",
)
async def get_content_fresh(
    content_id: ContentIdPath,
    bus: Bus,
    caller: Admin,
) -> ContentView:
    return await bus.call(
        catalog.SERVICE,
        catalog.RPC_CONTENT_GET_FRESH,
        ContentGet(id=content_id),
        caller,
        ContentView,
    )
