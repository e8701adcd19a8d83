"""This week's top search terms (本周热搜), counted per ISO week in China time.

The clock is injected; nothing here reads the system time. Terms are normalised
like queries, so 養生 and 养生 count as one. Queries that found nothing are
counted apart: they are what residents look for and the platform lacks (seed 000:
柔力球教学), useful to editors, never shown as hot.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta, timezone, tzinfo
from typing import Final, NamedTuple

from .normalize import normalize

CHINA_TIME: Final = timezone(timedelta(hours=8), "CST")


class Week(NamedTuple):
    year: int  # ISO year
    week: int  # ISO week, Monday to Sunday


def week_of(moment: datetime, tz: tzinfo = CHINA_TIME) -> Week:
    if moment.tzinfo is None:
        raise ValueError("the clock must give timezone-aware datetimes")
    iso = moment.astimezone(tz).isocalendar()
    return Week(iso.year, iso.week)


class HotTerms:
    def __init__(
        self,
        clock: Callable[[], datetime],
        *,
        tz: tzinfo = CHINA_TIME,
        keep_weeks: int = 8,
        max_terms: int = 5_000,
    ) -> None:
        self._clock = clock
        self._tz = tz
        self._keep = timedelta(weeks=keep_weeks)
        self._max_terms = max_terms
        self._found: dict[Week, Counter[str]] = {}
        self._unmet: dict[Week, Counter[str]] = {}

    def this_week(self) -> Week:
        return week_of(self._clock(), self._tz)

    def last_week(self) -> Week:
        return week_of(self._clock() - timedelta(weeks=1), self._tz)

    def record(self, term: str, *, found: bool = True) -> None:
        """Count one search for `term` (what the resident meant, e.g. `SearchResult.term`)."""
        text = normalize(term).text
        if not text:
            return
        now = self._clock()
        week = week_of(now, self._tz)
        book = self._found if found else self._unmet
        counts = book.setdefault(week, Counter())
        counts[text] += 1
        if len(counts) > self._max_terms:
            _shrink(counts, self._max_terms)
        self._forget_before(week_of(now - self._keep, self._tz))

    def top(self, n: int = 10, *, week: Week | None = None) -> list[tuple[str, int]]:
        """The `n` most searched terms of `week` (default: this week) that found something."""
        return _top(self._found.get(week or self.this_week()), n)

    def unmet(self, n: int = 10, *, week: Week | None = None) -> list[tuple[str, int]]:
        """The `n` most searched terms of `week` that found nothing."""
        return _top(self._unmet.get(week or self.this_week()), n)

    def _forget_before(self, oldest: Week) -> None:
        for book in (self._found, self._unmet):
            for week in [w for w in book if w < oldest]:
                del book[week]


def _top(counts: Counter[str] | None, n: int) -> list[tuple[str, int]]:
    if not counts or n <= 0:
        return []
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:n]


def _shrink(counts: Counter[str], keep: int) -> None:
    """Bound memory against a flood of one-off queries: drop the rarest terms."""
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    counts.clear()
    counts.update(dict(ranked[: keep // 2]))
