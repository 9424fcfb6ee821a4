from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.core.cache import caches

from zhifa.supervision.appeals import services
from zhifa.supervision.appeals.models import Appeal
from zhifa.supervision.appeals.tests.conftest import rec_data

pytestmark = pytest.mark.django_db


def test_queue_detail_and_step_with_error_in_place(world: Any, frozen: Any, login_as: Any) -> None:
    a = services.appeal_create(actor=world.supervisor, data=rec_data(world))
    client = login_as(world.supervisor)
    page = client.get("/appeals/")
    assert page.status_code == 200 and f"/appeals/{a.pk}/" in page.content.decode()
    assert "status-ok" in page.content.decode()
    page = client.get(f"/appeals/{a.pk}/")
    html = page.content.decode()
    assert page.status_code == 200 and "张三丰" in html and "form-accept" in html
    r = client.post(
        f"/appeals/{a.pk}/act/refuse/",
        {"ground": "not_competent", "reason": "不属于本机关管辖"},
        HTTP_HX_REQUEST="true",
    )
    assert (
        r.status_code == 422
        and "第三十条第二款" in r.content.decode()
        and 'id="form-refuse"' in r.content.decode()
    )
    r = client.post(f"/appeals/{a.pk}/act/accept/", {}, HTTP_HX_REQUEST="true")
    assert r.status_code == 204 and r["HX-Redirect"] == f"/appeals/{a.pk}/"
    assert Appeal.objects.get(pk=a.pk).state == "accepted"


def test_officer_sees_masked_and_no_steps(world: Any, frozen: Any, login_as: Any) -> None:
    a = services.appeal_create(actor=world.supervisor, data=rec_data(world))
    client = login_as(world.officer_a)
    html = client.get(f"/appeals/{a.pk}/").content.decode()
    assert "张三丰" not in html and "form-accept" not in html
    assert client.post(f"/appeals/{a.pk}/act/accept/", {}).status_code == 403
    assert login_as(world.officer_b).get(f"/appeals/{a.pk}/").status_code == 404


def test_receive_form_errors_in_place(world: Any, frozen: Any, login_as: Any) -> None:
    client = login_as(world.supervisor)
    r = client.post(
        "/appeals/new/",
        {
            "kind": "reconsideration",
            "respondent_id": world.agency_a.pk,
            "organ": "测试市人民政府",
            "applicant_kind": "person",
            "applicant_name": "李四",
            "act": "罚款决定",
            "claims": "撤销",
            "known_on": "2025-09-09",
            "received_on": "2025-09-01",
        },
    )
    assert r.status_code == 400 and 'role="alert"' in r.content.decode()
    assert 'name="applicant_name" value="李四"' in r.content.decode()  # what was typed is kept
    r = client.post(
        "/appeals/new/",
        {
            "kind": "reconsideration",
            "respondent_id": world.agency_a.pk,
            "organ": "测试市人民政府",
            "applicant_kind": "person",
            "applicant_name": "李四",
            "act": "罚款决定",
            "claims": "撤销",
            "known_on": "2025-08-09",
            "received_on": "2025-09-01",
            "informed": "on",
        },
    )
    assert r.status_code == 302
    assert Appeal.objects.get().applicant_name == "李四"


def test_agency_view_lists_answers_due(world: Any, frozen: Any, login_as: Any) -> None:
    a = services.appeal_create(actor=world.supervisor, data=rec_data(world))
    services.appeal_apply_event(appeal_id=a.pk, actor=world.supervisor, event="accept", data={})
    services.appeal_apply_event(appeal_id=a.pk, actor=world.supervisor, event="send_copy", data={})
    html = login_as(world.reviewer_a).get("/appeals/agency/").content.decode()
    assert f"/appeals/{a.pk}/" in html and "status-" in html
    assert f"/appeals/{a.pk}/" in login_as(world.supervisor).get("/appeals/agency/").content.decode()
    assert login_as(world.officer_a).get("/appeals/agency/").status_code == 403


def test_case_page_lists_appeals(world: Any, decided_case: Any, login_as: Any) -> None:
    a = services.appeal_create(
        actor=world.supervisor, data=rec_data(world, case_id=decided_case.pk, known_on="2025-08-07")
    )
    html = login_as(world.approver_a).get(f"/cases/{decided_case.pk}/").content.decode()
    assert 'id="case-appeals"' in html and f"/appeals/{a.pk}/" in html
    detail = login_as(world.supervisor).get(f"/appeals/{a.pk}/").content.decode()
    assert 'id="appeal-case"' in detail and decided_case.decision_number in detail


def test_public_one_click_page(world: Any, decided_case: Any, client: Any) -> None:
    caches[settings.RATELIMIT_CACHE].clear()  # the public rate-limit counters
    r = client.post(
        "/appeals/apply/",
        {
            "decision_number": decided_case.decision_number,
            "id_number": "91110000000000000X",
            "claims": "撤销",
        },
    )
    assert r.status_code == 404 and decided_case.party_name not in r.content.decode()
    r = client.post(
        "/appeals/apply/",
        {
            "decision_number": decided_case.decision_number,
            "id_number": decided_case.party_id_number,
            "claims": "撤销该决定",
        },
    )
    assert r.status_code == 302
    page = client.get(r["Location"])
    assert page.status_code == 200 and decided_case.party_name not in page.content.decode()
    assert client.get("/appeals/track/?code=NOPE").status_code == 404
    caches[settings.RATELIMIT_CACHE].clear()  # the public rate-limit counters


def test_stats_page_per_agency_and_total(world: Any, frozen: Any, login_as: Any) -> None:
    a = services.appeal_create(actor=world.supervisor, data=rec_data(world))
    for event, actor, data in (
        ("accept", world.supervisor, {}),
        ("send_copy", world.supervisor, {}),
        ("answer", world.reviewer_a, {"summary": "答复意见"}),
        ("decide", world.supervisor, {"outcome": "revoked", "reasons": "事实不清"}),
    ):
        services.appeal_apply_event(appeal_id=a.pk, actor=actor, event=event, data=data)
    page = login_as(world.supervisor).get("/appeals/stats/?year=2025")
    html = page.content.decode()
    assert page.status_code == 200 and world.agency_a.name in html
    total = html.split('id="appeal-stats-total"')[1]
    assert "100.0%" in total and "(1/1)" in total  # one decision, corrected; one answer, on time
    assert login_as(world.officer_a).get("/appeals/stats/").status_code == 403
