"""The reviewed case's evidence files beside the score sheet: listed (personal data masked for the
cross-agency reviewer) and served to the assigned reviewer and the bureau only, each view audited."""

from __future__ import annotations

from typing import Any

import pytest

from zhifa.audit.models import AuditEntry
from zhifa.enforcement.cases.factories import CaseKit
from zhifa.enforcement.evidence.factories import jpeg_bytes, make_evidence
from zhifa.enforcement.evidence.models import Evidence
from zhifa.supervision.reviews.services import campaign_draw
from zhifa.supervision.reviews.tests.builders import clean_case, make_campaign

pytestmark = pytest.mark.django_db
SEED = "6d" * 32


def _evidence(kit: CaseKit, case: Any, **meta: Any) -> Evidence:
    e = make_evidence(
        actor=kit.world.officer_a,
        agency=kit.world.agency_a,
        data=jpeg_bytes("现场", seed=len(meta.get("name", ""))),
        kind="photo",
        name=meta.pop("name", "现场照片.jpg"),
        description=meta.pop("description", "当事人王小明在店门前占道经营"),
        party_name=meta.pop("party_name", "王小明"),
    )
    Evidence.objects.filter(pk=e.pk).update(case=case)  # attached to the case it belongs to
    e.refresh_from_db()
    return e


def test_the_reviewer_sees_and_opens_the_cases_evidence_beside_the_sheet(kit: CaseKit, login_as: Any) -> None:
    w = kit.world
    case = clean_case(kit)
    photo = _evidence(kit, case)
    gone = _evidence(kit, case, name="已销毁.jpg")
    Evidence.objects.filter(pk=gone.pk).update(destroyed_at=photo.uploaded_at)
    other = _evidence(kit, None, name="别的案件.jpg")
    c = campaign_draw(actor=w.supervisor, campaign_id=make_campaign(kit, sample_count=5).pk, seed=SEED)
    file = c.files.get(case_id=case.pk)
    reviewer = login_as(file.reviewer)
    page = reviewer.get(f"/reviews/files/{file.pk}/").content.decode()
    assert 'id="evidence-files"' in page and "现场照片.jpg" in page and photo.blob.sha256[:12] in page
    assert "已销毁.jpg" not in page and "别的案件.jpg" not in page
    listed = page.split('id="evidence-files"')[1].split("</ul>")[0]
    assert "王小明" not in listed and "占道经营" in listed  # masked for a reviewer of another agency
    r = reviewer.get(f"/reviews/files/{file.pk}/evidence/{photo.pk}/")
    assert r.status_code == 200
    body = b"".join(r.streaming_content) if r.streaming else r.content  # type: ignore[attr-defined]
    assert body[:2] == b"\xff\xd8" and len(body) == photo.blob.size
    assert AuditEntry.objects.filter(action="reviews.evidence_view", object_id=str(file.pk)).exists()
    assert reviewer.get(f"/reviews/files/{file.pk}/evidence/{gone.pk}/").status_code == 404
    assert reviewer.get(f"/reviews/files/{file.pk}/evidence/{other.pk}/").status_code == 404
    assert reviewer.get(f"/reviews/files/{file.pk}/evidence/999999/").status_code == 404


def test_nobody_else_opens_it(kit: CaseKit, login_as: Any) -> None:
    w = kit.world
    case = clean_case(kit)
    photo = _evidence(kit, case)
    c = campaign_draw(actor=w.supervisor, campaign_id=make_campaign(kit, sample_count=5).pk, seed=SEED)
    file = c.files.get(case_id=case.pk)
    url = f"/reviews/files/{file.pk}/evidence/{photo.pk}/"
    assert login_as(w.officer_a2).get(url).status_code == 404  # not the assigned reviewer
    assert login_as(w.supervisor).get(url).status_code == 200  # the bureau running the campaign
    before = AuditEntry.objects.filter(action="reviews.evidence_view").count()
    assert login_as(w.officer_a2).get(url).status_code == 404
    assert AuditEntry.objects.filter(action="reviews.evidence_view").count() == before


def test_the_api_lists_the_evidence_with_its_url(kit: CaseKit, api_token: Any) -> None:
    from django.test import Client

    w = kit.world
    case = clean_case(kit)
    photo = _evidence(kit, case)
    c = campaign_draw(actor=w.supervisor, campaign_id=make_campaign(kit, sample_count=5).pk, seed=SEED)
    file = c.files.get(case_id=case.pk)
    body = Client().get(f"/api/v1/reviews/files/{file.pk}", **api_token(file.reviewer)).json()
    [row] = [e for e in body["evidence"] if e["id"] == photo.pk]
    assert len(body["evidence"]) == Evidence.objects.filter(case=case, destroyed_at=None).count()
    assert row["sha256"] == photo.blob.sha256 and "王小明" not in row["description"]
    assert row["url"] == f"/reviews/files/{file.pk}/evidence/{photo.pk}/"
    assert Client().get(f"/api/v1/reviews/files/{file.pk}", **api_token(w.officer_a2)).status_code == 404
