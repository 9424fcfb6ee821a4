"""Working-day arithmetic for China.

Sources, in order: an administrator's CalendarDay row for the date; the `chinesecalendar` package
(official holidays and 调休 up to the last year it knows); for a year that an administrator has entered
(CalendarYear) the weekday rule outside the entered days. For a year nobody knows yet (every December
the next year is such a year until the State Council's notice is entered) the weekday rule applies and
the answer is **provisional**: this module never refuses to answer, because a deadline engine that
stops every December stops the agencies' work. Callers that store a date keep the provisional flag;
one daily job (`zhifa.foundation.deadlines.provisional`) recomputes those dates once the year is entered.

Where the law protects a party, a provisional day must not count against the party: `envelope_working`
answers "could this day be a statutory holiday in some official arrangement?" so gates can give the
party the latest date any arrangement could give (see `law.days.timeliness`).
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from dataclasses import dataclass
from enum import StrEnum

import chinese_calendar
from django.dispatch import Signal

_CACHE_SECONDS = 60.0  # admins' edits reach every process within a minute; calendar_changed() is instant
_lock = threading.Lock()
_cache: dict[int, tuple[float, dict[dt.date, bool], bool]] = {}

# Sent with `year=` once an administrator has entered a year (the deadlines app recomputes).
year_entered_signal = Signal()

# The years the installed `chinesecalendar` release knows (its data ends with the last one).
PACKAGE_FIRST_YEAR: int = min(d.year for d in chinese_calendar.holidays)
PACKAGE_LAST_YEAR: int = max(d.year for d in chinese_calendar.holidays)

# Where statutory holidays and their bridging days have fallen or can fall (全国年节及纪念日放假办法):
# 元旦; 春节 (农历除夕 falls 20 Jan – 19 Feb, the holiday runs up to eight days after); 清明 (4–5 Apr);
# 劳动节; 端午 (农历五月初五 falls 28 May – 25 Jun); 中秋 (农历八月十五 falls 7 Sep – 8 Oct) and 国庆.
# Only used for days of a year whose calendar is unknown, and only to protect a party.
HOLIDAY_ENVELOPE: tuple[tuple[tuple[int, int], tuple[int, int]], ...] = (
    ((1, 1), (1, 3)),
    ((1, 20), (2, 28)),
    ((4, 3), (4, 6)),
    ((4, 29), (5, 5)),
    ((5, 28), (6, 26)),
    ((9, 6), (10, 8)),
)


class YearStatus(StrEnum):
    OFFICIAL = "official"  # the chinesecalendar package carries the State Council's arrangement
    ENTERED = "entered"  # an administrator entered the notice (CalendarYear)
    PROVISIONAL = "provisional"  # nobody knows it yet: weekday rule, recomputed later


@dataclass(frozen=True)
class DayFact:
    working: bool
    provisional: bool = False


def calendar_changed() -> None:
    """Forget cached years (called whenever CalendarDay/CalendarYear rows change)."""
    with _lock:
        _cache.clear()


def year_entered(year: int) -> None:
    """Called by whoever saves a year's calendar: caches are dropped at once, and the deadlines app
    (listening to `year_entered_signal`) recomputes every domain's provisional dates after commit."""
    calendar_changed()
    year_entered_signal.send(sender=None, year=year)


def _year_table(year: int) -> tuple[dict[dt.date, bool], bool]:
    """(overrides date → is_working_day, entered) for a year, cached briefly."""
    now = time.monotonic()
    with _lock:
        hit = _cache.get(year)
        if hit and now - hit[0] < _CACHE_SECONDS:
            return hit[1], hit[2]
    from zhifa.core.models import CalendarDay, CalendarYear

    overrides = {
        d.date: d.kind == CalendarDay.Kind.WORKDAY
        for d in CalendarDay.objects.filter(date__year=year).only("date", "kind")
    }
    entered = CalendarYear.objects.filter(year=year).exists()
    with _lock:
        _cache[year] = (now, overrides, entered)
    return overrides, entered


def year_status(year: int) -> YearStatus:
    if PACKAGE_FIRST_YEAR <= year <= PACKAGE_LAST_YEAR:
        return YearStatus.OFFICIAL
    if _year_table(year)[1]:
        return YearStatus.ENTERED
    return YearStatus.PROVISIONAL


def working_day(day: dt.date) -> DayFact:
    """Is `day` a working day, and is that answer provisional (its year not known yet)?"""
    overrides, entered = _year_table(day.year)
    if day in overrides:
        return DayFact(overrides[day])
    try:
        return DayFact(bool(chinese_calendar.is_workday(day)))
    except NotImplementedError:
        return DayFact(day.weekday() < 5, provisional=not entered)


def is_working_day(day: dt.date) -> bool:
    return working_day(day).working


def envelope_working(day: dt.date) -> bool:
    """For a party's benefit: a provisional day counts as working only if it is a weekday outside every
    window where a statutory holiday could fall. Known days answer as `is_working_day`."""
    fact = working_day(day)
    if not fact.provisional:
        return fact.working
    if not fact.working:
        return False
    md = (day.month, day.day)
    return not any(lo <= md <= hi for lo, hi in HOLIDAY_ENVELOPE)


def is_holiday(day: dt.date) -> bool:
    """A day off (statutory holiday or weekend not adjusted into a working day)."""
    return not is_working_day(day)


def add_natural_days(start: dt.date, days: int) -> dt.date:
    return start + dt.timedelta(days=days)


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The `days`-th working day after `start` (start itself is not counted). days >= 0."""
    if days < 0:
        raise ValueError("days must be >= 0")
    current = start
    remaining = days
    while remaining:
        current += dt.timedelta(days=1)
        if is_working_day(current):
            remaining -= 1
    return current


def next_working_day_on_or_after(day: dt.date) -> dt.date:
    while not is_working_day(day):
        day += dt.timedelta(days=1)
    return day


def working_days_between(start: dt.date, end: dt.date, *, party_favour: bool = False) -> int:
    """Working days in (start, end]: how many working days have passed after `start` by `end`.
    With `party_favour`, a provisional day counts only when no official arrangement could make it a
    holiday (e.g. a notice period the party is owed is never shortened by a guess)."""
    count = 0
    current = start
    test = envelope_working if party_favour else is_working_day
    while current < end:
        current += dt.timedelta(days=1)
        if test(current):
            count += 1
    return count
