import datetime as dt
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache

from zhifa.core import testdata
from zhifa.public.complaints.factories import Routing, make_routing

# Tuesday 3 June 2025, 10:00 in Shanghai: a plain working day after the 端午 holiday (31 May – 2 June).
NOW = dt.datetime(2025, 6, 3, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
@testdata.neutral  # the shared test data's builds leave nothing in the cache
def _clean_cache() -> Iterator[None]:
    cache.clear()  # rate-limit counters and cached pages must not leak between tests
    yield
    cache.clear()


@pytest.fixture
def frozen() -> Iterator[Any]:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def media(settings: Any, tmp_path: Any) -> Any:
    """Uploaded files go to a fresh directory, returned for inspection."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def routing(world: Any) -> Routing:
    return make_routing(world)


@pytest.fixture
def latest_schema() -> Iterator[None]:
    """A migration test leaves the database at the newest migrations of every app, whatever it moved
    back and forth: the tests after it run on the schema of the code."""
    from django.db import connection

    from zhifa.core.testdb import back_to_latest_schema

    yield
    back_to_latest_schema(connection)  # the migrated template copied back on SQLite
