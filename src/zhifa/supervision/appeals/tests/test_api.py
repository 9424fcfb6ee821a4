from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.core.cache import caches
from django.test import Client

from zhifa.supervision.appeals.tests.conftest import rec_data

pytestmark = pytest.mark.django_db


def post(client: Client, url: str, body: dict[str, Any], headers: dict[str, str]) -> Any:
    return client.post(url, body, content_type="application/json", **headers)


def test_create_detail_events_and_history(world: Any, frozen: Any, api_token: Any) -> None:
    client = Client()
    h = api_token(world.supervisor)
    data = rec_data(world)
    r = post(client, "/api/v1/appeals", data, h)
    assert r.status_code == 201, r.content
    body = r.json()
    appeal_id = body["id"]
    assert body["state"] == "received" and body["applicant"]["name"] == "张三丰"
    assert body["allowed_events"] == ["accept", "refuse", "request_amendment", "terminate"]
    assert body["deadlines"][0]["kind"] == "appeals.acceptance_review"

    r = post(client, f"/api/v1/appeals/{appeal_id}/events", {"event": "accept", "colour": "red"}, h)
    assert r.status_code == 400 and r.json()["code"] == "unknown_field"
    r = post(client, f"/api/v1/appeals/{appeal_id}/events", {"event": "explode"}, h)
    assert r.status_code == 400 and r.json()["code"] == "unknown_event"  # as every workflow API answers
    r = post(
        client,
        f"/api/v1/appeals/{appeal_id}/events",
        {"event": "refuse", "ground": "nonsense", "reason": "无理由的"},
        h,
    )
    assert r.status_code == 400 and r.json()["detail"]["field"] == "ground"
    r = post(
        client,
        f"/api/v1/appeals/{appeal_id}/events",
        {"event": "decide", "outcome": "upheld", "reasons": "事实清楚"},
        h,
    )
    assert r.status_code == 409 and r.json()["code"] == "event_not_allowed_in_state"
    r = post(client, f"/api/v1/appeals/{appeal_id}/events", {"event": "accept"}, h)
    assert r.status_code == 200 and r.json()["state"] == "accepted"

    r = client.get(f"/api/v1/appeals/{appeal_id}/events", **h)
    assert [e["kind"] for e in r.json()["results"]] == ["receive", "accept"]
    r = client.get("/api/v1/appeals?kind=reconsideration", **h)
    assert r.json()["count"] == 1 and r.json()["results"][0]["colour"] == "green"

    # an officer of the respondent sees the appeal with the applicant masked; another agency does not
    officer = api_token(world.officer_a)
    r = client.get(f"/api/v1/appeals/{appeal_id}", **officer)
    assert (
        r.status_code == 200
        and r.json()["applicant"]["name"] != "张三丰"
        and r.json()["allowed_events"] == []
    )
    r = post(client, f"/api/v1/appeals/{appeal_id}/events", {"event": "send_copy"}, officer)
    assert r.status_code == 403
    assert client.get(f"/api/v1/appeals/{appeal_id}", **api_token(world.officer_b)).status_code == 404


def test_create_refuses_unknown_fields(world: Any, frozen: Any, api_token: Any) -> None:
    r = post(Client(), "/api/v1/appeals", {**rec_data(world), "secret": 1}, api_token(world.supervisor))
    assert r.status_code == 400 and r.json()["detail"]["field"] == "secret"


def test_public_one_click(world: Any, decided_case: Any) -> None:
    caches[settings.RATELIMIT_CACHE].clear()  # the public rate-limit counters
    client = Client()
    body = {
        "decision_number": decided_case.decision_number,
        "id_number": "91110000000000000X",
        "claims": "撤销决定",
    }
    wrong = post(client, "/api/v1/public/appeals", body, {})
    missing = post(client, "/api/v1/public/appeals", {**body, "decision_number": "没有这个号"}, {})
    assert wrong.status_code == missing.status_code == 404
    assert wrong.json() == missing.json()
    r = post(client, "/api/v1/public/appeals", {**body, "id_number": decided_case.party_id_number}, {})
    assert r.status_code == 201, r.content
    code = r.json()["tracking_code"]
    assert decided_case.party_name not in r.content.decode()
    r = client.get(f"/api/v1/public/appeals/{code.lower()}")
    assert r.status_code == 200 and r.json()["state"] == "received"
    assert decided_case.party_id_number not in r.content.decode()
    assert post(client, "/api/v1/public/appeals", {**body, "extra": 1}, {}).status_code == 400
    for _ in range(5):
        last = post(client, "/api/v1/public/appeals", body, {})
    assert last.status_code == 429
    caches[settings.RATELIMIT_CACHE].clear()  # the public rate-limit counters


def test_system_step_refused_and_documents_as_pdf(world: Any, frozen: Any, api_token: Any) -> None:
    client = Client()
    h = api_token(world.supervisor)
    appeal_id = post(client, "/api/v1/appeals", rec_data(world), h).json()["id"]
    url = f"/api/v1/appeals/{appeal_id}"
    r = post(client, f"{url}/events", {"event": "deem_accept"}, h)
    assert r.status_code == 400 and r.json()["code"] == "unknown_event"  # the daily job's step only
    r = client.get(f"{url}/documents/acceptance_notice", **h)
    assert r.status_code == 409 and r.json()["code"] == "document_not_available"
    r = post(client, f"{url}/events", {"event": "request_amendment", "items": "补充证据"}, h)
    assert r.status_code == 200, r.content
    r = client.get(f"{url}/documents/amendment_notice", **h)
    assert (
        r.status_code == 200
        and r["Content-Type"] == "application/pdf"
        and b"".join(r.streaming_content).startswith(b"%PDF")
    )
    assert client.get(f"{url}/documents/nothing", **h).status_code == 404
    assert client.get(f"{url}/documents/amendment_notice", **api_token(world.officer_b)).status_code == 404
