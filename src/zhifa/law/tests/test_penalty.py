import datetime as dt
from decimal import Decimal

import pytest

from zhifa.core.errors import InvalidInput, RuleViolation
from zhifa.law import penalty as p
from zhifa.law.penalty import Measure
from zhifa.law.services import jurisdiction_setting_set

D = dt.date
Y = Decimal


@pytest.mark.django_db
class TestHearingRequestWindow:
    def test_working_day_five_after_notice_is_accepted_and_day_six_refused(self) -> None:
        # notice Monday 9 June 2025: working days 10, 11, 12, 13, 16 June → day 5 is Monday 16 June
        p.check_hearing_request_in_time(notified_on=D(2025, 6, 9), requested_on=D(2025, 6, 16))
        with pytest.raises(RuleViolation) as exc:
            p.check_hearing_request_in_time(notified_on=D(2025, 6, 9), requested_on=D(2025, 6, 17))
        assert exc.value.status == 422
        assert "第六十四条" in exc.value.detail["article"]
        assert "第八十五条" in exc.value.detail["article"]

    def test_a_weekend_inside_the_window_lengthens_it(self) -> None:
        # notice Thursday 12 June 2025: five natural days end Tuesday 17; five working days end Thursday 19
        p.check_hearing_request_in_time(notified_on=D(2025, 6, 12), requested_on=D(2025, 6, 19))
        with pytest.raises(RuleViolation):
            p.check_hearing_request_in_time(notified_on=D(2025, 6, 12), requested_on=D(2025, 6, 20))

    def test_the_spring_festival_inside_the_window_lengthens_it(self) -> None:
        # notice Friday 24 Jan 2025; 26 Jan (Sunday) is an adjusted working day, 28 Jan–4 Feb are off:
        # working days 26 Jan, 27 Jan, 5, 6, 7 Feb → 7 Feb accepted; 8 Feb (adjusted Saturday) is day 6
        p.check_hearing_request_in_time(notified_on=D(2025, 1, 24), requested_on=D(2025, 2, 7))
        with pytest.raises(RuleViolation):
            p.check_hearing_request_in_time(notified_on=D(2025, 1, 24), requested_on=D(2025, 2, 8))

    def test_a_request_within_five_natural_days_needs_no_calendar(self) -> None:
        # the 2027 calendar is not published: a request by day 5 is in time whatever it says
        p.check_hearing_request_in_time(notified_on=D(2026, 12, 28), requested_on=D(2027, 1, 2))

    def test_a_window_into_an_unknown_year_accepts_the_request_on_its_provisional_last_day(self) -> None:
        # notice Mon 28 Dec 2026; the weekday rule gives 29, 30, 31 Dec, (1 Jan 2027 is a Friday) 1, 4 Jan
        due = p.period_end(p.HEARING_REQUEST_PERIOD, D(2026, 12, 28))
        assert due.provisional
        assert p.check_hearing_request_in_time(notified_on=D(2026, 12, 28), requested_on=due.on) is True

    def test_after_the_provisional_day_the_party_has_the_latest_possible_day(self) -> None:
        # 1–3 Jan could be 元旦 holidays: the latest end is three working days later than the guess
        latest = p.latest_end(p.HEARING_REQUEST_PERIOD, D(2026, 12, 28))
        assert latest == D(2027, 1, 5)
        assert p.check_hearing_request_in_time(notified_on=D(2026, 12, 28), requested_on=latest) is True
        with pytest.raises(RuleViolation):
            p.check_hearing_request_in_time(notified_on=D(2026, 12, 28), requested_on=D(2027, 1, 6))

    def test_a_known_window_answers_without_the_provisional_flag(self) -> None:
        assert (
            p.check_hearing_request_in_time(notified_on=D(2025, 6, 9), requested_on=D(2025, 6, 16)) is False
        )


@pytest.mark.django_db
class TestHearingNotice:
    def test_seven_working_days_between_notice_and_hearing(self) -> None:
        p.check_hearing_notice(notice_served_on=D(2025, 6, 9), held_on=D(2025, 6, 18))
        with pytest.raises(RuleViolation) as exc:
            p.check_hearing_notice(notice_served_on=D(2025, 6, 9), held_on=D(2025, 6, 17))
        assert exc.value.code == "hearing_notice_too_late"


@pytest.mark.django_db
class TestPeriodsNeverBlockOnAnUnknownYear:
    def test_a_known_year_gives_an_exact_date(self) -> None:
        due = p.period_end(p.DECISION_PERIOD, D(2025, 3, 3))
        assert due == p.Due(D(2025, 6, 3), provisional=False)  # day 90 is Sun 1 June; 2 June is 端午

    def test_a_period_reaching_into_an_unknown_year_is_provisional(self) -> None:
        due = p.period_end(p.DECISION_PERIOD, D(2026, 11, 20))
        assert due.provisional
        assert due.on == D(2027, 2, 18)  # a Thursday by the weekday rule

    def test_extra_days_lengthen_the_period_in_its_own_kind(self) -> None:
        assert p.period_end(p.SERVICE_PERIOD, D(2025, 6, 9), extra_days=2).on == D(2025, 6, 20)
        assert p.period_end(p.DECISION_PERIOD, D(2025, 3, 3), extra_days=30).on == D(2025, 7, 1)

    def test_a_working_period_into_an_unknown_year_skips_weekends(self) -> None:
        due = p.period_end(p.SERVICE_PERIOD, D(2026, 12, 28))
        assert due.provisional
        assert due.on == D(2027, 1, 6)

    def test_elapsed_needs_the_whole_last_day_to_pass(self) -> None:
        assert not p.period_elapsed(p.HEARING_REQUEST_PERIOD, D(2025, 6, 9), D(2025, 6, 16))
        assert p.period_elapsed(p.HEARING_REQUEST_PERIOD, D(2025, 6, 9), D(2025, 6, 17))


class TestOnTheSpotDecision:
    def test_two_hundred_yuan_for_a_citizen_is_allowed_and_one_cent_more_is_not(self) -> None:
        p.check_on_spot_decision(party_kind="person", measures=[Measure.FINE], fine=Y("200"))
        with pytest.raises(RuleViolation) as exc:
            p.check_on_spot_decision(party_kind="person", measures=[Measure.FINE], fine=Y("200.01"))
        assert exc.value.detail["article"] == "行政处罚法第五十一条"

    def test_three_thousand_yuan_for_an_organisation_is_allowed_and_one_cent_more_is_not(self) -> None:
        p.check_on_spot_decision(party_kind="organisation", measures=[Measure.FINE], fine=Y("3000"))
        with pytest.raises(RuleViolation):
            p.check_on_spot_decision(party_kind="organisation", measures=[Measure.FINE], fine=Y("3000.01"))

    def test_a_warning_alone_is_allowed(self) -> None:
        p.check_on_spot_decision(party_kind="person", measures=[Measure.WARNING], fine=None)

    def test_heavier_measures_need_the_ordinary_procedure(self) -> None:
        with pytest.raises(RuleViolation):
            p.check_on_spot_decision(party_kind="person", measures=[Measure.CONFISCATION], fine=None)

    def test_a_fine_without_an_amount_is_bad_input(self) -> None:
        with pytest.raises(InvalidInput):
            p.check_on_spot_decision(party_kind="person", measures=[Measure.FINE], fine=None)
        with pytest.raises(InvalidInput):
            p.check_on_spot_decision(party_kind="person", measures=[], fine=None)


class TestCollection:
    def test_one_hundred_yuan_on_the_spot_is_collected_and_one_cent_more_is_not(self) -> None:
        assert p.check_on_spot_collection(simple_procedure=True, fine=Y("100"), ground=None) == "small_fine"
        with pytest.raises(RuleViolation) as exc:
            p.check_on_spot_collection(simple_procedure=True, fine=Y("100.01"), ground=None)
        assert "第六十八条" in exc.value.detail["article"]

    def test_an_ordinary_decision_is_never_paid_to_the_officer_for_being_small(self) -> None:
        with pytest.raises(RuleViolation):
            p.check_on_spot_collection(simple_procedure=False, fine=Y("50"), ground=None)

    def test_hard_to_enforce_later_applies_only_on_the_spot(self) -> None:
        assert p.check_on_spot_collection(simple_procedure=True, fine=Y("150"), ground="hard_to_enforce")
        with pytest.raises(RuleViolation):
            p.check_on_spot_collection(simple_procedure=False, fine=Y("150"), ground="hard_to_enforce")

    def test_remote_areas_allow_collection_after_an_ordinary_decision(self) -> None:
        assert p.check_on_spot_collection(simple_procedure=False, fine=Y("5000"), ground="remote_area")

    def test_an_unknown_ground_is_bad_input(self) -> None:
        with pytest.raises(InvalidInput):
            p.check_on_spot_collection(simple_procedure=True, fine=Y("5"), ground="friendly")


class TestLateSurcharge:
    def test_paying_on_the_last_day_is_not_late(self) -> None:
        assert p.days_late(due_on=D(2025, 6, 17), paid_on=D(2025, 6, 17)) == 0
        assert p.days_late(due_on=D(2025, 6, 17), paid_on=D(2025, 6, 18)) == 1

    def test_three_percent_of_the_fine_per_day(self) -> None:
        assert p.late_surcharge(fine=Y("1000"), days=1) == Y("30.00")
        assert p.late_surcharge(fine=Y("1000"), days=33) == Y("990.00")

    def test_the_surcharge_never_exceeds_the_fine(self) -> None:
        assert p.late_surcharge(fine=Y("1000"), days=34) == Y("1000.00")
        assert p.late_surcharge(fine=Y("1000"), days=400) == Y("1000.00")

    def test_rounding_is_to_the_cent_half_up(self) -> None:
        assert p.late_surcharge(fine=Y("333.33"), days=1) == Y("10.00")  # 9.9999
        assert p.late_surcharge(fine=Y("50.50"), days=1) == Y("1.52")  # 1.515

    def test_no_days_or_no_fine_means_no_surcharge(self) -> None:
        assert p.late_surcharge(fine=Y("1000"), days=0) == Y("0")
        assert p.late_surcharge(fine=Y("0"), days=5) == Y("0")


@pytest.mark.django_db
class TestHearingEligibility:
    def test_a_citizen_fine_just_below_the_threshold_gives_no_hearing_right(self) -> None:
        r = p.hearing_eligibility(party_kind="person", measures=[Measure.FINE], fine=Y("9999.99"))
        assert not r.eligible
        r = p.hearing_eligibility(party_kind="person", measures=[Measure.FINE], fine=Y("10000"))
        assert r.eligible and r.grounds == ("large_fine",)

    def test_an_organisation_threshold_is_higher(self) -> None:
        assert not p.hearing_eligibility(
            party_kind="organisation", measures=[Measure.FINE], fine=Y("99999.99")
        ).eligible
        assert p.hearing_eligibility(
            party_kind="organisation", measures=[Measure.FINE], fine=Y("100000")
        ).eligible

    def test_revocation_and_suspension_always_give_the_right(self) -> None:
        assert p.hearing_eligibility(party_kind="person", measures=[Measure.REVOCATION], fine=None).eligible
        assert p.hearing_eligibility(party_kind="person", measures=[Measure.SUSPENSION], fine=None).eligible

    def test_large_confiscation(self) -> None:
        r = p.hearing_eligibility(
            party_kind="person", measures=[Measure.CONFISCATION], fine=None, confiscation_value=Y("10000")
        )
        assert r.grounds == ("large_confiscation",)

    def test_the_province_sets_the_threshold(self, world) -> None:
        jurisdiction_setting_set(
            actor=world.admin, node=world.city, key="penalty.hearing_large_fine_person", value="5000"
        )
        r = p.hearing_eligibility(
            party_kind="person", measures=[Measure.FINE], fine=Y("5000"), agency=world.agency_a
        )
        assert r.eligible
        assert r.thresholds[0]["value"] == "5000" and r.thresholds[0]["source"] == world.city.name

    def test_the_agency_may_offer_a_hearing_for_other_heavy_penalties(self) -> None:
        assert p.hearing_eligibility(
            party_kind="person", measures=[Measure.OTHER], fine=None, offered=True
        ).eligible


class TestLegalReviewChecklist:
    ALL = dict.fromkeys(p.LEGAL_REVIEW_CHECKLIST, True)

    def test_nine_points(self) -> None:
        assert len(p.LEGAL_REVIEW_CHECKLIST) == 9

    def test_approval_needs_every_point(self) -> None:
        assert p.check_legal_review_checklist(self.ALL, approving=True) == self.ALL
        with pytest.raises(RuleViolation):
            p.check_legal_review_checklist({**self.ALL, "evidence_sufficient": False}, approving=True)

    def test_a_return_records_failed_points_with_their_note(self) -> None:
        answers = p.check_legal_review_checklist(
            {**self.ALL, "discretion": False}, approving=False, notes={"discretion": "裁量过重"}
        )
        assert answers["discretion"] is False
        with pytest.raises(InvalidInput):  # a "no" without a note
            p.check_legal_review_checklist({**self.ALL, "discretion": False}, approving=False)

    def test_a_return_needs_a_point_not_satisfied(self) -> None:
        with pytest.raises(RuleViolation):
            p.check_legal_review_checklist(self.ALL, approving=False)

    def test_an_unanswered_point_is_no_answer(self) -> None:
        with pytest.raises(InvalidInput):
            p.check_legal_review_checklist({**self.ALL, "documents": None}, approving=True)

    def test_a_missing_point_is_bad_input(self) -> None:
        with pytest.raises(InvalidInput):
            p.check_legal_review_checklist({"authority": True}, approving=False)


class TestDiscretion:
    def test_within_the_tier_needs_nothing(self) -> None:
        p.check_discretion(amount_class="within_tier", discretion_reason="", mitigation_ground=None)

    def test_outside_the_tier_needs_a_reason(self) -> None:
        with pytest.raises(RuleViolation) as exc:
            p.check_discretion(
                amount_class="outside_tier_within_law", discretion_reason=" ", mitigation_ground=None
            )
        assert exc.value.code == "discretion_reason_required"
        p.check_discretion(
            amount_class="outside_tier_within_law", discretion_reason="当事人主动整改", mitigation_ground=None
        )

    def test_below_the_minimum_needs_a_mitigation_ground_and_a_reason(self) -> None:
        with pytest.raises(RuleViolation) as exc:
            p.check_discretion(
                amount_class="below_legal_minimum", discretion_reason="x", mitigation_ground=None
            )
        assert exc.value.detail["article"] == "行政处罚法第三十二条"
        with pytest.raises(RuleViolation):
            p.check_discretion(
                amount_class="below_legal_minimum", discretion_reason="", mitigation_ground="remedied"
            )
        p.check_discretion(
            amount_class="below_legal_minimum", discretion_reason="主动拆除", mitigation_ground="remedied"
        )

    def test_an_unknown_mitigation_ground_is_bad_input(self) -> None:
        with pytest.raises(InvalidInput):
            p.check_discretion(
                amount_class="below_legal_minimum", discretion_reason="x", mitigation_ground="pity"
            )

    def test_above_the_maximum_is_refused_citing_the_provision(self) -> None:
        with pytest.raises(RuleViolation) as exc:
            p.check_discretion(
                amount_class="above_legal_maximum",
                discretion_reason="情节恶劣",
                mitigation_ground=None,
                provision="《城市道路管理条例》第四十二条",
            )
        assert "第四十二条" in exc.value.detail["article"]


class TestNotHeavierThanNotified:
    def test_a_higher_fine_after_a_statement_is_refused_under_article_45(self) -> None:
        with pytest.raises(RuleViolation) as exc:
            p.check_not_heavier(
                measures=[Measure.FINE],
                fine=Y("5000.01"),
                notified_measures=[Measure.FINE],
                notified_fine=Y("5000"),
                party_argued=True,
            )
        assert exc.value.detail["article"] == "行政处罚法第四十五条"

    def test_a_higher_fine_without_a_statement_needs_a_new_notice(self) -> None:
        with pytest.raises(RuleViolation) as exc:
            p.check_not_heavier(
                measures=[Measure.FINE],
                fine=Y("6000"),
                notified_measures=[Measure.FINE],
                notified_fine=Y("5000"),
                party_argued=False,
            )
        assert exc.value.code == "heavier_than_notified"

    def test_the_same_or_a_lower_fine_passes(self) -> None:
        for fine in (Y("5000"), Y("4000")):
            p.check_not_heavier(
                measures=[Measure.FINE],
                fine=fine,
                notified_measures=[Measure.FINE],
                notified_fine=Y("5000"),
                party_argued=True,
            )

    def test_adding_a_kind_of_penalty_is_heavier_but_a_plain_warning_is_not(self) -> None:
        assert p.is_heavier(
            measures=[Measure.FINE, Measure.CONFISCATION],
            fine=Y("1"),
            notified_measures=[Measure.FINE],
            notified_fine=Y("5000"),
        )
        assert not p.is_heavier(
            measures=[Measure.WARNING], fine=None, notified_measures=[Measure.FINE], notified_fine=Y("5000")
        )

    def test_kinds_are_ranked_a_lighter_kind_replacing_a_heavier_one_is_not_heavier(self) -> None:
        # a fine instead of a suspension: lighter, whatever the amount
        assert not p.is_heavier(
            measures=[Measure.FINE],
            fine=Y("50000"),
            notified_measures=[Measure.SUSPENSION],
            notified_fine=None,
        )
        # a suspension instead of a fine: heavier
        assert p.is_heavier(
            measures=[Measure.SUSPENSION], fine=None, notified_measures=[Measure.FINE], notified_fine=Y("1")
        )
        # a revocation instead of a suspension: heavier; a confiscation instead of a suspension: lighter
        assert p.is_heavier(
            measures=[Measure.REVOCATION],
            fine=None,
            notified_measures=[Measure.SUSPENSION],
            notified_fine=None,
        )
        assert not p.is_heavier(
            measures=[Measure.CONFISCATION],
            fine=None,
            notified_measures=[Measure.SUSPENSION],
            notified_fine=None,
        )
        # dropping a kind and lowering the fine is lighter; a cent more is heavier
        assert not p.is_heavier(
            measures=[Measure.FINE],
            fine=Y("4000"),
            notified_measures=[Measure.FINE, Measure.CONFISCATION],
            notified_fine=Y("5000"),
        )
        assert p.is_heavier(
            measures=[Measure.FINE],
            fine=Y("5000.01"),
            notified_measures=[Measure.FINE],
            notified_fine=Y("5000"),
        )


class TestRevisionAfterStatement:
    def revise(self, **over: object) -> bool:
        args: dict[str, object] = {
            "measures": [Measure.FINE],
            "fine": Y("8000"),
            "notified_measures": [Measure.FINE],
            "notified_fine": Y("5000"),
            "party_argued": True,
            "new_evidence": 0,
        }
        args.update(over)
        return p.check_revision_not_heavier(**args)  # type: ignore[arg-type]

    def test_heavier_after_a_statement_needs_new_evidence(self) -> None:
        with pytest.raises(RuleViolation) as exc:
            self.revise()
        assert exc.value.code == "heavier_revision_without_new_evidence"
        assert "第四十五条" in str(exc.value.message)
        assert self.revise(new_evidence=1) is True

    def test_without_a_statement_or_when_lighter_it_passes(self) -> None:
        assert self.revise(party_argued=False) is True
        assert self.revise(fine=Y("5000")) is False
        assert self.revise(measures=[Measure.WARNING], fine=None) is False


class TestMeasures:
    def test_unknown_measures_are_bad_input_and_duplicates_collapse(self) -> None:
        assert p.parse_measures(["fine", "fine", "warning"]) == [Measure.FINE, Measure.WARNING]
        with pytest.raises(InvalidInput):
            p.parse_measures(["flogging"])


class TestPublicReprimandIsNotAWarning:
    """第九条第（一）项 names 警告 and 通报批评 as two kinds; 第五十一条 allows only a warning on the spot;
    第四十五条 ranks 通报批评 just above 警告 and below any fine."""

    def test_only_a_warning_not_a_public_reprimand_on_the_spot(self) -> None:
        p.check_on_spot_decision(party_kind="person", measures=[Measure.WARNING], fine=None)
        for measures in ([Measure.CIRCULAR], [Measure.WARNING, Measure.CIRCULAR]):
            with pytest.raises(RuleViolation) as exc:
                p.check_on_spot_decision(party_kind="organisation", measures=measures, fine=None)
            assert exc.value.code == "on_spot_measure_not_allowed"
            assert "第五十一条" in str(exc.value.message) and "通报批评" in str(exc.value.message)

    def heavier(self, measures, notified, fine=None, notified_fine=None) -> bool:
        return p.is_heavier(
            measures=measures, fine=fine, notified_measures=notified, notified_fine=notified_fine
        )

    def test_ranked_between_the_warning_and_the_fine(self) -> None:
        W, C, F = Measure.WARNING, Measure.CIRCULAR, Measure.FINE
        assert self.heavier([C], [W])  # a reprimand made known replacing a warning: heavier
        assert not self.heavier([W], [C])
        assert not self.heavier([C], [F], notified_fine=Y("200"))  # instead of any fine: lighter
        assert self.heavier([F], [C], fine=Y("1"))
        assert self.heavier([W, C], [W])  # added: heavier
        assert not self.heavier([C], [W, C])  # dropped: not heavier
        assert not self.heavier([C], [C])
        assert p.MEASURE_RANK[W] < p.MEASURE_RANK[C] < p.MEASURE_RANK[F]

    def test_named_in_the_statutes_words(self) -> None:
        assert p.parse_measures(["circular", "warning"]) == [Measure.CIRCULAR, Measure.WARNING]
        assert p.MEASURE_NAMES[Measure.CIRCULAR] == "通报批评" and p.MEASURE_NAMES[Measure.WARNING] == "警告"
        with pytest.raises(RuleViolation):
            p.check_not_heavier(
                measures=[Measure.CIRCULAR],
                fine=None,
                notified_measures=[Measure.WARNING],
                notified_fine=None,
                party_argued=True,
            )
