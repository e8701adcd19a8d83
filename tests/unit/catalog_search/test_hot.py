"""This week's top search terms, with a clock the test controls."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from services.catalog.domain.search import HotTerms, Week


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


# Monday 2025-09-01 09:00 in China is 01:00 UTC; ISO week 36.
MONDAY = datetime(2025, 9, 1, 1, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> Clock:
    return Clock(MONDAY)


def test_top_terms_of_the_week(clock: Clock) -> None:
    hot = HotTerms(clock)
    for term in ["柔力球"] * 3 + ["剪纸"] * 2 + ["锡剧"]:
        hot.record(term)
    assert hot.this_week() == Week(2025, 36)
    assert hot.top(2) == [("柔力球", 3), ("剪纸", 2)]
    assert hot.top() == [("柔力球", 3), ("剪纸", 2), ("锡剧", 1)]
    assert hot.top(0) == []


def test_terms_are_normalised_so_variants_count_together(clock: Clock) -> None:
    hot = HotTerms(clock)
    for term in ["養生", "养生", " 养生 ", "", "   ", ".*"]:
        hot.record(term)
    assert hot.top() == [("养生", 3)]


def test_weeks_turn_at_monday_midnight_china_time(clock: Clock) -> None:
    hot = HotTerms(clock)
    clock.now = datetime(2025, 9, 7, 15, 59, tzinfo=UTC)  # Sunday 23:59 in China
    hot.record("广场舞")
    clock.now = datetime(2025, 9, 7, 16, 0, tzinfo=UTC)  # Monday 00:00 in China
    hot.record("太极拳")
    assert hot.top() == [("太极拳", 1)]
    assert hot.last_week() == Week(2025, 36)
    assert hot.top(week=hot.last_week()) == [("广场舞", 1)]


def test_searches_that_found_nothing_are_kept_apart(clock: Clock) -> None:
    hot = HotTerms(clock)
    hot.record("柔力球教学", found=False)
    hot.record("柔力球教学", found=False)
    hot.record("剪纸")
    assert hot.top() == [("剪纸", 1)]
    assert hot.unmet() == [("柔力球教学", 2)]


def test_old_weeks_are_forgotten(clock: Clock) -> None:
    hot = HotTerms(clock, keep_weeks=2)
    hot.record("锡剧")
    first = hot.this_week()
    clock.now += timedelta(weeks=3)
    hot.record("评弹")
    assert hot.top(week=first) == []
    assert hot.top() == [("评弹", 1)]


def test_a_flood_of_one_off_queries_stays_bounded(clock: Clock) -> None:
    hot = HotTerms(clock, max_terms=100)
    for _ in range(5):
        hot.record("柔力球")
    for n in range(1_000):
        hot.record(f"query{n}")
    assert hot.top(1) == [("柔力球", 5)]
    assert len(hot.top(1_000)) <= 100


def test_the_clock_must_know_its_timezone() -> None:
    hot = HotTerms(lambda: datetime(2025, 9, 1, 9, 0))
    with pytest.raises(ValueError, match="timezone-aware"):
        hot.record("柔力球")
