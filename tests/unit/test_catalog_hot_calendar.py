"""Hot ranking with time decay, and the Thursday 18:00 picks deadline."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from services.catalog.domain import calendar as cal
from services.catalog.domain import hot
from services.contracts.catalog import PlayAction

MONDAY = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # ISO week 2026-W48
COUNTY = "320000/320500/320582"
POINT = f"{COUNTY}/320582001/320582001001/P01"


def test_heat_halves_every_three_days() -> None:
    heat = hot.record(hot.Heat(), PlayAction.play, MONDAY)
    assert heat.decayed(MONDAY.timestamp()) == pytest.approx(1.0)
    later = MONDAY + hot.HALF_LIFE
    assert heat.decayed(later.timestamp()) == pytest.approx(0.5)
    assert heat.decayed((later + hot.HALF_LIFE).timestamp()) == pytest.approx(0.25)


def test_completions_and_likes_weigh_more_than_plays() -> None:
    board = hot.HotBoard()
    regions = hot.regions_of(POINT)
    board.add(regions, "played", PlayAction.play, MONDAY)
    board.add(regions, "played", PlayAction.play, MONDAY)
    board.add(regions, "liked", PlayAction.like, MONDAY)
    board.add(regions, "finished", PlayAction.complete, MONDAY)
    ranked = [item for item, _, _ in board.top(COUNTY, MONDAY, 10, this_week=False)]
    assert ranked == ["liked", "played", "finished"]


def test_order_changes_as_plays_arrive_and_decay() -> None:
    board = hot.HotBoard()
    regions = hot.regions_of(POINT)
    for _ in range(5):
        board.add(regions, "old-favourite", PlayAction.play, MONDAY)
    week_later = MONDAY + timedelta(days=7)
    for _ in range(2):
        board.add(regions, "new-hit", PlayAction.play, week_later)
    first = board.top(COUNTY, week_later, 10, this_week=False)
    assert [item for item, _, _ in first] == ["new-hit", "old-favourite"]
    # On the day of the old plays the old item led.
    assert board.top(COUNTY, MONDAY, 1, this_week=False)[0][0] == "old-favourite"


def test_this_week_counts_reset_on_monday_and_say_why() -> None:
    heat = hot.Heat()
    for _ in range(3):
        heat = hot.record(heat, PlayAction.play, MONDAY)
    heat = hot.record(heat, PlayAction.like, MONDAY)
    assert hot.why(heat, hot.week_of(MONDAY)) == "本周播放 3 次，点赞 1 次"
    next_week = MONDAY + timedelta(days=7)
    heat = hot.record(heat, PlayAction.play, next_week)
    assert heat.plays_week == 1
    assert heat.likes_week == 0
    assert hot.why(heat, hot.week_of(next_week + timedelta(days=7))) == "近期热播"


def test_plays_count_for_the_county_city_and_province_not_other_counties() -> None:
    assert hot.regions_of(POINT) == ["320000", "320000/320500", COUNTY]
    assert hot.region_for(POINT) == COUNTY
    board = hot.HotBoard()
    board.add(hot.regions_of(POINT), "a", PlayAction.play, MONDAY)
    assert board.top("320000/320500/320581", MONDAY, 5, this_week=True) == []
    assert board.top("320000", MONDAY, 5, this_week=True)[0][0] == "a"


def test_top_keeps_only_allowed_items() -> None:
    board = hot.HotBoard()
    board.add([COUNTY], "visible", PlayAction.play, MONDAY)
    board.add([COUNTY], "hidden", PlayAction.like, MONDAY)
    top = board.top(COUNTY, MONDAY, 5, this_week=False, keep={"visible"}.__contains__)
    assert [item for item, _, _ in top] == ["visible"]


# -- picks deadline ------------------------------------------------------------------------


def test_picks_for_a_week_are_due_thursday_18_00_beijing_of_the_week_before() -> None:
    deadline = cal.picks_deadline("2026-W49")  # the week of Monday 30 Nov 2026
    assert deadline == datetime(2026, 11, 26, 18, 0, tzinfo=cal.CHINA)
    assert deadline.astimezone(UTC) == datetime(2026, 11, 26, 10, 0, tzinfo=UTC)


def test_next_week_and_lateness() -> None:
    thursday_evening = datetime(2026, 11, 26, 18, 30, tzinfo=cal.CHINA)
    assert cal.next_week(thursday_evening) == "2026-W49"
    assert cal.picks_late("2026-W49", published=False, now=thursday_evening)
    assert not cal.picks_late("2026-W49", published=True, now=thursday_evening)
    thursday_noon = thursday_evening.replace(hour=12)
    assert not cal.picks_late("2026-W49", published=False, now=thursday_noon)


def test_week_ids_cross_the_year() -> None:
    assert cal.week_id(datetime(2026, 12, 31, tzinfo=UTC).date()) == "2026-W53"
    assert cal.week_monday("2027-W01").isoformat() == "2027-01-04"
    assert cal.picks_deadline("2027-W01").date().isoformat() == "2026-12-31"
