"""行政诉讼法 and 行诉解释 rules at their edges."""

import datetime as dt
from decimal import Decimal

import pytest

from zhifa.core.errors import InvalidInput, RuleViolation
from zhifa.law import litigation as rules
from zhifa.law.days import Due
from zhifa.law.limits import Obstacle
from zhifa.law.litigation import Appearance, Judgment, RulingKind

D = dt.date


def late(limit: rules.SuitLimit, filed_on: dt.date) -> RuleViolation:
    with pytest.raises(RuleViolation) as exc:
        rules.check_suit_in_time(limit=limit, filed_on=filed_on)
    assert exc.value.code == "suit_late"
    assert exc.value.article and exc.value.article in str(exc.value.message)
    return exc.value


@pytest.mark.django_db
class TestSuitPeriod:
    def test_six_months_from_knowing_the_act(self) -> None:
        limit = rules.suit_limit(knew_act_on=D(2025, 1, 15))
        assert limit.limit.due == Due(D(2025, 7, 15), False)
        assert rules.check_suit_in_time(limit=limit, filed_on=D(2025, 7, 15)).in_time
        assert late(limit, D(2025, 7, 16)).article == rules.ART_46_1

    def test_a_month_without_the_day_ends_on_its_last_day_even_an_adjusted_saturday(self) -> None:
        # 31 Aug 2025 + six months → 28 Feb 2026, a Saturday worked after 春节
        assert rules.suit_limit(knew_act_on=D(2025, 8, 31)).limit.on == D(2026, 2, 28)

    def test_a_last_day_in_the_national_day_holiday_moves(self) -> None:
        assert rules.suit_limit(knew_act_on=D(2025, 4, 3)).limit.on == D(2025, 10, 9)

    def test_not_told_of_the_period_one_year_from_knowing_the_act_at_most(self) -> None:
        # learnt the period on 1 Nov 2025 (six months → 1 May 2026, then 劳动节), but the year from
        # 10 Jan 2025 ends on Saturday 10 Jan 2026 → Monday 12 Jan
        limit = rules.suit_limit(knew_act_on=D(2025, 1, 10), informed=False, knew_period_on=D(2025, 11, 1))
        assert limit.limit.on == D(2026, 1, 12)
        assert limit.limit.article == rules.INTERP_64
        rules.check_suit_in_time(limit=limit, filed_on=D(2026, 1, 12))
        late(limit, D(2026, 1, 13))

    def test_not_told_and_learning_it_soon_gives_six_months_from_then(self) -> None:
        limit = rules.suit_limit(knew_act_on=D(2025, 1, 10), informed=False, knew_period_on=D(2025, 1, 15))
        assert limit.limit.on == D(2025, 7, 15)
        assert rules.INTERP_64 in limit.limit.article

    def test_five_years_from_the_act_at_most(self) -> None:
        limit = rules.suit_limit(knew_act_on=D(2025, 1, 2), informed=False, acted_on=D(2019, 6, 1))
        assert limit.limit.on == D(2024, 6, 3)  # 1 June 2024 was a Saturday
        assert rules.ART_46_2 in late(limit, D(2025, 1, 2)).article

    def test_twenty_years_for_real_estate(self) -> None:
        limit = rules.suit_limit(
            knew_act_on=D(2025, 1, 2), informed=False, acted_on=D(2005, 6, 1), real_estate=True
        )
        assert limit.limit.on == D(2025, 6, 3)  # Sunday 1 June 2025 → Monday 2 June is 端午 → 3 June

    def test_time_lost_to_force_majeure_is_not_counted(self) -> None:
        limit = rules.suit_limit(
            knew_act_on=D(2025, 1, 15), obstacles=[Obstacle(D(2025, 3, 1), D(2025, 3, 31))]
        )
        assert limit.limit.on == D(2025, 8, 15)  # 15 July + 31 days
        assert rules.ART_48_1 in limit.limit.article

    def test_in_a_year_not_known_yet_the_party_is_favoured(self) -> None:
        # six months from 30 Apr 2027 end on Saturday 30 Oct 2027: weekday rule → Monday 1 Nov
        limit = rules.suit_limit(knew_act_on=D(2027, 4, 30))
        assert limit.limit.due == Due(D(2027, 11, 1), True)
        assert rules.check_suit_in_time(limit=limit, filed_on=D(2027, 11, 1)).provisional

    def test_the_period_cannot_be_learnt_before_the_act(self) -> None:
        with pytest.raises(InvalidInput):
            rules.suit_limit(knew_act_on=D(2025, 1, 10), informed=False, knew_period_on=D(2025, 1, 1))
        with pytest.raises(InvalidInput):
            rules.suit_limit(knew_act_on=D(2025, 1, 10), acted_on=D(2025, 1, 11))


@pytest.mark.django_db
class TestOtherSuitPeriods:
    def test_fifteen_days_after_the_reconsideration_decision(self) -> None:
        assert rules.after_reconsideration_due(decision_received_on=D(2025, 6, 2)).on == D(2025, 6, 17)
        assert rules.after_reconsideration_due(decision_received_on=D(2025, 9, 18)).on == D(2025, 10, 9)

    def test_failure_to_perform_two_months_then_six(self) -> None:
        assert rules.inaction_suit_opens_on(applied_on=D(2025, 3, 31)) == D(2025, 6, 1)
        # the duty period ended 31 May; six months → Sunday 30 Nov → Monday 1 Dec
        assert rules.inaction_suit_limit(applied_on=D(2025, 3, 31)).on == D(2025, 12, 1)

    def test_ten_days_to_ask_the_court_for_more_time(self) -> None:
        assert rules.extension_request_due(obstacle_removed_on=D(2025, 9, 28)).on == D(2025, 10, 9)

    def test_the_defence_is_due_fifteen_days_after_the_copy(self) -> None:
        assert rules.defence_due(complaint_copy_received_on=D(2025, 9, 18)) == Due(D(2025, 10, 9), False)

    def test_the_courts_own_periods(self) -> None:
        assert rules.first_instance_due(filed_on=D(2025, 4, 3)).on == D(2025, 10, 9)
        assert rules.first_instance_due(filed_on=D(2025, 8, 20), simple=True).on == D(2025, 10, 9)
        assert rules.appeal_trial_due(appeal_received_on=D(2025, 7, 3)).on == D(2025, 10, 9)


@pytest.mark.django_db
class TestAppealPeriods:
    def test_fifteen_days_for_a_judgment_ten_for_a_ruling(self) -> None:
        served = D(2025, 9, 18)
        assert rules.appeal_due(kind=RulingKind.JUDGMENT, served_on=served).on == D(2025, 10, 9)
        # ten days end on Sunday 28 Sep 2025, a worked day before 国庆: it stays
        assert rules.appeal_due(kind=RulingKind.RULING, served_on=served).on == D(2025, 9, 28)

    def test_the_judgment_is_final_after_the_last_party_could_appeal(self) -> None:
        final = rules.final_on(kind=RulingKind.JUDGMENT, served_on=[D(2025, 6, 2), D(2025, 6, 5)])
        assert final == Due(D(2025, 6, 20), False)
        with pytest.raises(InvalidInput):
            rules.final_on(kind=RulingKind.JUDGMENT, served_on=[])

    def test_a_rejected_suit_is_a_ruling(self) -> None:
        assert rules.ruling_kind(Judgment.SUIT_REJECTED) == RulingKind.RULING
        assert rules.ruling_kind(Judgment.REVOKED) == RulingKind.JUDGMENT


class TestHeadInCourt:
    def test_the_head_appearing_is_compliant_and_counts(self) -> None:
        finding = rules.assess_appearance(appearance="head", head_required=True)
        assert finding.head_appeared and finding.compliant

    def test_staff_may_stand_in_unless_the_head_had_to_appear_without_explanation(self) -> None:
        assert rules.assess_appearance(appearance="staff").compliant
        assert rules.assess_appearance(
            appearance="staff", head_required=True, absence_explained=True
        ).compliant
        finding = rules.assess_appearance(appearance="staff", head_required=True)
        assert not finding.compliant and finding.problem == "head_absence_unexplained"

    def test_a_lawyer_alone_or_nobody_is_never_compliant(self) -> None:
        for appearance in ("lawyer_only", "none"):
            finding = rules.assess_appearance(appearance=appearance)
            assert not finding.compliant and finding.problem == "no_agency_staff_in_court"
        with pytest.raises(InvalidInput):
            rules.assess_appearance(appearance="ghost")

    def test_the_record_names_the_delegate_and_explains_a_required_absence(self) -> None:
        with pytest.raises(InvalidInput):
            rules.check_appearance_record(appearance="staff", delegate_name=" ")
        with pytest.raises(RuleViolation) as exc:
            rules.check_appearance_record(appearance="staff", delegate_name="张三", head_required=True)
        assert exc.value.code == "head_absence_unexplained"
        assert rules.INTERP_129 in str(exc.value.message)
        finding = rules.check_appearance_record(
            appearance="staff",
            delegate_name="张三",
            head_required=True,
            absence_reason="出差，已提交情况说明",
        )
        assert finding.compliant
        assert not rules.check_appearance_record(appearance="lawyer_only").compliant  # recorded, flagged

    def test_head_appearance_rate_against_a_hand_count(self) -> None:
        hearings = [Appearance.HEAD, Appearance.STAFF, Appearance.HEAD, Appearance.LAWYER_ONLY]
        assert rules.head_appearance_rate(hearings) == Decimal("0.5000")
        assert rules.head_appearance_rate([Appearance.HEAD]) == Decimal("1.0000")
        assert rules.head_appearance_rate([]) is None


class TestJudgments:
    def test_losses_are_the_judgments_against_the_act(self) -> None:
        assert {j for j in Judgment if rules.is_loss(j)} == {
            Judgment.REVOKED,
            Judgment.ORDERED_TO_PERFORM,
            Judgment.ORDERED_TO_PAY,
            Judgment.DECLARED_UNLAWFUL,
            Judgment.DECLARED_VOID,
            Judgment.CHANGED,
            Judgment.AGREEMENT_LIABILITY,
        }
        assert set(rules.JUDGMENT_ARTICLES) == set(Judgment)

    def test_loss_rate_over_every_concluded_case(self) -> None:
        endings = [
            Judgment.DISMISSED,
            Judgment.REVOKED,
            Judgment.WITHDRAWN,
            Judgment.SUIT_REJECTED,
            Judgment.CHANGED,
        ]
        assert rules.loss_rate(endings) == Decimal("0.4000")
        assert rules.loss_rate([]) is None

    def test_unknown_judgment_is_refused(self) -> None:
        assert rules.parse_judgment("declared_void") == Judgment.DECLARED_VOID
        with pytest.raises(InvalidInput):
            rules.parse_judgment("upheld")
