from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day: dt.date) -> dt.datetime:
    """10:00 in Shanghai on `day` (for time_machine)."""
    return dt.datetime(day.year, day.month, day.day, 10, 0, tzinfo=SHANGHAI)
