import datetime as dt
from decimal import Decimal

import pytest

from zhifa.core.errors import RuleViolation
from zhifa.law.seizure import (
    AppraisalInterval,
    Measure,
    Outcome,
    TermStatus,
    check_disposition,
    check_extension,
    check_measure,
    excluded_days,
    term_end,
    term_status,
)

D = dt.date


@pytest.mark.django_db
class TestTerm:
    def test_thirty_natural_days_not_counting_the_first(self) -> None:
        # seized Monday 2 June 2025 → 2 July 2025 (a Wednesday)
        assert term_end(Measure.SEIZURE, D(2025, 6, 2)) == D(2025, 7, 2)

    def test_last_day_on_a_holiday_moves_to_the_next_working_day(self) -> None:
        # 1 Sep 2025 + 30 = 1 Oct (国庆): the term ends on 9 Oct
        assert term_end(Measure.SEALING, D(2025, 9, 1)) == D(2025, 10, 9)

    def test_one_extension_lengthens_the_same_term(self) -> None:
        assert term_end(Measure.SEIZURE, D(2025, 6, 2), extension_days=30) == D(2025, 8, 1)

    def test_extension_beyond_thirty_days_is_impossible(self) -> None:
        with pytest.raises(ValueError):
            term_end(Measure.SEIZURE, D(2025, 6, 2), extension_days=31)

    def test_testing_time_is_excluded(self) -> None:
        testing = [AppraisalInterval(D(2025, 6, 10), D(2025, 6, 14))]  # 5 days
        assert term_end(Measure.SEIZURE, D(2025, 6, 2), testing=testing) == D(2025, 7, 7)

    def test_overlapping_testing_counts_each_day_once(self) -> None:
        testing = [
            AppraisalInterval(D(2025, 6, 10), D(2025, 6, 14)),
            AppraisalInterval(D(2025, 6, 13), D(2025, 6, 15)),
        ]
        assert excluded_days(testing) == 6

    def test_the_clock_stops_while_testing_is_under_way(self) -> None:
        assert term_end(Measure.SEIZURE, D(2025, 6, 2), testing=[AppraisalInterval(D(2025, 6, 10))]) is None

    def test_preservation_is_seven_working_days(self) -> None:
        # registered Friday 26 Sep 2025; 国庆 1–8 Oct off, Sat 27 Sep and Sat 11 Oct worked
        # working days after: 27 Sep, 29, 30 Sep, 9 Oct, 10 Oct, 11 Oct, 13 Oct → 13 Oct
        assert term_end(Measure.PRESERVATION, D(2025, 9, 26)) == D(2025, 10, 13)

    def test_preservation_cannot_be_extended(self) -> None:
        with pytest.raises(ValueError):
            term_end(Measure.PRESERVATION, D(2025, 6, 2), extension_days=1)


class TestStatus:
    def test_due_soon_within_the_alert_window_and_ok_before(self) -> None:
        due = D(2025, 7, 2)
        assert term_status(due, today=D(2025, 6, 26), alert_days=5) == TermStatus.OK
        assert term_status(due, today=D(2025, 6, 27), alert_days=5) == TermStatus.DUE_SOON
        assert term_status(due, today=D(2025, 7, 2), alert_days=5) == TermStatus.DUE_SOON
        assert term_status(due, today=D(2025, 7, 3), alert_days=5) == TermStatus.OVERDUE

    def test_disposal_on_the_last_day_is_in_time_and_the_day_after_is_late(self) -> None:
        due = D(2025, 7, 2)
        assert term_status(due, today=D(2025, 8, 1), alert_days=5, disposed_on=due) == TermStatus.MET
        assert (
            term_status(due, today=D(2025, 8, 1), alert_days=5, disposed_on=D(2025, 7, 3))
            == TermStatus.OVERDUE
        )

    def test_paused_while_testing(self) -> None:
        assert term_status(None, today=D(2025, 8, 1), alert_days=5) == TermStatus.PAUSED


class TestMeasureGates:
    ok = {
        "measure": Measure.SEIZURE,
        "officer_count": 2,
        "party_present": True,
        "witness": "",
        "item_count": 1,
        "approved": True,
        "emergency": False,
    }

    def test_a_complete_measure_passes(self) -> None:
        check_measure(**self.ok)

    def test_one_officer_is_refused_naming_article_18(self) -> None:
        with pytest.raises(RuleViolation) as exc:
            check_measure(**{**self.ok, "officer_count": 1})
        assert "第十八条" in str(exc.value.message)

    def test_absent_party_needs_a_witness(self) -> None:
        with pytest.raises(RuleViolation) as exc:
            check_measure(**{**self.ok, "party_present": False})
        assert exc.value.code == "seizure_witness_required"
        check_measure(**{**self.ok, "party_present": False, "witness": "社区网格员 周某"})

    def test_no_items_is_refused(self) -> None:
        with pytest.raises(RuleViolation):
            check_measure(**{**self.ok, "item_count": 0})

    def test_unapproved_measure_only_in_an_emergency(self) -> None:
        with pytest.raises(RuleViolation) as exc:
            check_measure(**{**self.ok, "approved": False})
        assert "第十九条" in str(exc.value.message)
        check_measure(**{**self.ok, "approved": False, "emergency": True})


class TestExtensionGates:
    def test_thirty_days_once_before_expiry_passes(self) -> None:
        check_extension(
            measure=Measure.SEIZURE,
            previous_extensions=0,
            days=30,
            on=D(2025, 7, 2),
            current_due=D(2025, 7, 2),
        )

    def test_thirty_one_days_is_refused(self) -> None:
        with pytest.raises(RuleViolation) as exc:
            check_extension(
                measure=Measure.SEIZURE,
                previous_extensions=0,
                days=31,
                on=D(2025, 7, 1),
                current_due=D(2025, 7, 2),
            )
        assert exc.value.code == "seizure_extension_too_long"

    def test_a_second_extension_is_refused(self) -> None:
        with pytest.raises(RuleViolation) as exc:
            check_extension(
                measure=Measure.SEALING,
                previous_extensions=1,
                days=5,
                on=D(2025, 7, 1),
                current_due=D(2025, 8, 1),
            )
        assert "第二十五条" in str(exc.value.message)

    def test_after_expiry_the_measure_must_be_lifted(self) -> None:
        with pytest.raises(RuleViolation) as exc:
            check_extension(
                measure=Measure.SEIZURE,
                previous_extensions=0,
                days=10,
                on=D(2025, 7, 3),
                current_due=D(2025, 7, 2),
            )
        assert exc.value.code == "seizure_term_expired"

    def test_preservation_is_never_extended(self) -> None:
        with pytest.raises(RuleViolation) as exc:
            check_extension(
                measure=Measure.PRESERVATION,
                previous_extensions=0,
                days=1,
                on=D(2025, 7, 1),
                current_due=None,
            )
        assert "第五十六条" in str(exc.value.message)


class TestDispositionGates:
    def test_confiscation_needs_a_decision(self) -> None:
        with pytest.raises(RuleViolation):
            check_disposition(
                outcome=Outcome.CONFISCATED, basis="", proceeds=None, confiscation_decided=False
            )
        check_disposition(outcome=Outcome.CONFISCATED, basis="", proceeds=None, confiscation_decided=True)

    def test_destruction_needs_a_legal_basis(self) -> None:
        with pytest.raises(RuleViolation):
            check_disposition(outcome=Outcome.DESTROYED, basis=" ", proceeds=None, confiscation_decided=False)

    def test_sale_needs_its_proceeds(self) -> None:
        with pytest.raises(RuleViolation):
            check_disposition(outcome=Outcome.AUCTIONED, basis="", proceeds=None, confiscation_decided=False)
        check_disposition(
            outcome=Outcome.AUCTIONED, basis="", proceeds=Decimal("0.00"), confiscation_decided=False
        )

    def test_return_needs_nothing_more(self) -> None:
        check_disposition(outcome=Outcome.RETURNED, basis="", proceeds=None, confiscation_decided=False)
