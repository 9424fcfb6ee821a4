"""事后公开: a decision is scheduled when made (masked); after service an officer prepares it and the
approver checks the masking and publishes it — never automatically; alerted when late; withdrawn with
its reason when changed or revoked (行政处罚法第四十八条); exempted only by the approver."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.cache import cache

from zhifa.core.errors import Conflict, Forbidden, InvalidInput, RuleViolation
from zhifa.foundation.alerts.models import Alert
from zhifa.law.services import jurisdiction_setting_set
from zhifa.public.portal import selectors as sel
from zhifa.public.portal import services as svc
from zhifa.public.portal.factories import publish_reviewed
from zhifa.public.portal.models import PublicationEvent, PublishedDecision
from zhifa.public.portal.tests.conftest import person_party

pytestmark = pytest.mark.django_db
D = dt.date
FACTS = "当事人张三丰（身份证号350102199001011234，电话13912345678）未经批准擅自挖掘城市道路约20平方米。"


class TestScheduling:
    def test_a_decision_is_scheduled_masked_with_seven_working_days_across_the_holiday(
        self, make_case
    ) -> None:
        case = make_case("decided", party=person_party(), facts=FACTS)
        d = PublishedDecision.objects.get(case_id=case.pk)
        assert d.state == PublishedDecision.State.SCHEDULED
        assert d.decision_number == case.decision_number and d.decided_on == D(2025, 9, 24)
        # 25, 26, 28 (adjusted Sunday), 29, 30 Sep, then 9, 10 Oct: 1–8 Oct are the national holiday
        assert d.publish_due == D(2025, 10, 10) and not d.publish_due_provisional
        assert (d.window_days, d.window_source) == (7, "national")
        assert d.party_public == "张**" and d.party_id_public == ""
        for secret in ("张三丰", "350102199001011234", "13912345678", "建设路2号301室"):
            for value in (d.party_public, d.facts_public, d.measures_public, d.party_id_public):
                assert secret not in value
        assert d.facts_public.startswith("当事人张**（身份证号[已隐去]，电话[已隐去]）")
        assert d.measures_public == "罚款人民币3000.00元" and d.fine_amount == Decimal("3000.00")
        assert d.category == "城市道路管理条例"

    def test_the_jurisdictions_window_applies_and_is_recorded(self, make_case, world) -> None:
        jurisdiction_setting_set(
            actor=world.admin, node=world.city, key="disclosure.decision_publish_working_days", value=3
        )
        case = make_case("decided")
        d = PublishedDecision.objects.get(case_id=case.pk)
        assert (d.window_days, d.window_source, d.publish_due) == (3, world.city.name, D(2025, 9, 28))

    def test_an_organisation_is_published_in_full_with_its_credit_code(self, make_case) -> None:
        case = make_case("decided")  # the factory's party is 海州市某某市政工程有限公司
        d = PublishedDecision.objects.get(case_id=case.pk)
        assert d.party_public == "海州市某某市政工程有限公司" and d.party_id_public == case.party_id_number

    def test_scheduling_twice_is_idempotent(self, make_case) -> None:
        case = make_case("decided")
        from zhifa.public.portal.listeners import snapshot_of

        svc.publication_schedule(snapshot=snapshot_of(case))
        assert PublishedDecision.objects.filter(case_id=case.pk).count() == 1

    def test_a_december_decision_gets_a_provisional_deadline_instead_of_a_refusal(self, kit, world) -> None:
        from zhifa.public.portal.services import DecisionSnapshot

        snap = DecisionSnapshot(
            case_id=999, agency=world.agency_a, decision_number="测城管罚〔2026〕999号",
            decided_on=D(2026, 12, 28), party_kind="person", party_name="李四", measures=["warning"],
        )  # fmt: skip
        d = svc.publication_schedule(snapshot=snap)
        assert d.publish_due_provisional and d.publish_due == D(2027, 1, 6)  # weekday rule for 2027
        from zhifa.core.calendar import calendar_changed
        from zhifa.core.models import CalendarDay, CalendarYear

        CalendarYear.objects.create(year=2027, source="国务院办公厅通知（测试）")
        CalendarDay.objects.create(date=D(2027, 1, 1), kind="holiday", name="元旦")
        calendar_changed()
        assert svc.recompute_provisional_dues() == 1
        d.refresh_from_db()
        assert d.publish_due == D(2027, 1, 7) and not d.publish_due_provisional


class TestPublishing:
    def test_serving_the_decision_does_not_publish_it(
        self, make_case, django_capture_on_commit_callbacks
    ) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            case = make_case("served", party=person_party(), facts=FACTS)
        d = PublishedDecision.objects.get(case_id=case.pk)
        assert d.state == PublishedDecision.State.SCHEDULED and d.case_served_on == D(2025, 9, 25)
        assert not d.events.filter(kind=PublicationEvent.Kind.PUBLISH).exists()
        assert sel.decision_page(q="挖掘城市道路").items == []
        with pytest.raises(Forbidden):  # the platform never prepares or publishes by itself
            svc.publication_prepare(decision_id=d.pk, actor=None)

    def test_an_officer_prepares_and_the_approver_publishes(self, make_case, world, frozen) -> None:
        case = make_case("served", party=person_party(), facts=FACTS)
        d = PublishedDecision.objects.get(case_id=case.pk)
        frozen.move_to("2025-09-29 10:00+08:00")
        with pytest.raises(Forbidden):
            svc.publication_prepare(decision_id=d.pk, actor=world.officer_b)  # another agency
        d = svc.publication_prepare(
            decision_id=d.pk, actor=world.officer_a, facts_public="当事人张三丰（电话13912345678）挖掘道路。"
        )
        assert d.state == PublishedDecision.State.PREPARED
        assert "张三丰" not in d.facts_public and "13912345678" not in d.facts_public  # masked again
        with pytest.raises(Forbidden):  # publication needs the approver
            svc.publication_publish(decision_id=d.pk, actor=world.officer_a, masking_checked=True)
        with pytest.raises(RuleViolation):  # the approver confirms the masking was checked
            svc.publication_publish(decision_id=d.pk, actor=world.approver_a)
        d = svc.publication_publish(decision_id=d.pk, actor=world.approver_a, masking_checked=True)
        assert d.state == PublishedDecision.State.PUBLISHED and d.published_on == D(2025, 9, 29)
        event = d.events.get(kind=PublicationEvent.Kind.PUBLISH)
        assert event.in_time is True and event.actor == world.approver_a
        assert [x.pk for x in sel.decision_page(q="挖掘道路").items] == [d.pk]
        with pytest.raises(Conflict):
            svc.publication_publish(decision_id=d.pk, actor=world.approver_a, masking_checked=True)

    def test_the_approver_may_return_it_with_what_to_correct(self, make_case, world) -> None:
        case = make_case("served")
        d = PublishedDecision.objects.get(case_id=case.pk)
        svc.publication_prepare(decision_id=d.pk, actor=world.officer_a)
        with pytest.raises(InvalidInput):
            svc.publication_return(decision_id=d.pk, actor=world.approver_a, note="")
        d = svc.publication_return(decision_id=d.pk, actor=world.approver_a, note="事实部分请删去门牌号。")
        assert d.state == PublishedDecision.State.SCHEDULED

    def test_nothing_is_prepared_before_the_party_was_served(self, make_case, world) -> None:
        case = make_case("decided")
        d = PublishedDecision.objects.get(case_id=case.pk)
        with pytest.raises(RuleViolation):
            svc.publication_prepare(decision_id=d.pk, actor=world.officer_a)

    def test_a_decision_not_published_by_its_deadline_raises_an_alert(self, make_case, world, frozen) -> None:
        case = make_case("decided")
        d = PublishedDecision.objects.get(case_id=case.pk)
        frozen.move_to("2025-10-10 18:00+08:00")
        assert svc.raise_overdue_alerts() == 0  # the last day itself is still in time
        frozen.move_to("2025-10-11 09:00+08:00")
        assert svc.raise_overdue_alerts() == 1
        alert = Alert.objects.get(kind="publication_overdue")
        assert alert.agency == world.agency_a and alert.due_on == D(2025, 10, 10)
        assert "国办发〔2018〕118号" in alert.article
        svc.publication_case_served(case_id=case.pk, served_on=D(2025, 9, 26))
        svc.publication_prepare(decision_id=d.pk, actor=world.officer_a)
        assert svc.raise_overdue_alerts() == 1  # prepared but not yet published: still late
        d = svc.publication_publish(decision_id=d.pk, actor=world.approver_a, masking_checked=True)
        alert.refresh_from_db()
        assert alert.resolved_at is not None
        assert d.events.get(kind="publish").in_time is False

    def test_exemption_is_for_the_approver_with_a_legal_ground(self, make_case, world) -> None:
        case = make_case("decided")
        d = PublishedDecision.objects.get(case_id=case.pk)
        with pytest.raises(Forbidden):
            svc.publication_exempt(
                decision_id=d.pk, actor=world.officer_a, ground="privacy", note="涉及第三方隐私"
            )
        with pytest.raises(InvalidInput):
            svc.publication_exempt(decision_id=d.pk, actor=world.approver_a, ground="boring", note="不想公开")
        d = svc.publication_exempt(
            decision_id=d.pk, actor=world.approver_a, ground="privacy", note="涉及第三方隐私"
        )
        assert d.state == PublishedDecision.State.EXEMPT
        assert svc.raise_overdue_alerts() == 0


class TestWithdrawal:
    def published(self, make_case):
        case = make_case("served", party=person_party(), facts=FACTS)
        return case, publish_reviewed(PublishedDecision.objects.get(case_id=case.pk))

    def test_withdrawal_removes_the_decision_and_shows_the_reason(
        self, make_case, world, client, frozen
    ) -> None:
        _case, d = self.published(make_case)
        frozen.move_to("2025-10-09 10:00+08:00")
        d = svc.publication_withdraw(
            decision_id=d.pk, actor=world.officer_a, ground="revoked", changed_on=D(2025, 9, 30),
            note="经行政复议，本决定已被撤销。",
        )  # fmt: skip
        assert d.state == PublishedDecision.State.WITHDRAWN
        assert d.withdraw_due == D(2025, 10, 11)  # 9, 10, 11 Oct (an adjusted Saturday); 1–8 Oct off
        assert d.events.get(kind="withdraw").in_time is True
        assert sel.decision_page().count == 0 and sel.decision_page(q="挖掘城市道路").items == []
        page = client.get(f"/portal/decisions/{d.pk}/").content.decode()
        assert "该决定已撤回" in page and "经行政复议，本决定已被撤销。" in page
        assert "张**" not in page and "罚款" not in page  # the withdrawn content is gone
        body = client.get(f"/api/v1/public/decisions/{d.pk}").json()
        assert body["state"] == "withdrawn" and body["party"] == "" and body["facts"] == ""
        assert body["withdrawal_reason"] == "经行政复议，本决定已被撤销。"

    def test_withdrawal_after_three_working_days_is_done_and_recorded_late(
        self, make_case, world, frozen
    ) -> None:
        _case, d = self.published(make_case)
        frozen.move_to("2025-10-13 10:00+08:00")
        d = svc.publication_withdraw(
            decision_id=d.pk,
            actor=world.officer_a,
            ground="changed",
            changed_on=D(2025, 9, 26),
            note="决定已变更。",
        )
        # 26 Sep (Fri) + 3 working days: 28 (adjusted Sunday), 29, 30 Sep
        assert d.withdraw_due == D(2025, 9, 30)
        assert d.events.get(kind="withdraw").in_time is False

    def test_withdrawal_needs_a_ground_a_public_reason_and_a_sensible_date(self, make_case, world) -> None:
        _case, d = self.published(make_case)
        for kwargs in (
            {"ground": "bored", "changed_on": D(2025, 9, 26), "note": "理由充分的说明"},
            {"ground": "revoked", "changed_on": D(2025, 9, 26), "note": ""},
            {"ground": "revoked", "changed_on": D(2025, 9, 27), "note": "理由充分的说明"},  # future
            {
                "ground": "revoked",
                "changed_on": D(2025, 9, 1),
                "note": "理由充分的说明",
            },  # before the decision
        ):
            with pytest.raises(InvalidInput):
                svc.publication_withdraw(decision_id=d.pk, actor=world.officer_a, **kwargs)
        d.refresh_from_db()
        assert d.state == PublishedDecision.State.PUBLISHED
        with pytest.raises(Forbidden):
            svc.publication_withdraw(
                decision_id=d.pk,
                actor=world.officer_b,
                ground="revoked",
                changed_on=D(2025, 9, 26),
                note="撤销说明",
            )

    def test_withdrawal_empties_the_cached_pages_at_once(
        self, make_case, world, client, django_capture_on_commit_callbacks
    ) -> None:
        _case, d = self.published(make_case)
        first = client.get("/portal/decisions/")
        assert first["X-Portal-Cache"] == "miss" and d.decision_number in first.content.decode()
        assert client.get("/portal/decisions/")["X-Portal-Cache"] == "hit"
        with django_capture_on_commit_callbacks(execute=True):
            svc.publication_withdraw(
                decision_id=d.pk,
                actor=world.officer_a,
                ground="revoked",
                changed_on=D(2025, 9, 26),
                note="已撤销。",
            )
        again = client.get("/portal/decisions/")
        assert again["X-Portal-Cache"] == "miss"
        assert f'href="/portal/decisions/{d.pk}/">{d.decision_number}</a></td>' not in again.content.decode()

    def test_a_lost_generation_never_brings_back_a_page_of_an_earlier_one(
        self, make_case, world, client, django_capture_on_commit_callbacks
    ) -> None:
        """The file cache of `make run` evicts entries at random once full: if the generation key is
        the one evicted, the next generation must not be one pages were cached under."""
        from zhifa.public.portal import cache as portal_cache

        _case, d = self.published(make_case)
        assert client.get("/portal/decisions/")["X-Portal-Cache"] == "miss"  # the first generation's
        with django_capture_on_commit_callbacks(execute=True):
            svc.publication_withdraw(
                decision_id=d.pk, actor=world.officer_a, ground="revoked",
                changed_on=D(2025, 9, 26), note="已撤销。",
            )  # fmt: skip
        for _ in range(3):
            portal_cache.bump()
        cache.delete(portal_cache.GENERATION_KEY)  # evicted
        again = client.get("/portal/decisions/")
        assert again["X-Portal-Cache"] == "miss"
        assert f'href="/portal/decisions/{d.pk}/">{d.decision_number}</a></td>' not in again.content.decode()
        cache.delete(portal_cache.GENERATION_KEY)
        portal_cache.bump()  # a bump that finds no generation starts a fresh one too
        assert client.get("/portal/decisions/")["X-Portal-Cache"] == "miss"
