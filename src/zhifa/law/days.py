"""How statutory periods are counted (shared/LAW.md, "How days are counted").

- 行政处罚法第八十五条: its 二日/三日/五日/七日 are working days (工作日, excluding statutory holidays).
- 行政强制法第六十九条: periods of ten days or less are working days.
- 行政复议法（2023）第八十八条: its 三日/五日/七日/十日 are working days.
- Otherwise 民事诉讼法第八十五条 (期间): the day of the triggering act is not counted; a period whose
  last day falls on a statutory holiday (法定休假日, which includes weekends) ends on the next working day.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from zhifa.core import calendar


class DayKind(StrEnum):
    NATURAL = "natural"
    WORKING = "working"


@dataclass(frozen=True)
class Period:
    """A statutory period: its length, how days count, and the article that sets it."""

    days: int
    kind: DayKind
    article: str

    def end(self, start: dt.date) -> dt.date:
        """The last day on which the act is still in time, for a period triggered on `start`."""
        if self.kind == DayKind.WORKING:
            return working_period_end(start, self.days)
        return natural_period_end(start, self.days)


def natural_period_end(start: dt.date, days: int) -> dt.date:
    """民事诉讼法第八十五条: start day not counted; a last day on a holiday moves to the next working day."""
    return calendar.next_working_day_on_or_after(calendar.add_natural_days(start, days))


def working_period_end(start: dt.date, days: int) -> dt.date:
    """行政处罚法第八十五条 / 行政强制法第六十九条: count `days` working days after the triggering day."""
    return calendar.add_working_days(start, days)
