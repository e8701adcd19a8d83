"""The catalog's read model of the site tree (from the accounts service's events):
site names, kinds and locations — for "near my station" and per-county reminders."""

from __future__ import annotations

from typing import Any

from services.catalog.store import SITES
from services.catalog.usecases.context import Context
from services.contracts.accounts import SiteView
from services.contracts.envelope import EventEnvelope
from services.runtime import sites
from services.runtime.mongo import Document, Session


async def apply(ctx: Context, event: EventEnvelope[Any], session: Session) -> None:
    site = SiteView.model_validate(event.data)
    await ctx.store.mongo.collection(SITES).replace_one(
        {"_id": site.path},
        {**site.model_dump(mode="json"), "_id": site.path, "site_path": sites.ancestors(site.path)},
        upsert=True,
        session=session,
    )


async def get(ctx: Context, path: str) -> Document | None:
    return await ctx.store.mongo.collection(SITES).find_one({"_id": path})


async def location_of(ctx: Context, path: str) -> tuple[float, float] | None:
    """The nearest located site at or above `path` (a point inherits its station's)."""
    docs = (
        await ctx.store.mongo.collection(SITES)
        .find({"_id": {"$in": sites.ancestors(path)}, "location": {"$ne": None}})
        .to_list()
    )
    if not docs:
        return None
    deepest = max(docs, key=lambda d: len(d["_id"]))
    return float(deepest["location"]["lat"]), float(deepest["location"]["lng"])


async def counties(ctx: Context) -> list[str]:
    docs = await ctx.store.mongo.collection(SITES).find({"kind": "center"}, {"_id": 1}).to_list()
    return [d["_id"] for d in docs]
