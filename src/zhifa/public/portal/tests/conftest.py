import datetime as dt
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache

from zhifa.core import testdata
from zhifa.enforcement.cases.factories import (
    CaseKit,
    advance,
    build_case_kit,
    case_kit_layer,
    person_id,
    register,
)

SH = ZoneInfo("Asia/Shanghai")
START = dt.date(2025, 9, 22)  # filed Mon 22 Sep; decided Wed 24 Sep; served Thu 25 Sep
NOW = dt.datetime(2025, 9, 26, 10, 0, tzinfo=SH)
KIT = case_kit_layer(NOW)  # built once per test process, shared (zhifa.core.testdata)


@pytest.fixture(autouse=True)
@testdata.neutral  # the shared test data's builds leave nothing in the cache
def _clean_cache() -> Iterator[None]:
    cache.clear()  # cached pages and counts must not leak between tests
    yield
    cache.clear()


@pytest.fixture
def frozen() -> Iterator[Any]:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
@testdata.hands_out(KIT)
def kit(world: Any, frozen: Any, request: pytest.FixtureRequest) -> CaseKit:
    kit: CaseKit = testdata.objects(request, KIT, lambda: build_case_kit(world))
    return kit


def person_party(name: str = "张三丰") -> dict[str, str]:
    return {
        "kind": "person",
        "name": name,
        "id_number": person_id(),
        "phone": "13912345678",
        "address": "测试市东区建设路2号301室",
    }


@pytest.fixture
def make_case(kit: CaseKit) -> Any:
    """A case driven to `target` ("decided", "served" …) through the real workflow."""

    def _make(
        target: str = "served", *, party: dict[str, str] | None = None, fine: str = "3000.00", **over: Any
    ) -> Any:
        data: dict[str, Any] = {"today": START}
        if party is not None:
            data["party"] = party
        data.update(over)
        case = register(kit, **data)
        return advance(kit, case, target, start=START, fine=fine)

    return _make
