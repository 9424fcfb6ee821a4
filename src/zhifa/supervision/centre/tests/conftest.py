import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine

from zhifa.enforcement.cases.factories import CaseKit, build_case_kit
from zhifa.enforcement.cases.tests.conftest import SH

TODAY = dt.date(2025, 6, 30)


@pytest.fixture
def frozen() -> Iterator[dt.date]:
    with time_machine.travel(dt.datetime(2025, 6, 30, 10, 0, tzinfo=SH), tick=False):
        yield TODAY


@pytest.fixture
def kit(world: Any, frozen: dt.date) -> CaseKit:
    return build_case_kit(world)
