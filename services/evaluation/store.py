"""The evaluation service's collections (its own database)."""

from __future__ import annotations

from pymongo import IndexModel, UpdateOne

from services.runtime.mongo import Mongo, Session

SITE_STATS = "site_stats"
INDEXES: dict[str, list[IndexModel]] = {SITE_STATS: []}


class SiteStatsStore:
    def __init__(self, mongo: Mongo) -> None:
        self._stats = mongo.collection(SITE_STATS)

    async def increment(self, session: Session, sites: list[str], field: str) -> None:
        """One command for the whole chain of sites (a round trip each would be five)."""
        await self._stats.bulk_write(
            [UpdateOne({"_id": site}, {"$inc": {field: 1}}, upsert=True) for site in sites],
            ordered=True,
            session=session,
        )

    async def get(self, site: str) -> dict[str, int]:
        doc = await self._stats.find_one({"_id": site}) or {}
        return {key: value for key, value in doc.items() if key != "_id"}
