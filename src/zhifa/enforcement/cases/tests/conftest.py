import datetime as dt
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest
import time_machine

from zhifa.core import testdata
from zhifa.enforcement.cases.factories import CaseKit, build_case_kit, case_kit_layer

SH = ZoneInfo("Asia/Shanghai")
TODAY = dt.date(2025, 6, 30)  # a Monday; 2025's official calendar is known to chinesecalendar
NOW = dt.datetime(2025, 6, 30, 10, 0, tzinfo=SH)
KIT = case_kit_layer(NOW)  # built once per test process, shared (zhifa.core.testdata)


@pytest.fixture
def frozen() -> Iterator[dt.date]:
    """Today is TODAY (10:00 in Shanghai) for everything: dates, deadlines, statuses."""
    with time_machine.travel(NOW, tick=False):
        yield TODAY


@pytest.fixture
@testdata.hands_out(KIT)
def kit(world, frozen, request) -> CaseKit:
    return testdata.objects(request, KIT, lambda: build_case_kit(world))
