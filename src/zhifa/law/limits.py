"""Time limits that are more than one `law.days.Period`: periods counted in months or years, periods
that stop while an obstacle lasts, and the earlier of several limits that bind together.

- 民法典第二百零一条、第二百零二条: a period in months or years starts the day after the triggering
  day and ends on the corresponding day of the last month, or on that month's last day when it has no
  such day (a year from 29 February 2024 ends on 28 February 2025).
- 民事诉讼法第八十五条 (applied by 行政诉讼法第一百零一条 and 行政复议法第八十八条): a period whose
  last day is a statutory holiday ends on the next working day. This holds for month and year periods
  as much as for day periods.
- An obstacle (行政复议法第二十条第二款 "申请期限自障碍消除之日起继续计算"; 行政诉讼法第四十八条第一款
  "被耽误的时间不计算在起诉期限内") stops the period from the day it arises to the day it is removed,
  both included; the days that had run before it still count. Only an obstacle that arises while the
  period is running delays it.

Like `law.days`, a last day in a year whose official calendar is not known yet is provisional, and a
party's act is judged against the latest day any official arrangement could give (`Limit.timeliness`).
"""

from __future__ import annotations

import calendar as pycalendar
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from zhifa.core.errors import InvalidInput
from zhifa.law.days import DayKind, Due, Period, Timeliness, latest_end, period_end

ONE_DAY = dt.timedelta(days=1)


def add_months(day: dt.date, months: int) -> dt.date:
    """The corresponding day `months` later, or that month's last day (民法典第二百零二条)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, pycalendar.monthrange(year, month)[1]))


def add_years(day: dt.date, years: int) -> dt.date:
    return add_months(day, 12 * years)


@dataclass(frozen=True)
class Obstacle:
    """An obstacle that kept the party from acting: it arose on `start` and was removed on `end`."""

    start: dt.date
    end: dt.date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise InvalidInput(
                _("An obstacle cannot be removed before it arose."), detail={"field": "obstacles"}
            )


@dataclass(frozen=True)
class Limit:
    """A computed time limit: its (possibly provisional) last day, the latest last day any official
    arrangement of the unknown years could give, and the article that sets it."""

    due: Due
    latest: dt.date
    article: str

    @property
    def on(self) -> dt.date:
        return self.due.on

    def timeliness(self, act_on: dt.date) -> Timeliness:
        """A party's act on `act_on`: in time up to the last day, or up to the latest possible last day
        while that day is provisional (the party's favour; the record keeps the flag)."""
        if act_on <= self.due.on:
            return Timeliness(True, self.due.provisional, self.due)
        return Timeliness(self.due.provisional and act_on <= self.latest, self.due.provisional, self.due)

    def elapsed(self, on: dt.date) -> bool:
        """Is the whole limit over by `on`? A provisional one only after its latest possible day."""
        return on > (self.latest if self.due.provisional else self.due.on)


def ends_on(nominal: dt.date, article: str) -> Limit:
    """The limit whose nominal last day is `nominal`, moved off a statutory holiday (民事诉讼法第八十五条)."""
    zero = Period(0, DayKind.NATURAL, article)
    return Limit(period_end(zero, nominal), latest_end(zero, nominal), article)


def stopped_end(start: dt.date, nominal: dt.date, obstacles: Iterable[Obstacle], article: str) -> dt.date:
    """The nominal last day of a period triggered on `start`, pushed back by the days of every obstacle
    that arose while it ran (the obstacle's first and last days included). An obstacle that arose on a
    holiday after the nominal last day, while the period was still open, leaves the party at least the
    day after its removal."""
    covered_until = start  # the last day already counted as stopped (the triggering day never runs)
    for obstacle in sorted(obstacles, key=lambda o: o.start):
        if obstacle.start > ends_on(nominal, article).latest:
            break  # arose after the period had ended: it delayed nothing, nor can any later one
        first_stopped = max(obstacle.start, covered_until + ONE_DAY)
        if obstacle.end < first_stopped:
            continue  # over before the period began to run, or inside an obstacle already counted
        stopped = (obstacle.end - first_stopped).days + 1
        nominal = max(nominal + dt.timedelta(days=stopped), obstacle.end + ONE_DAY)
        covered_until = obstacle.end
    return nominal


def earliest(*limits: Limit) -> Limit:
    """The limit that ends first when several bind together. Its last day is provisional when a
    provisional limit could be the deciding one; the latest possible last day is the earliest of theirs."""
    if not limits:
        raise ValueError("earliest() needs at least one limit")
    chosen = min(limits, key=lambda lim: (lim.due.on, lim.latest))
    latest = min(lim.latest for lim in limits)
    provisional = any(lim.due.provisional and lim.due.on <= latest for lim in limits)
    return Limit(Due(chosen.due.on, provisional), max(latest, chosen.due.on), chosen.article)
