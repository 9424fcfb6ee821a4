import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

from zhifa.core.roles import Role
from zhifa.org.factories import make_user

SH = ZoneInfo("Asia/Shanghai")
TODAY = dt.date(2026, 3, 10)


@pytest.fixture
def frozen() -> Iterator[dt.date]:
    with time_machine.travel(dt.datetime(2026, 3, 10, 10, 0, tzinfo=SH), tick=False):
        yield TODAY


@dataclass
class People:
    assessor: Any  # works at the justice bureau: may score both agencies
    assessor_a: Any  # works at agency A: may score B only
    approver_b: Any


@pytest.fixture
def people(world: Any) -> People:
    return People(
        assessor=make_user(
            "assessor_j", node=world.justice, roles=[(Role.ASSESSOR, world.city)], full_name="高考评"
        ),
        assessor_a=make_user(
            "assessor_a", node=world.agency_a, roles=[(Role.ASSESSOR, world.city)], full_name="甲考评"
        ),
        approver_b=make_user(
            "approver_b", node=world.agency_b, roles=[(Role.APPROVER, world.agency_b)], full_name="乙审批"
        ),
    )
