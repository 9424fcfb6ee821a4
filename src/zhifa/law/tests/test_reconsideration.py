"""行政复议法 (2023) rules at their edges."""

import datetime as dt
from decimal import Decimal

import pytest

from zhifa.core.errors import InvalidInput, RuleViolation
from zhifa.law import reconsideration as rules
from zhifa.law.days import Due
from zhifa.law.limits import Obstacle
from zhifa.law.penalty import Measure
from zhifa.law.reconsideration import Outcome, SuspensionGround, TerminationGround

D = dt.date


def refused(code: str, fn, /, **kwargs):  # type: ignore[no-untyped-def]
    with pytest.raises(RuleViolation) as exc:
        fn(**kwargs)
    assert exc.value.code == code
    assert exc.value.article and exc.value.article in str(exc.value.message)
    return exc.value


@pytest.mark.django_db
class TestApplicationPeriod:
    def test_sixty_natural_days_from_knowing_the_act(self) -> None:
        limit = rules.application_limit(knew_act_on=D(2025, 6, 2))
        assert limit.limit.due == Due(D(2025, 8, 1), False)
        assert rules.check_application_in_time(limit=limit, applied_on=D(2025, 8, 1)).in_time
        error = refused(
            "application_late", rules.check_application_in_time, limit=limit, applied_on=D(2025, 8, 2)
        )
        assert error.article == rules.ART_20_1
        assert error.detail["period_end"] == "2025-08-01"

    def test_a_last_day_in_the_national_day_holiday_moves_to_the_next_working_day(self) -> None:
        limit = rules.application_limit(knew_act_on=D(2025, 8, 4))  # 60 days → Friday 3 Oct
        assert limit.limit.on == D(2025, 10, 9)
        assert rules.check_application_in_time(limit=limit, applied_on=D(2025, 10, 9)).in_time
        refused("application_late", rules.check_application_in_time, limit=limit, applied_on=D(2025, 10, 10))

    def test_a_law_may_give_a_longer_period_but_not_a_shorter_one(self) -> None:
        # 90 days from 2 June 2025 end on Sunday 31 August → Monday 1 September
        assert rules.application_limit(knew_act_on=D(2025, 6, 2), statutory_days=90).limit.on == D(2025, 9, 1)
        with pytest.raises(InvalidInput):
            rules.application_limit(knew_act_on=D(2025, 6, 2), statutory_days=30)

    def test_an_obstacle_stops_the_period_which_then_continues(self) -> None:
        limit = rules.application_limit(
            knew_act_on=D(2025, 6, 2), obstacles=[Obstacle(D(2025, 7, 1), D(2025, 7, 10))]
        )
        assert limit.limit.on == D(2025, 8, 11)  # 1 August + the ten days stopped
        assert rules.ART_20_2 in limit.limit.article

    def test_in_a_year_not_known_yet_the_party_gets_the_latest_possible_day(self) -> None:
        # 60 days from 1 Dec 2026 end on Saturday 30 Jan 2027; the weekday rule says Monday 1 Feb, but
        # 春节 2027 could fall anywhere up to 28 Feb, so the party may apply until Monday 1 March
        limit = rules.application_limit(knew_act_on=D(2026, 12, 1))
        assert limit.limit.due == Due(D(2027, 2, 1), True)
        answer = rules.check_application_in_time(limit=limit, applied_on=D(2027, 3, 1))
        assert answer.in_time and answer.provisional
        refused("application_late", rules.check_application_in_time, limit=limit, applied_on=D(2027, 3, 2))


@pytest.mark.django_db
class TestNotInformedOfTheRight:
    def test_sixty_days_from_learning_the_right_but_at_most_one_year_from_knowing_the_act(self) -> None:
        # learnt the right on 20 Dec 2025: 60 days → 24 Feb 2026 (春节 moves it); the year from 10 Jan
        # 2025 ends on Saturday 10 Jan 2026 → Monday 12 Jan, which binds
        limit = rules.application_limit(
            knew_act_on=D(2025, 1, 10), informed=False, knew_rights_on=D(2025, 12, 20)
        )
        assert [part.on for part in limit.parts] == [D(2026, 2, 24), D(2026, 1, 12)]
        assert limit.limit.on == D(2026, 1, 12)
        assert limit.limit.article == rules.ART_20_3
        assert rules.check_application_in_time(limit=limit, applied_on=D(2026, 1, 12)).in_time
        refused("application_late", rules.check_application_in_time, limit=limit, applied_on=D(2026, 1, 13))

    def test_learning_the_right_early_gives_sixty_days_from_then(self) -> None:
        limit = rules.application_limit(
            knew_act_on=D(2025, 1, 10), informed=False, knew_rights_on=D(2025, 6, 2)
        )
        assert limit.limit.on == D(2025, 8, 1)

    def test_a_party_never_told_has_the_year(self) -> None:
        limit = rules.application_limit(knew_act_on=D(2025, 1, 10), informed=False)
        assert limit.limit.on == D(2026, 1, 12)

    def test_the_right_cannot_be_learnt_before_the_act(self) -> None:
        with pytest.raises(InvalidInput):
            rules.application_limit(knew_act_on=D(2025, 1, 10), informed=False, knew_rights_on=D(2025, 1, 9))


@pytest.mark.django_db
class TestMaximumFromTheAct:
    def test_five_years_from_the_act_bar_the_application(self) -> None:
        # made 1 June 2019, learnt 2 June 2025, never told: five years ended Saturday 1 June 2024 → 3 June
        limit = rules.application_limit(knew_act_on=D(2025, 6, 2), informed=False, acted_on=D(2019, 6, 1))
        assert limit.limit.on == D(2024, 6, 3)
        error = refused(
            "application_beyond_maximum",
            rules.check_application_in_time,
            limit=limit,
            applied_on=D(2025, 6, 3),
        )
        assert error.article == rules.ART_21

    def test_real_estate_has_twenty_years_and_a_far_provisional_day_does_not_decide(self) -> None:
        limit = rules.application_limit(knew_act_on=D(2025, 6, 2), acted_on=D(2010, 1, 1), real_estate=True)
        assert limit.parts[-1].due.provisional  # 1 Jan 2030
        assert limit.limit.due == Due(D(2025, 8, 1), False)

    def test_an_act_cannot_be_known_before_it_was_made(self) -> None:
        with pytest.raises(InvalidInput):
            rules.application_limit(knew_act_on=D(2025, 6, 2), acted_on=D(2025, 6, 3))


@pytest.mark.django_db
class TestAcceptance:
    # received Friday 26 Sep 2025: working days 28 (adjusted Sunday), 29, 30 Sep, 9, 10 Oct
    RECEIVED = D(2025, 9, 26)

    def test_five_working_days_across_the_national_day_holiday(self) -> None:
        assert rules.acceptance_review_due(self.RECEIVED) == Due(D(2025, 10, 10), False)

    def test_silence_after_the_review_period_is_acceptance(self) -> None:
        assert not rules.deemed_accepted(received_on=self.RECEIVED, on=D(2025, 10, 10), decided=False)
        assert rules.deemed_accepted(received_on=self.RECEIVED, on=D(2025, 10, 11), decided=False)
        assert not rules.deemed_accepted(received_on=self.RECEIVED, on=D(2025, 10, 11), decided=True)
        assert rules.deemed_acceptance_date(self.RECEIVED).on == D(2025, 10, 10)

    def test_a_refusal_after_the_review_period_is_refused(self) -> None:
        rules.check_refusal_in_time(received_on=self.RECEIVED, refused_on=D(2025, 10, 10))
        refused(
            "refusal_after_review_period",
            rules.check_refusal_in_time,
            received_on=self.RECEIVED,
            refused_on=D(2025, 10, 11),
        )

    def test_the_amendment_notice_comes_once_within_five_working_days(self) -> None:
        rules.check_amendment_notice(
            received_on=self.RECEIVED, notified_on=D(2025, 10, 10), earlier_notices=0
        )
        refused(
            "amendment_notice_late",
            rules.check_amendment_notice,
            received_on=self.RECEIVED,
            notified_on=D(2025, 10, 11),
            earlier_notices=0,
        )
        refused(
            "amendment_notice_repeated",
            rules.check_amendment_notice,
            received_on=self.RECEIVED,
            notified_on=D(2025, 9, 29),
            earlier_notices=1,
        )


@pytest.mark.django_db
class TestAmendment:
    # notice received Friday 24 Jan 2025: ten working days across 春节 (26 Jan and 8 Feb are worked)
    NOTICE = D(2025, 1, 24)

    def test_ten_working_days_across_spring_festival(self) -> None:
        assert rules.amendment_due(notice_received_on=self.NOTICE) == Due(D(2025, 2, 13), False)

    def test_late_amendment_means_the_application_counts_as_abandoned(self) -> None:
        assert rules.check_amendment_in_time(
            notice_received_on=self.NOTICE, amended_on=D(2025, 2, 13)
        ).in_time
        refused(
            "amendment_late",
            rules.check_amendment_in_time,
            notice_received_on=self.NOTICE,
            amended_on=D(2025, 2, 14),
        )
        assert not rules.deemed_abandoned(notice_received_on=self.NOTICE, on=D(2025, 2, 13))
        assert rules.deemed_abandoned(notice_received_on=self.NOTICE, on=D(2025, 2, 14))

    def test_an_extension_for_a_proper_reason_lengthens_the_period_in_working_days(self) -> None:
        assert rules.amendment_due(notice_received_on=self.NOTICE, extension_days=2).on == D(2025, 2, 17)
        rules.check_amendment_in_time(
            notice_received_on=self.NOTICE, amended_on=D(2025, 2, 17), extension_days=2
        )
        assert not rules.deemed_abandoned(notice_received_on=self.NOTICE, on=D(2025, 2, 17), extension_days=2)
        with pytest.raises(InvalidInput):
            rules.amendment_due(notice_received_on=self.NOTICE, extension_days=-1)


@pytest.mark.django_db
class TestRespondent:
    def test_copy_in_seven_and_answer_in_ten_working_days(self) -> None:
        assert rules.copy_due(accepted_on=D(2025, 6, 3)).on == D(2025, 6, 12)
        assert rules.answer_due(copy_received_on=D(2025, 6, 11)).on == D(2025, 6, 25)

    def test_the_simple_procedure_has_three_and_five_working_days(self) -> None:
        # accepted Friday 26 Sep 2025 → 28, 29, 30 Sep; answer from 30 Sep → 9, 10, 11 (Sat, worked), 13, 14 Oct
        assert rules.copy_due(accepted_on=D(2025, 9, 26), simple=True).on == D(2025, 9, 30)
        assert rules.answer_due(copy_received_on=D(2025, 9, 30), simple=True).on == D(2025, 10, 14)

    def test_a_late_answer_is_recognised_on_the_day_after(self) -> None:
        received = D(2025, 6, 11)
        assert not rules.answer_late(copy_received_on=received, answered_on=None, on=D(2025, 6, 25))
        assert rules.answer_late(copy_received_on=received, answered_on=None, on=D(2025, 6, 26))
        assert not rules.answer_late(copy_received_on=received, answered_on=D(2025, 6, 25), on=D(2025, 7, 1))
        assert rules.answer_late(copy_received_on=received, answered_on=D(2025, 6, 26), on=D(2025, 7, 1))

    def test_without_a_timely_answer_the_act_cannot_be_upheld(self) -> None:
        refused("no_answer_outcome_not_allowed", rules.check_outcome_after_missing_answer, outcome="upheld")
        refused(
            "no_answer_outcome_not_allowed", rules.check_outcome_after_missing_answer, outcome="dismissed"
        )
        assert rules.check_outcome_after_missing_answer(outcome="revoked") == Outcome.REVOKED
        assert (
            rules.check_outcome_after_missing_answer(outcome="upheld", third_party_evidence=True)
            == Outcome.UPHELD
        )

    def test_hearing_notice_five_working_days_before(self) -> None:
        # served Friday 26 Sep 2025: the fifth working day after it is 10 Oct
        rules.check_hearing_notice(notice_served_on=D(2025, 9, 26), held_on=D(2025, 10, 10))
        refused(
            "hearing_notice_too_late",
            rules.check_hearing_notice,
            notice_served_on=D(2025, 9, 26),
            held_on=D(2025, 10, 9),
        )


class TestSimpleProcedure:
    def test_three_thousand_yuan_is_still_simple(self) -> None:
        assert rules.simple_procedure_allowed(amount=Decimal("3000"))
        assert not rules.simple_procedure_allowed(amount=Decimal("3000.01"))
        assert rules.simple_procedure_allowed(amount=Decimal("3000.01"), all_parties_agree=True)
        assert rules.simple_procedure_allowed(on_the_spot=True)
        assert rules.simple_procedure_allowed(warning_only=True)
        assert rules.simple_procedure_allowed(government_information=True)
        refused("simple_procedure_not_allowed", rules.check_simple_procedure, amount=Decimal("5000"))


@pytest.mark.django_db
class TestDecisionPeriod:
    def test_sixty_days_from_acceptance(self) -> None:
        # accepted 3 June 2025 → Saturday 2 Aug → Monday 4 Aug
        assert rules.decision_due(accepted_on=D(2025, 6, 3)) == Due(D(2025, 8, 4), False)

    def test_the_holiday_rule_moves_a_last_day_in_the_national_day_holiday(self) -> None:
        assert rules.decision_due(accepted_on=D(2025, 8, 4)).on == D(2025, 10, 9)

    def test_an_extension_of_thirty_days_at_most(self) -> None:
        assert rules.decision_due(accepted_on=D(2025, 6, 3), extension_days=30).on == D(2025, 9, 1)
        refused("extension_too_long", rules.decision_due, accepted_on=D(2025, 6, 3), extension_days=31)

    def test_the_simple_procedure_has_thirty_days_and_no_extension(self) -> None:
        assert rules.decision_due(accepted_on=D(2025, 6, 3), simple=True).on == D(2025, 7, 3)
        refused(
            "simple_procedure_no_extension",
            rules.decision_due,
            accepted_on=D(2025, 6, 3),
            simple=True,
            extension_days=5,
        )

    def test_suspended_days_do_not_count(self) -> None:
        assert rules.decision_due(accepted_on=D(2025, 8, 4), suspended_days=10).on == D(2025, 10, 13)
        with pytest.raises(InvalidInput):
            rules.decision_due(accepted_on=D(2025, 8, 4), suspended_days=-1)

    def test_a_law_may_set_a_shorter_period(self) -> None:
        assert rules.decision_due(accepted_on=D(2025, 6, 3), statutory_days=30).on == D(2025, 7, 3)
        with pytest.raises(InvalidInput):
            rules.decision_due(accepted_on=D(2025, 6, 3), statutory_days=90)


class TestExtension:
    ACCEPTED = D(2025, 6, 3)

    @pytest.mark.django_db
    def test_one_extension_of_up_to_thirty_days_before_the_period_ends(self) -> None:
        rules.check_extension(
            simple=False,
            earlier_extensions=0,
            requested_days=30,
            accepted_on=self.ACCEPTED,
            requested_on=D(2025, 8, 4),
        )

    @pytest.mark.django_db
    def test_a_second_extension_is_refused(self) -> None:
        refused(
            "extension_repeated",
            rules.check_extension,
            simple=False,
            earlier_extensions=1,
            requested_days=5,
            accepted_on=self.ACCEPTED,
            requested_on=D(2025, 7, 1),
        )

    @pytest.mark.django_db
    def test_more_than_thirty_days_or_none_is_refused(self) -> None:
        for days in (0, 31):
            refused(
                "extension_too_long",
                rules.check_extension,
                simple=False,
                earlier_extensions=0,
                requested_days=days,
                accepted_on=self.ACCEPTED,
                requested_on=D(2025, 7, 1),
            )

    @pytest.mark.django_db
    def test_an_extension_after_the_period_ended_is_refused(self) -> None:
        refused(
            "extension_after_period",
            rules.check_extension,
            simple=False,
            earlier_extensions=0,
            requested_days=10,
            accepted_on=self.ACCEPTED,
            requested_on=D(2025, 8, 5),
        )

    def test_the_simple_procedure_cannot_be_extended(self) -> None:
        refused(
            "simple_procedure_no_extension",
            rules.check_extension,
            simple=True,
            earlier_extensions=0,
            requested_days=10,
            accepted_on=self.ACCEPTED,
            requested_on=D(2025, 6, 10),
        )


class TestSuspensionAndTermination:
    def test_the_grounds_are_closed_lists_with_their_items(self) -> None:
        assert len(SuspensionGround) == 10 and len(TerminationGround) == 5
        assert rules.SUSPENSION_ITEMS[SuspensionGround.MEDIATION] == "行政复议法第三十九条第一款第（六）项"
        assert rules.TERMINATION_ITEMS[TerminationGround.LONG_SUSPENSION] == "行政复议法第四十一条第（五）项"
        with pytest.raises(InvalidInput):
            rules.check_suspension(ground="holiday")
        with pytest.raises(InvalidInput):
            rules.check_termination(ground="bored", on=D(2025, 6, 3))

    def test_suspension_for_mediation_needs_both_sides(self) -> None:
        refused("suspension_needs_agreement", rules.check_suspension, ground="mediation")
        assert (
            rules.check_suspension(ground="mediation", both_parties_agree=True) == SuspensionGround.MEDIATION
        )
        assert rules.check_suspension(ground="applicant_missing") == SuspensionGround.APPLICANT_MISSING

    @pytest.mark.django_db
    def test_a_qualifying_suspension_of_sixty_days_ends_the_review(self) -> None:
        # suspended 3 June 2025: sixty days end Saturday 2 Aug → Monday 4 Aug
        kwargs = {
            "ground": "long_suspension",
            "suspension_ground": "applicant_died",
            "suspended_on": D(2025, 6, 3),
        }
        refused("termination_too_early", rules.check_termination, on=D(2025, 8, 4), **kwargs)
        assert rules.check_termination(on=D(2025, 8, 5), **kwargs) == TerminationGround.LONG_SUSPENSION

    @pytest.mark.django_db
    def test_other_suspensions_never_end_the_review_by_time(self) -> None:
        refused(
            "termination_too_early",
            rules.check_termination,
            ground="long_suspension",
            suspension_ground="applicant_missing",
            suspended_on=D(2025, 1, 2),
            on=D(2025, 12, 1),
        )
        refused(
            "termination_without_suspension",
            rules.check_termination,
            ground="long_suspension",
            on=D(2025, 12, 1),
        )

    def test_withdrawal_terminates(self) -> None:
        assert rules.check_termination(ground="withdrawn", on=D(2025, 6, 3)) == TerminationGround.WITHDRAWN


class TestOutcomes:
    def test_corrections_are_revoke_change_unlawful_void_and_perform(self) -> None:
        assert {o for o in Outcome if rules.is_correction(o)} == {
            Outcome.REVOKED,
            Outcome.CHANGED,
            Outcome.DECLARED_UNLAWFUL,
            Outcome.DECLARED_VOID,
            Outcome.ORDERED_TO_PERFORM,
        }
        assert set(rules.OUTCOME_ARTICLES) == set(Outcome)

    def test_correction_rate_against_a_hand_count(self) -> None:
        outcomes = [
            Outcome.UPHELD,
            Outcome.REVOKED,
            Outcome.CHANGED,
            Outcome.DISMISSED,
            Outcome.UPHELD,
            Outcome.ORDERED_TO_PERFORM,
        ]
        assert rules.correction_rate(outcomes) == Decimal("0.5000")
        assert rules.correction_rate([Outcome.UPHELD, Outcome.UPHELD, Outcome.REVOKED]) == Decimal("0.3333")
        assert rules.correction_rate([]) is None

    def test_unknown_outcome_is_refused(self) -> None:
        with pytest.raises(InvalidInput):
            rules.parse_outcome("maintained")

    def test_a_change_may_not_be_worse_for_the_applicant(self) -> None:
        base = {"original_measures": [Measure.FINE], "original_fine": Decimal("5000")}
        rules.check_change_not_worse(measures=[Measure.FINE], fine=Decimal("3000"), **base)
        rules.check_change_not_worse(measures=[Measure.WARNING], fine=None, **base)
        refused(
            "change_worse_for_applicant",
            rules.check_change_not_worse,
            measures=[Measure.FINE],
            fine=Decimal("5000.01"),
            **base,
        )
        refused(
            "change_worse_for_applicant",
            rules.check_change_not_worse,
            measures=[Measure.FINE, Measure.SUSPENSION],
            fine=Decimal("1000"),
            **base,
        )
        rules.check_change_not_worse(
            measures=[Measure.FINE], fine=Decimal("8000"), third_party_requested=True, **base
        )


class TestMediationAndSettlement:
    GOOD = {"voluntary": True, "lawful": True, "no_harm_to_public_interest": True, "no_harm_to_others": True}

    def test_a_lawful_signed_and_sealed_agreement_passes(self) -> None:
        rules.check_mediation_agreement(self.GOOD, signed_by_all_parties=True, sealed=True)

    def test_every_point_is_answered_and_satisfied(self) -> None:
        with pytest.raises(InvalidInput):
            rules.check_mediation_agreement({"voluntary": True}, signed_by_all_parties=True, sealed=True)
        error = refused(
            "mediation_not_lawful",
            rules.check_mediation_agreement,
            checklist={**self.GOOD, "no_harm_to_others": False},
            signed_by_all_parties=True,
            sealed=True,
        )
        assert error.detail["failed"] == ["no_harm_to_others"]

    def test_it_takes_effect_only_when_signed_and_sealed(self) -> None:
        refused(
            "mediation_not_signed",
            rules.check_mediation_agreement,
            checklist=self.GOOD,
            signed_by_all_parties=False,
            sealed=True,
        )
        refused(
            "mediation_not_signed",
            rules.check_mediation_agreement,
            checklist=self.GOOD,
            signed_by_all_parties=True,
            sealed=False,
        )

    def test_no_second_application_after_a_settlement_withdrawal(self) -> None:
        refused(
            "reapplication_after_withdrawal",
            rules.check_reapplication_after_withdrawal,
            same_facts_and_reasons=True,
            withdrawal_against_will_proven=False,
        )
        rules.check_reapplication_after_withdrawal(
            same_facts_and_reasons=True, withdrawal_against_will_proven=True
        )
        rules.check_reapplication_after_withdrawal(
            same_facts_and_reasons=False, withdrawal_against_will_proven=False
        )


def test_refusal_names_item_and_requires_reason_and_organ() -> None:
    from zhifa.core.errors import InvalidInput, RuleViolation
    from zhifa.law.reconsideration import RefusalGround, check_refusal

    assert check_refusal(ground="late", reason="超过六十日申请期限") == (
        RefusalGround.LATE,
        "行政复议法第三十条第一款第（四）项",
    )
    assert check_refusal(ground="already_brought", reason="已经起诉")[1].endswith("第（七）项")
    with pytest.raises(InvalidInput):
        check_refusal(ground="late", reason="  ")
    with pytest.raises(InvalidInput):
        check_refusal(ground="nonsense", reason="理由充分")
    with pytest.raises(RuleViolation) as exc:
        check_refusal(ground="not_competent", reason="不属于本机关管辖")
    assert "第三十条第二款" in str(exc.value.message)
    assert check_refusal(ground="not_competent", reason="不属于本机关管辖", competent_organ="某省人民政府")
