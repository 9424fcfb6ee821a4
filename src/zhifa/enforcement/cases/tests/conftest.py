import datetime as dt
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest
import time_machine

from zhifa.enforcement.cases.factories import CaseKit, build_case_kit

SH = ZoneInfo("Asia/Shanghai")
TODAY = dt.date(2025, 6, 30)  # a Monday; 2025's official calendar is known to chinesecalendar


@pytest.fixture
def frozen() -> Iterator[dt.date]:
    """Today is TODAY (10:00 in Shanghai) for everything: dates, deadlines, statuses."""
    with time_machine.travel(dt.datetime(2025, 6, 30, 10, 0, tzinfo=SH), tick=False):
        yield TODAY


@pytest.fixture
def kit(world, frozen) -> CaseKit:
    return build_case_kit(world)
