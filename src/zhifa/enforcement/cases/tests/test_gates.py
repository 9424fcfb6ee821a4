"""Each gate of DESIGN.md through the real service, at its edges. Today is Monday 30 June 2025."""

import datetime as dt
from decimal import Decimal

import pytest

from zhifa.core.errors import InvalidInput, RuleViolation
from zhifa.enforcement.cases import hooks
from zhifa.enforcement.cases.factories import (
    CHECKLIST_OK,
    add_investigation_record,
    advance,
    approve_and_notify,
    close_case,
    ev,
    register,
    waive,
)
from zhifa.enforcement.cases.models import CaseDeadline, CaseOfficer, LegalReviewCatalogueEntry, State
from zhifa.enforcement.cases.tests import builders
from zhifa.officers.factories import make_credentialed_officer
from zhifa.powers.factories import make_item

pytestmark = pytest.mark.django_db
D = dt.date


def filed(kit, filed_on: str = "2025-03-03", **over):
    case = register(kit, discovered_on="2025-03-03", occurred_on="2025-03-01", **over)
    return ev(
        case,
        kit.world.approver_a,
        "file",
        officer_ids=[kit.officer_a.pk, kit.officer_a2.pk],
        filed_on=filed_on,
    )


def waived(kit, case, *, waived_on: str, rights: list[str] | None = None):
    """The party waives in writing every right the notice gave (statement; hearing when it has one)."""
    rights = rights or (["statement", "hearing"] if case.hearing_eligible else ["statement"])
    return waive(case, kit.world.officer_a, rights=rights, waived_on=waived_on)


def notified(kit, case, *, served_on: str, fine: str = "3000.00", **proposal):
    w = kit.world
    if not hooks.file_items(case):
        add_investigation_record(case, w.officer_a)
    case = ev(
        case,
        w.officer_a,
        "submit_proposal",
        tier=proposal.pop("tier", "轻微"),
        measures=["fine"],
        fine_amount=fine,
        reasons="理由",
        **proposal,
    )
    return approve_and_notify(case, kit, served_on=served_on)


class TestDecisionWithinNinetyDays:
    """第六十条. Filed Monday 3 March 2025; day 90 is Sunday 1 June, 2 June is 端午 → the period
    ends Tuesday 3 June."""

    def test_the_last_day_moved_past_the_holiday_is_accepted_and_the_next_refused(self, kit) -> None:
        case = filed(kit)
        row = CaseDeadline.objects.get(case=case, kind="decision")
        assert row.due_on == D(2025, 6, 3)
        case = notified(kit, case, served_on="2025-05-20")
        case = waived(kit, case, waived_on="2025-05-21")
        with pytest.raises(RuleViolation) as exc:
            ev(case, kit.world.approver_a, "decide", decided_on="2025-06-04")
        assert (
            exc.value.code == "decision_period_expired"
            and exc.value.detail["article"] == "行政处罚法第六十条"
        )
        case = ev(case, kit.world.approver_a, "decide", decided_on="2025-06-03")
        assert case.state == State.DECIDED

    def test_day_ninety_on_a_working_day_is_accepted_and_day_ninety_one_refused(self, kit) -> None:
        case = filed(kit, filed_on="2025-03-04")  # day 90 = Monday 2 June, 端午 → Tuesday 3 June
        row = CaseDeadline.objects.get(case=case, kind="decision")
        assert row.due_on == D(2025, 6, 3)
        case2 = filed(kit, filed_on="2025-03-10")  # day 90 = Sunday 8 June → Monday 9 June
        assert CaseDeadline.objects.get(case=case2, kind="decision").due_on == D(2025, 6, 9)
        case3 = filed(kit, filed_on="2025-03-12")  # day 90 = Tuesday 10 June, a working day
        assert CaseDeadline.objects.get(case=case3, kind="decision").due_on == D(2025, 6, 10)
        case3 = notified(kit, case3, served_on="2025-05-20")
        case3 = waived(kit, case3, waived_on="2025-05-21")
        with pytest.raises(RuleViolation):
            ev(case3, kit.world.approver_a, "decide", decided_on="2025-06-11")  # day 91
        assert ev(case3, kit.world.approver_a, "decide", decided_on="2025-06-10").state == State.DECIDED

    def test_an_approved_extension_moves_the_deadline(self, kit) -> None:
        case = filed(kit, filed_on="2025-03-12")
        case = ev(
            case,
            kit.world.approver_a,
            "extend_deadline",
            days=30,
            reason="案情复杂，需补充鉴定。",
            rule="部门规章：经负责人批准可延长三十日",
            approved_on="2025-06-05",
        )
        assert CaseDeadline.objects.get(case=case, kind="decision").due_on == D(2025, 7, 10)
        case = notified(kit, case, served_on="2025-06-20")
        case = waived(kit, case, waived_on="2025-06-23")
        assert ev(case, kit.world.approver_a, "decide", decided_on="2025-06-30").state == State.DECIDED

    def test_an_extension_after_the_period_ended_is_refused(self, kit) -> None:
        case = filed(kit, filed_on="2025-03-12")
        with pytest.raises(RuleViolation) as exc:
            ev(
                case,
                kit.world.approver_a,
                "extend_deadline",
                days=30,
                reason="补批",
                approved_on="2025-06-11",
            )
        assert exc.value.code == "extension_too_late"

    def test_a_suspension_moves_the_decision_deadline_by_the_suspended_days(self, kit) -> None:
        case = filed(kit, filed_on="2025-03-12")  # due 10 June
        case = ev(case, kit.world.approver_a, "suspend", reason="当事人下落不明。", suspended_on="2025-04-01")
        with pytest.raises(Exception) as exc:
            ev(
                case,
                kit.world.officer_a,
                "submit_proposal",
                tier="轻微",
                measures=["fine"],
                fine_amount="100",
                reasons="x",
            )
        assert getattr(exc.value, "code", "") == "case_suspended"
        case = ev(case, kit.world.approver_a, "resume", reason="已找到当事人。", resumed_on="2025-04-21")
        row = CaseDeadline.objects.get(case=case, kind="decision")
        assert row.extra_days == 20 and row.due_on == D(2025, 6, 30)
        case = notified(kit, case, served_on="2025-06-16")
        case = waived(kit, case, waived_on="2025-06-17")
        assert ev(case, kit.world.approver_a, "decide", decided_on="2025-06-30").state == State.DECIDED

    def test_a_running_suspension_pauses_the_status(self, kit, frozen) -> None:
        from zhifa.enforcement.cases.deadlines import effective_due, status_of

        case = filed(kit, filed_on="2025-03-12")
        case = ev(case, kit.world.approver_a, "suspend", reason="等待鉴定结论。", suspended_on="2025-06-01")
        row = CaseDeadline.objects.get(case=case, kind="decision")
        assert row.due_on == D(2025, 6, 10)
        assert effective_due(row, today=frozen) == D(2025, 7, 9)  # + 29 days so far
        assert status_of(row, today=frozen) == "ok"


class TestPartyWindows:
    def test_decision_waits_for_the_statement_period(self, kit) -> None:
        case = notified(
            kit, filed(kit, filed_on="2025-05-06"), served_on="2025-06-09"
        )  # 5 working days → 16 June
        with pytest.raises(RuleViolation) as exc:
            ev(case, kit.world.approver_a, "decide", decided_on="2025-06-16")
        assert exc.value.code == "party_window_open"
        assert ev(case, kit.world.approver_a, "decide", decided_on="2025-06-17").state == State.DECIDED

    def test_hearing_request_on_working_day_five_is_accepted_day_six_refused(self, kit) -> None:
        case = register(kit, discovered_on="2025-01-10", occurred_on="2025-01-08", party=builders.PERSON)
        case = ev(
            case,
            kit.world.approver_a,
            "file",
            officer_ids=[kit.officer_a.pk, kit.officer_a2.pk],
            filed_on="2025-01-13",
        )
        case = notified(kit, case, served_on="2025-01-24", fine="10000.00", tier="一般")  # Spring Festival
        assert case.hearing_eligible
        with pytest.raises(RuleViolation) as exc:
            ev(case, kit.world.officer_a, "request_hearing", requested_on="2025-02-08")
        assert exc.value.code == "hearing_request_late"
        case = ev(case, kit.world.officer_a, "request_hearing", requested_on="2025-02-07")
        assert case.state == State.HEARING_REQUESTED

    def test_below_the_threshold_there_is_no_hearing_right(self, kit) -> None:
        case = register(kit, discovered_on="2025-05-05", occurred_on="2025-05-01", party=builders.PERSON)
        case = advance(kit, case, State.INVESTIGATING, start=D(2025, 5, 6))
        case = notified(kit, case, served_on="2025-06-09", fine="9999.99", tier="一般")
        assert not case.hearing_eligible
        with pytest.raises(RuleViolation) as exc:
            ev(case, kit.world.officer_a, "request_hearing", requested_on="2025-06-10")
        assert exc.value.code == "no_hearing_right"

    def test_a_waived_hearing_cannot_be_requested_later(self, kit) -> None:
        case = register(kit, discovered_on="2025-05-05", occurred_on="2025-05-01", party=builders.PERSON)
        case = advance(kit, case, State.INVESTIGATING, start=D(2025, 5, 6))
        case = notified(kit, case, served_on="2025-06-09", fine="10000.00", tier="一般")
        case = waived(kit, case, waived_on="2025-06-10", rights=["hearing"])
        with pytest.raises(RuleViolation):
            ev(case, kit.world.officer_a, "request_hearing", requested_on="2025-06-11")
        with pytest.raises(RuleViolation):  # the statement period still runs
            ev(case, kit.world.approver_a, "decide", decided_on="2025-06-12")

    def test_the_presider_must_not_have_investigated(self, kit) -> None:
        case = builders.hearing_requested(kit)
        with pytest.raises(RuleViolation) as exc:
            ev(
                case,
                kit.world.officer_a,
                "hold_hearing",
                presided_by=kit.officer_a2.pk,
                held_on="2025-05-30",
                notice_served_on="2025-05-12",
                record="笔录",
            )
        assert exc.value.code == "presider_is_investigator"

    def test_the_presider_must_be_of_the_deciding_agency(self, kit) -> None:
        from zhifa.officers.factories import make_credentialed_officer

        case = builders.hearing_requested(kit)
        stranger = make_credentialed_officer(agency=kit.world.agency_b, unit=kit.world.unit_b, name="郑十一")
        with pytest.raises(RuleViolation) as exc:
            ev(
                case,
                kit.world.officer_a,
                "hold_hearing",
                presided_by=stranger.pk,
                held_on="2025-05-30",
                notice_served_on="2025-05-12",
                record="笔录",
            )
        assert exc.value.code == "presider_other_agency"


class TestLegalReviewAndDeliberation:
    def test_the_agency_catalogue_requires_review_above_its_threshold(self, kit) -> None:
        LegalReviewCatalogueEntry.objects.create(
            agency=kit.agency, fine_at_least_organisation=Decimal("8000"), description="对单位罚款八千元以上"
        )
        case = filed(kit, filed_on="2025-05-06")
        case = ev(
            case,
            kit.world.officer_a,
            "submit_proposal",
            tier="一般",
            measures=["fine"],
            fine_amount="7999.99",
            reasons="x",
        )
        assert not case.legal_review_required
        add_investigation_record(case, kit.world.officer_a)
        case = ev(
            case,
            kit.world.approver_a,
            "decide_no_penalty",
            reason="重新调查",
            ground="facts_not_established",
            decided_on="2025-05-07",
        )
        case2 = filed(kit, filed_on="2025-05-06")
        case2 = ev(
            case2,
            kit.world.officer_a,
            "submit_proposal",
            tier="一般",
            measures=["fine"],
            fine_amount="8000.00",
            reasons="x",
        )
        assert case2.legal_review_required and case2.legal_review_grounds == ["catalogue"]

    def test_a_listed_power_item_always_needs_review(self, kit) -> None:
        LegalReviewCatalogueEntry.objects.create(
            agency=kit.agency, power_item=kit.item, description="挖掘道路"
        )
        case = filed(kit, filed_on="2025-05-06")
        case = ev(
            case,
            kit.world.officer_a,
            "submit_proposal",
            tier="轻微",
            measures=["fine"],
            fine_amount="100",
            reasons="x",
        )
        assert case.legal_review_required

    def test_a_handling_officer_cannot_review_and_an_unqualified_reviewer_is_refused(self, kit) -> None:
        case = builders.ordinary(kit, State.LEGAL_REVIEW)
        w = kit.world
        from zhifa.org.roles import Role
        from zhifa.org.services import role_grant

        role_grant(actor=None, user=w.officer_a2, role=Role.LEGAL_REVIEWER, node=kit.agency)
        with pytest.raises(RuleViolation) as exc:
            ev(case, w.officer_a2, "approve_legal_review", opinion="同意", checklist=CHECKLIST_OK)
        assert exc.value.code == "reviewer_is_handler"
        kit.reviewer.has_legal_qualification = False
        kit.reviewer.save(update_fields=["has_legal_qualification"])
        with pytest.raises(RuleViolation) as exc:
            ev(case, w.reviewer_a, "approve_legal_review", opinion="同意", checklist=CHECKLIST_OK)
        assert exc.value.code == "reviewer_not_qualified"

    def test_a_failed_checklist_cannot_pass_and_a_return_goes_back_to_investigation(self, kit) -> None:
        case = builders.ordinary(kit, State.LEGAL_REVIEW)
        bad = {**CHECKLIST_OK, "evidence_sufficient": False}
        with pytest.raises(RuleViolation):
            ev(case, kit.world.reviewer_a, "approve_legal_review", opinion="同意", checklist=bad)
        with pytest.raises(InvalidInput):  # a "no" needs its note
            ev(case, kit.world.reviewer_a, "return_legal_review", opinion="证据不足", checklist=bad)
        case = ev(
            case,
            kit.world.reviewer_a,
            "return_legal_review",
            opinion="证据不足",
            checklist=bad,
            checklist_notes={"evidence_sufficient": "缺少当事人询问笔录"},
        )
        assert case.state == State.INVESTIGATING and not case.legal_review_passed

    def test_a_complex_case_needs_deliberation_before_deciding(self, kit) -> None:
        case = notified(kit, filed(kit, filed_on="2025-05-06"), served_on="2025-06-09", complex_case=True)
        case = waived(kit, case, waived_on="2025-06-10")
        with pytest.raises(RuleViolation) as exc:
            ev(case, kit.world.approver_a, "decide", decided_on="2025-06-11")
        assert exc.value.code == "deliberation_missing" and "第五十七条" in exc.value.detail["article"]
        with pytest.raises(InvalidInput):
            ev(
                case,
                kit.world.approver_a,
                "record_deliberation",
                participants="赵六",
                minutes="m",
                conclusion="c",
            )
        case = ev(
            case,
            kit.world.approver_a,
            "record_deliberation",
            participants="赵六、孙八，周九",
            minutes="讨论记录",
            conclusion="同意处罚",
            held_on="2025-06-11",
        )
        assert ev(case, kit.world.approver_a, "decide", decided_on="2025-06-11").state == State.DECIDED


class TestDiscretion:
    def test_outside_the_tier_needs_a_reason_and_the_maximum_is_a_wall(self, kit) -> None:
        case = filed(kit, filed_on="2025-05-06")
        with pytest.raises(RuleViolation) as exc:
            ev(
                case,
                kit.world.officer_a,
                "submit_proposal",
                tier="轻微",
                measures=["fine"],
                fine_amount="6000",
                reasons="x",
            )
        assert exc.value.code == "discretion_reason_required"
        with pytest.raises(RuleViolation) as exc:
            ev(
                case,
                kit.world.officer_a,
                "submit_proposal",
                tier="严重",
                measures=["fine"],
                fine_amount="20000.01",
                reasons="x",
                discretion_reason="情节恶劣",
            )
        assert exc.value.code == "amount_above_legal_maximum"
        assert "第四十二条" in exc.value.detail["article"]
        case = ev(
            case,
            kit.world.officer_a,
            "submit_proposal",
            tier="轻微",
            measures=["fine"],
            fine_amount="6000",
            reasons="x",
            discretion_reason="多次违法，从重。",
        )
        assert case.amount_class == "outside_tier_within_law"

    def test_below_the_statutory_minimum_needs_a_mitigation_ground(self, kit) -> None:
        item = make_item("T-RC-001", agency=kit.agency, name="擅自占用城市道路", fine_min=1000, fine_max=5000)
        case = filed(kit, filed_on="2025-05-06", power_item_id=item.pk)
        with pytest.raises(RuleViolation) as exc:
            ev(
                case,
                kit.world.officer_a,
                "submit_proposal",
                measures=["fine"],
                fine_amount="500",
                reasons="x",
                discretion_reason="主动消除影响",
            )
        assert exc.value.code == "mitigation_ground_required"
        case = ev(
            case,
            kit.world.officer_a,
            "submit_proposal",
            measures=["fine"],
            fine_amount="500",
            reasons="x",
            discretion_reason="主动消除影响",
            mitigation_ground="remedied",
        )
        assert case.amount_class == "below_legal_minimum"

    def test_a_power_item_of_another_agency_is_refused(self, kit) -> None:
        other = make_item("T-SC-001", agency=kit.world.agency_b, name="销售过期食品", fine_max=5000)
        case = register(kit, discovered_on="2025-05-05", occurred_on="2025-05-01", power_item_id=None)
        with pytest.raises(RuleViolation) as exc:
            ev(
                case,
                kit.world.approver_a,
                "file",
                officer_ids=[kit.officer_a.pk, kit.officer_a2.pk],
                power_item_id=other.pk,
            )
        assert exc.value.code == "power_item_not_of_agency"


class TestOfficers:
    def test_an_officer_whose_credential_expired_cannot_handle(self, kit) -> None:
        stale = make_credentialed_officer(
            agency=kit.agency, issued_on=D(2019, 1, 1), expires_on=D(2024, 12, 31)
        )
        case = register(kit, discovered_on="2025-05-05", occurred_on="2025-05-01")
        with pytest.raises(RuleViolation) as exc:
            ev(case, kit.world.approver_a, "file", officer_ids=[kit.officer_a.pk, stale.pk])
        assert exc.value.code == "officer_not_qualified" and "第四十二条" in exc.value.detail["article"]

    def test_an_officer_of_another_agency_cannot_handle(self, kit) -> None:
        foreign = make_credentialed_officer(agency=kit.world.agency_b)
        case = register(kit, discovered_on="2025-05-05", occurred_on="2025-05-01")
        with pytest.raises(RuleViolation):
            ev(case, kit.world.approver_a, "file", officer_ids=[kit.officer_a.pk, foreign.pk])

    def test_a_granted_recusal_leaves_one_officer_and_blocks_until_a_second_is_assigned(self, kit) -> None:
        case = filed(kit, filed_on="2025-05-06")
        case = ev(
            case,
            kit.world.approver_a,
            "record_recusal",
            officer_id=kit.officer_a2.pk,
            requested_by="party",
            granted=True,
            reason="与当事人系亲属关系",
            decided_on="2025-05-07",
        )
        assert CaseOfficer.objects.filter(case=case, removed_on__isnull=True).count() == 1
        with pytest.raises(RuleViolation) as exc:
            ev(
                case,
                kit.world.officer_a,
                "submit_proposal",
                tier="轻微",
                measures=["fine"],
                fine_amount="100",
                reasons="x",
            )
        assert exc.value.code == "too_few_officers"
        case = ev(
            case,
            kit.world.approver_a,
            "assign_officers",
            officer_ids=[kit.officer_a.pk, kit.officer_a3.pk],
            assigned_on="2025-05-08",
        )
        case = ev(
            case,
            kit.world.officer_a,
            "submit_proposal",
            tier="轻微",
            measures=["fine"],
            fine_amount="100",
            reasons="x",
        )
        assert case.state == State.PROPOSED


class TestPaymentAndEnforcement:
    def _served(self, kit, fine: str = "1000.00"):
        case = register(kit, discovered_on="2025-01-06", occurred_on="2025-01-02")
        case = ev(
            case,
            kit.world.approver_a,
            "file",
            officer_ids=[kit.officer_a.pk, kit.officer_a2.pk],
            filed_on="2025-01-06",
        )
        case = notified(kit, case, served_on="2025-01-07", fine=fine)
        case = waived(kit, case, waived_on="2025-01-08")
        case = ev(case, kit.world.approver_a, "decide", decided_on="2025-01-09")
        return ev(case, kit.world.officer_a, "serve", method="direct", served_on="2025-01-10")

    def test_late_payment_carries_three_percent_a_day_capped_at_the_fine(self, kit) -> None:
        case = self._served(kit)
        # 15 days after 10 Jan is Saturday 25 Jan; Sunday 26 Jan 2025 is an adjusted working day (调休)
        assert CaseDeadline.objects.get(case=case, kind="payment").due_on == D(2025, 1, 26)
        case = ev(
            case,
            kit.world.officer_a,
            "record_payment",
            amount="1000.00",
            paid_on="2025-01-29",
            channel="bank",
            receipt_no="B1",
        )
        assert case.state == State.SERVED and case.surcharge == Decimal("90.00")  # three days late
        with pytest.raises(InvalidInput) as exc:
            ev(
                case,
                kit.world.officer_a,
                "record_payment",
                amount="100.00",
                paid_on="2025-01-29",
                channel="bank",
                receipt_no="B2",
            )
        assert exc.value.detail["outstanding"] == "90.00"
        case = ev(
            case,
            kit.world.officer_a,
            "record_payment",
            amount="90.00",
            paid_on="2025-01-29",
            channel="bank",
            receipt_no="B2",
        )
        assert case.state == State.EXECUTED

    def test_the_surcharge_stops_growing_at_the_amount_of_the_fine(self, kit) -> None:
        case = self._served(kit)
        case = ev(
            case,
            kit.world.officer_a,
            "record_payment",
            amount="1.00",
            paid_on="2025-03-31",
            channel="bank",
            receipt_no="B1",
        )
        assert case.surcharge == Decimal("1000.00")  # 63 days late, 189 % → capped at the fine

    def test_an_approved_deferral_moves_the_payment_deadline(self, kit) -> None:
        case = self._served(kit)
        case = ev(
            case,
            kit.world.approver_a,
            "approve_deferral",
            applied_on="2025-01-18",
            application="当事人书面申请延期三十日缴纳。",
            deferred_to="2025-02-24",
            reason="经济困难，申请延期缴纳。",
            approved_on="2025-01-20",
        )
        assert CaseDeadline.objects.get(case=case, kind="payment").due_on == D(2025, 2, 24)
        case = ev(
            case,
            kit.world.officer_a,
            "record_payment",
            amount="1000.00",
            paid_on="2025-02-24",
            channel="bank",
            receipt_no="B1",
        )
        assert case.state == State.EXECUTED and case.surcharge == 0

    def test_court_enforcement_needs_a_reminder_and_the_litigation_period(self, kit) -> None:
        case = self._served(kit)
        with pytest.raises(RuleViolation):
            ev(case, kit.world.officer_a, "serve_reminder", served_on="2025-01-26")
        case = ev(case, kit.world.officer_a, "serve_reminder", served_on="2025-06-03")
        with pytest.raises(RuleViolation) as exc:
            ev(
                case,
                kit.world.approver_a,
                "apply_court_enforcement",
                court="测试市人民法院",
                applied_on="2025-06-17",
            )
        assert exc.value.code == "reminder_period_not_elapsed"
        with pytest.raises(RuleViolation) as exc:
            ev(
                case,
                kit.world.approver_a,
                "apply_court_enforcement",
                court="测试市人民法院",
                applied_on="2025-06-30",
            )
        assert exc.value.code == "court_application_too_early"  # the party may sue until 10 July

    def test_on_the_spot_cash_is_limited_to_one_hundred_yuan(self, kit) -> None:
        case = builders.simple(kit, State.SERVED, on="2025-06-30", fine="100.01")
        with pytest.raises(RuleViolation):
            ev(
                case,
                kit.world.officer_a,
                "record_payment",
                amount="100.01",
                channel="on_the_spot",
                receipt_no="C1",
            )
        case = ev(
            case,
            kit.world.officer_a,
            "record_payment",
            amount="100.01",
            channel="on_the_spot",
            receipt_no="C1",
            cash_ground="hard_to_enforce",
        )
        assert case.state == State.EXECUTED


class TestOnTheSpot:
    def test_organisation_limit_and_warning(self, kit) -> None:
        case = register(kit, procedure="simple", discovered_on="2025-06-30", occurred_on="2025-06-30")
        with pytest.raises(RuleViolation):
            ev(
                case,
                kit.world.officer_a,
                "decide_on_spot",
                officer_ids=[kit.officer_a.pk, kit.officer_a2.pk],
                power_item_id=kit.item.pk,
                measures=["fine"],
                fine_amount="3000.01",
                tier="轻微",
                reasons="x",
                discretion_reason="y",
            )
        case = ev(
            case,
            kit.world.officer_a,
            "decide_on_spot",
            officer_ids=[kit.officer_a.pk, kit.officer_a2.pk],
            power_item_id=kit.item.pk,
            measures=["fine"],
            fine_amount="3000.00",
            tier="轻微",
            reasons="x",
        )
        assert case.state == State.DECIDED

    def test_the_deciding_officer_must_be_named_and_one_officer_needs_a_legal_basis(self, kit) -> None:
        case = register(kit, procedure="simple", discovered_on="2025-06-30", occurred_on="2025-06-30")
        with pytest.raises(InvalidInput):
            ev(
                case,
                kit.world.officer_a,
                "decide_on_spot",
                officer_ids=[kit.officer_a2.pk, kit.officer_a3.pk],
                power_item_id=kit.item.pk,
                measures=["warning"],
                reasons="x",
            )
        with pytest.raises(RuleViolation):
            ev(
                case,
                kit.world.officer_a,
                "decide_on_spot",
                officer_ids=[kit.officer_a.pk],
                power_item_id=kit.item.pk,
                measures=["warning"],
                reasons="x",
            )
        case = ev(
            case,
            kit.world.officer_a,
            "decide_on_spot",
            officer_ids=[kit.officer_a.pk],
            power_item_id=kit.item.pk,
            measures=["warning"],
            reasons="x",
            single_officer_basis="《道路交通安全法》第一百零七条",
        )
        assert case.state == State.DECIDED
        case = ev(case, kit.world.officer_a, "serve", method="direct")
        assert case.state == State.EXECUTED  # a warning is carried out by handing it over

    def test_the_decision_must_be_handed_over_the_same_day(self, kit) -> None:
        case = builders.simple(kit, State.DECIDED)
        with pytest.raises(RuleViolation) as exc:
            ev(case, kit.world.officer_a, "serve", method="direct", served_on="2025-06-11")
        assert exc.value.code == "on_spot_not_handed_over"


class TestArchive:
    def test_a_late_deadline_must_be_explained_before_archiving(self, kit) -> None:
        case = register(kit, discovered_on="2025-05-05", occurred_on="2025-05-01")
        case = advance(kit, case, State.DECIDED, start=D(2025, 5, 6))
        case = ev(
            case,
            kit.world.officer_a,
            "serve",
            method="post",
            served_on="2025-05-30",
            received_on="2025-05-30",
        )
        case = ev(
            case,
            kit.world.officer_a,
            "record_payment",
            amount="3000.00",
            paid_on="2025-06-02",
            channel="bank",
            receipt_no="B1",
        )
        case = close_case(case, kit, summary="结案", closed_on="2025-06-03")
        with pytest.raises(RuleViolation) as exc:
            ev(case, kit.world.approver_a, "archive")
        assert exc.value.code == "archive_blocked"
        assert any("2025-05-19" in p for p in exc.value.detail["problems"])  # the late service
        case = ev(
            case,
            kit.world.approver_a,
            "explain_deadline",
            kind="service",
            explanation="当事人地址变更，邮寄延误。",
        )
        add_investigation_record(case, kit.world.officer_a)
        assert ev(case, kit.world.approver_a, "archive").state == State.ARCHIVED

    def test_archive_checks_of_other_apps_are_honoured(self, kit) -> None:
        def dossier_incomplete(case):
            return ["卷宗缺少送达回证"]

        hooks.register_archive_check(dossier_incomplete)
        try:
            case = builders.ordinary(kit, State.CLOSED)
            with pytest.raises(RuleViolation) as exc:
                ev(case, kit.world.approver_a, "archive")
            assert "卷宗缺少送达回证" in exc.value.detail["problems"]
        finally:
            hooks._archive_checks.remove(dossier_incomplete)

    def test_event_listeners_run_inside_the_transaction(self, kit) -> None:
        seen = []

        def listener(case, event):
            seen.append((event.name, case.state))
            if event.name == "decline":
                raise RuntimeError("document generation failed")

        hooks.register_event_listener(listener)
        try:
            case = register(kit, discovered_on="2025-05-05", occurred_on="2025-05-01")
            with pytest.raises(RuntimeError):
                ev(case, kit.world.approver_a, "decline", reason="x")
            case.refresh_from_db()
            assert case.state == State.REGISTERED and seen == [
                ("register", "registered"),
                ("decline", "not_filed"),
            ]
        finally:
            hooks._listeners.remove(listener)


class TestDates:
    def test_the_limitation_period_runs_from_the_end_of_a_continuing_act(self, kit) -> None:
        case = register(
            kit, occurred_on="2020-01-01", continuing=True, ended_on="2023-06-30", discovered_on="2025-06-30"
        )
        assert case.limitation_ends_on == D(2025, 6, 30)
        with pytest.raises(RuleViolation):
            register(
                kit,
                occurred_on="2020-01-01",
                continuing=True,
                ended_on="2023-06-29",
                discovered_on="2025-06-30",
            )


class TestRevisedProposal:
    def test_a_heavier_penalty_needs_a_revised_proposal_and_a_new_notice(self, kit) -> None:
        case = register(kit, discovered_on="2025-05-05", occurred_on="2025-05-01")
        case = advance(kit, case, State.NOTIFIED, start=D(2025, 5, 6))  # notified 7 May, fine 3000
        with pytest.raises(RuleViolation) as exc:
            ev(case, kit.world.approver_a, "decide", decided_on="2025-05-20", fine_amount="4000.00")
        assert exc.value.code == "heavier_than_notified"
        with pytest.raises(InvalidInput):
            ev(
                case,
                kit.world.officer_a,
                "submit_proposal",
                tier="轻微",
                measures=["fine"],
                fine_amount="4000.00",
                reasons="补充调查发现挖掘面积更大",
                discretion_reason="面积扩大",
            )
        case = ev(
            case,
            kit.world.officer_a,
            "submit_proposal",
            tier="一般",
            measures=["fine"],
            fine_amount="6000.00",
            reasons="补充调查发现挖掘面积约60平方米",
            revision_reason="补充勘验发现新的违法事实",
        )
        assert case.state == State.PROPOSED
        assert not CaseDeadline.objects.filter(case=case, kind="statement", resolved_on__isnull=True).exists()
        case = approve_and_notify(case, kit, served_on="2025-05-21")
        case = waived(kit, case, waived_on="2025-05-22")
        case = ev(case, kit.world.approver_a, "decide", decided_on="2025-05-22")
        assert case.fine_amount == Decimal("6000.00")


class TestAWindowIntoAnUnknownYear:
    """Issue: every December a party's window reaches a year whose holidays are not published."""

    def test_the_hearing_request_on_the_provisional_last_day_is_accepted_and_recorded(self, world) -> None:
        import time_machine

        from zhifa.enforcement.cases.factories import build_case_kit
        from zhifa.enforcement.cases.models import CaseEvent
        from zhifa.enforcement.cases.tests.conftest import SH

        with time_machine.travel(dt.datetime(2027, 1, 8, 10, 0, tzinfo=SH), tick=False):
            kit = build_case_kit(world)
            case = register(kit, discovered_on="2026-11-02", occurred_on="2026-11-01", party=builders.PERSON)
            case = ev(
                case,
                kit.world.approver_a,
                "file",
                officer_ids=[kit.officer_a.pk, kit.officer_a2.pk],
                filed_on="2026-11-03",
            )
            # notice Monday 28 December 2026: five working days by the weekday rule end Monday 4 January
            case = notified(kit, case, served_on="2026-12-28", fine="10000.00", tier="一般")
            row = CaseDeadline.objects.get(case=case, kind="hearing_request")
            assert row.provisional and row.due_on == D(2027, 1, 4)
            case = ev(case, kit.world.officer_a, "request_hearing", requested_on="2027-01-04")
            assert case.state == State.HEARING_REQUESTED
            event = CaseEvent.objects.filter(case=case, name="request_hearing").get()
            assert event.payload.get("window_provisional") is True
