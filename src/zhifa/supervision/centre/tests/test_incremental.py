"""The incremental check (`check_subject`, the task a case event queues): for every per-object model it
raises and clears exactly what the sweep raises and clears for the same case, and it costs a fixed,
small number of queries per case — one when the case has no condition and no open clue."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from zhifa.core.problems import problem_models
from zhifa.enforcement.cases.factories import CaseKit
from zhifa.enforcement.cases.models import Case, CaseDeadline, CaseOfficer, DeadlineKind, State
from zhifa.officers.factories import make_credentialed_officer
from zhifa.supervision.centre import services
from zhifa.supervision.centre.models import Clue
from zhifa.supervision.centre.tests.builders import D, assign, case, deadline, decided

pytestmark = pytest.mark.django_db

SUBJECT = "cases.case"


def open_clues() -> set[tuple[str, str, str]]:
    return set(Clue.objects.filter(condition_open=True).values_list("model_code", "key", "explanation"))


def check(c: Case) -> services.RunResult:
    return services.check_subject(SUBJECT, [c.pk])


def queries_of(c: Case) -> int:
    with CaptureQueriesContext(connection) as ctx:
        check(c)
    return len(ctx.captured_queries)


def plant_all(kit: CaseKit) -> dict[str, tuple[Case, Any]]:
    """One case per per-object model of a case, each with its condition, and how to clear it."""
    from zhifa.enforcement.evidence.services import site_action_record
    from zhifa.enforcement.seizures.models import Seizure
    from zhifa.officers.models import Credential
    from zhifa.public.portal.models import PublishedDecision

    planted: dict[str, tuple[Case, Any]] = {}
    lead = case(kit, discovered_on="2025-06-03")
    planted["cases.lead_not_filed"] = (
        lead,
        lambda: Case.objects.filter(pk=lead.pk).update(state=State.INVESTIGATING),
    )
    late = case(kit, state=State.INVESTIGATING, filed_on=D(2025, 3, 1))
    row = deadline(late, DeadlineKind.DECISION, start=D(2025, 3, 1), due=D(2025, 5, 30))
    planted["cases.decision_overdue"] = (
        late,
        lambda: CaseDeadline.objects.filter(pk=row.pk).update(resolved_on=D(2025, 6, 30), resolution="late"),
    )
    unserved = decided(kit, on=D(2025, 6, 10))
    srow = deadline(unserved, DeadlineKind.SERVICE, start=D(2025, 6, 10), due=D(2025, 6, 19))
    planted["cases.service_late"] = (
        unserved,
        lambda: CaseDeadline.objects.filter(pk=srow.pk).update(resolved_on=D(2025, 6, 30), resolution="late"),
    )
    below = decided(kit, on=D(2025, 6, 1), fine="1000.00", amount_class="below_legal_minimum")
    planted["cases.amount_below_minimum"] = (
        below,
        lambda: Case.objects.filter(pk=below.pk).update(mitigation_ground="第三十二条第一项"),
    )
    unnoticed = decided(kit, on=D(2025, 6, 10), notified_on=None)
    planted["cases.decision_without_notice_or_hearing"] = (
        unnoticed,
        lambda: Case.objects.filter(pk=unnoticed.pk).update(notified_on=D(2025, 6, 1)),
    )
    lapsed = make_credentialed_officer(agency=kit.agency, name="郑十一")
    handled = case(kit, state=State.INVESTIGATING)
    assign(handled, lapsed, kit.officer_a, on=D(2025, 6, 20))
    Credential.objects.filter(officer=lapsed).update(expires_on=D(2025, 6, 25))
    planted["cases.credential_expired_handling"] = (
        handled,
        lambda: CaseOfficer.objects.filter(case=handled, officer=lapsed).update(removed_on=D(2025, 6, 30)),
    )
    published = decided(kit, on=D(2025, 6, 10))
    decision = PublishedDecision.objects.create(
        case_id=published.pk,
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
    planted["portal.publication_late"] = (
        published,
        lambda: PublishedDecision.objects.filter(pk=decision.pk).update(publish_due=D(2025, 6, 30)),
    )
    filmed = case(kit, state=State.INVESTIGATING)
    action = site_action_record(
        actor=kit.world.officer_a,
        agency=kit.agency,
        kind="seizure",
        occurred_at=timezone.now() - dt.timedelta(hours=30),
        case=filmed,
    )
    assert action.av_required
    planted["evidence.av_record_missing"] = (
        filmed,
        lambda: type(action).objects.filter(pk=action.pk).update(av_required=False),
    )
    seized = case(kit, state=State.INVESTIGATING)
    seizure = Seizure.objects.create(
        agency=kit.agency,
        case=seized,
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
    planted["seizures.past_term"] = (
        seized,
        lambda: Seizure.objects.filter(pk=seizure.pk).update(status="disposed", disposed_on=D(2025, 6, 30)),
    )
    return planted


def test_every_per_object_model_of_a_case_is_planted_here() -> None:
    """A new per-object model over cases must be added to `plant_all` (so its probe is tested)."""
    per_object = {m.code for m in problem_models() if m.subject == SUBJECT and m.incremental}
    assert per_object == {
        "cases.lead_not_filed",
        "cases.decision_overdue",
        "cases.service_late",
        "cases.amount_below_minimum",
        "cases.decision_without_notice_or_hearing",
        "cases.credential_expired_handling",
        "portal.publication_late",
        "evidence.av_record_missing",
        "seizures.past_term",
    }


def test_the_check_of_each_case_raises_and_clears_what_the_sweep_does(kit: CaseKit) -> None:
    planted = plant_all(kit)
    Clue.objects.all().delete()  # whatever the registrations' own checks raised: start from nothing
    for c, _clear in planted.values():
        check(c)
    by_check = open_clues()
    assert {code for code, _k, _e in by_check} == set(planted)
    assert services.models_run(aggregates=False).raised == 0  # the sweep finds nothing more …
    assert open_clues() == by_check  # … and nothing else: same keys, same explanations
    for c, _clear in planted.values():  # found again: nothing new, nothing written
        assert check(c).raised == 0
    for code, (c, clear) in planted.items():
        clear()
        result = check(c)
        assert result.cleared == 1, code
        assert code not in {m for m, _k, _e in open_clues()}
    assert open_clues() == set()


def test_a_check_costs_one_query_for_a_case_with_nothing_to_find(kit: CaseKit) -> None:
    """Every probe and the open clues about the case in one query, whatever model could apply: a lead
    registered today, an open case with credentialed officers, a decided case."""
    lead = case(kit, discovered_on="2025-06-30")
    open_case = case(kit, state=State.INVESTIGATING)
    assign(open_case, kit.officer_a, kit.officer_a2, on=D(2025, 6, 20))
    done = decided(kit, on=D(2025, 6, 10))
    assert open_clues() == set()
    assert queries_of(lead) == 1
    assert queries_of(open_case) == 1
    assert queries_of(done) == 1


@pytest.mark.parametrize(
    "refusal",
    ["expired", "suspended", "revoked", "not_yet_valid", "review_overdue", "out_of_service", "no_card"],
)
def test_every_refused_officer_passes_the_credential_probe(kit: CaseKit, refusal: str) -> None:
    """`surely_can_enforce` is only a sufficient condition: an officer the rules refuse is never in it,
    so the check raises what the sweep raises."""
    from zhifa.officers.models import Credential, Officer
    from zhifa.officers.rules import can_enforce, surely_can_enforce

    today = D(2025, 6, 30)
    officer = make_credentialed_officer(agency=kit.agency, name="郑十一")
    cards = Credential.objects.filter(officer=officer)
    change: dict[str, Any] = {
        "expired": {"expires_on": D(2025, 6, 29)},
        "suspended": {"status": "suspended", "status_since": D(2025, 6, 1)},
        "revoked": {"status": "revoked", "status_since": D(2025, 6, 1)},
        "not_yet_valid": {"issued_on": D(2025, 7, 1), "status_since": D(2025, 7, 1)},
        "review_overdue": {"review_due_on": D(2025, 6, 1)},
    }.get(refusal, {})
    if change:
        cards.update(**change)
    elif refusal == "out_of_service":
        Officer.objects.filter(pk=officer.pk).update(is_active=False)
    else:
        cards.update(kind=Credential.Kind.SUPERVISION)
    c = case(kit, state=State.INVESTIGATING)
    assign(c, officer, kit.officer_a, on=D(2025, 6, 20))
    assert not surely_can_enforce(today).filter(pk=officer.pk).exists()
    assert surely_can_enforce(today).filter(pk=kit.officer_a.pk).exists()
    assert can_enforce(kit.officer_a, on=today).ok
    Clue.objects.all().delete()
    raised = check(c).raised
    swept = services.models_run(codes=["cases.credential_expired_handling"]).raised
    allowed = can_enforce(Officer.objects.get(pk=officer.pk), on=today).ok
    assert (raised, swept) == ((0, 0) if allowed else (1, 0))


def test_a_condition_still_holding_costs_a_fixed_number_of_queries(kit: CaseKit) -> None:
    c = decided(kit, on=D(2025, 6, 10), notified_on=None)
    check(c)
    assert check(c).raised == 0
    # probes; the finder; the agency's settings (path, values); the clue: nothing written, seen today
    assert queries_of(c) == 5


def test_a_complaints_check_raises_and_clears_what_the_sweep_does(kit: CaseKit) -> None:
    from zhifa.public.complaints.factories import make_complaint, make_routing
    from zhifa.public.complaints.models import Complaint

    routing = make_routing(kit.world)
    late, fine = make_complaint(routing.noise), make_complaint(routing.noise)
    Complaint.objects.filter(pk=late.pk).update(due_on=D(2025, 6, 20))
    Clue.objects.all().delete()
    with CaptureQueriesContext(connection) as ctx:
        assert services.check_subject("complaints.complaint", [fine.pk]).raised == 0
    assert len(ctx.captured_queries) == 1  # nothing to read: the probe said so
    assert services.check_subject("complaints.complaint", [late.pk]).raised == 1
    by_check = open_clues()
    assert services.models_run(codes=["complaints.overdue_or_reopened"]).raised == 0
    assert open_clues() == by_check
    Complaint.objects.filter(pk=late.pk).update(due_on=D(2025, 7, 20))
    assert services.check_subject("complaints.complaint", [late.pk]).cleared == 1


def test_the_statement_of_one_set_of_models_is_not_reused_for_another(kit: CaseKit) -> None:
    """The compiled statement's clue test reads the open clues of all the models run, with a probe or
    not: two sets of models with the same probes are two statements."""
    import dataclasses

    from zhifa.core.problems import Scope, problem_model
    from zhifa.supervision.centre import probes

    c = decided(kit, on=D(2025, 6, 10), notified_on=None)
    check(c)
    procedure = problem_model("cases.decision_without_notice_or_hearing")
    assert Clue.objects.filter(model_code=procedure.code, object_id=c.pk, condition_open=True).exists()
    lead = problem_model("cases.lead_not_filed")
    unprobed = dataclasses.replace(procedure, probe=None)  # its clue is about the case

    def clues_of(models: list[Any]) -> Any:
        return lambda s: Clue.objects.filter(
            condition_open=True,
            model_code__in=[m.code for m in models],
            object_type=SUBJECT,
            object_id__in=sorted(s.ids),
        )

    scope = Scope(subject=SUBJECT, ids=frozenset([c.pk]))
    today = D(2025, 6, 30)
    assert probes.probe([lead], scope, today, clues_of([lead]))[0] is False
    assert probes.probe([lead, unprobed], scope, today, clues_of([lead, unprobed]))[0] is True
