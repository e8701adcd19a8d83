"""Ops (运维): trace search and waterfall, dead-lettered events — the ops role only."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from pydantic import AwareDatetime

from services.contracts import ops as c
from services.gateway.auth import OpsCaller
from services.gateway.deps import Bus
from services.gateway.errors import ERROR_RESPONSES
from services.runtime.errors import invalid

router = APIRouter(prefix="/api/v1/ops", tags=["ops 运维"], responses=ERROR_RESPONSES)


@router.get("/traces", summary="查找调用链 search traces")
async def search_traces(
    caller: OpsCaller,
    bus: Bus,
    service: Annotated[str | None, Query(min_length=1, max_length=128)] = None,
    operation: Annotated[str | None, Query(min_length=1, max_length=128)] = None,
    min_duration_ms: Annotated[float | None, Query(ge=0, le=86_400_000)] = None,
    errors_only: bool = False,
    since: AwareDatetime | None = None,
    until: AwareDatetime | None = None,
    trace_id: Annotated[str | None, Query(pattern=r"^[0-9a-fA-F]{32}$")] = None,
    request_id: Annotated[str | None, Query(pattern=r"^[A-Za-z0-9._-]{8,64}$")] = None,
    limit: Annotated[int, Query(ge=1, le=c.MAX_SEARCH_LIMIT)] = 20,
) -> c.TraceSearchResult:
    if since is not None and until is not None and since >= until:
        raise invalid("开始时间必须早于结束时间", "since must be earlier than until")
    query = c.TraceSearch(
        service=service,
        operation=operation,
        min_duration_ms=min_duration_ms,
        errors_only=errors_only,
        since=since,
        until=until,
        trace_id=trace_id,
        request_id=request_id,
        limit=limit,
    )
    return await bus.call(c.SERVICE, c.RPC_TRACES_SEARCH, query, caller, c.TraceSearchResult)


@router.get("/traces/{trace_id}", summary="调用链瀑布图 one trace with all its spans")
async def get_trace(
    trace_id: Annotated[str, Path(pattern=r"^[0-9a-fA-F]{32}$")], caller: OpsCaller, bus: Bus
) -> c.TraceDetail:
    return await bus.call(
        c.SERVICE, c.RPC_TRACES_GET, c.TraceGet(trace_id=trace_id), caller, c.TraceDetail
    )


@router.get("/dead-letters", summary="死信事件 events a consumer gave up on")
async def dead_letters(
    caller: OpsCaller, bus: Bus, limit: Annotated[int, Query(ge=1, le=c.MAX_SEARCH_LIMIT)] = 50
) -> c.DeadLetters:
    return await bus.call(
        c.SERVICE, c.RPC_DEAD_LETTERS_LIST, c.DeadLetterList(limit=limit), caller, c.DeadLetters
    )


@router.post("/dead-letters/{sequence}/replay", summary="重放死信 replay a dead-lettered event")
async def replay(
    sequence: Annotated[int, Path(ge=1, le=2**63 - 1)], caller: OpsCaller, bus: Bus
) -> c.DeadLetter:
    return await bus.call(
        c.SERVICE,
        c.RPC_DEAD_LETTERS_REPLAY,
        c.DeadLetterReplay(sequence=sequence),
        caller,
        c.DeadLetter,
    )
