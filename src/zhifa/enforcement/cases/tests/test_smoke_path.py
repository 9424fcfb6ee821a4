import datetime as dt

import pytest

from zhifa.enforcement.cases.factories import advance, register
from zhifa.enforcement.cases.models import CaseEvent, State

pytestmark = pytest.mark.django_db


def test_an_ordinary_case_walks_from_registration_to_archive(kit, frozen) -> None:
    case = register(kit, discovered_on="2025-05-01", occurred_on="2025-04-28")
    case = advance(kit, case, State.ARCHIVED, start=dt.date(2025, 5, 6))
    assert case.state == State.ARCHIVED
    assert case.number.startswith("测城管立〔2025〕")
    assert case.decision_number.startswith("测城管罚决〔2025〕")
    assert CaseEvent.objects.filter(case=case).count() == 10
