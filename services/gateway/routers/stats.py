"""Site statistics from the evaluation service."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from services.contracts import evaluation
from services.contracts.evaluation import SiteStats, SiteStatsGet
from services.contracts.identity import SITE_PATH_PATTERN
from services.gateway.auth import Viewer
from services.gateway.deps import Bus
from services.gateway.errors import ERROR_RESPONSES

router = APIRouter(prefix="/api/v1/stats", tags=["evaluation 评估"], responses=ERROR_RESPONSES)


@router.get("/site", summary="站点统计 figures of a site's subtree")
async def site_stats(
    bus: Bus,
    caller: Viewer,
    site: Annotated[
        str | None, Query(pattern=SITE_PATH_PATTERN, max_length=120, description="默认为本站点")
    ] = None,
) -> SiteStats:
    query = SiteStatsGet(site=site or caller.site)
    return await bus.call(
        evaluation.SERVICE, evaluation.RPC_SITE_STATS_GET, query, caller, SiteStats
    )
