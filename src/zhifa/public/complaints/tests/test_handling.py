"""Handling through the services: acceptance within 15 days, referral and notices, extension with
approval, reply, satisfaction and re-opening, duplicates, who sees the identity, SLA alerts."""

import datetime as dt

import pytest

from zhifa.core.errors import Conflict, Forbidden, InvalidInput, RuleViolation
from zhifa.foundation.alerts.models import Alert
from zhifa.law.complaints import SlaStatus
from zhifa.public.complaints import selectors as sel
from zhifa.public.complaints import services as svc
from zhifa.public.complaints.factories import accepted, make_complaint, replied
from zhifa.public.complaints.models import ComplaintFeedback, Rating, RoutingRule, State

pytestmark = pytest.mark.django_db
D = dt.date


class TestAcceptance:
    def test_accepting_in_time_opens_the_sixty_day_period(self, routing, world, frozen) -> None:
        c = make_complaint(routing.street_vending, routing.east)
        c = accepted(c, world.officer_a)
        assert c.state == State.ACCEPTED
        assert c.accepted_on == D(2025, 6, 3)
        assert c.conclusion_due == c.due_on == D(2025, 8, 4)  # 2 Aug is a Saturday
        event = c.events.get(kind="accept")
        assert (event.due_on, event.in_time) == (D(2025, 6, 18), True)

    def test_accepting_on_the_last_day_is_in_time_and_the_day_after_is_late(
        self, routing, world, frozen
    ) -> None:
        a = make_complaint(routing.street_vending, routing.east)
        b = make_complaint(routing.street_vending, routing.east)
        frozen.move_to("2025-06-18 09:00+08:00")
        assert accepted(a, world.officer_a).events.get(kind="accept").in_time is True
        frozen.move_to("2025-06-19 09:00+08:00")
        assert accepted(b, world.officer_a).events.get(kind="accept").in_time is False

    def test_only_the_handling_agency_may_act(self, routing, world, frozen) -> None:
        c = make_complaint(routing.street_vending, routing.east)
        for outsider in (world.officer_b, world.supervisor, world.outsider):
            with pytest.raises(Forbidden):
                svc.complaint_accept(complaint_id=c.pk, actor=outsider)
        # another squadron of the same agency may pick it up: the scope is the agency
        assert accepted(c, world.officer_a2).state == State.ACCEPTED

    def test_a_step_from_the_wrong_state_is_a_conflict_and_changes_nothing(
        self, routing, world, frozen
    ) -> None:
        c = make_complaint(routing.street_vending, routing.east)
        with pytest.raises(Conflict):
            svc.complaint_reply(complaint_id=c.pk, actor=world.officer_a, reply="已处理完毕，感谢您的监督。")
        c.refresh_from_db()
        assert c.state == State.RECEIVED and not c.events.filter(kind="reply").exists()

    def test_a_step_dated_in_the_future_or_before_receipt_is_refused(self, routing, world, frozen) -> None:
        c = make_complaint(routing.street_vending, routing.east)
        with pytest.raises(InvalidInput):
            svc.complaint_accept(complaint_id=c.pk, actor=world.officer_a, on=D(2025, 6, 4))
        with pytest.raises(InvalidInput):
            svc.complaint_accept(complaint_id=c.pk, actor=world.officer_a, on=D(2025, 6, 2))


class TestReferralAndNotices:
    def test_referral_to_an_agency_on_the_platform_moves_it_and_restarts_fifteen_days(
        self, routing, world, frozen
    ) -> None:
        c = make_complaint(routing.noise, routing.west)
        frozen.move_to("2025-06-10 09:00+08:00")
        c = svc.complaint_refer(
            complaint_id=c.pk,
            actor=world.officer_a,
            agency_id=world.agency_b.pk,
            reason="涉及食品经营，由市场监管部门处理。",
        )
        assert c.state == State.RECEIVED
        assert (c.agency, c.unit) == (world.agency_b, None)
        assert c.acceptance_due == c.due_on == D(2025, 6, 25)  # 15 days from the referral
        event = c.events.get(kind="refer")
        assert event.agency == world.agency_a  # the referring agency answered its deadline
        assert event.in_time is True
        assert "已转送测试市市场监督管理局" in event.public_note
        # the new agency can now accept it; the old one cannot any more
        with pytest.raises(Forbidden):
            svc.complaint_accept(complaint_id=c.pk, actor=world.officer_a)
        assert svc.complaint_accept(complaint_id=c.pk, actor=world.officer_b).state == State.ACCEPTED

    def test_referral_picks_the_new_agencys_unit_from_the_routing_rules(self, routing, world, frozen) -> None:
        RoutingRule.objects.create(category=routing.noise, area=routing.east, node=world.unit_b)
        c = make_complaint(routing.noise, routing.west)  # no rule for the west: agency A's own queue
        assert (c.agency, c.unit) == (world.agency_a, None)
        c = svc.complaint_refer(
            complaint_id=c.pk, actor=world.officer_a, agency_id=world.agency_b.pk, reason="属市场监管职责。"
        )
        assert (c.agency, c.unit) == (world.agency_b, world.unit_b)

    def test_referral_outside_the_platform_ends_it_here_with_the_notice(self, routing, world, frozen) -> None:
        c = make_complaint(routing.street_vending, routing.east)
        c = svc.complaint_refer(
            complaint_id=c.pk,
            actor=world.officer_a,
            external_body="测试市住房和城乡建设局",
            reason="物业问题。",
        )
        assert c.state == State.REFERRED and c.due_on is None
        assert "已转送测试市住房和城乡建设局办理" in c.events.get(kind="refer").public_note

    def test_referral_needs_exactly_one_target(self, routing, world, frozen) -> None:
        c = make_complaint(routing.street_vending, routing.east)
        with pytest.raises(InvalidInput):
            svc.complaint_refer(complaint_id=c.pk, actor=world.officer_a, reason="理由")
        with pytest.raises(InvalidInput):
            svc.complaint_refer(
                complaint_id=c.pk,
                actor=world.officer_a,
                reason="理由",
                agency_id=world.agency_b.pk,
                external_body="某局",
            )
        with pytest.raises(InvalidInput):
            svc.complaint_refer(
                complaint_id=c.pk, actor=world.officer_a, reason="理由", agency_id=world.agency_a.pk
            )

    def test_out_of_jurisdiction_notice_names_the_competent_body(self, routing, world, frozen) -> None:
        c = make_complaint(routing.street_vending, routing.east)
        c = svc.complaint_redirect(
            complaint_id=c.pk, actor=world.officer_a, competent_body="测试市生态环境局", contact="0591-12369"
        )
        assert c.state == State.REDIRECTED
        note = c.events.get(kind="redirect").public_note
        assert "请向测试市生态环境局提出" in note and "0591-12369" in note

    def test_rejection_tells_the_reason(self, routing, world, frozen) -> None:
        c = make_complaint(routing.street_vending, routing.east)
        c = svc.complaint_reject(complaint_id=c.pk, actor=world.officer_a, reason="已进入行政复议程序。")
        assert c.state == State.REJECTED
        assert c.events.get(kind="reject").public_note == "不予受理：已进入行政复议程序。"

    def test_assigning_to_a_unit_stays_within_the_agency(self, routing, world, frozen) -> None:
        c = make_complaint(routing.street_vending, routing.west)
        c = svc.complaint_assign(complaint_id=c.pk, actor=world.approver_a, unit_id=world.squad_a2.pk)
        assert c.unit == world.squad_a2
        with pytest.raises(InvalidInput):
            svc.complaint_assign(complaint_id=c.pk, actor=world.approver_a, unit_id=world.unit_b.pk)


class TestExtension:
    def test_the_approver_extends_by_up_to_thirty_days_in_total(self, routing, world, frozen) -> None:
        c = accepted(make_complaint(routing.street_vending, routing.east), world.officer_a)
        c = svc.complaint_extend(
            complaint_id=c.pk, actor=world.approver_a, days=20, reason="需多部门联合核查。"
        )
        assert c.extension_days == 20 and c.conclusion_due == D(2025, 8, 22)
        assert "延长20日" in c.events.get(kind="extend").public_note
        with pytest.raises(RuleViolation) as exc:
            svc.complaint_extend(complaint_id=c.pk, actor=world.approver_a, days=11, reason="仍需核查。")
        assert exc.value.detail["article"] == "信访工作条例第三十四条"
        assert "第三十四条" in str(exc.value.message)
        c = svc.complaint_extend(complaint_id=c.pk, actor=world.approver_a, days=10, reason="仍需核查。")
        assert c.extension_days == 30 and c.conclusion_due == D(2025, 9, 1)  # 90 days, a Monday

    def test_an_officer_cannot_approve_an_extension(self, routing, world, frozen) -> None:
        c = accepted(make_complaint(routing.street_vending, routing.east), world.officer_a)
        with pytest.raises(Forbidden):
            svc.complaint_extend(complaint_id=c.pk, actor=world.officer_a, days=10, reason="需要时间。")

    def test_no_extension_once_the_period_has_ended(self, routing, world, frozen) -> None:
        c = accepted(make_complaint(routing.street_vending, routing.east), world.officer_a)
        frozen.move_to("2025-08-05 09:00+08:00")
        with pytest.raises(RuleViolation) as exc:
            svc.complaint_extend(complaint_id=c.pk, actor=world.approver_a, days=10, reason="需要时间。")
        assert exc.value.code == "extension_too_late"


class TestReplyAndSatisfaction:
    def test_reply_concludes_and_records_whether_it_was_in_time(self, routing, world, frozen) -> None:
        c = accepted(make_complaint(routing.street_vending, routing.east), world.officer_a)
        frozen.move_to("2025-08-05 09:00+08:00")
        c = svc.complaint_reply(
            complaint_id=c.pk, actor=world.officer_a, reply="经核查已整改到位，感谢监督。"
        )
        assert c.state == State.CONCLUDED and c.concluded_on == D(2025, 8, 5)
        assert c.events.get(kind="reply").in_time is False

    def test_satisfied_feedback_closes_the_round(self, routing, world, frozen) -> None:
        c = replied(make_complaint(routing.street_vending, routing.east), world.officer_a)
        c = svc.complaint_feedback_public(tracking_code=c.tracking_code.lower(), rating=Rating.SATISFIED)
        assert c.state == State.CONCLUDED and c.last_rating == Rating.SATISFIED
        with pytest.raises(Conflict):
            svc.complaint_feedback_public(tracking_code=c.tracking_code, rating=Rating.DISSATISFIED)

    def test_dissatisfaction_reopens_with_thirty_days_and_at_most_twice(self, routing, world, frozen) -> None:
        c = replied(make_complaint(routing.street_vending, routing.east), world.officer_a)
        c = svc.complaint_feedback_public(
            tracking_code=c.tracking_code, rating=Rating.DISSATISFIED, comment="没解决"
        )
        assert c.state == State.REOPENED and c.reopen_count == 1
        assert c.conclusion_due == c.due_on == D(2025, 7, 3)
        c = svc.complaint_reply(complaint_id=c.pk, actor=world.officer_a, reply="再次核查，已依法立案查处。")
        c = svc.complaint_feedback_public(tracking_code=c.tracking_code, rating=Rating.DISSATISFIED)
        assert c.state == State.REOPENED and c.reopen_count == 2
        c = svc.complaint_reply(complaint_id=c.pk, actor=world.officer_a, reply="第三次答复：摊位已取缔。")
        c = svc.complaint_feedback_public(tracking_code=c.tracking_code, rating=Rating.DISSATISFIED)
        assert c.state == State.CONCLUDED and c.reopen_count == 2  # recorded, not reopened a third time
        assert ComplaintFeedback.objects.filter(complaint=c).count() == 3

    def test_dissatisfaction_after_thirty_days_is_recorded_without_reopening(
        self, routing, world, frozen
    ) -> None:
        c = replied(make_complaint(routing.street_vending, routing.east), world.officer_a)
        frozen.move_to("2025-07-04 09:00+08:00")
        c = svc.complaint_feedback_public(tracking_code=c.tracking_code, rating=Rating.DISSATISFIED)
        assert c.state == State.CONCLUDED and c.last_rating == Rating.DISSATISFIED

    def test_staff_record_a_callback_rating_but_outsiders_cannot(self, routing, world, frozen) -> None:
        c = replied(make_complaint(routing.street_vending, routing.east), world.officer_a)
        with pytest.raises(Forbidden):
            svc.complaint_feedback(
                complaint_id=c.pk,
                rating=Rating.SATISFIED,
                source=ComplaintFeedback.Source.CALLBACK,
                actor=world.officer_b,
            )
        c = svc.complaint_feedback(
            complaint_id=c.pk,
            rating=Rating.BASICALLY_SATISFIED,
            source=ComplaintFeedback.Source.CALLBACK,
            actor=world.officer_a,
        )
        fb = c.feedback.get()
        assert (fb.source, fb.recorded_by, fb.unit) == ("callback", world.officer_a, world.squad_a1)

    def test_an_unknown_rating_is_refused(self, routing, world, frozen) -> None:
        c = replied(make_complaint(routing.street_vending, routing.east), world.officer_a)
        with pytest.raises(InvalidInput):
            svc.complaint_feedback_public(tracking_code=c.tracking_code, rating="great")


class TestSla:
    def test_queue_colours_follow_the_current_deadline(self, routing, world, frozen) -> None:
        c = make_complaint(routing.street_vending, routing.east)  # due 18 June
        assert sel.sla(c, D(2025, 6, 14)) == SlaStatus.OK
        assert sel.sla(c, D(2025, 6, 15)) == SlaStatus.DUE_SOON
        assert sel.sla(c, D(2025, 6, 19)) == SlaStatus.OVERDUE
        c = replied(c, world.officer_a)
        assert sel.sla(c, D(2025, 9, 1)) == SlaStatus.MET

    def test_overdue_complaints_raise_one_alert_each_resolved_by_the_late_step(
        self, routing, world, frozen
    ) -> None:
        late = make_complaint(routing.street_vending, routing.east)
        make_complaint(routing.street_vending, routing.east)
        frozen.move_to("2025-06-19 09:00+08:00")
        fresh = make_complaint(routing.street_vending, routing.east)
        assert svc.raise_sla_alerts() == 2
        assert svc.raise_sla_alerts() == 2  # idempotent: still two open alerts
        assert Alert.objects.filter(kind="complaint_sla", resolved_at__isnull=True).count() == 2
        alert = Alert.objects.get(key=f"complaint:{late.pk}:sla")
        assert alert.article == "信访工作条例第二十三条" and alert.agency == world.agency_a
        assert not Alert.objects.filter(key=f"complaint:{fresh.pk}:sla").exists()
        accepted(late, world.officer_a)
        alert.refresh_from_db()
        assert alert.resolved_at is not None


class TestDuplicatesAndIdentity:
    def test_same_category_area_and_place_within_seven_days_is_suggested(
        self, routing, world, frozen
    ) -> None:
        first = make_complaint(routing.street_vending, routing.east, location="东区解放路12号门口")
        frozen.move_to("2025-06-06 09:00+08:00")
        near = make_complaint(routing.street_vending, routing.east, location="东区解放路12号")
        make_complaint(routing.street_vending, routing.east, location="东区滨海大道300号")  # elsewhere
        make_complaint(routing.noise, routing.east, location="东区解放路12号门口")  # other category
        make_complaint(routing.street_vending, routing.west, location="东区解放路12号门口")  # other area
        frozen.move_to("2025-06-20 09:00+08:00")
        make_complaint(routing.street_vending, routing.east, location="东区解放路12号门口")  # 17 days later
        suggestions = sel.duplicate_suggestions(user=world.officer_a, complaint=first)
        assert [s.complaint for s in suggestions] == [near]
        svc.complaint_mark_duplicate(complaint_id=near.pk, actor=world.officer_a, original_id=first.pk)
        near.refresh_from_db()
        assert near.duplicate_of == first

    def test_the_identity_is_visible_to_the_handling_unit_only(self, routing, world, frozen) -> None:
        c = make_complaint(routing.street_vending, routing.east)  # squadron 1 of agency A
        assert sel.can_see_identity(world.officer_a, c)
        assert sel.can_see_identity(world.approver_a, c)  # the agency's leadership
        assert not sel.can_see_identity(world.officer_a2, c)  # another squadron
        assert not sel.can_see_identity(world.supervisor, c)
        assert not sel.can_see_identity(world.admin, c)
        unassigned = make_complaint(routing.street_vending, routing.west)
        assert sel.can_see_identity(world.officer_a2, unassigned)  # in the agency's own queue


class TestProvisionalDeadlines:
    def test_a_deadline_in_an_unknown_year_is_provisional_and_follows_the_calendar_once_entered(
        self, routing, world
    ) -> None:
        import time_machine

        from zhifa.core.calendar import calendar_changed
        from zhifa.core.models import CalendarDay, CalendarYear

        with time_machine.travel("2026-12-20 10:00+08:00", tick=False):
            c = make_complaint(routing.street_vending, routing.east)  # 15 days → 4 Jan 2027
            assert (c.acceptance_due, c.due_provisional) == (D(2027, 1, 4), True)
            CalendarYear.objects.create(year=2027, source="国务院办公厅通知（测试）")
            CalendarDay.objects.create(date=D(2027, 1, 4), kind="holiday", name="测试假日")
            calendar_changed()
            assert svc.recompute_provisional_dues() == 1
            c.refresh_from_db()
            assert (c.acceptance_due, c.due_on, c.due_provisional) == (D(2027, 1, 5), D(2027, 1, 5), False)
            assert svc.recompute_provisional_dues() == 0
