"""Edges of the officer rules in zhifa.law.officers."""

import datetime as dt
from decimal import Decimal

import pytest

from zhifa.law import jurisdiction
from zhifa.law import officers as law

D = dt.date
P = law.CredentialProblem


def problem(on: dt.date, **overrides: object) -> law.CredentialProblem | None:
    values: dict[str, object] = {
        "status": "valid",
        "issued_on": D(2024, 3, 1),
        "expires_on": D(2029, 2, 28),
        "review_due_on": D(2026, 3, 1),
        "areas": ["城市管理"],
        "on": on,
    }
    values.update(overrides)
    return law.credential_problem(**values)  # type: ignore[arg-type]


class TestCredentialProblem:
    def test_issue_day_is_the_first_valid_day(self) -> None:
        assert problem(D(2024, 3, 1)) is None
        assert problem(D(2024, 2, 29)) is P.NOT_YET_VALID

    def test_expiry_day_is_the_last_valid_day(self) -> None:
        assert problem(D(2029, 2, 28), review_due_on=D(2029, 12, 31)) is None
        assert problem(D(2029, 3, 1), review_due_on=D(2029, 12, 31)) is P.EXPIRED

    def test_suspended_and_revoked_are_refused_whatever_the_dates(self) -> None:
        assert problem(D(2025, 1, 1), status="suspended") is P.SUSPENDED
        assert problem(D(2025, 1, 1), status="revoked") is P.REVOKED
        assert problem(D(2025, 1, 1), status="expired") is P.EXPIRED

    def test_review_due_day_is_in_time_and_the_next_day_is_overdue(self) -> None:
        assert problem(D(2026, 3, 1)) is None
        assert problem(D(2026, 3, 2)) is P.REVIEW_OVERDUE

    def test_review_lapse_only_warns_where_the_jurisdiction_says_so(self) -> None:
        assert problem(D(2026, 3, 2), review_lapse_suspends=False) is None

    def test_area_is_checked_only_when_asked(self) -> None:
        assert problem(D(2025, 1, 1), area="城市管理") is None
        assert problem(D(2025, 1, 1), area="市场监管") is P.AREA_NOT_COVERED
        assert problem(D(2025, 1, 1), area=None, areas=[]) is None


class TestLegalReview:
    def test_qualification_allows_legal_review(self) -> None:
        assert law.may_do_legal_review(has_legal_qualification=True, review_work_since=None)

    def test_first_time_reviewer_without_qualification_is_refused(self) -> None:
        assert not law.may_do_legal_review(has_legal_qualification=False, review_work_since=None)
        assert not law.may_do_legal_review(has_legal_qualification=False, review_work_since=D(2018, 1, 1))

    def test_reviewer_working_before_2018_is_not_first_time(self) -> None:
        assert law.may_do_legal_review(has_legal_qualification=False, review_work_since=D(2017, 12, 31))


class TestAlertsAndReviewDates:
    def test_due_soon_window_includes_both_ends(self) -> None:
        due = D(2025, 6, 30)
        assert law.due_soon(due, on=D(2025, 5, 31), days_before=30)
        assert not law.due_soon(due, on=D(2025, 5, 30), days_before=30)
        assert law.due_soon(due, on=due, days_before=30)
        assert not law.due_soon(due, on=D(2025, 7, 1), days_before=30)
        assert law.overdue(due, on=D(2025, 7, 1))
        assert not law.overdue(due, on=due)

    def test_next_review_is_a_year_on_and_leap_day_moves_to_28_february(self) -> None:
        assert law.next_review_due(D(2025, 4, 10)) == D(2026, 4, 10)
        assert law.next_review_due(D(2024, 2, 29)) == D(2025, 2, 28)


class TestExamsAndTargets:
    def test_pass_score_edges(self) -> None:
        assert law.exam_passed(Decimal("60"), pass_score=Decimal("60"))
        assert not law.exam_passed(Decimal("59.5"), pass_score=Decimal("60"))
        assert not law.exam_passed(None, pass_score=Decimal("60"))

    def test_excellent_score_edges(self) -> None:
        assert law.exam_excellent(Decimal("85"), excellent_score=Decimal("85"))
        assert not law.exam_excellent(Decimal("84.5"), excellent_score=Decimal("85"))

    def test_study_hours_target_edges(self) -> None:
        assert law.meets_target(Decimal("40.0"), target=Decimal("40"))
        assert not law.meets_target(Decimal("39.9"), target=Decimal("40"))

    def test_rates_are_percentages_with_one_decimal_rounded_half_up(self) -> None:
        assert law.rate(2, 3) == Decimal("66.7")
        assert law.rate(1, 8) == Decimal("12.5")
        assert law.rate(17, 20) == Decimal("85.0")
        assert law.rate(0, 0) is None
        assert law.average(Decimal("81"), 2) == Decimal("40.5")
        assert law.average(Decimal("0"), 0) is None


def test_national_defaults_are_registered() -> None:
    assert jurisdiction.spec("officers.study_hours_target").default == Decimal("40")
    assert jurisdiction.spec("officers.exam_pass_score").default == Decimal("60")
    assert jurisdiction.spec("officers.exam_excellent_score").default == Decimal("85")
    assert jurisdiction.spec("officers.credential_rate_target").default == Decimal("85")
    assert jurisdiction.spec("officers.alert_days_before").default == 30


@pytest.mark.django_db
def test_a_city_can_raise_the_pass_score(world) -> None:
    from zhifa.law.services import jurisdiction_setting_set

    jurisdiction_setting_set(actor=world.admin, node=world.city, key="officers.exam_pass_score", value="70")
    assert jurisdiction.value("officers.exam_pass_score", agency=world.agency_a) == Decimal("70")
