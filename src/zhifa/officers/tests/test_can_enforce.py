"""can_enforce (行政处罚法第四十二条) at its boundaries, through real credentials and services."""

import datetime as dt

import pytest
import time_machine

from zhifa.law.services import jurisdiction_setting_set
from zhifa.officers import services
from zhifa.officers.factories import make_credential, make_officer
from zhifa.officers.rules import can_enforce, can_legal_review, officer_queryset_for_rules

D = dt.date
TODAY = D(2025, 6, 16)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2025, 6, 16, 9, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def officer(world):
    officer = make_officer(agency=world.agency_a, unit=world.squad_a1, user=world.officer_a)
    make_credential(officer, number="HZ0001", issued_on=D(2025, 1, 10), expires_on=D(2025, 7, 31))
    return officer


def fresh(officer):
    return officer_queryset_for_rules().get(pk=officer.pk)


def test_valid_credential_allows_enforcement_and_is_truthy(officer) -> None:
    result = can_enforce(fresh(officer), on=TODAY)
    assert result
    assert result.ok and result.reason == ""
    assert result.credential.number == "HZ0001"


def test_expiry_day_is_the_last_day_and_the_next_day_is_refused(officer) -> None:
    assert can_enforce(fresh(officer), on=D(2025, 7, 31))
    refused = can_enforce(fresh(officer), on=D(2025, 8, 1))
    assert not refused
    assert "第四十二条" in refused.reason
    assert "2025-07-31" in refused.reason


def test_day_before_issue_is_refused(officer) -> None:
    assert not can_enforce(fresh(officer), on=D(2025, 1, 9))
    assert can_enforce(fresh(officer), on=D(2025, 1, 10))


def test_suspended_credential_is_refused_and_reinstated_one_allowed(officer) -> None:
    credential = officer.credentials.get()
    services.credential_suspend(actor=None, credential_id=credential.pk, reason="涉嫌违规执法，停职审查")
    refused = can_enforce(fresh(officer), on=TODAY)
    assert not refused and "暂" in refused.reason
    # History: yesterday the card was still valid.
    assert can_enforce(fresh(officer), on=TODAY - dt.timedelta(days=1))
    services.credential_reinstate(actor=None, credential_id=credential.pk, reason="审查结束")
    assert can_enforce(fresh(officer), on=TODAY)


def test_revoked_credential_is_refused(officer) -> None:
    credential = officer.credentials.get()
    services.credential_revoke(actor=None, credential_id=credential.pk, reason="调离执法岗位")
    refused = can_enforce(fresh(officer), on=TODAY)
    assert not refused and "注销" in refused.reason


def test_wrong_area_is_refused_and_no_area_checks_validity_only(officer) -> None:
    assert can_enforce(fresh(officer), on=TODAY, area="城市管理")
    refused = can_enforce(fresh(officer), on=TODAY, area="市场监管")
    assert not refused and "市场监管" in refused.reason
    assert can_enforce(fresh(officer), on=TODAY, area=None)


def test_officer_without_credential_is_refused(world) -> None:
    officer = make_officer(agency=world.agency_a, name="无证人员")
    refused = can_enforce(fresh(officer), on=TODAY)
    assert not refused and "无证人员" in refused.reason and "第四十二条" in refused.reason


def test_officer_of_another_agency_is_refused_when_the_agency_is_given(officer, world) -> None:
    assert can_enforce(fresh(officer), on=TODAY, agency_id=world.agency_a.pk)
    assert not can_enforce(fresh(officer), on=TODAY, agency_id=world.agency_b.pk)


def test_officer_out_of_service_is_refused(officer) -> None:
    services.officer_update(actor=None, officer_id=officer.pk, data={"is_active": False})
    assert not can_enforce(fresh(officer), on=TODAY)


def test_overdue_annual_review_is_refused_unless_the_city_only_warns(world) -> None:
    officer = make_officer(agency=world.agency_a)
    make_credential(officer, issued_on=D(2024, 6, 15), expires_on=D(2029, 6, 14))  # review due 2025-06-15
    refused = can_enforce(fresh(officer), on=TODAY)
    assert not refused and "年审" in refused.reason
    assert can_enforce(fresh(officer), on=D(2025, 6, 15))
    jurisdiction_setting_set(actor=None, node=world.city, key="officers.review_lapse_suspends", value=0)
    assert can_enforce(fresh(officer), on=TODAY)


def test_passed_review_restores_eligibility_and_failed_review_suspends(world) -> None:
    officer = make_officer(agency=world.agency_a)
    credential = make_credential(officer, issued_on=D(2024, 6, 15), expires_on=D(2029, 6, 14))
    services.credential_review_record(actor=None, credential_id=credential.pk, reviewed_on=TODAY, passed=True)
    assert can_enforce(fresh(officer), on=TODAY)
    other = make_officer(agency=world.agency_a)
    bad = make_credential(other, issued_on=D(2024, 7, 1), expires_on=D(2029, 6, 30))
    services.credential_review_record(
        actor=None, credential_id=bad.pk, reviewed_on=TODAY, passed=False, note="年度考试不合格"
    )
    assert not can_enforce(fresh(other), on=TODAY)


def test_supervision_credential_does_not_allow_enforcement(world) -> None:
    officer = make_officer(agency=world.justice)
    make_credential(officer, kind="supervision", areas=["行政执法监督"])
    assert not can_enforce(fresh(officer), on=TODAY)


def test_checking_many_officers_costs_two_queries(world, django_assert_num_queries) -> None:
    for _ in range(5):
        make_credential(make_officer(agency=world.agency_a))
    with django_assert_num_queries(3):  # officers, credentials, events
        officers = list(officer_queryset_for_rules().filter(agency=world.agency_a))
    with django_assert_num_queries(1):  # the jurisdiction setting, once per officer's check
        assert can_enforce(officers[0], on=TODAY)


def test_legal_review_needs_the_qualification(world) -> None:
    qualified = make_officer(
        agency=world.agency_a, has_legal_qualification=True, legal_qualification_number="A20181100001"
    )
    veteran = make_officer(agency=world.agency_a, legal_review_since=D(2015, 3, 1))
    newcomer = make_officer(agency=world.agency_a, legal_review_since=D(2021, 3, 1))
    assert can_legal_review(qualified)
    assert can_legal_review(veteran)
    refused = can_legal_review(newcomer)
    assert not refused and "第五十八条" in refused.reason
    assert not can_legal_review(None)
