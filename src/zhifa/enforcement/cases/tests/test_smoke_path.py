import datetime as dt

import pytest

from zhifa.enforcement.cases.factories import advance, register
from zhifa.enforcement.cases.models import CaseEvent, State

pytestmark = pytest.mark.django_db


def test_an_ordinary_case_walks_from_registration_to_archive(kit, frozen) -> None:
    case = register(kit, discovered_on="2025-05-01", occurred_on="2025-04-28")
    case = advance(kit, case, State.ARCHIVED, start=dt.date(2025, 5, 6))
    assert case.state == State.ARCHIVED
    assert case.number.startswith("测城管罚立〔2025〕")
    assert case.decision_number.startswith("测城管罚决〔2025〕")
    assert CaseEvent.objects.filter(case=case).count() == 12  # with the head's two approvals


def test_case_numbers_run_without_gaps_even_with_the_documents_numbered_beside_them(kit) -> None:
    from zhifa.enforcement.cases.factories import ev

    numbers = []
    for i in range(3):
        case = register(kit, facts=f"案件{i}", discovered_on="2025-06-02", occurred_on="2025-06-01")
        case = ev(case, kit.world.approver_a, "file", officer_ids=[kit.officer_a.pk, kit.officer_a2.pk])
        numbers.append(case.number)
    assert numbers == ["测城管罚立〔2025〕1号", "测城管罚立〔2025〕2号", "测城管罚立〔2025〕3号"]
