from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine

from zhifa.core import testdata
from zhifa.enforcement.cases.factories import CaseKit, advance, build_case_kit, case_kit_layer, register
from zhifa.enforcement.cases.models import State as CaseState
from zhifa.org.factories import OrgWorld

# A quiet stretch of 2025 (official calendar known): 1 Sept 2025 is a Monday; National Day week
# (1–8 October 2025) lies inside the periods the tests count, so working days skip it.
NOW = dt.datetime(2025, 9, 1, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
KIT = case_kit_layer(NOW)  # built once per test process, shared (zhifa.core.testdata)


@pytest.fixture
def frozen() -> Any:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
@testdata.hands_out(KIT)
def kit(world: OrgWorld, frozen: Any, request: pytest.FixtureRequest) -> CaseKit:
    kit: CaseKit = testdata.objects(request, KIT, lambda: build_case_kit(world))
    return kit


@pytest.fixture
def decided_case(kit: CaseKit) -> Any:
    """A served decision of agency A dated in August 2025, published on the portal through the reviewed
    step (the officer prepares, the approver publishes)."""
    from zhifa.public.portal.factories import publish_reviewed
    from zhifa.public.portal.models import PublishedDecision

    case = register(kit, discovered_on="2025-08-01", occurred_on="2025-07-30")
    case = advance(kit, case, CaseState.SERVED, start=dt.date(2025, 8, 4))
    publish_reviewed(PublishedDecision.objects.get(case_id=case.pk))
    return case


def rec_data(world: OrgWorld, **over: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "kind": "reconsideration",
        "respondent_id": world.agency_a.pk,
        "organ": "测试市人民政府",
        "applicant": {
            "kind": "person",
            "name": "张三丰",
            "id_number": "",
            "phone": "13800138000",
            "address": "测试市人民路1号",
        },
        "act": "罚款三千元的行政处罚决定",
        "claims": "撤销该行政处罚决定",
        "reasons": "事实不清",
        "known_on": "2025-08-20",
        "received_on": "2025-09-01",
    }
    data.update(over)
    return data


def lit_data(world: OrgWorld, **over: Any) -> dict[str, Any]:
    data = rec_data(
        world, kind="litigation", organ="测试市东城区人民法院", court_case_number="（2025）测0101行初12号"
    )
    data.update(over)
    return data
