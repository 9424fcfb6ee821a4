import datetime as dt
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache

from zhifa.core import testdata
from zhifa.enforcement.inspections.factories import InspectionWorld, build_inspection_world
from zhifa.org.factories import WORLD

# Tuesday 3 June 2025, 10:00 in Shanghai: a plain working day.
NOW = dt.datetime(2025, 6, 3, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
# The inspectors, items and targets on the org world, built with the clock at NOW (as `frozen` stops it)
# once per test process and shared (zhifa.core.testdata).
INSPECTION_WORLD = testdata.Layer(
    f"inspection world at {NOW.isoformat()}",
    lambda below: build_inspection_world(below[WORLD.key]),
    WORLD,
    NOW,
)


@pytest.fixture(autouse=True)
@testdata.neutral  # the shared test data's builds leave nothing in the cache
def _clean_cache() -> Iterator[None]:
    cache.clear()  # rate-limit counters must not leak between tests
    yield
    cache.clear()


@pytest.fixture
def frozen() -> Iterator[Any]:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
@testdata.hands_out(INSPECTION_WORLD)
def iw(world: Any, frozen: Any, request: pytest.FixtureRequest) -> InspectionWorld:
    iw: InspectionWorld = testdata.objects(request, INSPECTION_WORLD, lambda: build_inspection_world(world))
    return iw
