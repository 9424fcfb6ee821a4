"""Reads of the core app: which years' official calendars are known.

The calendar is national (every agency counts the same days), so these reads carry no scope.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from django.db.models import Count, Q
from django.utils import timezone

from zhifa.core import calendar
from zhifa.core.models import CalendarDay, CalendarYear

# The State Council publishes the next year's notice in November (4 Nov 2025, 12 Nov 2024, 8 Dec
# 2022): from 1 November an unknown next year is something an administrator should watch for.
NOTICE_SEASON = (11, 1)


class YearState(StrEnum):
    """What an administrator sees: `calendar.YearStatus`, with unknown years split by urgency."""

    OFFICIAL = "official"  # the package carries the arrangement
    ENTERED = "entered"  # an administrator entered the notice
    PROVISIONAL = "provisional"  # unknown, its notice is not due yet: dates in it are provisional
    MISSING = "missing"  # unknown although its notice is (or should be) out: enter it


@dataclass(frozen=True)
class YearRow:
    year: int
    state: YearState
    source: str
    entered_at: dt.datetime | None
    holidays: int  # entered holidays (0 for a package year without an override)
    workdays: int
    overrides_package: bool  # an entered year the package also knows

    @property
    def provisional(self) -> bool:
        return self.state in (YearState.PROVISIONAL, YearState.MISSING)


def _state(year: int, today: dt.date) -> YearState:
    status = calendar.year_status(year)
    if status == calendar.YearStatus.OFFICIAL:
        return YearState.OFFICIAL
    if status == calendar.YearStatus.ENTERED:
        return YearState.ENTERED
    due = year <= today.year or (year == today.year + 1 and (today.month, today.day) >= NOTICE_SEASON)
    return YearState.MISSING if due else YearState.PROVISIONAL


def calendar_year_rows(*, today: dt.date | None = None) -> list[YearRow]:
    """The years around today (from the year before the package's last one, or last year, to two years
    ahead) and every entered year, oldest first."""
    today = today or timezone.localdate()
    first = min(calendar.PACKAGE_LAST_YEAR - 1, today.year - 1)
    entered = {row.year: row for row in CalendarYear.objects.all()}
    years = sorted(set(range(first, today.year + 3)) | set(entered))
    counts: dict[int, dict[str, int]] = {
        int(row["date__year"]): {"holidays": int(row["holidays"]), "workdays": int(row["workdays"])}
        for row in CalendarDay.objects.filter(date__year__in=years)
        .values("date__year")
        .annotate(
            holidays=Count("id", filter=Q(kind=CalendarDay.Kind.HOLIDAY)),
            workdays=Count("id", filter=Q(kind=CalendarDay.Kind.WORKDAY)),
        )
    }
    package = f"chinesecalendar {_package_version()}"
    rows = []
    for year in years:
        state = _state(year, today)
        entry = entered.get(year)
        count: dict[str, int] = counts.get(year, {})
        rows.append(
            YearRow(
                year=year,
                state=state,
                source=entry.source if entry else (package if state == YearState.OFFICIAL else ""),
                entered_at=entry.confirmed_at if entry else None,
                holidays=count.get("holidays", 0) if entry else 0,
                workdays=count.get("workdays", 0) if entry else 0,
                overrides_package=entry is not None and state == YearState.OFFICIAL,
            )
        )
    return rows


def _package_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("chinesecalendar")
    except PackageNotFoundError:  # pragma: no cover - it is a dependency
        return ""


def calendar_days_of(year: int) -> list[tuple[dt.date, str, str]]:
    """The stored arranged days of `year` as (date, kind, name), with the previous December's days
    of its 元旦 item (a notice's first item may begin there)."""
    rows = CalendarDay.objects.filter(
        Q(date__year=year) | Q(date__year=year - 1, date__month=12, name__contains="元旦")
    ).order_by("date")
    return [(d.date, d.kind, d.name) for d in rows]
