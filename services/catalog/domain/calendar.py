"""The release calendar: next week's picks are due Thursday 18:00 of the week before
(seed 000: Monday's 本周热点 came too late to plan activities a week ahead)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Final
from zoneinfo import ZoneInfo

CHINA: Final = ZoneInfo("Asia/Shanghai")
PICKS_DUE: Final = (3, time(18, 0))  # Thursday (Monday = 0), 18:00 Beijing time


def week_id(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def week_monday(week: str) -> date:
    year, number = week.split("-W")
    return date.fromisocalendar(int(year), int(number), 1)


def next_week(now: datetime) -> str:
    return week_id((now.astimezone(CHINA) + timedelta(days=7)).date())


def picks_deadline(week: str) -> datetime:
    """Thursday 18:00 (Beijing) of the week before `week`."""
    weekday, at = PICKS_DUE
    thursday = week_monday(week) - timedelta(days=7) + timedelta(days=weekday)
    return datetime.combine(thursday, at, tzinfo=CHINA)


def picks_late(week: str, published: bool, now: datetime) -> bool:
    return not published and now > picks_deadline(week)
