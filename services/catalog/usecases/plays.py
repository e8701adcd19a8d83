"""Plays: resume where a viewer stopped, continue with the next episode, and heat the
hot list. Play reports arrive as events from the gateway's play API (through the
inbox, so a resent report counts once)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime

from services.catalog.domain import hot
from services.catalog.domain.content import Content, visible_to
from services.catalog.store import HEAT, PROGRESS
from services.catalog.usecases.context import Context
from services.catalog.usecases.views import to_view
from services.contracts import catalog as c
from services.contracts.envelope import EventEnvelope
from services.contracts.identity import Caller
from services.runtime import sites
from services.runtime.errors import not_found
from services.runtime.mongo import Session

COMPLETE_RATIO = 0.95


async def record(ctx: Context, event: EventEnvelope[c.PlayRecorded], session: Session) -> None:
    """The inbox effect of one play report (runs inside the inbox transaction)."""
    play = event.data
    if ctx.read.get(play.content_id) is None and await ctx.store.get(play.content_id) is None:
        return  # an item we never had: nothing to heat, nothing to resume
    moment = event.occurred_at
    await _save_progress(ctx, session, play, moment)
    if play.action is c.PlayAction.progress:
        return
    heats = ctx.store.mongo.collection(HEAT)
    for region in hot.regions_of(play.viewer_site):
        key = f"{region}|{play.content_id}"
        stored = await heats.find_one({"_id": key}, session=session)
        current = hot.Heat(**{k: v for k, v in (stored or {}).items() if k in HEAT_FIELDS})
        updated = hot.record(current, play.action, moment)
        await heats.replace_one(
            {"_id": key},
            {"_id": key, "region": region, "content_id": play.content_id, **asdict(updated)},
            upsert=True,
            session=session,
        )


async def reload_heat(ctx: Context, data: c.PlayRecorded) -> None:
    """After the play committed: bring this replica's hot board up to the stored heat."""
    heats = ctx.store.mongo.collection(HEAT)
    regions = hot.regions_of(data.viewer_site)
    for region in regions:
        doc = await heats.find_one({"_id": f"{region}|{data.content_id}"})
        if doc is not None:
            heat = hot.Heat(**{k: v for k, v in doc.items() if k in HEAT_FIELDS})
            ctx.read.hot.load(region, data.content_id, heat)
            if region == regions[0]:  # the province: the item's overall heat
                ctx.read.heat_changed(data.content_id, heat.score)


HEAT_FIELDS = set(hot.Heat.__dataclass_fields__)


async def _save_progress(
    ctx: Context, session: Session, play: c.PlayRecorded, moment: datetime
) -> None:
    done = play.action is c.PlayAction.complete or (
        play.duration_s is not None
        and play.duration_s > 0
        and play.position_s >= COMPLETE_RATIO * play.duration_s
    )
    key = f"{play.viewer}|{play.content_id}"
    await ctx.store.mongo.collection(PROGRESS).replace_one(
        {"_id": key},
        {
            "_id": key,
            "viewer": play.viewer,
            "content_id": play.content_id,
            "position_s": 0.0 if done else play.position_s,
            "completed": done,
            "at": moment,
        },
        upsert=True,
        session=session,
    )


async def warm(ctx: Context) -> None:
    async for doc in ctx.store.mongo.collection(HEAT).find({}):
        heat = hot.Heat(**{k: v for k, v in doc.items() if k in HEAT_FIELDS})
        ctx.read.hot.load(doc["region"], doc["content_id"], heat)


async def resume(ctx: Context, caller: Caller, content_id: str) -> c.Resume:
    item = ctx.read.get_visible(content_id, caller)
    if item is None:
        raise not_found("内容", "content")
    if item.kind is c.ContentKind.series:
        # A series resumes at its episode to continue: the answer names that episode.
        episode = await episode_to_continue(ctx, caller, item.id)
        if episode is None:
            return c.Resume(content_id=content_id, position_s=0.0, completed=False, next=None)
        item, content_id = episode, episode.id
    doc = await ctx.store.mongo.collection(PROGRESS).find_one({"_id": f"{caller.sub}|{content_id}"})
    following = ctx.read.next_episode(item)
    return c.Resume(
        content_id=content_id,
        position_s=float(doc["position_s"]) if doc else 0.0,
        completed=bool(doc and doc["completed"]),
        next=to_view(following, ctx.read) if following is not None else None,
    )


async def episode_to_continue(ctx: Context, caller: Caller, series_id: str) -> Content | None:
    """The episode the viewer was in the middle of, else the first not yet finished."""
    episodes = [e for e in ctx.read.episodes(series_id) if visible_to(e, caller)]
    if not episodes:
        return None
    keys = [f"{caller.sub}|{e.id}" for e in episodes]
    docs = await ctx.store.mongo.collection(PROGRESS).find({"_id": {"$in": keys}}).to_list()
    progress = {d["content_id"]: d for d in docs}
    started = [p for p in docs if not p["completed"] and p["position_s"] > 0]
    if started:
        latest = max(started, key=lambda p: p["at"])
        return next(e for e in episodes if e.id == latest["content_id"])
    unfinished = [e for e in episodes if not progress.get(e.id, {}).get("completed")]
    return unfinished[0] if unfinished else episodes[0]


def hot_list(ctx: Context, site: str, query: c.HotQuery) -> c.HotList:
    region = hot.region_for(site)
    scopes = set(sites.ancestors(site))

    def shown(item_id: str) -> bool:
        # Only items the region has heat for are looked at, not the whole catalog.
        item = ctx.read.get(item_id)
        return (
            item is not None
            and item.scope in scopes
            and (query.section is None or item.section is query.section)
        )

    now = ctx.now()
    week = hot.week_of(now)
    top = ctx.read.hot.top(region, now, query.limit, this_week=query.week, keep=shown)
    items = []
    for item_id, score, heat in top:
        item = ctx.read.get(item_id)
        if item is not None:
            items.append(
                c.HotItem(
                    content=to_view(item, ctx.read),
                    score=round(score, 3),
                    plays_week=heat.plays_week if heat.week == week else 0,
                    why=hot.why(heat, week),
                )
            )
    return c.HotList(region=region, items=items)
