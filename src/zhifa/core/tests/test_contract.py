"""Issue 14 finding 8: the contract as shared/API.md states it — unknown fields refused, one schema
per workflow event discriminated by `event`, unique schema names, the nine checklist keys."""

from __future__ import annotations

import pytest
from django.test import Client

from zhifa.config.api import api

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def openapi() -> dict:
    return api.get_openapi_schema()


def test_unknown_fields_are_refused_with_the_field_named(world) -> None:
    response = Client().post(
        "/api/v1/auth/token",
        {"username": "officer_a", "password": "x", "passwrod": "y"},
        content_type="application/json",
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "unknown_field" and body["detail"]["field"] == "passwrod"


def test_a_misspelt_event_date_is_refused_not_replaced_by_today(world, api_token) -> None:
    headers = api_token(world.officer_a)
    response = Client().post(
        "/api/v1/cases/1/events",
        {"event": "submit_proposal", "propsed_on": "2025-05-06"},
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 400
    assert response.json()["code"] == "unknown_field" and response.json()["detail"]["field"] == "propsed_on"


def test_unknown_event_is_400_unknown_event(world, api_token) -> None:
    response = Client().post(
        "/api/v1/cases/1/events",
        {"event": "nope"},
        content_type="application/json",
        **api_token(world.officer_a),
    )
    assert response.status_code == 400 and response.json()["code"] == "unknown_event"


def test_one_schema_per_case_event_discriminated_by_event(openapi) -> None:
    op = openapi["paths"]["/api/v1/cases/{case_id}/events"]["post"]
    schema = op["requestBody"]["content"]["application/json"]["schema"]
    text = str(schema)
    components = openapi["components"]["schemas"]
    assert "discriminator" in str(components) or "discriminator" in text
    names = [n for n in components if n.startswith("Case") and n.endswith("Event")]
    assert {"CaseFileEvent", "CaseSubmitProposalEvent", "CaseHoldHearingEvent", "CaseDecideEvent"} <= set(
        names
    )
    assert "decided_on" in components["CaseDecideEvent"]["properties"]  # each act's own date
    assert "held_on" in components["CaseHoldHearingEvent"]["properties"]
    assert components["CaseFileEvent"].get("additionalProperties") is False


def test_the_nine_checklist_keys_are_named(openapi) -> None:
    checklist = openapi["components"]["schemas"]["LegalReviewChecklist"]["properties"]
    assert set(checklist) == {
        "authority",
        "officers_qualified",
        "procedure",
        "facts_clear",
        "evidence_sufficient",
        "law_applied",
        "discretion",
        "within_power",
        "documents",
    }


def test_schema_names_are_unique_across_apps(openapi) -> None:
    # Cases and complaints both had `EventIn`: the OpenAPI showed one app's schema for the other.
    op = openapi["paths"]["/api/v1/complaints/{complaint_id}/events"]["post"]
    assert "ComplaintEventIn" in str(op["requestBody"])
    assert "EventIn" not in openapi["components"]["schemas"]


def test_public_complaint_categories(world) -> None:
    from zhifa.public.complaints.models import Category

    Category.objects.create(code="zdjy", name="占道经营", agency=world.agency_a, order=1)
    Category.objects.create(code="old", name="已停用", agency=world.agency_a, is_active=False)
    response = Client().get("/api/v1/public/complaint-categories")
    assert response.status_code == 200
    assert [c["name"] for c in response.json()] == ["占道经营"] and "id" in response.json()[0]
