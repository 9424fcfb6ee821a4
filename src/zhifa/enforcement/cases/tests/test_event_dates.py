"""Issue 14 / API.md: every event takes the real-world date of its act — `proposed_on` for the proposal,
`requested_on` for the request for legal review. Sent without it they keep their old behaviour (today,
without moving the case's last act); an undated case event of the rest of the table still does."""

from __future__ import annotations

import datetime as dt

import pytest

from zhifa.core.errors import InvalidInput
from zhifa.enforcement.cases import hooks
from zhifa.enforcement.cases.factories import add_investigation_record, ev, register
from zhifa.enforcement.cases.models import CaseEvent, State

pytestmark = pytest.mark.django_db

D = dt.date


def _filed(kit):  # type: ignore[no-untyped-def]
    case = register(kit, discovered_on="2025-03-03", occurred_on="2025-03-01")
    case = ev(
        case,
        kit.world.approver_a,
        "file",
        officer_ids=[kit.officer_a.pk, kit.officer_a2.pk],
        filed_on="2025-03-03",
    )
    if not hooks.file_items(case):
        add_investigation_record(case, kit.world.officer_a)
    return case


PROPOSAL = {"tier": "轻微", "measures": ["fine"], "fine_amount": "3000.00", "reasons": "理由"}


def test_the_proposal_is_dated_on_its_act_and_moves_the_last_act(kit) -> None:  # type: ignore[no-untyped-def]
    case = _filed(kit)
    case = ev(case, kit.world.officer_a, "submit_proposal", proposed_on="2025-03-20", **PROPOSAL)
    assert case.state == State.PROPOSED
    event = CaseEvent.objects.filter(case=case, name="submit_proposal").get()
    assert event.occurred_on == D(2025, 3, 20)
    assert case.last_act_on == D(2025, 3, 20)
    # the next act cannot be dated before it
    with pytest.raises(InvalidInput):
        ev(case, kit.world.officer_a, "request_legal_review", requested_on="2025-03-19")
    case = ev(case, kit.world.officer_a, "request_legal_review", requested_on="2025-03-21")
    assert CaseEvent.objects.get(case=case, name="request_legal_review").occurred_on == D(2025, 3, 21)
    assert case.state == State.LEGAL_REVIEW and case.last_act_on == D(2025, 3, 21)


def test_a_proposal_cannot_be_dated_before_the_filing_nor_in_the_future(kit) -> None:  # type: ignore[no-untyped-def]
    case = _filed(kit)
    with pytest.raises(InvalidInput):
        ev(case, kit.world.officer_a, "submit_proposal", proposed_on="2025-03-02", **PROPOSAL)
    with pytest.raises(InvalidInput):
        ev(case, kit.world.officer_a, "submit_proposal", proposed_on="2025-07-01", **PROPOSAL)  # today 06-30
    with pytest.raises(InvalidInput):
        ev(case, kit.world.officer_a, "submit_proposal", proposed_on="2025-02-30", **PROPOSAL)


def test_an_undated_proposal_is_today_but_leaves_the_last_act_for_later_paper_steps(kit) -> None:  # type: ignore[no-untyped-def]
    case = _filed(kit)
    case = ev(case, kit.world.officer_a, "submit_proposal", **PROPOSAL)
    assert CaseEvent.objects.get(case=case, name="submit_proposal").occurred_on == D(2025, 6, 30)
    assert case.last_act_on == D(2025, 3, 3)
    # the head's approval entered afterwards with its real, earlier date still fits
    case = ev(case, kit.world.approver_a, "approve_decision", approved_on="2025-03-25")
    assert case.last_act_on == D(2025, 3, 25)


def test_the_api_documents_and_accepts_the_date_fields(client, kit, api_token) -> None:  # type: ignore[no-untyped-def]
    schema = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    assert "proposed_on" in schema["CaseSubmitProposalEvent"]["properties"]
    assert "requested_on" in schema["CaseRequestLegalReviewEvent"]["properties"]
    assert "document" in schema["CaseWaiveRightsEvent"]["properties"]
    case = _filed(kit)
    response = client.post(
        f"/api/v1/cases/{case.pk}/events",
        {"event": "submit_proposal", "proposed_on": "2025-03-20", **PROPOSAL},
        content_type="application/json",
        **api_token(kit.world.officer_a),
    )
    assert response.status_code == 200, response.content
    assert CaseEvent.objects.get(case=case, name="submit_proposal").occurred_on == D(2025, 3, 20)
