"""Hot ranking from real plays, with time decay (seed 000 asks for a 热度排行).

Each item keeps, per region, a heat that halves every `HALF_LIFE` and grows with
every play, completion and like; plus plain counts for the current ISO week, so a
hot item can say why it is hot ("本周播放 128 次").
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Final

from services.contracts.catalog import PlayAction
from services.runtime import sites

from .calendar import week_id
from .levels import COUNTY_DEPTH, county_of

HALF_LIFE: Final = timedelta(days=3)
WEIGHTS: Final = {
    PlayAction.play: 1.0,
    PlayAction.complete: 2.0,
    PlayAction.like: 3.0,
    PlayAction.progress: 0.0,
}


def week_of(moment: datetime) -> str:
    return week_id(moment.date())


@dataclass(frozen=True)
class Heat:
    score: float = 0.0
    at: float = 0.0  # epoch seconds the score refers to
    week: str = ""
    plays_week: int = 0
    likes_week: int = 0
    completions_week: int = 0

    def decayed(self, now: float) -> float:
        if self.score == 0.0:
            return 0.0
        return self.score * math.pow(0.5, max(0.0, now - self.at) / HALF_LIFE.total_seconds())


def record(heat: Heat, action: PlayAction, moment: datetime) -> Heat:
    now = moment.timestamp()
    week = week_of(moment)
    counts = (
        heat
        if heat.week == week
        else replace(heat, week=week, plays_week=0, likes_week=0, completions_week=0)
    )
    return replace(
        counts,
        score=heat.decayed(now) + WEIGHTS[action],
        at=max(now, heat.at),
        plays_week=counts.plays_week + (action is PlayAction.play),
        likes_week=counts.likes_week + (action is PlayAction.like),
        completions_week=counts.completions_week + (action is PlayAction.complete),
    )


def why(heat: Heat, current_week: str) -> str:
    if heat.week != current_week or heat.plays_week == 0:
        return "近期热播"
    parts = [f"本周播放 {heat.plays_week} 次"]
    if heat.completions_week:
        parts.append(f"看完 {heat.completions_week} 次")
    if heat.likes_week:
        parts.append(f"点赞 {heat.likes_week} 次")
    return "，".join(parts)


@dataclass
class HotBoard:
    """Heat per (region, item) in memory; regions are the county, city and province."""

    heats: dict[str, dict[str, Heat]] = field(default_factory=dict)

    def add(
        self, regions: Iterable[str], item_id: str, action: PlayAction, moment: datetime
    ) -> None:
        for region in regions:
            board = self.heats.setdefault(region, {})
            board[item_id] = record(board.get(item_id, Heat()), action, moment)

    def load(self, region: str, item_id: str, heat: Heat) -> None:
        self.heats.setdefault(region, {})[item_id] = heat

    def get(self, region: str, item_id: str) -> Heat:
        return self.heats.get(region, {}).get(item_id, Heat())

    def top(
        self,
        region: str,
        now: datetime,
        limit: int,
        *,
        this_week: bool,
        keep: Callable[[str], bool] | None = None,
    ) -> list[tuple[str, float, Heat]]:
        """The hottest items of a region (optionally only those `keep` accepts)."""
        board = self.heats.get(region, {})
        week = week_of(now)
        stamp = now.timestamp()

        def score(entry: tuple[str, Heat]) -> float:
            heat = entry[1]
            if this_week:
                return (
                    float(heat.plays_week + 2 * heat.completions_week + 3 * heat.likes_week)
                    if heat.week == week
                    else 0.0
                )
            return heat.decayed(stamp)

        candidates = (e for e in board.items() if keep is None or keep(e[0]))
        best = heapq.nlargest(limit, candidates, key=score)
        return [
            (item_id, score((item_id, heat)), heat)
            for item_id, heat in best
            if score((item_id, heat)) > 0
        ]


def regions_of(site: str) -> list[str]:
    """The regions a play counts for: province, city and county (center) above `site`."""
    return sites.ancestors(site)[: COUNTY_DEPTH + 1]


def region_for(site: str) -> str:
    """Whose hot list a viewer at `site` sees: their county's (or the deepest above)."""
    return county_of(site)
