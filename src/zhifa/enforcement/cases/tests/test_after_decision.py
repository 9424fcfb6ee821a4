"""After the decision, through the real service (issue 12 items 7–11): service by announcement, left
at the residence and by post; deferral and instalments; receipts and cash; the appeal pause; revocation
and change with the portal's withdrawal; transfer to the judicial organs. Today is Monday 30 June 2025."""

import datetime as dt
from decimal import Decimal

import pytest

from zhifa.core.errors import Conflict, InvalidInput, RuleViolation
from zhifa.enforcement.cases.events.base import CASH_KIND, cash_subject
from zhifa.enforcement.cases.factories import ev, register, waive
from zhifa.enforcement.cases.models import CaseDeadline, Resolution, State
from zhifa.enforcement.cases.services import case_apply_appeal_event
from zhifa.enforcement.cases.tests import builders
from zhifa.enforcement.cases.tests.test_gates import notified
from zhifa.foundation.deadlines import services as engine

pytestmark = [pytest.mark.django_db, pytest.mark.clock]
D = dt.date


def decided(kit, fine: str = "1000.00"):
    case = register(kit, discovered_on="2025-01-06", occurred_on="2025-01-02")
    case = ev(
        case,
        kit.world.approver_a,
        "file",
        officer_ids=[kit.officer_a.pk, kit.officer_a2.pk],
        filed_on="2025-01-06",
    )
    case = notified(kit, case, served_on="2025-01-07", fine=fine)
    rights = ["statement", "hearing"] if case.hearing_eligible else ["statement"]
    case = waive(case, kit.world.officer_a, rights=rights, waived_on="2025-01-08")
    return ev(case, kit.world.approver_a, "decide", decided_on="2025-01-09")


def served(kit, fine: str = "1000.00", *, publish: bool = False):
    case = ev(decided(kit, fine), kit.world.officer_a, "serve", method="direct", served_on="2025-01-10")
    if publish:  # publication is a reviewed step (officer prepares, approver publishes), never automatic
        from zhifa.public.portal.factories import publish_reviewed
        from zhifa.public.portal.models import PublishedDecision

        publish_reviewed(PublishedDecision.objects.get(case_id=case.pk))
    return case


def payment_due(case) -> dt.date:
    return CaseDeadline.objects.filter(case=case, kind="payment").order_by("-id").first().due_on


class TestService:
    def test_announcement_whose_thirtieth_day_is_a_holiday_serves_on_the_next_working_day(self, kit) -> None:
        case = ev(
            decided(kit),
            kit.world.officer_a,
            "serve",
            method="public",
            served_on="2025-05-02",
            failed_attempts="直接送达三次无人，邮寄被退回，当事人下落不明。",
        )
        # 2 May + 30 = Sunday 1 June, in the 端午 holiday (31 May – 2 June 2025): served Tuesday 3 June
        assert case.served_on == D(2025, 6, 3)
        assert payment_due(case) == D(2025, 6, 18)  # 15 days from the deemed service
        event = case.events.get(name="serve")
        assert event.occurred_on == D(2025, 5, 2) and event.payload["deemed"] is True

    def test_announcement_without_a_record_of_failed_methods_is_refused(self, kit) -> None:
        with pytest.raises(RuleViolation) as exc:
            ev(decided(kit), kit.world.officer_a, "serve", method="public", served_on="2025-05-02")
        assert exc.value.code == "announcement_without_failed_attempts"
        assert "民事诉讼法第九十五条" in str(exc.value.message)

    def test_left_needs_a_witness_and_post_counts_from_the_receipt(self, kit) -> None:
        case = decided(kit)
        with pytest.raises(RuleViolation):
            ev(case, kit.world.officer_a, "serve", method="left", served_on="2025-01-10")
        case = ev(
            case,
            kit.world.officer_a,
            "serve",
            method="post",
            served_on="2025-01-10",
            received_on="2025-01-13",
        )
        assert case.served_on == D(2025, 1, 13)


class TestPayment:
    def test_deferral_needs_the_partys_application(self, kit) -> None:
        with pytest.raises(RuleViolation) as exc:
            ev(served(kit), kit.world.approver_a, "approve_deferral", reason="困难", deferred_to="2025-03-01")
        assert exc.value.code == "deferral_without_application"

    def test_instalments_move_the_payment_deadline_and_the_court_window(self, kit) -> None:
        case = ev(
            served(kit),
            kit.world.approver_a,
            "approve_deferral",
            applied_on="2025-01-15",
            application="当事人申请分三期缴纳罚款。",
            reason="确有经济困难",
            schedule=[
                {"due_on": "2025-02-10", "amount": "300"},
                {"due_on": "2025-03-10", "amount": "300"},
                {"due_on": "2025-08-29", "amount": "400"},
            ],
            approved_on="2025-01-20",
        )
        assert payment_due(case) == D(2025, 8, 29)
        assert case.deferral["ends_on"] == "2025-08-29" and len(case.deferral["schedule"]) == 3
        # nothing is overdue before the last instalment: no reminder, and so no court application
        with pytest.raises(RuleViolation) as exc:
            ev(case, kit.world.officer_a, "serve_reminder", served_on="2025-06-03")
        assert exc.value.code == "reminder_too_early"

    def test_a_missed_instalment_is_surcharged_on_its_own_and_shown_with_the_plan(
        self, kit, client, api_token
    ) -> None:
        from zhifa.enforcement.cases.presenters import case_dict

        case = ev(
            served(kit),
            kit.world.approver_a,
            "approve_deferral",
            applied_on="2025-01-15",
            application="当事人申请分两期缴纳罚款。",
            reason="确有经济困难",
            schedule=[{"due_on": "2025-02-10", "amount": "300"}, {"due_on": "2025-08-29", "amount": "700"}],
            approved_on="2025-01-20",
        )
        # the first instalment paid two days late: 2 × 3 % × 300 = 18, nothing on the 700 not yet due
        case = ev(
            case,
            kit.world.officer_a,
            "record_payment",
            amount="300.00",
            channel="bank",
            receipt_no="BK-I-1",
            paid_on="2025-02-12",
        )
        assert case.state == State.SERVED and case.surcharge == Decimal("18.00")
        body = case_dict(case, user=kit.world.approver_a, today=D(2025, 6, 30))
        assert [i["status"] for i in body["instalments"]] == ["paid_late", "open"]
        assert body["instalments"][0]["surcharge"] == "18.00" and body["instalments"][0]["days_late"] == 2
        assert body["penalty"]["surcharge"] == "18.00" and body["penalty"]["outstanding"] == "718.00"
        client.force_login(kit.world.approver_a)
        page = client.get(f"/cases/{case.pk}/").content.decode()
        assert "2025-02-10" in page and "18.00" in page and "行政强制法第四十五条" in page
        from django.test import Client

        api = Client().get(f"/api/v1/cases/{case.pk}", **api_token(kit.world.approver_a)).json()
        assert [(i["status"], i["surcharge"]) for i in api["instalments"]] == [
            ("paid_late", "18.00"),
            ("open", "0.00"),
        ]
        assert api["deferral"]["ends_on"] == "2025-08-29"

    def test_cash_on_the_spot_is_handed_in_on_the_shared_engine_and_receipts_are_not_reused(
        self, kit
    ) -> None:
        case = builders.simple(kit, State.SERVED, on="2025-06-26")
        case = ev(
            case,
            kit.world.officer_a,
            "record_payment",
            amount="50",
            channel="on_the_spot",
            receipt_no="CZ-0009",
            paid_on="2025-06-26",
        )
        (row,) = engine.open_rows(cash_subject(case), [CASH_KIND])
        assert row.due_on == D(2025, 6, 30) and row.article.startswith("行政处罚法第七十一条")
        case = ev(case, kit.world.officer_a, "hand_in_cash", handed_in_to="财务室", handed_in_on="2025-06-30")
        assert [r.resolution for r in engine.deadlines_of(cash_subject(case)) if r.kind == CASH_KIND] == [
            "met"
        ]
        with pytest.raises(InvalidInput):
            ev(case, kit.world.officer_a, "hand_in_cash", handed_in_to="财务室")
        other = served(kit)
        with pytest.raises(RuleViolation) as exc:
            ev(
                other,
                kit.world.officer_a,
                "record_payment",
                amount="10",
                channel="bank",
                receipt_no="CZ-0009",
            )
        assert exc.value.code == "receipt_number_reused"


class TestAppeals:
    def test_a_pending_appeal_pauses_the_surcharge_and_shuts_the_court_window(self, kit) -> None:
        case = served(kit)  # payment due Sunday 26 January 2025 (an adjusted working day)
        case = ev(
            case,
            kit.world.approver_a,
            "record_appeal",
            kind="reconsideration",
            organ="测试市人民政府",
            reference="测府复〔2025〕1号",
            filed_on="2025-01-20",
        )
        assert case.appeal_pending
        case = ev(case, kit.world.officer_a, "serve_reminder", served_on="2025-06-03")
        with pytest.raises(RuleViolation) as exc:
            ev(
                case,
                kit.world.approver_a,
                "apply_court_enforcement",
                court="测试市人民法院",
                applied_on="2025-06-30",
            )
        assert exc.value.code == "court_application_appeal_pending"
        # the appeal ended on 27 January: only the days after it count — 28 and 29 January
        case = ev(
            case,
            kit.world.approver_a,
            "end_appeal",
            reference="测府复〔2025〕1号",
            result="维持",
            ended_on="2025-01-27",
        )
        case = ev(
            case,
            kit.world.officer_a,
            "record_payment",
            amount="100",
            paid_on="2025-06-30",
            channel="bank",
            receipt_no="B-77",
        )
        assert case.surcharge == Decimal("1000.00")  # many days later: capped
        assert not case.appeal_pending

    def test_surcharge_counts_only_the_days_outside_the_appeal(self, kit) -> None:
        case = served(kit)
        case = ev(
            case,
            kit.world.approver_a,
            "record_appeal",
            kind="litigation",
            organ="测试市人民法院",
            reference="(2025)测行初1号",
            filed_on="2025-01-27",
        )
        case = ev(
            case,
            kit.world.approver_a,
            "end_appeal",
            reference="(2025)测行初1号",
            result="驳回",
            ended_on="2025-01-28",
        )
        case = ev(
            case,
            kit.world.officer_a,
            "record_payment",
            amount="1000.00",
            paid_on="2025-01-30",
            channel="bank",
            receipt_no="B-78",
        )
        assert case.surcharge == Decimal("60.00")  # 29 and 30 January; 27–28 paused


class TestRevokeAndChange:
    def test_revocation_by_the_agency_closes_the_case_and_withdraws_the_publication(self, kit) -> None:
        from zhifa.public.portal.models import PublishedDecision

        case = served(kit, publish=True)
        assert PublishedDecision.objects.get(case_id=case.pk).state == "published"
        case = ev(
            case,
            kit.world.approver_a,
            "revoke",
            by="agency",
            reason="适用法律错误",
            basis="行政处罚法第七十五条第二款",
            revoked_on="2025-06-30",
        )
        assert case.state == State.CLOSED and case.revoked_on == D(2025, 6, 30)
        assert CaseDeadline.objects.get(case=case, kind="payment").resolution == Resolution.MOOT
        pub = PublishedDecision.objects.get(case_id=case.pk)
        assert pub.state == "withdrawn" and pub.withdrawal_ground == "revoked"
        assert pub.withdrawn_on <= pub.withdraw_due

    def test_a_revocation_entered_late_is_withdrawn_late_with_an_alert(self, kit) -> None:
        from zhifa.foundation.alerts.models import Alert

        case = ev(
            served(kit, publish=True),
            kit.world.approver_a,
            "revoke",
            by="court",
            reason="判决撤销",
            reference="(2025)测行初2号",
            revoked_on="2025-06-02",
        )
        assert Alert.objects.filter(kind="publication_withdrawal_late", resolved_at__isnull=True).exists()
        assert case.decision_changes[-1]["by"] == "court"

    def test_confirmed_unlawful_leaves_the_decision_standing_and_withdraws_it(self, kit) -> None:
        from zhifa.public.portal.models import PublishedDecision

        case = ev(
            served(kit, publish=True),
            kit.world.approver_a,
            "revoke",
            by="court",
            outcome="confirmed_illegal",
            reason="程序轻微违法",
            reference="(2025)测行初3号",
            revoked_on="2025-06-30",
        )
        assert case.state == State.SERVED and case.revoked_on is None
        assert PublishedDecision.objects.get(case_id=case.pk).withdrawal_ground == "confirmed_illegal"

    def test_a_change_may_not_be_heavier_and_a_lighter_one_settles_what_was_paid(self, kit) -> None:
        case = served(kit)
        with pytest.raises(RuleViolation) as exc:
            ev(
                case,
                kit.world.approver_a,
                "change",
                by="reconsideration",
                reason="x",
                reference="复1",
                measures=["fine"],
                fine_amount="2000",
            )
        assert "行政复议法第六十三条第二款" in str(exc.value.message)
        case = ev(
            case,
            kit.world.officer_a,
            "record_payment",
            amount="500",
            paid_on="2025-01-20",
            channel="bank",
            receipt_no="B-79",
        )
        case = ev(
            case,
            kit.world.approver_a,
            "change",
            by="agency",
            reason="裁量过重",
            basis="行政处罚法第七十五条",
            measures=["fine"],
            fine_amount="500",
            changed_on="2025-06-30",
        )
        assert case.fine_amount == Decimal("500.00") and case.state == State.EXECUTED

    def test_the_appeal_door_applies_only_an_organs_outcome(self, kit) -> None:
        case = served(kit)
        with pytest.raises(InvalidInput):
            case_apply_appeal_event(
                case_id=case.pk,
                actor=kit.world.supervisor,
                event="revoke",
                data={"by": "agency", "reason": "x"},
            )
        with pytest.raises(Exception):  # noqa: B017 — any event outside the door is refused (403)
            case_apply_appeal_event(
                case_id=case.pk, actor=kit.world.supervisor, event="close", data={"summary": "x"}
            )


class TestTransfer:
    def test_accepted_by_the_police_the_case_ends(self, kit) -> None:
        case = builders.ordinary(kit, State.INVESTIGATING)
        case = ev(
            case,
            kit.world.approver_a,
            "transfer_to_judicial",
            organ="测试市公安局",
            document_number="移〔2025〕3号",
            suspicion="涉嫌非法占用农用地罪，面积达到立案标准",
        )
        assert case.is_suspended and case.transfer_pending
        with pytest.raises(Conflict):
            ev(case, kit.world.officer_a, "record_statement", content="x")
        case = ev(case, kit.world.officer_a, "record_judicial_receipt", received_by="法制大队")
        case = ev(case, kit.world.approver_a, "record_judicial_answer", answer="accepted")
        assert case.state == State.TERMINATED and not case.is_suspended

    def test_declined_the_case_resumes_and_paid_fines_are_recorded_for_credit(self, kit) -> None:
        case = builders.ordinary(kit, State.INVESTIGATING)
        case = ev(
            case,
            kit.world.approver_a,
            "transfer_to_judicial",
            organ="测试市公安局",
            document_number="移〔2025〕4号",
            suspicion="涉嫌犯罪，需移送审查",
        )
        assert case.transfer["credited"] == "0.00"
        case = ev(case, kit.world.approver_a, "record_judicial_answer", answer="declined")
        assert case.state == State.INVESTIGATING and not case.is_suspended and len(case.suspensions) == 1
