"""信访工作条例 deadlines at their edges."""

import datetime as dt

import pytest

from zhifa.law import complaints as rules
from zhifa.law.complaints import SlaStatus

D = dt.date


@pytest.mark.django_db
class TestAcceptanceDeadline:
    def test_fifteen_natural_days_not_counting_the_day_of_receipt(self) -> None:
        # received Monday 2 June 2025 → the 15th day is Tuesday 17 June
        assert rules.acceptance_due(D(2025, 6, 2)) == D(2025, 6, 17)

    def test_a_last_day_in_the_national_day_holiday_moves_to_the_next_working_day(self) -> None:
        # received 18 Sep 2025 → 3 Oct is inside 国庆 (1–8 Oct), so the period ends on 9 Oct
        assert rules.acceptance_due(D(2025, 9, 18)) == D(2025, 10, 9)

    def test_a_last_day_on_a_sunday_moves_to_monday(self) -> None:
        # received 7 June 2025 → 22 June is a Sunday
        assert rules.acceptance_due(D(2025, 6, 7)) == D(2025, 6, 23)

    def test_the_objection_window_for_transferred_matters_is_five_working_days(self) -> None:
        # received Friday 26 Sep 2025; 28 Sep (Sun) is an adjusted working day, then 国庆 →
        # working days 28, 29, 30 Sep, 9, 10 Oct (11 Oct, Sat, is also adjusted but comes later)
        assert rules.OBJECTION_PERIOD.end(D(2025, 9, 26)) == D(2025, 10, 10)


@pytest.mark.django_db
class TestConclusionDeadline:
    def test_sixty_days_from_acceptance(self) -> None:
        # accepted 2 June 2025 → 1 Aug 2025 (a Friday)
        assert rules.conclusion_due(D(2025, 6, 2)) == D(2025, 8, 1)

    def test_an_extension_lengthens_the_period_and_the_holiday_rule_applies_to_its_end(self) -> None:
        # accepted 2 June 2025, +30 days → 31 Aug 2025 is a Sunday → Monday 1 Sep
        assert rules.conclusion_due(D(2025, 6, 2), extension_days=30) == D(2025, 9, 1)

    def test_an_extension_beyond_thirty_days_cannot_be_computed(self) -> None:
        with pytest.raises(ValueError):
            rules.conclusion_due(D(2025, 6, 2), extension_days=31)

    def test_extensions_are_allowed_up_to_thirty_days_in_total(self) -> None:
        assert rules.extension_allowed(already_extended_days=0, requested_days=30)
        assert not rules.extension_allowed(already_extended_days=0, requested_days=31)
        assert rules.extension_allowed(already_extended_days=20, requested_days=10)
        assert not rules.extension_allowed(already_extended_days=20, requested_days=11)
        assert not rules.extension_allowed(already_extended_days=0, requested_days=0)


@pytest.mark.django_db
class TestReopening:
    def test_feedback_window_is_thirty_days_from_the_reply(self) -> None:
        assert rules.feedback_open_until(D(2025, 6, 3)) == D(2025, 7, 3)

    def test_dissatisfaction_reopens_on_the_last_day_but_not_the_day_after(self) -> None:
        replied = D(2025, 6, 3)
        assert rules.reopening_allowed(reopen_count=0, replied_on=replied, today=D(2025, 7, 3))
        assert not rules.reopening_allowed(reopen_count=0, replied_on=replied, today=D(2025, 7, 4))

    def test_at_most_two_reopenings_review_and_re_review(self) -> None:
        replied = D(2025, 6, 3)
        assert rules.reopening_allowed(reopen_count=1, replied_on=replied, today=replied)
        assert not rules.reopening_allowed(reopen_count=2, replied_on=replied, today=replied)

    def test_reopened_handling_has_thirty_days(self) -> None:
        assert rules.reopened_due(D(2025, 6, 3)) == D(2025, 7, 3)


class TestSlaStatus:
    def test_colours_at_their_edges(self) -> None:
        due = D(2025, 6, 17)
        assert rules.sla_status(due_on=due, today=D(2025, 6, 13)) == SlaStatus.OK  # 4 days left
        assert rules.sla_status(due_on=due, today=D(2025, 6, 14)) == SlaStatus.DUE_SOON  # 3 days left
        assert rules.sla_status(due_on=due, today=due) == SlaStatus.DUE_SOON
        assert rules.sla_status(due_on=due, today=D(2025, 6, 18)) == SlaStatus.OVERDUE

    def test_a_met_deadline_is_met_even_when_late(self) -> None:
        due = D(2025, 6, 17)
        assert rules.sla_status(due_on=due, today=D(2025, 7, 1), met_on=D(2025, 6, 20)) == SlaStatus.MET
        assert rules.met_in_time(due_on=due, met_on=D(2025, 6, 17)) is True
        assert rules.met_in_time(due_on=due, met_on=D(2025, 6, 18)) is False
        assert rules.met_in_time(due_on=due, met_on=None) is None

    def test_no_deadline_yet_is_ok(self) -> None:
        assert rules.sla_status(due_on=None, today=D(2025, 6, 1)) == SlaStatus.OK
