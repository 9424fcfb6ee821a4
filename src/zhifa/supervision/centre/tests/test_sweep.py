"""The streamed sweep: the officer-pair model grouped in SQL at the edge of its jurisdiction's
threshold, the clues of a batch raised with one audit entry each under one chain lock (the chain
verifies), and a number of queries per batch that does not grow with the clues in it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from zhifa.audit.models import AuditEntry
from zhifa.audit.services import audit_record, audit_verify
from zhifa.core.problems import Finding, ProblemModel, Scope
from zhifa.enforcement.cases.factories import CaseKit
from zhifa.enforcement.cases.models import Case, State
from zhifa.supervision.centre import services, sweep
from zhifa.supervision.centre.models import Clue, ClueEvent, ClueState
from zhifa.supervision.centre.tests.builders import D, assign, case, clues, run, setting

pytestmark = pytest.mark.django_db

PAIR = "cases.officer_pair_daily"
LEAD = "cases.lead_not_filed"


def pair_cases(kit: CaseKit, n: int, day: dt.date) -> list[Case]:
    made = []
    for _i in range(n):
        c = case(kit, state=State.INVESTIGATING)
        assign(c, kit.officer_a, kit.officer_a2, on=day)
        made.append(c)
    return made


class TestPairsInSql:
    def test_exactly_one_clue_per_pair_day_over_the_jurisdictions_threshold(self, kit: CaseKit) -> None:
        setting(kit, "supervision.officer_pair_cases_per_day", 3)
        pair_cases(kit, 3, D(2025, 6, 20))  # N: not more than the threshold
        over = pair_cases(kit, 4, D(2025, 6, 21))  # N + 1
        assign(over[0], kit.officer_a3, on=D(2025, 6, 21))  # a third officer: pairs with one case only
        assert run(PAIR).raised == 1
        (clue,) = clues(PAIR)
        low, high = sorted([kit.officer_a.pk, kit.officer_a2.pk])
        assert clue.key == f"{PAIR}:{low}-{high}:2025-06-21"
        assert clue.agency_id == kit.agency.pk
        assert sorted(clue.officer_ids) == sorted([kit.officer_a.pk, kit.officer_a2.pk])
        assert [r["object_id"] for r in clue.records] == sorted(c.pk for c in over)
        assert "4" in clue.title and kit.world.city.name in clue.explanation
        assert run(PAIR).raised == 0  # once per condition
        # the incremental re-check of one of its cases agrees with the sweep: nothing to change
        again = services.recheck_aggregates("cases.case", [over[1].pk])
        assert (again.raised, again.updated, again.cleared) == (0, 0, 0)

    def test_the_threshold_is_the_jurisdictions_setting_at_its_edge(self, kit: CaseKit) -> None:
        pair_cases(kit, 4, D(2025, 6, 20))
        assert run(PAIR).raised == 0  # the national default (10)
        setting(kit, "supervision.officer_pair_cases_per_day", 4)
        assert run(PAIR).raised == 0  # 4 is not more than 4
        setting(kit, "supervision.officer_pair_cases_per_day", 3)
        assert run(PAIR).raised == 1
        setting(kit, "supervision.officer_pair_cases_per_day", 4)
        assert run(PAIR).cleared == 1
        (clue,) = clues(PAIR)
        assert clue.state == ClueState.CLEARED and not clue.condition_open

    def test_the_look_back_is_the_jurisdictions_setting_in_the_sweep_and_the_re_check(
        self, kit: CaseKit
    ) -> None:
        setting(kit, "supervision.officer_pair_cases_per_day", 1)
        old = pair_cases(kit, 2, D(2024, 5, 1))  # 425 days before the frozen 2025-06-30
        recent = pair_cases(kit, 2, D(2025, 4, 1))  # 90 days before
        assert run(PAIR).raised == 1  # the national default (365 days) keeps only the recent pair-day
        setting(kit, "supervision.lookback_days", 500)
        assert run(PAIR).raised == 1  # now the older one too
        assert {c.key.rsplit(":", 1)[1] for c in clues(PAIR) if c.condition_open} == {
            "2024-05-01",
            "2025-04-01",
        }
        setting(kit, "supervision.lookback_days", 60)
        assert run(PAIR).cleared == 2  # a shorter look-back than the default: neither is looked at
        setting(kit, "supervision.lookback_days", 100)
        assert run(PAIR).raised == 1  # the recent pair-day opens again, the old one stays closed
        assert {c.key.rsplit(":", 1)[1] for c in clues(PAIR) if c.condition_open} == {"2025-04-01"}
        # the re-check of a case of each pair-day agrees with the sweep: nothing to change
        again = services.recheck_aggregates("cases.case", [recent[0].pk, old[0].pk])
        assert (again.raised, again.updated, again.cleared) == (0, 0, 0)

    def test_the_sweep_over_some_agencies_leaves_the_others(self, kit: CaseKit) -> None:
        setting(kit, "supervision.officer_pair_cases_per_day", 1)
        pair_cases(kit, 2, D(2025, 6, 20))
        assert run(PAIR, scope=Scope(agency_ids=frozenset({kit.world.agency_b.pk}))).raised == 0
        assert run(PAIR, scope=Scope(agency_ids=frozenset({kit.agency.pk}))).raised == 1


def leads(kit: CaseKit, n: int) -> list[Case]:
    """Leads past their filing period, made without an event (nothing raised them yet)."""
    made = [case(kit, state=State.INVESTIGATING) for _i in range(n)]
    Case.objects.filter(pk__in=[c.pk for c in made]).update(
        state=State.REGISTERED, discovered_on=D(2025, 5, 1)
    )
    return made


def test_a_sweep_raises_in_batches_with_one_audit_entry_per_clue_and_the_chain_verifies(
    kit: CaseKit, monkeypatch: Any
) -> None:
    monkeypatch.setattr(sweep, "BATCH", 3)
    made = leads(kit, 7)  # three batches: 3, 3, 1
    audit_record(actor=None, action="test.before", object_type="test", object_id="1")
    assert run(LEAD).raised == 7
    audit_record(actor=None, action="test.after", object_type="test", object_id="2")
    raised = clues(LEAD)
    assert sorted(c.case_id for c in raised) == sorted(c.pk for c in made)
    entries = list(AuditEntry.objects.filter(action="centre.raise").order_by("seq"))
    assert [(e.object_type, e.object_id) for e in entries] == [("centre.clue", str(c.pk)) for c in raised]
    assert all(e.summary == {"model": LEAD, "key": c.key} for e, c in zip(entries, raised, strict=True))
    assert {e.agency_id for e in entries} == {kit.agency.pk}
    assert ClueEvent.objects.filter(clue__in=raised, kind="raise", to_state=ClueState.OPEN).count() == 7
    result = audit_verify()
    assert result.ok, result
    assert result.entries == AuditEntry.objects.count()


def synthetic(code: str, n: int, agency_id: int, holds: list[bool]) -> ProblemModel:
    def find(scope: Scope, today: dt.date) -> list[Finding]:
        return [
            Finding(
                key=f"{code}:{i}",
                agency_id=agency_id,
                object_type="test.thing",
                object_id=i,
                title=f"thing {i}",
                explanation=f"thing {i} holds",
            )
            for i in range(n)
            if holds[0]
        ]

    return ProblemModel(code=code, name=code, article="—", settings=(), subject="test.thing", find=find)


def test_the_sweeps_queries_do_not_grow_with_the_clues_of_a_batch(kit: CaseKit) -> None:
    """Raising 2 or 40 clues, finding them all again, clearing them all: the same statements."""
    counts: dict[str, list[int]] = {}
    for code, n in (("test.few", 2), ("test.many", 40)):
        holds = [True]
        model = synthetic(code, n, kit.agency.pk, holds)
        for expect in ("raised", "seen", "cleared"):
            holds[0] = expect != "cleared"
            with CaptureQueriesContext(connection) as ctx:
                result = services.run_model(model, Scope(), D(2025, 6, 30))
            assert (result.raised, result.cleared) == {
                "raised": (n, 0),
                "seen": (0, 0),
                "cleared": (0, n),
            }[expect]
            counts.setdefault(expect, []).append(len(ctx.captured_queries))
    assert all(few == many for few, many in counts.values()), counts
    assert Clue.objects.filter(model_code="test.many", state=ClueState.CLEARED).count() == 40
    assert audit_verify().ok


def test_a_condition_found_twice_in_a_run_keeps_one_clue_and_the_first_finding(
    kit: CaseKit, monkeypatch: Any
) -> None:
    monkeypatch.setattr(sweep, "BATCH", 2)
    first = Finding("test.twice:1", kit.agency.pk, "test.thing", 1, "one", "first")
    other = Finding("test.twice:2", kit.agency.pk, "test.thing", 2, "two", "two")
    again = Finding("test.twice:1", kit.agency.pk, "test.thing", 1, "one", "again")
    model = ProblemModel(
        code="test.twice",
        name="twice",
        article="—",
        settings=(),
        subject="test.thing",
        find=lambda scope, today: [first, other, again, first],  # 1 again in the next batches
    )
    for _run in range(2):
        result = services.run_model(model, Scope(), D(2025, 6, 30))
        assert (result.updated, result.cleared, result.checked) == (0, 0, 2)
    assert [c.explanation for c in Clue.objects.filter(model_code="test.twice").order_by("id")] == [
        "first",
        "two",
    ]


def test_the_seen_clues_are_one_bit_each() -> None:
    seen = sweep.Seen()
    for pk in (1, 8, 9, 40_000):
        seen.add(pk)
    assert {pk for pk in range(50_000) if pk in seen} == {1, 8, 9, 40_000}


def test_the_bulk_clear_writes_what_the_workflow_engine_writes(kit: CaseKit, monkeypatch: Any) -> None:
    """Three clues whose condition no longer holds: one cleared by the engine (`clear` event, one by
    one), two by the sweep's page-at-a-time clear; a dismissed one keeps its handling."""
    monkeypatch.setattr(sweep, "BATCH", 2)
    holds = {0, 1, 2, 3}
    model = ProblemModel(
        code="test.gone",
        name="gone",
        article="—",
        settings=(),
        subject="test.thing",
        find=lambda scope, today: [
            Finding(f"test.gone:{i}", kit.agency.pk, "test.thing", i, f"t{i}", f"e{i}") for i in sorted(holds)
        ],
    )
    today = D(2025, 6, 30)
    assert services.run_model(model, Scope(), today).raised == 4
    c0, c1, c2, c3 = Clue.objects.filter(model_code="test.gone").order_by("id")
    services.clue_apply_event(
        clue_id=c3.pk, actor=kit.world.supervisor, event="dismiss", data={"reason": "不属于问题"}
    )
    services._clear(Clue(pk=c0.pk, state=ClueState.OPEN), today)  # the engine's way
    holds.clear()
    assert services.run_model(model, Scope(), today).cleared == 3  # c1, c2 (two pages) and c3
    by_engine, *by_sweep = (Clue.objects.get(pk=c.pk) for c in (c0, c1, c2))

    def clue_facts(c: Clue) -> tuple[Any, ...]:
        return (c.state, c.condition_open, c.cleared_on, c.event_count)

    def event_facts(c: Clue) -> tuple[Any, ...]:
        e = c.events.get(kind="clear")
        return (e.on, e.actor_id, e.actor_name, e.from_state, e.to_state, e.data)

    def audit_facts(c: Clue) -> tuple[Any, ...]:
        e = AuditEntry.objects.get(action="centre.clear", object_type="centre.clue", object_id=str(c.pk))
        return (e.actor_id, e.actor_name, e.agency_id, e.object_repr == str(c), e.summary)

    for c in by_sweep:
        assert clue_facts(c) == clue_facts(by_engine)
        assert event_facts(c) == event_facts(by_engine)
        assert audit_facts(c) == audit_facts(by_engine)
    dismissed = Clue.objects.get(pk=c3.pk)
    assert (dismissed.state, dismissed.condition_open, dismissed.cleared_on) == (
        ClueState.DISMISSED,
        False,
        today,
    )
    assert not dismissed.events.filter(kind="clear").exists()
    assert audit_verify().ok
