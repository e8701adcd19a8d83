"""The release calendar: scheduled releases, retirements announced ahead, next week's
picks with their Thursday deadline, and the notices that remind curators."""

from __future__ import annotations

from datetime import datetime, timedelta

from opentelemetry.instrumentation.utils import suppress_instrumentation

from services.catalog.domain import calendar as cal
from services.catalog.domain import content as rules
from services.catalog.domain import levels
from services.catalog.domain.content import Content
from services.catalog.domain.levels import level_of
from services.catalog.store import NoticeStore, PicksStore
from services.catalog.usecases import sites as site_model
from services.catalog.usecases.content import committed, emit_state
from services.catalog.usecases.context import Context
from services.catalog.usecases.views import to_view
from services.contracts import catalog as c
from services.contracts.catalog import SourceLevel
from services.contracts.identity import Caller
from services.runtime import sites
from services.runtime.errors import AppError, forbidden, not_found
from services.runtime.mongo import Session


async def announce_retirement(
    ctx: Context, caller: Caller, command: c.RetireAnnounce
) -> c.ContentView:
    before = await ctx.store.get(command.id)
    if before is None or not rules.visible_to(before, caller):
        raise not_found("内容", "content")
    after = rules.announce_retirement(
        before, caller, command.retire_at, command.reason, ctx.now(), ctx.retire_notice
    )

    async def write(session: Session) -> None:
        await ctx.store.save(session, after)
        await ctx.store.audit(
            session,
            after.id,
            "retirement_announced",
            caller,
            ctx.now(),
            retire_at=command.retire_at.isoformat(),
            reason=command.reason,
        )
        await ctx.host.emit(
            session,
            c.EVT_RETIREMENT_ANNOUNCED,
            c.RetirementAnnounced(
                id=after.id,
                title=after.title,
                scope=after.scope,
                retire_at=command.retire_at,
                reason=command.reason,
            ),
            site=after.site,
            actor=caller,
        )

    await ctx.store.mongo.transaction(write)
    committed(ctx, after)
    return to_view(after, ctx.read)


async def _apply(ctx: Context, before: Content, after: Content, action: str) -> None:
    async def write(session: Session) -> None:
        await ctx.store.save(session, after)
        await ctx.store.audit(session, after.id, action, SYSTEM, ctx.now())
        if after.status is c.ContentStatus.retired:
            assert after.retired_at is not None
            await ctx.host.emit(
                session,
                c.EVT_CONTENT_RETIRED,
                c.ContentRetired(
                    id=after.id,
                    title=after.title,
                    site=after.site,
                    scope=after.scope,
                    retired_at=after.retired_at,
                ),
                site=after.site,
                actor=None,
            )
        else:
            await emit_state(ctx, session, before, after, None)

    await ctx.store.mongo.transaction(write)
    committed(ctx, after)


SYSTEM = Caller(sub="catalog-scheduler", role="provincial_admin", site="320000")


async def run_due(ctx: Context, now: datetime | None = None) -> int:
    """Publish scheduled items and retire announced ones whose time has come."""
    moment = now or ctx.now()
    changed = 0
    with suppress_instrumentation():  # the scans every tick are not worth a trace each
        scheduled = await ctx.store.with_status(c.ContentStatus.scheduled)
        retiring = await ctx.store.retiring()
    for item in scheduled:
        published = rules.publish_due(item, moment)
        if published is not None:
            await _apply(ctx, item, published, "published_on_schedule")
            changed += 1
    for item in retiring:
        retired = rules.retire_due(item, moment)
        if retired is not None:
            await _apply(ctx, item, retired, "retired_on_schedule")
            changed += 1
    return changed


async def calendar(ctx: Context, caller: Caller, query: c.CalendarQuery) -> c.Calendar:
    if query.until <= query.since or query.until - query.since > timedelta(days=120):
        raise AppError(
            "bad_range",
            422,
            "时间范围需在 120 天以内且结束晚于开始",
            "the range must be positive and at most 120 days",
        )
    reach = set(sites.ancestors(caller.site))
    entries: list[c.CalendarEntry] = []
    for item in await ctx.store.with_status(c.ContentStatus.scheduled):
        if item.scope in reach and item.publish_at and query.since <= item.publish_at < query.until:
            entries.append(
                c.CalendarEntry(
                    at=item.publish_at,
                    kind="release",
                    content_id=item.id,
                    title=item.title,
                    scope=item.scope,
                )
            )
    for item in await ctx.store.retiring():
        if item.scope in reach and item.retire_at and query.since <= item.retire_at < query.until:
            entries.append(
                c.CalendarEntry(
                    at=item.retire_at,
                    kind="retirement",
                    content_id=item.id,
                    title=item.title,
                    scope=item.scope,
                    note=item.retire_reason or "",
                )
            )
    region = picks_region(caller.site)
    if region is not None:
        week = cal.week_id(query.since.astimezone(cal.CHINA).date())
        for _ in range(20):
            deadline = cal.picks_deadline(week)
            if deadline >= query.until:
                break
            if deadline >= query.since:
                entries.append(
                    c.CalendarEntry(
                        at=deadline,
                        kind="picks_deadline",
                        content_id=None,
                        title=f"{week} 下周精选截止",
                        scope=region,
                    )
                )
            week = cal.week_id(cal.week_monday(week) + timedelta(days=7))
    entries.sort(key=lambda e: e.at)
    return c.Calendar(entries=entries)


async def announcements(ctx: Context, caller: Caller) -> c.Announcements:
    reach = set(sites.ancestors(caller.site))
    items = [
        c.Announcement(
            content_id=i.id,
            title=i.title,
            retire_at=i.retire_at,
            reason=i.retire_reason or "",
            scope=i.scope,
            announced_at=i.announced_at or i.retire_at,
        )
        for i in await ctx.store.retiring()
        if i.retire_at is not None and (i.scope in reach or sites.is_within(i.scope, caller.site))
    ]
    items.sort(key=lambda a: a.retire_at)
    return c.Announcements(items=items)


def picks_region(site: str) -> str | None:
    """Next week's picks are curated per county; nobody above county level has any."""
    return levels.county_of(site) if sites.depth(site) >= levels.COUNTY_DEPTH else None


async def publish_picks(
    ctx: Context, picks: PicksStore, caller: Caller, command: c.PicksPublish
) -> c.Picks:
    if not caller.is_admin or level_of(caller.site) is not SourceLevel.county_center:
        raise forbidden("下周精选由实践中心管理员发布", "center admins curate next week's picks")
    for content_id in command.content_ids:
        if ctx.read.get_visible(content_id, caller) is None:
            raise AppError(
                "pick_unknown", 422, "精选中有不可用的内容", f"unknown item {content_id}"
            )

    async def write(session: Session) -> None:
        await picks.save(
            session,
            caller.site,
            command.week,
            command.content_ids,
            command.note,
            caller.sub,
            ctx.now(),
        )

    await ctx.store.mongo.transaction(write)
    return await get_picks(ctx, picks, caller, c.PicksGet(week=command.week))


async def get_picks(ctx: Context, picks: PicksStore, caller: Caller, query: c.PicksGet) -> c.Picks:
    region = picks_region(caller.site)
    if region is None:
        raise not_found("精选", "picks")
    week = query.week or cal.next_week(ctx.now())
    doc = await picks.get(region, week)
    items = [ctx.read.get(i) for i in (doc or {}).get("content_ids", [])]
    return c.Picks(
        region=region,
        week=week,
        items=[to_view(i, ctx.read) for i in items if i is not None],
        note=(doc or {}).get("note", ""),
        published_at=(doc or {}).get("published_at"),
        deadline=cal.picks_deadline(week),
        late=cal.picks_late(week, doc is not None, ctx.now()),
    )


async def remind_late_picks(ctx: Context, picks: PicksStore, notices: NoticeStore) -> int:
    """After Thursday 18:00, tell each county whose next-week picks are missing (once)."""
    week = cal.next_week(ctx.now())
    deadline = cal.picks_deadline(week)
    if ctx.now() <= deadline:
        return 0  # nothing can be late yet: no reads until the deadline has passed
    with suppress_instrumentation():
        regions = await site_model.counties(ctx)
    reminded = 0
    for region in regions:
        with suppress_instrumentation():
            published = await picks.get(region, week) is not None
            notice_id = f"picks-late|{region}|{week}"
            if not cal.picks_late(week, published, ctx.now()) or await notices.exists(notice_id):
                continue

        async def write(
            session: Session,
            region: str = region,
            notice_id: str = notice_id,
            deadline: datetime = deadline,
        ) -> None:
            await notices.add(
                session,
                notice_id,
                "picks_late",
                region,
                f"{week} 的下周精选尚未发布，截止时间 "
                f"{deadline.strftime('%m-%d %H:%M')} 已过，请尽快发布。",
                ctx.now(),
            )
            await ctx.host.emit(
                session,
                c.EVT_PICKS_LATE,
                c.PicksLate(region=region, week=week, deadline=deadline),
                site=region,
                actor=None,
            )

        await ctx.store.mongo.transaction(write)
        ctx.host.outbox.committed()
        reminded += 1
    return reminded


async def list_notices(notices: NoticeStore, caller: Caller) -> c.Notices:
    if not caller.is_admin:
        raise forbidden("只有管理员可以查看提醒", "notices are for admins")
    return c.Notices(
        items=[
            c.Notice(
                id=d["_id"],
                at=d["at"],
                kind=d["kind"],
                site=d["site"],
                text=d["text"],
                content_id=d.get("content_id"),
            )
            for d in await notices.for_caller(caller)
        ]
    )
