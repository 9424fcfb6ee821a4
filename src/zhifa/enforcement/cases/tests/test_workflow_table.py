"""Every (state, event) pair against the workflow table, through the real service.

A pair the table refuses must answer 409 and change nothing; a pair it allows must never answer 409
(its guards may still refuse with 400/403/422 in the case at hand), and when it succeeds the case
lands in a state the table lists for it."""

import pytest
from django.db import transaction

from zhifa.core.errors import Conflict, DomainError
from zhifa.enforcement.cases import workflow
from zhifa.enforcement.cases.models import Case, CaseEvent, State
from zhifa.enforcement.cases.services import case_apply_event
from zhifa.enforcement.cases.tests import builders

pytestmark = pytest.mark.django_db

ORDINARY_STATES = [
    State.REGISTERED,
    State.NOT_FILED,
    State.INVESTIGATING,
    State.PROPOSED,
    State.LEGAL_REVIEW,
    State.NOTIFIED,
    State.HEARING_REQUESTED,
    State.DECIDED,
    State.SERVED,
    State.EXECUTED,
    State.CLOSED,
    State.ARCHIVED,
    State.TERMINATED,
    "suspended",
]
SIMPLE_STATES = [State.REGISTERED, State.DECIDED, State.SERVED, State.EXECUTED, State.CLOSED, State.ARCHIVED]


class Rollback(Exception):
    pass


def _try_every_event(kit, case: Case) -> dict[str, str]:
    payloads = builders.payloads(kit)
    outcomes: dict[str, str] = {}
    for t in workflow.TABLE:
        if t.event == "register":
            continue
        before_events = CaseEvent.objects.filter(case=case).count()
        allowed = workflow.applicable(
            t, state=case.state, procedure=case.procedure, suspended=case.is_suspended
        )
        try:
            with transaction.atomic():
                after = case_apply_event(
                    case_id=case.pk,
                    actor=builders.actor_for(kit, t.roles),
                    event=t.event,
                    data=payloads[t.event],
                )
                assert after.state in t.possible_targets(case.state), (t.event, case.state, after.state)
                outcomes[t.event] = "applied"
                raise Rollback
        except Rollback:
            pass
        except Conflict:
            outcomes[t.event] = "conflict"
        except DomainError as exc:
            outcomes[t.event] = f"refused:{exc.status}"
        fresh = Case.objects.get(pk=case.pk)
        assert fresh.state == case.state and fresh.event_count == case.event_count, t.event
        assert CaseEvent.objects.filter(case=case).count() == before_events, t.event
        if allowed:
            assert outcomes[t.event] != "conflict", f"{case.state}/{t.event} is in the table but answered 409"
        else:
            assert outcomes[t.event] == "conflict", (
                f"{case.state}/{t.event} is not in the table: {outcomes[t.event]}"
            )
    return outcomes


@pytest.mark.parametrize("state", ORDINARY_STATES)
def test_every_event_from_every_ordinary_state(kit, state) -> None:
    case = builders.ordinary(kit, state)
    outcomes = _try_every_event(kit, case)
    allowed = [e for e, o in outcomes.items() if o != "conflict"]
    assert allowed == [
        t.event
        for t in workflow.events_from(case.state, procedure=case.procedure, suspended=case.is_suspended)
    ]


@pytest.mark.parametrize("state", SIMPLE_STATES)
def test_every_event_from_every_simple_state(kit, state) -> None:
    case = builders.simple(kit, state)
    assert case.state == state
    _try_every_event(kit, case)


def test_an_archived_case_accepts_only_what_others_decide_about_its_decision(kit) -> None:
    """The archived file is read-only for the agency's own steps; an appeal against the decision and
    its revocation or change (by the agency, an organ or a court) still reach it (行政处罚法第四十八条)."""
    case = builders.ordinary(kit, State.ARCHIVED)
    events = {t.event for t in workflow.events_from(case.state, procedure=case.procedure)}
    assert events == {"record_appeal", "end_appeal", "revoke", "change"}


def test_the_main_path_events_succeed_from_their_states(kit) -> None:
    """The pairs on the ordinary path are not just "not 409": with a proper payload they apply."""
    case = builders.ordinary(kit, State.REGISTERED)
    outcomes = _try_every_event(kit, case)
    assert outcomes["file"] == "applied"
    assert outcomes["decline"] == "applied"
    assert outcomes["terminate"] == "applied"
    assert outcomes["suspend"] == "applied"
    case = builders.ordinary(kit, State.INVESTIGATING)
    outcomes = _try_every_event(kit, case)
    for name in (
        "submit_proposal",
        "assign_officers",
        "record_recusal",
        "record_preservation",
        "extend_deadline",
    ):
        assert outcomes[name] == "applied", name
    assert outcomes["resolve_preservation"] == "refused:400"  # nothing preserved yet


def test_every_event_of_the_table_has_a_handler() -> None:
    from zhifa.enforcement.cases.events import HANDLERS

    assert set(HANDLERS) == set(workflow.EVENT_NAMES) - {"register"}
