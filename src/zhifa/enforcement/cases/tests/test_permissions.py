"""Who sees a case and which events each persona may apply, per state (the permission matrix)."""

import pytest

from zhifa.enforcement.cases import presenters
from zhifa.enforcement.cases.models import State
from zhifa.enforcement.cases.selectors import case_get_for, case_list_for
from zhifa.enforcement.cases.tests import builders
from zhifa.org.factories import make_user
from zhifa.org.roles import Role

pytestmark = pytest.mark.django_db

PERSONAS = [
    "officer_a",
    "officer_a2",
    "bystander",
    "officer_b",
    "approver_a",
    "reviewer_a",
    "supervisor",
    "admin",
    "outsider",
]
SEES = {"officer_a", "officer_a2", "bystander", "approver_a", "reviewer_a", "supervisor", "admin"}

APPROVER_ANYTIME = {"suspend", "explain_deadline", "terminate"}
# issue 12: transfer to the judicial organs before execution; appeals, revocation and change once decided;
# cash handed in by the handlers once collected
TRANSFER = {"transfer_to_judicial"}
ON_DECISION = {"record_appeal", "end_appeal", "revoke", "change"}
CASH = {"hand_in_cash"}
MATRIX = {
    State.REGISTERED: {
        "approver_a": {"file", "decline"} | APPROVER_ANYTIME,
    },
    State.INVESTIGATING: {
        "officer_a": {"submit_proposal", "resolve_preservation"},
        "officer_a2": {"submit_proposal", "resolve_preservation"},
        "approver_a": {
            "assign_officers",
            "record_recusal",
            "record_preservation",
            "resolve_preservation",
            "decide_no_penalty",
            "extend_deadline",
        }
        | APPROVER_ANYTIME
        | TRANSFER,
    },
    State.LEGAL_REVIEW: {
        "reviewer_a": {"approve_legal_review", "return_legal_review"},
        "approver_a": {"assign_officers", "record_recusal", "extend_deadline"} | APPROVER_ANYTIME | TRANSFER,
    },
    State.NOTIFIED: {
        "officer_a": {
            "submit_proposal",
            "request_legal_review",
            "record_statement",
            "request_hearing",
            "waive_rights",
        },
        "officer_a2": {
            "submit_proposal",
            "request_legal_review",
            "record_statement",
            "request_hearing",
            "waive_rights",
        },
        "approver_a": {
            "assign_officers",
            "record_recusal",
            "record_deliberation",
            "decide",
            "decide_no_penalty",
            "extend_deadline",
        }
        | APPROVER_ANYTIME
        | TRANSFER,
    },
    State.SERVED: {
        "officer_a": {"record_payment", "serve_reminder"} | CASH,
        "officer_a2": {"record_payment", "serve_reminder"} | CASH,
        "approver_a": {
            "assign_officers",
            "record_recusal",
            "record_payment",
            "approve_deferral",
            "apply_court_enforcement",
        }
        | APPROVER_ANYTIME
        | TRANSFER
        | ON_DECISION
        | CASH,
    },
    State.CLOSED: {
        "officer_a": {"archive"} | CASH,
        "officer_a2": {"archive"} | CASH,
        "approver_a": {"archive", "explain_deadline"} | ON_DECISION | CASH,
    },
    State.ARCHIVED: {"approver_a": ON_DECISION},
}


@pytest.fixture
def people(kit):
    w = kit.world
    bystander = make_user(
        "bystander", node=w.squad_a2, roles=[(Role.OFFICER, w.squad_a2)], full_name="旁观者"
    )
    return {**{name: getattr(w, name) for name in PERSONAS if name != "bystander"}, "bystander": bystander}


@pytest.mark.parametrize("state", list(MATRIX))
def test_permission_matrix(kit, people, state) -> None:
    case = builders.ordinary(kit, state)
    for name, user in people.items():
        visible = case_get_for(user=user, case_id=case.pk)
        assert (visible is not None) == (name in SEES), name
        assert case_list_for(user=user).filter(pk=case.pk).exists() == (name in SEES), name
        if visible is None:
            continue
        expected = MATRIX[state].get(name, set())
        assert set(presenters.allowed_events(visible, user)) == expected, (state, name)


def test_personal_data_is_whole_only_for_handlers_and_approvers(kit, people) -> None:
    case = builders.ordinary(kit, State.INVESTIGATING, party=builders.PERSON)
    for name, user in people.items():
        visible = case_get_for(user=user, case_id=case.pk)
        if visible is None:
            continue
        party = presenters.case_dict(visible, user=user)["party"]
        whole = name in {"officer_a", "officer_a2", "approver_a"}
        assert party["masked"] is not whole, name
        assert (party["id_number"] == builders.PERSON["id_number"]) is whole, name


def test_an_organisation_name_is_never_masked(kit, people) -> None:
    case = builders.ordinary(kit, State.REGISTERED)
    party = presenters.case_dict(case, user=people["supervisor"])["party"]
    assert party["name"] == "海州市某某市政工程有限公司" and not party["masked"]


def test_handlers_see_the_partys_other_cases_in_their_scope(kit, people) -> None:
    from zhifa.enforcement.cases.selectors import party_other_cases

    first = builders.ordinary(kit, State.CLOSED, party=builders.PERSON)
    second = builders.ordinary(kit, State.INVESTIGATING, party=builders.PERSON)
    assert [c.pk for c in party_other_cases(user=people["officer_a"], case=second)] == [first.pk]
    assert party_other_cases(user=people["officer_b"], case=second) == []
