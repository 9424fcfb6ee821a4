"""Each problem model: a planted condition raises exactly one clue with its explanation and the
triggering records; a second run raises nothing new; clearing the condition closes the clue; the
threshold comes from the jurisdiction setting."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from zhifa.core.problems import problem_models
from zhifa.enforcement.cases.factories import CaseKit
from zhifa.enforcement.cases.models import Case, CaseDeadline, CaseOfficer, DeadlineKind, State
from zhifa.officers.factories import make_credentialed_officer
from zhifa.supervision.centre import services
from zhifa.supervision.centre.models import ClueState
from zhifa.supervision.centre.tests.builders import D, assign, case, clues, deadline, decided, run, setting

pytestmark = pytest.mark.django_db


def only_clue(code: str) -> Any:
    found = clues(code)
    assert len(found) == 1, [c.title for c in found]
    return found[0]


def assert_cleared(code: str) -> None:
    clue = only_clue(code)
    assert clue.condition_open is False
    assert clue.state == ClueState.CLEARED
    assert clue.events.filter(kind="clear").count() == 1


def test_at_least_the_twelve_models_of_the_issue_are_registered() -> None:
    codes = {m.code for m in problem_models()}
    assert {
        "cases.lead_not_filed",
        "cases.decision_overdue",
        "cases.service_late",
        "portal.publication_late",
        "cases.amount_below_minimum",
        "cases.tier_maximum_share",
        "cases.officer_pair_daily",
        "cases.decision_without_notice_or_hearing",
        "evidence.av_record_missing",
        "seizures.past_term",
        "cases.credential_expired_handling",
        "complaints.overdue_or_reopened",
    } <= codes
    for m in problem_models():
        assert m.article and m.name, m.code


class TestLead:
    code = "cases.lead_not_filed"

    def test_a_lead_past_the_period_raises_one_clue_and_filing_clears_it(self, kit: CaseKit) -> None:
        c = case(kit, discovered_on="2025-06-03")  # 15 working days end on 2025-06-24
        fresh = case(kit, discovered_on="2025-06-20")
        run(self.code)  # the registration's own incremental check already raised it
        clue = only_clue(self.code)
        assert clue.object_id == c.pk and clue.case_id == c.pk
        assert "2025-06-24" in clue.explanation and "行政处罚法第五十四条第二款" in clue.explanation
        assert clue.records[0]["object_type"] == "cases.case"
        assert fresh.pk not in {x.object_id for x in clues(self.code)}
        assert run(self.code).raised == 0  # once per condition
        Case.objects.filter(pk=c.pk).update(state=State.INVESTIGATING)
        assert run(self.code).cleared == 1
        assert_cleared(self.code)

    def test_the_period_is_the_jurisdictions_setting(self, kit: CaseKit) -> None:
        setting(kit, "supervision.lead_filing_working_days", 30)
        case(kit, discovered_on="2025-06-03")
        run(self.code)
        assert clues(self.code) == []
        setting(kit, "supervision.lead_filing_working_days", 10)
        run(self.code)
        assert "10（测试市人民政府）" in only_clue(self.code).explanation


class TestDeadlines:
    def test_an_open_decision_period_past_its_last_day_raises_one_clue(self, kit: CaseKit) -> None:
        code = "cases.decision_overdue"
        c = case(kit, state=State.INVESTIGATING, filed_on=D(2025, 3, 1))
        row = deadline(c, DeadlineKind.DECISION, start=D(2025, 3, 1), due=D(2025, 5, 30))
        deadline(
            case(kit, state=State.INVESTIGATING),
            DeadlineKind.DECISION,
            start=D(2025, 6, 1),
            due=D(2025, 8, 30),
        )
        run(code)
        clue = only_clue(code)
        assert "2025-05-30" in clue.explanation and "行政处罚法第六十条" in clue.explanation
        assert {r["object_type"] for r in clue.records} == {"cases.case", "cases.casedeadline"}
        CaseDeadline.objects.filter(pk=row.pk).update(resolved_on=D(2025, 6, 30), resolution="late")
        run(code)
        assert_cleared(code)

    def test_the_grace_days_setting_delays_the_decision_clue(self, kit: CaseKit) -> None:
        code = "cases.decision_overdue"
        c = case(kit, state=State.INVESTIGATING)
        deadline(c, DeadlineKind.DECISION, start=D(2025, 3, 1), due=D(2025, 6, 25))
        setting(kit, "supervision.decision_grace_days", 5)  # 25 + 5 = 30: still in time today
        run(code)
        assert clues(code) == []
        setting(kit, "supervision.decision_grace_days", 4)
        run(code)
        assert len(clues(code)) == 1

    def test_a_decision_not_served_in_the_period_raises_one_clue_and_service_clears_it(
        self, kit: CaseKit
    ) -> None:
        code = "cases.service_late"
        c = decided(kit, on=D(2025, 6, 10))
        row = deadline(c, DeadlineKind.SERVICE, start=D(2025, 6, 10), due=D(2025, 6, 19))
        run(code)
        assert "2025-06-19" in only_clue(code).explanation
        setting(kit, "supervision.service_grace_days", 20)
        run(code)
        assert_cleared(code)
        setting(kit, "supervision.service_grace_days", 0)
        CaseDeadline.objects.filter(pk=row.pk).update(resolved_on=D(2025, 6, 30), resolution="late")
        run(code)
        assert len(clues(code)) == 1  # served: the condition does not come back


class TestAmounts:
    def test_a_fine_below_the_minimum_without_a_ground_raises_one_clue(self, kit: CaseKit) -> None:
        code = "cases.amount_below_minimum"
        c = decided(kit, on=D(2025, 6, 1), fine="1000.00", amount_class="below_legal_minimum")
        decided(
            kit,
            on=D(2025, 6, 1),
            fine="1000.00",
            amount_class="below_legal_minimum",
            mitigation_ground="minor",
        )
        run(code)
        clue = only_clue(code)
        assert clue.object_id == c.pk and "1000.00" in clue.explanation and "第三十二条" in clue.explanation
        Case.objects.filter(pk=c.pk).update(mitigation_ground="first_offence")
        run(code)
        assert_cleared(code)

    def test_the_look_back_setting_limits_the_below_minimum_model(self, kit: CaseKit) -> None:
        code = "cases.amount_below_minimum"
        decided(kit, on=D(2025, 3, 1), fine="1000.00", amount_class="below_legal_minimum")
        setting(kit, "supervision.lookback_days", 60)
        run(code)
        assert clues(code) == []
        setting(kit, "supervision.lookback_days", 365)
        run(code)
        assert len(clues(code)) == 1

    def _officer_cases(self, kit: CaseKit, at_max: int, total: int) -> list[Case]:
        out = []
        for i in range(total):
            fine = "10000.00" if i < at_max else "6000.00"
            c = decided(kit, on=D(2025, 6, 1) + dt.timedelta(days=i), fine=fine)
            assign(c, kit.officer_a3, on=D(2025, 5, 1) + dt.timedelta(days=i))
            out.append(c)
        return out

    def test_fines_at_the_tier_maximum_in_more_than_the_share_raise_one_clue_per_officer(
        self, kit: CaseKit
    ) -> None:
        code = "cases.tier_maximum_share"
        made = self._officer_cases(kit, at_max=4, total=6)  # 66.7 % > 50 %
        run(code)
        clue = only_clue(code)
        assert clue.object_type == "officers.officer" and clue.object_id == kit.officer_a3.pk
        assert clue.officer_ids == [kit.officer_a3.pk]
        assert len(clue.records) == 4 and "4" in clue.title and "6" in clue.title
        setting(kit, "supervision.tier_max_share_percent", "70")
        run(code)
        assert_cleared(code)
        setting(kit, "supervision.tier_max_share_percent", "50")
        Case.objects.filter(pk__in=[c.pk for c in made[:2]]).update(fine_amount=Decimal("7000.00"))
        run(code)
        assert len(clues(code)) == 1  # 2 of 6: not raised again

    def test_too_few_cases_say_nothing_about_an_officer(self, kit: CaseKit) -> None:
        code = "cases.tier_maximum_share"
        self._officer_cases(kit, at_max=4, total=4)
        run(code)
        assert clues(code) == []  # fewer than the minimum of 5
        setting(kit, "supervision.tier_max_min_cases", 3)
        run(code)
        assert len(clues(code)) == 1


class TestOfficers:
    def test_the_same_pair_on_more_than_n_cases_a_day_raises_one_clue(self, kit: CaseKit) -> None:
        code = "cases.officer_pair_daily"
        setting(kit, "supervision.officer_pair_cases_per_day", 3)
        day = D(2025, 6, 20)
        made = []
        for _i in range(4):
            c = case(kit, state=State.INVESTIGATING)
            assign(c, kit.officer_a, kit.officer_a2, on=day)
            made.append(c)
        other = case(kit, state=State.INVESTIGATING)
        assign(other, kit.officer_a, kit.officer_a2, on=D(2025, 6, 21))
        run(code)
        clue = only_clue(code)
        assert sorted(clue.officer_ids) == sorted([kit.officer_a.pk, kit.officer_a2.pk])
        assert "2025-06-20" in clue.title and len(clue.records) == 4
        setting(kit, "supervision.officer_pair_cases_per_day", 4)
        run(code)
        assert_cleared(code)

    def test_a_handling_officer_without_a_valid_credential_raises_one_clue(self, kit: CaseKit) -> None:
        from zhifa.officers.models import Credential

        code = "cases.credential_expired_handling"
        lapsed = make_credentialed_officer(agency=kit.agency, name="郑十一")
        c = case(kit, state=State.INVESTIGATING)
        assign(c, lapsed, kit.officer_a, on=D(2025, 6, 20))
        run(code)
        assert clues(code) == []
        Credential.objects.filter(officer=lapsed).update(expires_on=D(2025, 6, 25))
        run(code)
        clue = only_clue(code)
        assert clue.case_id == c.pk and clue.officer_ids == [lapsed.pk] and "第四十二条" in clue.explanation
        CaseOfficer.objects.filter(case=c, officer=lapsed).update(removed_on=D(2025, 6, 30))
        run(code)
        assert_cleared(code)


class TestProcedure:
    def test_a_decision_without_prior_notice_raises_one_clue(self, kit: CaseKit) -> None:
        code = "cases.decision_without_notice_or_hearing"
        c = decided(kit, on=D(2025, 6, 10), notified_on=None)
        decided(kit, on=D(2025, 6, 10))  # notified before: fine
        run(code)
        clue = only_clue(code)
        assert clue.object_id == c.pk and "第四十四条" in clue.explanation
        Case.objects.filter(pk=c.pk).update(notified_on=D(2025, 6, 1))
        run(code)
        assert_cleared(code)

    def test_a_requested_hearing_never_held_raises_one_clue(self, kit: CaseKit) -> None:
        code = "cases.decision_without_notice_or_hearing"
        c = decided(kit, on=D(2025, 6, 10), hearing_requested_on=D(2025, 6, 3))
        run(code)
        assert "2025-06-03" in only_clue(code).explanation
        Case.objects.filter(pk=c.pk).update(hearing_held_on=D(2025, 6, 8))
        run(code)
        assert_cleared(code)

    def test_the_look_back_setting_limits_the_procedure_model(self, kit: CaseKit) -> None:
        code = "cases.decision_without_notice_or_hearing"
        decided(kit, on=D(2025, 4, 1), notified_on=None)
        setting(kit, "supervision.lookback_days", 30)
        run(code)
        assert clues(code) == []


class TestOtherDomains:
    def test_a_decision_published_late_or_not_at_all_raises_one_clue(self, kit: CaseKit) -> None:
        from zhifa.public.portal.models import PublishedDecision

        code = "portal.publication_late"
        c = decided(kit, on=D(2025, 6, 10))
        PublishedDecision.objects.create(
            case_id=c.pk,
            agency=kit.agency,
            agency_name="A",
            decision_number="A罚〔2025〕1号",
            party_kind="organisation",
            party_public="某公司",
            measures_public="罚款",
            decided_on=D(2025, 6, 10),
            window_days=7,
            window_source="national",
            publish_due=D(2025, 6, 19),
            created_at=timezone.now(),
        )
        run(code)
        clue = only_clue(code)
        assert "2025-06-19" in clue.explanation and clue.case_id == c.pk
        setting(kit, "supervision.publication_grace_days", 30)
        run(code)
        assert_cleared(code)

    def test_a_mandatory_action_without_video_raises_one_clue_and_the_video_clears_it(
        self, kit: CaseKit
    ) -> None:
        from zhifa.enforcement.evidence.factories import make_evidence, mp4_bytes
        from zhifa.enforcement.evidence.services import evidence_attach_to_action, site_action_record

        code = "evidence.av_record_missing"
        c = case(kit, state=State.INVESTIGATING)
        action = site_action_record(
            actor=kit.world.officer_a,
            agency=kit.agency,
            kind="seizure",
            occurred_at=timezone.now() - dt.timedelta(hours=30),
            case=c,
        )
        assert action.av_required
        run(code)
        clue = only_clue(code)
        assert clue.case_id == c.pk and "第四十七条" in clue.explanation
        setting(kit, "supervision.av_record_grace_hours", 48)
        run(code)
        assert_cleared(code)
        setting(kit, "supervision.av_record_grace_hours", 24)
        video = make_evidence(
            actor=kit.world.officer_a, agency=kit.agency, data=mp4_bytes(), kind="video", case=c
        )
        evidence_attach_to_action(actor=kit.world.officer_a, evidence=video, action=action)
        run(code)
        assert len(clues(code)) == 1

    def test_a_seizure_past_its_term_raises_one_clue(self, kit: CaseKit) -> None:
        from zhifa.enforcement.seizures.models import Seizure

        code = "seizures.past_term"
        c = case(kit, state=State.INVESTIGATING)
        s = Seizure.objects.create(
            agency=kit.agency,
            case=c,
            measure="detention",
            number="A扣〔2025〕1号",
            reason="r",
            basis="b",
            started_at=timezone.now() - dt.timedelta(days=40),
            started_on=D(2025, 5, 20),
            storage_location="仓库",
            due_on=D(2025, 6, 19),
            recorded_by=kit.world.officer_a,
            recorded_at=timezone.now(),
        )
        run(code)
        assert "2025-06-19" in only_clue(code).explanation
        Seizure.objects.filter(pk=s.pk).update(status="disposed", disposed_on=D(2025, 6, 30))
        run(code)
        assert_cleared(code)

    def test_a_complaint_overdue_or_reopened_twice_raises_one_clue(self, kit: CaseKit) -> None:
        from zhifa.public.complaints.factories import make_complaint, make_routing
        from zhifa.public.complaints.models import Complaint

        code = "complaints.overdue_or_reopened"
        routing = make_routing(kit.world)
        late = make_complaint(routing.noise)
        Complaint.objects.filter(pk=late.pk).update(due_on=D(2025, 6, 20))
        twice = make_complaint(routing.noise)
        Complaint.objects.filter(pk=twice.pk).update(state="concluded", reopen_count=2, due_on=None)
        run(code)
        found = clues(code)
        assert len(found) == 2
        assert any("2025-06-20" in c.explanation for c in found)
        assert any("2" in c.explanation and c.object_id == twice.pk for c in found)
        setting(kit, "supervision.complaint_reopen_limit", 3)
        Complaint.objects.filter(pk=late.pk).update(due_on=D(2025, 7, 20))
        run(code)
        assert all(not c.condition_open for c in clues(code))


def test_a_condition_that_returns_after_clearing_raises_a_new_clue(kit: CaseKit) -> None:
    code = "cases.lead_not_filed"
    c = case(kit, discovered_on="2025-06-03")
    run(code)
    Case.objects.filter(pk=c.pk).update(state=State.INVESTIGATING)
    run(code)
    Case.objects.filter(pk=c.pk).update(state=State.REGISTERED)
    run(code)
    assert [x.condition_open for x in clues(code)] == [False, True]


def test_an_event_queues_the_incremental_check_after_commit(
    kit: CaseKit, django_capture_on_commit_callbacks: Any
) -> None:
    """A case event raises the clue of its case through the queued task (run at once in tests); the
    aggregate models wait for the sweep."""
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        c = case(kit, discovered_on="2025-06-03")
    assert callbacks  # the listener only registered a callback inside the event's transaction
    clue = only_clue("cases.lead_not_filed")
    assert clue.object_id == c.pk
    assert {m.code for m in problem_models() if not m.incremental} == {
        "cases.tier_maximum_share",
        "cases.officer_pair_daily",
    }


class TestAggregateRecheck:
    """The aggregate models re-check, after an event on a case, what that case feeds — without the
    sweep: its officers' shares and its officers' pairs on its days."""

    def test_an_officers_share_raises_and_clears_on_the_re_check_of_one_case(self, kit: CaseKit) -> None:
        code = "cases.tier_maximum_share"
        made = TestAmounts()._officer_cases(kit, at_max=4, total=6)  # 4 of 6 at the maximum: > 50 %
        other = decided(kit, on=D(2025, 6, 2))  # another officer's decided case: not their share
        assign(other, kit.officer_a, on=D(2025, 6, 2))
        assert services.recheck_aggregates("cases.case", [other.pk]).raised == 0
        assert services.recheck_aggregates("cases.case", [made[0].pk]).raised == 1
        clue = only_clue(code)
        assert clue.object_id == kit.officer_a3.pk and len(clue.records) == 4
        assert services.recheck_aggregates("cases.case", [made[1].pk]).raised == 0  # once per condition
        Case.objects.filter(pk__in=[c.pk for c in made[:2]]).update(fine_amount=Decimal("7000.00"))
        result = services.recheck_aggregates("cases.case", [made[0].pk])  # 2 of 6 now
        assert result.cleared == 1
        assert_cleared(code)

    def test_an_undecided_case_does_not_re_check_shares(self, kit: CaseKit) -> None:
        made = TestAmounts()._officer_cases(kit, at_max=4, total=6)
        lead = case(kit, state=State.INVESTIGATING)
        assign(lead, kit.officer_a3, on=D(2025, 6, 20))
        assert services.recheck_aggregates("cases.case", [lead.pk]).checked == 0
        assert clues("cases.tier_maximum_share") == []
        services.recheck_aggregates("cases.case", [made[-1].pk])
        assert len(clues("cases.tier_maximum_share")) == 1

    def test_a_pair_raises_and_clears_on_the_re_check_of_one_case(self, kit: CaseKit) -> None:
        code = "cases.officer_pair_daily"
        setting(kit, "supervision.officer_pair_cases_per_day", 3)
        day = D(2025, 6, 20)
        made = []
        for _i in range(4):
            c = case(kit, state=State.INVESTIGATING)
            assign(c, kit.officer_a, kit.officer_a2, on=day)
            made.append(c)
        assert services.recheck_aggregates("cases.case", [made[2].pk]).raised == 1
        clue = only_clue(code)
        assert "2025-06-20" in clue.title and len(clue.records) == 4
        CaseOfficer.objects.filter(case=made[0]).update(assigned_on=D(2025, 6, 19))  # now 3 that day
        assert services.recheck_aggregates("cases.case", [made[1].pk]).cleared == 1
        assert_cleared(code)

    def test_the_per_object_check_leaves_aggregates_to_their_re_check(self, kit: CaseKit) -> None:
        made = TestAmounts()._officer_cases(kit, at_max=4, total=6)
        assert "cases.tier_maximum_share" not in services.check_subject("cases.case", [made[0].pk]).by_model
        assert clues("cases.tier_maximum_share") == []


def test_a_case_event_queues_the_aggregate_re_check_after_commit(
    kit: CaseKit, django_capture_on_commit_callbacks: Any
) -> None:
    """A case event queues both tasks; the aggregate one raises the pair's clue at once (tasks run
    immediately in tests)."""
    setting(kit, "supervision.officer_pair_cases_per_day", 1)
    day = D(2025, 6, 20)
    first = case(kit, state=State.INVESTIGATING)
    assign(first, kit.officer_a, kit.officer_a2, on=day)
    second = case(kit, state=State.INVESTIGATING)
    assign(second, kit.officer_a, kit.officer_a2, on=day)
    assert clues("cases.officer_pair_daily") == []  # assigned by hand above: no event yet
    from zhifa.supervision.centre.services import on_case_event

    with django_capture_on_commit_callbacks(execute=True):
        on_case_event(second, None)
    assert len(clues("cases.officer_pair_daily")) == 1


def test_the_per_object_check_raises_and_clears_both_period_models_of_a_case(kit: CaseKit) -> None:
    """The decision and service models share one read of the case's late periods in a check; a
    suspended case's period is paused; resolving a period clears its clue on the next check."""
    c = decided(kit, on=D(2025, 6, 10))
    late = deadline(c, DeadlineKind.DECISION, start=D(2025, 3, 1), due=D(2025, 5, 30))
    served = deadline(c, DeadlineKind.SERVICE, start=D(2025, 6, 10), due=D(2025, 6, 19))
    other = case(kit, state=State.INVESTIGATING)
    deadline(other, DeadlineKind.DECISION, start=D(2025, 3, 1), due=D(2025, 5, 30))
    result = services.check_subject("cases.case", [c.pk])
    assert result.raised == 2
    assert [x.object_id for x in clues("cases.decision_overdue")] == [c.pk]  # not the other case
    assert len(clues("cases.service_late")) == 1
    CaseDeadline.objects.filter(pk=late.pk).update(resolved_on=D(2025, 6, 10), resolution="late")
    assert services.check_subject("cases.case", [c.pk]).cleared == 1
    assert_cleared("cases.decision_overdue")
    Case.objects.filter(pk=c.pk).update(suspended_since=D(2025, 6, 20))
    assert services.check_subject("cases.case", [c.pk]).cleared == 1
    assert served.pk
