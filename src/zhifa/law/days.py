"""How statutory periods are counted (docs/law.md, "How days are counted").

- 行政处罚法第八十五条: its 二日/三日/五日/七日 are working days (工作日, excluding statutory holidays).
- 行政强制法第六十九条: periods of ten days or less are working days.
- 行政复议法（2023）第八十八条: its 三日/五日/七日/十日 are working days.
- Otherwise 民事诉讼法第八十五条 (期间): the day of the triggering act is not counted; a period whose
  last day falls on a statutory holiday (法定休假日, which includes weekends) ends on the next working day.

A year whose official holiday arrangement is not known yet never stops a computation: its days follow
the weekday rule and the result is **provisional** (`Due.provisional`), recomputed once the year is
entered. Where the answer decides against a party (an act too late, a window already closed), the
party gets the latest date that any official arrangement could give (`timeliness`, `period_elapsed`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from zhifa.core import calendar


class DayKind(StrEnum):
    NATURAL = "natural"
    WORKING = "working"


@dataclass(frozen=True)
class Due:
    """A computed last day. `provisional` when a day that decided it lies in a year whose official
    calendar is not known yet: the date then follows the weekday rule and is recomputed later."""

    on: dt.date
    provisional: bool = False


@dataclass(frozen=True)
class Timeliness:
    """Was a party's act in time? `provisional` when the answer rests on an unknown year (the record
    must say so); `due` is the period's (possibly provisional) last day."""

    in_time: bool
    provisional: bool
    due: Due


@dataclass(frozen=True)
class Period:
    """A statutory period: its length, how days count, and the article that sets it."""

    days: int
    kind: DayKind
    article: str

    def due(self, start: dt.date, *, extra_days: int = 0) -> Due:
        return period_end(self, start, extra_days=extra_days)

    def end(self, start: dt.date) -> dt.date:
        """The last day on which the act is still in time, for a period triggered on `start`
        (possibly provisional: use `due()` where the flag must be kept)."""
        return period_end(self, start).on


def _walk(kind: DayKind, start: dt.date, days: int, is_working: Callable[[dt.date], calendar.DayFact]) -> Due:
    provisional = False
    if kind == DayKind.WORKING:
        current, remaining = start, days
        while remaining:
            current += dt.timedelta(days=1)
            fact = is_working(current)
            provisional |= fact.provisional
            remaining -= 1 if fact.working else 0
        return Due(current, provisional)
    current = start + dt.timedelta(days=days)
    while True:  # 民事诉讼法第八十五条: a last day off work moves to the next working day
        fact = is_working(current)
        provisional |= fact.provisional
        if fact.working:
            return Due(current, provisional)
        current += dt.timedelta(days=1)


def _envelope_fact(day: dt.date) -> calendar.DayFact:
    fact = calendar.working_day(day)
    return calendar.DayFact(calendar.envelope_working(day), fact.provisional)


def period_end(period: Period, start: dt.date, *, extra_days: int = 0) -> Due:
    """Last day of `period` (lengthened by `extra_days` of the same kind) triggered on `start`."""
    if period.days + extra_days < 0:
        raise ValueError("a period cannot be negative")
    return _walk(period.kind, start, period.days + extra_days, calendar.working_day)


def latest_end(period: Period, start: dt.date, *, extra_days: int = 0) -> dt.date:
    """The latest last day any official arrangement of the unknown years could give (party's favour);
    equal to `period_end` where every deciding day is known."""
    return _walk(period.kind, start, period.days + extra_days, _envelope_fact).on


def natural_period_end(start: dt.date, days: int) -> dt.date:
    """民事诉讼法第八十五条: start day not counted; a last day on a holiday moves to the next working day."""
    return period_end(Period(days, DayKind.NATURAL, ""), start).on


def working_period_end(start: dt.date, days: int) -> dt.date:
    """行政处罚法第八十五条 / 行政强制法第六十九条: count `days` working days after the triggering day."""
    return period_end(Period(days, DayKind.WORKING, ""), start).on


def timeliness(period: Period, start: dt.date, act_on: dt.date, *, extra_days: int = 0) -> Timeliness:
    """A party's act on `act_on` against `period` triggered on `start`. Where the last day is
    provisional, the act is in time up to the latest date an official arrangement could give."""
    due = period_end(period, start, extra_days=extra_days)
    if act_on <= due.on:
        return Timeliness(True, due.provisional, due)
    if not due.provisional:
        return Timeliness(False, False, due)
    return Timeliness(act_on <= latest_end(period, start, extra_days=extra_days), True, due)


def within_period(period: Period, start: dt.date, act_on: dt.date, *, extra_days: int = 0) -> bool:
    """Was an act on `act_on` in time for `period` triggered on `start`? (see `timeliness`)"""
    return timeliness(period, start, act_on, extra_days=extra_days).in_time


def period_elapsed(period: Period, start: dt.date, on: dt.date, *, extra_days: int = 0) -> bool:
    """Has the whole period passed by `on` (the last day is over)? A window the party is owed is
    over only after the latest date an official arrangement could give it."""
    due = period_end(period, start, extra_days=extra_days)
    if on <= due.on:
        return False
    if not due.provisional:
        return True
    return on > latest_end(period, start, extra_days=extra_days)
