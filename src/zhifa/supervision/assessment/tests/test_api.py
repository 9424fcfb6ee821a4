"""The API contract: names of shared/API.md, unknown fields refused, the whole round through it."""

import datetime as dt
import io

import pytest
import time_machine
from pypdf import PdfReader

from zhifa.supervision.assessment.tests.builders import SMALL_ROWS
from zhifa.supervision.assessment.tests.conftest import SH

pytestmark = [pytest.mark.django_db, pytest.mark.clock]


def _post(client, path: str, body: dict, headers: dict):
    return client.post(path, body, content_type="application/json", **headers)


def test_a_round_through_the_api(world, people, frozen, client, api_token) -> None:
    boss = api_token(world.users["supervisor"])
    r = _post(
        client,
        "/api/v1/assessments/indicator-sets",
        {
            "code": "api",
            "year": 2026,
            "name": "接口指标",
            "total_points": "10",
            "late_deduction": "1",
            "nodes": SMALL_ROWS,
        },
        boss,
    )
    assert r.status_code == 201, r.content
    set_id = r.json()["id"]
    assert [n["weight"] for n in r.json()["nodes"]][:2] == ["60.0", "40.0"]
    body = {
        "name": "2026年度依法行政考核",
        "year": 2026,
        "set_id": set_id,
        "agency_ids": [world.agency_a.pk, world.agency_b.pk],
        "assessor_ids": [people.assessor.pk],
        "self_check_due": "2026-03-20",
        "cutoff_on": "2026-03-01",
    }
    assert (
        _post(client, "/api/v1/assessments", body | {"cutof_on": "2026-03-01"}, boss).json()["code"]
        == "unknown_field"
    )
    r = _post(client, "/api/v1/assessments", body, boss)
    assert r.status_code == 201, r.content
    rid = r.json()["id"]
    assert r.json()["allowed_events"] == ["open"]
    r = _post(client, f"/api/v1/assessments/{rid}/events", {"event": "open", "on": "2026-02-20"}, boss)
    assert r.status_code == 200 and r.json()["state"] == "self_check"
    assert r.json()["agencies"][0]["deadline"]["due_on"] == "2026-03-20"

    agency = api_token(world.users["approver_a"])
    r = _post(
        client,
        f"/api/v1/assessments/{rid}/submissions",
        {
            "agency_id": world.agency_a.pk,
            "items": [{"code": "1.1", "score": "4", "explanation": "已履行"}],
            "submit": True,
        },
        agency,
    )
    assert r.status_code == 400 and r.json()["code"] == "self_scores_missing"
    from zhifa.supervision.assessment.demo_data import DEMO_PDF
    from zhifa.supervision.assessment.models import Material

    damaged = io.BytesIO(DEMO_PDF[:60])  # the header of a real PDF, its pages cut off
    damaged.name = "台账.pdf"
    r = client.post(
        f"/api/v1/assessments/{rid}/materials",
        {"file": damaged, "agency_id": world.agency_a.pk, "code": "1.2"},
        **agency,
    )
    assert r.status_code == 400 and r.json()["code"] == "file_corrupt" and "损坏" in r.json()["message"]
    assert not Material.objects.exists()
    r = client.post(
        f"/api/v1/assessments/{rid}/materials",
        {"file": io.BytesIO(DEMO_PDF), "agency_id": world.agency_a.pk, "code": "1.2"},
        **agency,
    )
    assert r.status_code == 201 and len(r.json()["sha256"]) == 64
    r = _post(
        client,
        f"/api/v1/assessments/{rid}/submissions",
        {
            "agency_id": world.agency_a.pk,
            "items": [{"code": "1.2", "score": "2", "explanation": "已聘请"}],
            "submit": True,
        },
        agency,
    )
    assert r.status_code == 200 and r.json()["state"] == "submitted" and r.json()["late"] is False
    assert (
        _post(
            client,
            f"/api/v1/assessments/{rid}/submissions",
            {"agency_id": world.agency_b.pk, "items": []},
            agency,
        ).status_code
        == 404
    )

    assert (
        _post(client, f"/api/v1/assessments/{rid}/events", {"event": "start_assessment"}, boss).status_code
        == 200
    )
    assessor = api_token(people.assessor)
    r = _post(
        client,
        f"/api/v1/assessments/{rid}/scores",
        {"agency_id": world.agency_a.pk, "items": [{"code": "2.2", "score": "1"}]},
        assessor,
    )
    assert r.status_code == 400 and r.json()["code"] == "reason_required"
    for agency_id in (world.agency_a.pk, world.agency_b.pk):
        items = [
            {"code": "1.1", "score": "3"},
            {"code": "1.2", "score": "2"},
            {"code": "2.2", "score": "1", "reason": "按台账核定"},
        ]
        assert (
            _post(
                client,
                f"/api/v1/assessments/{rid}/scores",
                {"agency_id": agency_id, "items": items},
                assessor,
            ).status_code
            == 200
        )
    r = client.get(f"/api/v1/assessments/{rid}/agencies/{world.agency_a.pk}", **assessor)
    leaf = next(x for x in r.json()["leaves"] if x["code"] == "1.1")
    assert (leaf["self_score"], leaf["assessor_score"], leaf["disagreement"]) == ("4.0", "3.0", "-1.0")
    unregistered = next(x for x in r.json()["leaves"] if x["code"] == "2.2")
    assert unregistered["figure"] == "unregistered" and unregistered["value_text"] == "未登记"
    assert (
        client.get(f"/api/v1/assessments/{rid}/ranking", **assessor).status_code == 404
    )  # not confirmed yet

    with_time = {"event": "submit_review", "on": "2026-03-10"}
    assert (
        _post(client, f"/api/v1/assessments/{rid}/events", with_time, boss).status_code == 409
    )  # B still in time
    with time_machine.travel(dt.datetime(2026, 3, 23, 10, 0, tzinfo=SH), tick=False):  # B's period is over
        boss = api_token(world.users["supervisor"])
        assert (
            _post(client, f"/api/v1/assessments/{rid}/events", {"event": "submit_review"}, boss).status_code
            == 200
        )
        assert (
            _post(client, f"/api/v1/assessments/{rid}/events", {"event": "finish"}, boss).status_code == 200
        )
    r = client.get(f"/api/v1/assessments/{rid}/ranking", **assessor)
    assert r.status_code == 200 and r.json()["final"] is True
    first, second = r.json()["agencies"]
    assert (first["agency_id"], first["rank"], second["rank"]) == (world.agency_a.pk, 1, 2)
    assert second["late_deduction"] == "1.0"  # B never submitted
    r = client.get(f"/api/v1/assessments/{rid}/report?agency={world.agency_a.pk}", **agency)
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(r.content)).pages)
    assert "第 1 名" in text
    assert (
        client.get(f"/api/v1/assessments/{rid}/report", **agency).status_code == 404
    )  # overall: the bureau's


def test_outsiders_see_no_round(world, people, frozen, client, api_token) -> None:
    assert client.get("/api/v1/assessments", **api_token(world.users["officer_b"])).json() == []
    assert client.get("/api/v1/assessments/999", **api_token(world.users["officer_b"])).status_code == 404
    r = _post(
        client,
        "/api/v1/assessments/indicator-sets",
        {"code": "x", "year": 2026, "name": "x", "nodes": []},
        api_token(world.users["approver_a"]),
    )
    assert r.status_code == 403
