"""Discovery and planning (发现与日历): hot lists, search, suggestions, calendar, picks."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import AwareDatetime

from services.contracts import catalog as c
from services.contracts.envelope import Empty
from services.contracts.identity import SITE_PATH_PATTERN
from services.gateway.auth import Admin, Public, Viewer
from services.gateway.deps import Bus
from services.gateway.errors import ERROR_RESPONSES

router = APIRouter(prefix="/api/v1/catalog", tags=["catalog 发现"], responses=ERROR_RESPONSES)

SiteQuery = Annotated[str | None, Query(pattern=SITE_PATH_PATTERN, max_length=120)]


@router.get("/hot", summary="热门排行 hot list of a region (no sign-in needed)")
async def hot(
    bus: Bus,
    _: Public,
    site: SiteQuery = None,
    section: c.Section | None = None,
    week: bool = False,
    limit: Annotated[int, Query(ge=1, le=50)] = 10,
) -> c.HotList:
    query = c.HotQuery(site=site, section=section, week=week, limit=limit)
    return await bus.call(c.SERVICE, c.RPC_HOT, query, None, c.HotList)


@router.get("/search", summary="搜索（支持拼音、首字母、同音字、繁体） forgiving search")
async def search(
    bus: Bus,
    caller: Viewer,
    q: Annotated[str, Query(max_length=200)],
    section: c.Section | None = None,
    kind: c.ContentKind | None = None,
    level: c.SourceLevel | None = None,
    limit: Annotated[int, Query(ge=1, le=50)] = 20,
    offset: Annotated[int, Query(ge=0, le=1000)] = 0,
    record: Annotated[bool, Query(description="false: as-you-type, not a hot term")] = True,
) -> c.SearchPage:
    query = c.SearchQuery(
        q=q, section=section, kind=kind, level=level, limit=limit, offset=offset, record=record
    )
    return await bus.call(c.SERVICE, c.RPC_SEARCH, query, caller, c.SearchPage)


@router.get("/suggest", summary="输入提示 suggestions as you type")
async def suggest(
    bus: Bus,
    caller: Viewer,
    prefix: Annotated[str, Query(max_length=64)],
    limit: Annotated[int, Query(ge=1, le=20)] = 8,
) -> c.Suggestions:
    return await bus.call(
        c.SERVICE, c.RPC_SUGGEST, c.SuggestQuery(prefix=prefix, limit=limit), caller, c.Suggestions
    )


@router.get("/hot-terms", summary="本周热搜 this week's top search terms")
async def hot_terms(
    bus: Bus, _: Public, limit: Annotated[int, Query(ge=1, le=50)] = 10
) -> c.HotTerms:
    return await bus.call(
        c.SERVICE, c.RPC_HOT_TERMS, c.HotTermsQuery(limit=limit), None, c.HotTerms
    )


@router.get("/calendar", summary="上新与下架日历 releases, retirements and picks deadlines")
async def calendar(
    bus: Bus, caller: Admin, since: AwareDatetime, until: AwareDatetime
) -> c.Calendar:
    return await bus.call(
        c.SERVICE, c.RPC_CALENDAR, c.CalendarQuery(since=since, until=until), caller, c.Calendar
    )


@router.get("/announcements", summary="下架预告 retirement announcements reaching my site")
async def announcements(bus: Bus, caller: Admin) -> c.Announcements:
    return await bus.call(c.SERVICE, c.RPC_ANNOUNCEMENTS, Empty(), caller, c.Announcements)


@router.get("/picks", summary="下周精选 next week's picks of my county")
async def get_picks(
    bus: Bus,
    caller: Viewer,
    week: Annotated[str | None, Query(pattern=r"^[0-9]{4}-W[0-9]{2}$")] = None,
) -> c.Picks:
    return await bus.call(c.SERVICE, c.RPC_PICKS_GET, c.PicksGet(week=week), caller, c.Picks)


@router.post("/picks", summary="发布下周精选 publish next week's picks (center admins)")
async def publish_picks(body: c.PicksPublish, bus: Bus, caller: Admin) -> c.Picks:
    return await bus.call(c.SERVICE, c.RPC_PICKS_PUBLISH, body, caller, c.Picks)


@router.get("/notices", summary="提醒 notices for my site (late picks, broken links…)")
async def notices(bus: Bus, caller: Admin) -> c.Notices:
    return await bus.call(c.SERVICE, c.RPC_NOTICES, Empty(), caller, c.Notices)
