"""The campaign's states on the shared workflow engine: one door, an event row per event, the audit
entry, the refusals (state, role, date) and the drawing generated from the table."""

from __future__ import annotations

import datetime as dt

import pytest

from zhifa.audit.models import AuditEntry
from zhifa.core.errors import Conflict, Forbidden, InvalidInput
from zhifa.enforcement.cases.factories import CaseKit
from zhifa.supervision.reviews.models import Campaign, CampaignEvent
from zhifa.supervision.reviews.services import file_score
from zhifa.supervision.reviews.tests.builders import clean_case, make_campaign
from zhifa.supervision.reviews.workflow import CAMPAIGNS, campaign_apply_event

pytestmark = pytest.mark.django_db
SEED = "5e" * 32


def _score_all(campaign: Campaign) -> None:
    for f in campaign.files.all():
        items = [
            {"code": p["code"], "deduction": p["deduction"], "note": ""}
            for p in f.precheck
            if p["outcome"] == "flag" and not p.get("veto")
        ]
        vetoes = [p["code"] for p in f.precheck if p["outcome"] == "flag" and p.get("veto")]
        file_score(actor=f.reviewer, file_id=f.pk, items=items, vetoes=vetoes)


def test_a_campaign_goes_through_its_table_with_an_event_row_and_audit_each(kit: CaseKit) -> None:
    w = kit.world
    clean_case(kit)
    c = make_campaign(kit, sample_count=1)
    assert [t.event for t in CAMPAIGNS.allowed_events(c, w.supervisor)] == ["draw"]
    assert CAMPAIGNS.allowed_events(c, w.officer_b) == []
    c = campaign_apply_event(campaign_id=c.pk, actor=w.supervisor, event="draw", data={"seed": SEED})
    assert c.state == "drawn" and c.seed == SEED and c.files.count() == 1
    _score_all(c)
    c = campaign_apply_event(campaign_id=c.pk, actor=w.supervisor, event="finish", data={})
    assert c.state == "finished" and c.finished_on == dt.date(2025, 6, 30)
    c = campaign_apply_event(campaign_id=c.pk, actor=w.supervisor, event="publish", data={})
    assert c.state == "finished" and c.published_at is not None
    rows = list(CampaignEvent.objects.filter(campaign=c).order_by("id"))
    assert [(r.kind, r.from_state, r.to_state) for r in rows] == [
        ("draw", "setup", "drawn"),
        ("finish", "drawn", "finished"),
        ("publish", "finished", "finished"),
    ]
    assert rows[0].data["seed"] == SEED and rows[0].data["files"] == 1 and rows[0].actor_id == w.supervisor.pk
    actions = list(
        AuditEntry.objects.filter(object_id=str(c.pk), action__startswith="reviews.campaign_")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions[-3:] == ["reviews.campaign_draw", "reviews.campaign_finish", "reviews.campaign_publish"]
    entry = AuditEntry.objects.filter(action="reviews.campaign_draw").latest("id")
    assert entry.summary["pool_digest"] == c.pool_digest and entry.summary["seed"] == SEED


def test_refusals_keep_their_codes_and_change_nothing(kit: CaseKit) -> None:
    w = kit.world
    clean_case(kit)
    c = make_campaign(kit, sample_count=1)
    with pytest.raises(Conflict) as exc:
        campaign_apply_event(campaign_id=c.pk, actor=w.supervisor, event="finish", data={})
    assert exc.value.code == "campaign_not_open"
    with pytest.raises(Conflict) as exc:
        campaign_apply_event(campaign_id=c.pk, actor=w.supervisor, event="publish", data={})
    assert exc.value.code == "campaign_not_finished"
    with pytest.raises(Forbidden) as forbidden:
        campaign_apply_event(campaign_id=c.pk, actor=w.approver_a, event="draw", data={})
    assert forbidden.value.code == "not_bureau"
    with pytest.raises(InvalidInput):
        campaign_apply_event(campaign_id=c.pk, actor=w.supervisor, event="draw", data={"seed": "xyz"})
    with pytest.raises(InvalidInput) as unknown:
        campaign_apply_event(campaign_id=c.pk, actor=w.supervisor, event="explode", data={})
    assert unknown.value.code == "unknown_event"
    assert not CampaignEvent.objects.filter(campaign=c).exists()
    c.refresh_from_db()
    assert c.state == "setup" and c.pool.count() == 0
    c = campaign_apply_event(campaign_id=c.pk, actor=w.supervisor, event="draw", data={"seed": SEED})
    with pytest.raises(Conflict) as exc:
        campaign_apply_event(campaign_id=c.pk, actor=w.supervisor, event="draw", data={})
    assert exc.value.code == "already_drawn"
    with pytest.raises(Conflict) as exc:
        campaign_apply_event(campaign_id=c.pk, actor=w.supervisor, event="finish", data={})
    assert exc.value.code == "files_pending"
    _score_all(c)
    with pytest.raises(InvalidInput):  # not in the future
        campaign_apply_event(campaign_id=c.pk, actor=w.supervisor, event="finish", data={"on": "2025-07-01"})
    with pytest.raises(InvalidInput):
        campaign_apply_event(campaign_id=c.pk, actor=w.supervisor, event="finish", data={"on": "30/06/2025"})
    campaign_apply_event(campaign_id=c.pk, actor=w.supervisor, event="finish", data={})
    campaign_apply_event(campaign_id=c.pk, actor=w.supervisor, event="publish", data={})
    with pytest.raises(Conflict) as exc:
        campaign_apply_event(campaign_id=c.pk, actor=w.supervisor, event="publish", data={})
    assert exc.value.code == "already_published"


def test_the_campaign_page_refuses_in_place(kit: CaseKit, login_as) -> None:  # type: ignore[no-untyped-def]
    w = kit.world
    clean_case(kit)
    c = make_campaign(kit, sample_count=1)
    client = login_as(w.supervisor)
    r = client.post(f"/reviews/campaigns/{c.pk}/finish/")
    assert r.status_code == 409 and not CampaignEvent.objects.filter(campaign=c).exists()
    r = client.post(f"/reviews/campaigns/{c.pk}/draw/", {"seed": "not hex"})
    assert r.status_code == 400
    assert client.post(f"/reviews/campaigns/{c.pk}/draw/", {"seed": SEED}).status_code == 302
    assert CampaignEvent.objects.filter(campaign=c, kind="draw").count() == 1


def test_the_drawing_is_generated_from_the_table() -> None:
    from zhifa.core.workflow_doc import workflow_docs

    doc = workflow_docs()["docs/workflow-reviews.md"]
    assert doc.is_current()
    text = doc.render()
    assert "setup --> drawn" in text and "drawn --> finished" in text


def test_finish_and_publish_through_the_api(kit: CaseKit, api_token) -> None:  # type: ignore[no-untyped-def]
    import json

    from django.test import Client

    w = kit.world
    clean_case(kit)
    c = make_campaign(kit, sample_count=1)
    boss = api_token(w.supervisor)
    url = f"/api/v1/reviews/campaigns/{c.pk}/events"

    def post(body: dict, headers: dict = boss):  # type: ignore[no-untyped-def, type-arg]
        return Client().post(url, json.dumps(body), content_type="application/json", **headers)

    assert post({"event": "finish"}).json()["code"] == "campaign_not_open"
    assert post({"event": "draw"}).status_code in (400, 422)  # the draw has its own operation
    assert post({"event": "finish", "when": "x"}).status_code == 400
    assert post({"event": "finish"}, api_token(w.approver_a)).status_code == 403
    c = campaign_apply_event(campaign_id=c.pk, actor=w.supervisor, event="draw", data={"seed": SEED})
    _score_all(c)
    assert post({"event": "finish", "on": "2025-06-01"}).status_code == 400  # before the draw
    assert post({"event": "finish", "on": "not a date"}).status_code in (400, 422)
    r = post({"event": "finish", "on": "2025-06-30"})
    assert r.status_code == 200 and r.json()["state"] == "finished"
    r = post({"event": "publish"})
    assert r.status_code == 200 and r.json()["published_at"]
    assert post({"event": "publish"}).status_code == 409
    assert [e.kind for e in CampaignEvent.objects.filter(campaign=c).order_by("id")] == [
        "draw",
        "finish",
        "publish",
    ]
