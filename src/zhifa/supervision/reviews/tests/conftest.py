import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine

from zhifa.core import testdata
from zhifa.enforcement.cases.factories import CaseKit, build_case_kit, case_kit_layer
from zhifa.enforcement.cases.tests.conftest import SH

TODAY = dt.date(2025, 6, 30)
KIT = case_kit_layer(dt.datetime(2025, 6, 30, 10, 0, tzinfo=SH))  # the cases app's: the same rows, shared


@pytest.fixture
def frozen() -> Iterator[dt.date]:
    with time_machine.travel(dt.datetime(2025, 6, 30, 10, 0, tzinfo=SH), tick=False):
        yield TODAY


@pytest.fixture
@testdata.hands_out(KIT)
def kit(world: Any, frozen: dt.date, request: pytest.FixtureRequest) -> CaseKit:
    kit: CaseKit = testdata.objects(request, KIT, lambda: build_case_kit(world))
    return kit
