import datetime as dt
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache

from zhifa.core import testdata
from zhifa.enforcement.inspections.factories import InspectionWorld, build_inspection_world

# Tuesday 3 June 2025, 10:00 in Shanghai: a plain working day.
NOW = dt.datetime(2025, 6, 3, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


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
def iw(world: Any, frozen: Any) -> InspectionWorld:
    return build_inspection_world(world)
