import datetime as dt
from typing import Any

import pytest
import time_machine
from django.test import Client

from zhifa.supervision.normative.factories import ALL_YES, make_published

from .conftest import at

pytestmark = pytest.mark.django_db
URL = "/api/v1/normative-documents"


def post(client: Client, url: str, body: dict[str, Any], headers: dict[str, str]) -> Any:
    return client.post(url, body, content_type="application/json", **headers)


def test_draft_to_publication_through_the_api(world: Any, client: Client, api_token: Any) -> None:
    drafter, legal, boss = (
        api_token(world.officer_a),
        api_token(world.reviewer_a),
        api_token(world.approver_a),
    )
    with time_machine.travel(at(dt.date(2025, 6, 20)), tick=False):
        r = post(
            client,
            URL,
            {
                "agency_id": world.agency_a.pk,
                "title": "关于加强渣土运输管理的通知",
                "basis": "《城市市容和环境卫生管理条例》",
                "text": "渣土运输车辆应当密闭。",
            },
            drafter,
        )
        assert r.status_code == 201, r.content
        doc = r.json()
        assert doc["state"] == "draft" and doc["allowed_events"] == ["submit"]
        url = f"{URL}/{doc['id']}/events"
        assert post(client, url, {"event": "submit", "on": "2025-06-03"}, drafter).status_code == 200
        r = post(
            client,
            url,
            {"event": "review", "checklist": {"authority": True}, "passed": True, "opinion": "同意"},
            legal,
        )
        assert r.status_code == 400 and r.json()["detail"]["missing"]
        r = post(
            client,
            url,
            {"event": "review", "on": "2025-06-12", "checklist": ALL_YES, "passed": True, "opinion": "合法"},
            legal,
        )
        assert r.json()["state"] == "reviewed"
        assert r.json()["reviews"][0]["checklist"] == ALL_YES
        post(
            client,
            url,
            {"event": "deliberate", "on": "2025-06-13", "meeting": "局务会", "record": "同意"},
            boss,
        )
        r = post(
            client,
            url,
            {
                "event": "publish",
                "number": "测城管规〔2025〕2号",
                "published_on": "2025-06-16",
                "effective_on": "2025-06-15",
            },
            boss,
        )
        assert r.status_code == 422 and r.json()["code"] == "effective_before_publication"
        assert "公布" in r.json()["message"]
        r = post(
            client,
            url,
            {
                "event": "publish",
                "number": "测城管规〔2025〕2号",
                "published_on": "2025-06-16",
                "effective_on": "2025-07-01",
            },
            boss,
        )
        body = r.json()
        assert body["state"] == "published" and body["expires_on"] == "2030-06-30"
        filing = next(d for d in body["deadlines"] if d["kind"] == "normative.filing")
        assert filing["due_on"] == "2025-07-01" and filing["setting"]["value"] == "15"
        history = client.get(url, **drafter).json()
        assert [e["kind"] for e in history["results"]] == [
            "create",
            "submit",
            "review",
            "deliberate",
            "publish",
        ]


def test_unknown_fields_and_unknown_events_are_refused(world: Any, client: Client, api_token: Any) -> None:
    drafter = api_token(world.officer_a)
    r = post(
        client, URL, {"agency_id": world.agency_a.pk, "title": "t", "basis": "b", "colour": "red"}, drafter
    )
    assert r.status_code == 400 and r.json()["code"] == "unknown_field"
    r = post(client, URL, {"agency_id": world.agency_a.pk, "title": "t", "basis": "b"}, drafter)
    url = f"{URL}/{r.json()['id']}/events"
    r = post(client, url, {"event": "submit", "reason": "x"}, drafter)
    assert r.status_code == 400 and r.json()["code"] == "unknown_field"
    r = post(client, url, {"event": "explode"}, drafter)
    assert r.status_code == 400, r.content
    assert r.json()["code"] == "unknown_event" and r.json()["detail"]["event"] == "explode"
    r = post(client, url, {"on": "2025-06-03"}, drafter)
    assert r.status_code == 400 and r.json()["code"] == "unknown_event"
    r = post(client, url, {"event": "file"}, drafter)
    assert r.status_code == 409


def test_other_agencies_do_not_see_the_document(world: Any, client: Client, api_token: Any) -> None:
    r = post(
        client, URL, {"agency_id": world.agency_a.pk, "title": "t", "basis": "b"}, api_token(world.officer_a)
    )
    assert client.get(f"{URL}/{r.json()['id']}", **api_token(world.officer_b)).status_code == 404
    r = post(
        client, URL, {"agency_id": world.agency_a.pk, "title": "t", "basis": "b"}, api_token(world.officer_b)
    )
    assert r.status_code == 403


def test_public_register_searches_the_text(world: Any, client: Client) -> None:
    with time_machine.travel(at(dt.date(2025, 8, 1)), tick=False):
        doc = make_published(
            drafter=world.officer_a,
            reviewer=world.reviewer_a,
            approver=world.approver_a,
            agency=world.agency_a,
            submitted_on=dt.date(2025, 6, 3),
            published_on=dt.date(2025, 6, 20),
            number="测城管规〔2025〕5号",
            text="共享单车应当在划定的停放区域内有序停放。",
        )
        r = client.get("/api/v1/public/normative-documents", {"q": "停放", "status": "valid"})
        results = r.json()["results"]
        assert [d["id"] for d in results] == [doc.pk]
        assert results[0]["number"] == "测城管规〔2025〕5号" and results[0]["status"] == "valid"
        assert "有序停放" in results[0]["text"]
        assert client.get("/api/v1/public/normative-documents", {"status": "gone"}).status_code == 422
        assert (
            client.get("/api/v1/public/normative-documents", {"q": "停放", "status": "repealed"}).json()[
                "count"
            ]
            == 0
        )
