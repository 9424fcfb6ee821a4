"""The demo planting of the officer-pair clue (seed_demo): the busiest pair's first cases are moved to
one day, beyond the national limit, in one read of the case officers."""

import datetime as dt

import pytest

from zhifa.enforcement.cases.factories import register
from zhifa.enforcement.cases.models import CaseOfficer
from zhifa.enforcement.cases.problems import plant_pair
from zhifa.law import supervision as law

pytestmark = pytest.mark.django_db


def test_the_busiest_pair_gets_more_cases_on_one_day_than_the_limit(
    kit, frozen, django_assert_max_num_queries
) -> None:
    limit = int(law.OFFICER_PAIR_CASES_PER_DAY.default)
    pair = sorted([kit.officer_a, kit.officer_a2], key=lambda o: o.pk)
    ids = []
    for _ in range(limit + 3):
        case = register(kit)
        for officer in pair:
            CaseOfficer.objects.create(case=case, officer=officer, assigned_on=dt.date(2025, 6, 1))
        ids.append(case.pk)
    single = register(kit)
    CaseOfficer.objects.create(case=single, officer=pair[0], assigned_on=dt.date(2025, 6, 1))
    ctx = {"agencies": {"cgj": kit.agency}}
    with django_assert_max_num_queries(4):
        assert plant_pair(ctx) is True
    moved = set(
        CaseOfficer.objects.filter(assigned_on=frozen - dt.timedelta(days=3)).values_list(
            "case_id", flat=True
        )
    )
    assert moved == set(ids[: limit + 2])


def test_no_pair_busier_than_the_limit_plants_nothing(kit) -> None:
    case = register(kit)
    CaseOfficer.objects.create(case=case, officer=kit.officer_a, assigned_on=dt.date(2025, 6, 1))
    CaseOfficer.objects.create(case=case, officer=kit.officer_a2, assigned_on=dt.date(2025, 6, 1))
    assert plant_pair({"agencies": {"cgj": kit.agency}}) is False
