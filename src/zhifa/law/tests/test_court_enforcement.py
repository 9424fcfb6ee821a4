import datetime as dt

import pytest

from zhifa.core.errors import RuleViolation
from zhifa.law.court_enforcement import (
    add_months,
    application_window,
    check_court_application,
    check_reminder,
)

D = dt.date


def test_months_end_on_the_corresponding_day_or_the_month_end() -> None:
    assert add_months(D(2025, 1, 15), 6) == D(2025, 7, 15)
    assert add_months(D(2025, 8, 31), 6) == D(2026, 2, 28)
    assert add_months(D(2025, 11, 30), 3) == D(2026, 2, 28)


@pytest.mark.django_db
def test_the_window_opens_after_the_six_month_litigation_period_and_lasts_three_months() -> None:
    assert application_window(served_on=D(2025, 1, 15)) == (D(2025, 7, 16), D(2025, 10, 15))


@pytest.mark.django_db
class TestCourtApplication:
    def test_in_the_window_after_the_reminder_period(self) -> None:
        check_court_application(
            served_on=D(2025, 1, 15), reminder_served_on=D(2025, 6, 2), applied_on=D(2025, 7, 16)
        )

    def test_before_the_litigation_period_ends_it_is_refused(self) -> None:
        with pytest.raises(RuleViolation) as exc:
            check_court_application(
                served_on=D(2025, 1, 15), reminder_served_on=D(2025, 6, 2), applied_on=D(2025, 7, 15)
            )
        assert exc.value.code == "court_application_too_early"

    def test_after_the_three_months_it_is_refused(self) -> None:
        with pytest.raises(RuleViolation) as exc:
            check_court_application(
                served_on=D(2025, 1, 15), reminder_served_on=D(2025, 6, 2), applied_on=D(2025, 10, 16)
            )
        assert exc.value.code == "court_application_too_late"

    def test_the_reminder_needs_ten_working_days(self) -> None:
        # reminder Monday 7 July 2025: ten working days end Monday 21 July
        with pytest.raises(RuleViolation) as exc:
            check_court_application(
                served_on=D(2025, 1, 15), reminder_served_on=D(2025, 7, 7), applied_on=D(2025, 7, 21)
            )
        assert exc.value.code == "reminder_period_not_elapsed"
        check_court_application(
            served_on=D(2025, 1, 15), reminder_served_on=D(2025, 7, 7), applied_on=D(2025, 7, 22)
        )

    def test_without_a_reminder_it_is_refused(self) -> None:
        with pytest.raises(RuleViolation):
            check_court_application(
                served_on=D(2025, 1, 15), reminder_served_on=None, applied_on=D(2025, 8, 1)
            )

    def test_a_reminder_needs_the_payment_period_to_be_over(self) -> None:
        with pytest.raises(RuleViolation):
            check_reminder(payment_due_on=D(2025, 2, 5), reminder_served_on=D(2025, 2, 5))
        check_reminder(payment_due_on=D(2025, 2, 5), reminder_served_on=D(2025, 2, 6))
