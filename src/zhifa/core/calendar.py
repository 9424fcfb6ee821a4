"""Working-day arithmetic for China.

Sources, in order: an admin's CalendarDay row for the date; the `chinesecalendar` package (official
holidays and 调休 up to the last year it knows); for a year the package does not know, the weekday
rule, but only when admins have confirmed that year's table (CalendarYear). Otherwise
UnknownCalendarYear: a deadline computed from a guessed calendar would be wrong on exactly the days
that matter.
"""

from __future__ import annotations

import datetime as dt
import threading
import time

import chinese_calendar
from django.utils.translation import gettext_lazy as _

from zhifa.core.errors import DomainError

_CACHE_SECONDS = 60.0  # admins' edits reach every process within a minute; calendar_changed() is instant
_lock = threading.Lock()
_cache: dict[int, tuple[float, dict[dt.date, bool], bool]] = {}


class UnknownCalendarYear(DomainError):
    status = 422
    code = "calendar_year_unknown"


def calendar_changed() -> None:
    """Forget cached years (called by the admin when CalendarDay/CalendarYear rows change)."""
    with _lock:
        _cache.clear()


def _year_table(year: int) -> tuple[dict[dt.date, bool], bool]:
    """(overrides date → is_working_day, confirmed) for a year, cached briefly."""
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
    confirmed = CalendarYear.objects.filter(year=year).exists()
    with _lock:
        _cache[year] = (now, overrides, confirmed)
    return overrides, confirmed


def is_working_day(day: dt.date) -> bool:
    overrides, confirmed = _year_table(day.year)
    if day in overrides:
        return overrides[day]
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        if confirmed:
            return day.weekday() < 5
        raise UnknownCalendarYear(
            _(
                "The official calendar for %(year)s is not known yet: an administrator must enter that "
                "year's holidays and adjusted working days before deadlines can be computed."
            )
            % {"year": day.year},
            detail={"year": day.year},
        ) from None


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


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days in (start, end]: how many working days have passed after `start` by `end`."""
    count = 0
    current = start
    while current < end:
        current += dt.timedelta(days=1)
        if is_working_day(current):
            count += 1
    return count
