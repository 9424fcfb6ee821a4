import datetime as dt
from typing import Any

import pytest
import time_machine
from django.test import Client

from zhifa.supervision.normative.factories import make_draft, make_published
from zhifa.supervision.normative.models import State

from .conftest import at

pytestmark = pytest.mark.django_db


def test_queues_show_each_role_its_work_with_deadline_colours(world: Any, login_as: Any) -> None:
    with time_machine.travel(at(dt.date(2025, 6, 3)), tick=False):
        doc = make_draft(actor=world.officer_a, agency=world.agency_a, title="关于加强夜市管理的通知")
        client = login_as(world.officer_a)
        client.post(f"/normative/{doc.pk}/act/submit/", {})
        page = login_as(world.reviewer_a).get("/normative/").content.decode()
        assert "关于加强夜市管理的通知" in page and "status-ok" in page
    with time_machine.travel(at(dt.date(2025, 6, 21)), tick=False):  # due 24 June: three days left
        page = login_as(world.reviewer_a).get("/normative/").content.decode()
        assert "status-due_soon" in page
    with time_machine.travel(at(dt.date(2025, 6, 25)), tick=False):
        page = login_as(world.reviewer_a).get("/normative/").content.decode()
        assert "status-overdue" in page
    assert login_as(world.officer_b).get(f"/normative/{doc.pk}/").status_code == 404
    assert login_as(world.outsider).get("/normative/").status_code == 403


def test_register_a_draft_with_errors_in_place(world: Any, login_as: Any) -> None:
    client = login_as(world.officer_a)
    r = client.post("/normative/new/", {"agency_id": world.agency_a.pk, "title": "无依据", "basis": ""})
    assert r.status_code == 400
    assert "必填" in r.content.decode() and 'value="无依据"' in r.content.decode()
    r = client.post(
        "/normative/new/", {"agency_id": world.agency_a.pk, "title": "关于停车收费的规定", "basis": "条例"}
    )
    assert r.status_code == 302


def test_legal_office_records_a_review_and_a_refusal_stays_in_the_form(world: Any, login_as: Any) -> None:
    with time_machine.travel(at(dt.date(2025, 6, 3)), tick=False):
        doc = make_draft(actor=world.officer_a, agency=world.agency_a)
        login_as(world.officer_a).post(f"/normative/{doc.pk}/act/submit/", {})
        client = login_as(world.reviewer_a)
        page = client.get(f"/normative/{doc.pk}/").content.decode()
        assert (
            'name="authority"' in page
            and "checked" not in page.split('id="act-review"')[1].split("</form>")[0]
        )
        r = client.post(
            f"/normative/{doc.pk}/act/review/",
            {"authority": "yes", "passed": "yes", "opinion": "同意"},
            HTTP_HX_REQUEST="true",
        )
        assert r.status_code == 400
        body = r.content.decode()
        assert 'id="act-review"' in body and "no_new_penalty_or_licence" in body and "同意" in body
        answers = dict.fromkeys(
            [
                "authority",
                "no_new_penalty_or_licence",
                "no_restriction_without_basis",
                "procedure",
                "consistent_with_higher_law",
            ],
            "yes",
        )
        r = client.post(
            f"/normative/{doc.pk}/act/review/",
            {**answers, "passed": "yes", "opinion": "合法"},
            HTTP_HX_REQUEST="true",
        )
        assert r.status_code == 204 and r["HX-Redirect"] == f"/normative/{doc.pk}/"
        doc.refresh_from_db()
        assert doc.state == State.REVIEWED


def test_public_register_on_a_phone_search_and_repealed(world: Any, client: Client) -> None:
    with time_machine.travel(at(dt.date(2025, 8, 1)), tick=False):
        doc = make_published(
            drafter=world.officer_a,
            reviewer=world.reviewer_a,
            approver=world.approver_a,
            agency=world.agency_a,
            submitted_on=dt.date(2025, 6, 3),
            published_on=dt.date(2025, 6, 20),
            number="测城管规〔2025〕7号",
            title="关于规范早餐摊点经营的通知",
            text="早餐摊点应当在规定时段内经营，保持周边整洁。",
        )
        page = client.get("/portal/normative/", {"q": "早餐"}).content.decode()
        assert "测城管规〔2025〕7号" in page and "现行有效" in page
        assert client.get(f"/portal/normative/{doc.pk}/").status_code == 200
        from zhifa.supervision.normative.services import document_apply_event

        document_apply_event(
            document_id=doc.pk,
            actor=world.approver_a,
            event="repeal",
            data={"on": "2025-07-30", "reason": "已并入新规定"},
        )
        assert "测城管规〔2025〕7号" not in client.get("/portal/normative/", {"q": "早餐"}).content.decode()
        page = client.get("/portal/normative/", {"q": "早餐", "status": "repealed"}).content.decode()
        assert "测城管规〔2025〕7号" in page
        draft = make_draft(actor=world.officer_a, agency=world.agency_a)
        assert client.get(f"/portal/normative/{draft.pk}/").status_code == 404


def test_publishing_a_trial_draft_keeps_its_shorter_validity(world: Any, login_as: Any) -> None:
    from zhifa.supervision.normative.factories import ALL_YES
    from zhifa.supervision.normative.services import DraftInput, document_apply_event, document_create

    with time_machine.travel(at(dt.date(2025, 8, 1)), tick=False):
        doc = document_create(
            actor=world.officer_a,
            data=DraftInput(
                agency_id=world.agency_a.pk,
                title="临时占道停车管理暂行办法",
                basis="条例",
                trial=True,
                text="临时占道停车泊位由城市管理部门设置。",
            ),
        )
        document_apply_event(
            document_id=doc.pk, actor=world.officer_a, event="submit", data={"on": "2025-07-01"}
        )
        document_apply_event(
            document_id=doc.pk,
            actor=world.reviewer_a,
            event="review",
            data={"on": "2025-07-09", "checklist": ALL_YES, "passed": True, "opinion": "合法"},
        )
        document_apply_event(
            document_id=doc.pk,
            actor=world.approver_a,
            event="deliberate",
            data={"on": "2025-07-10", "meeting": "局务会", "record": "同意"},
        )
        client = login_as(world.approver_a)
        form = (
            client.get(f"/normative/{doc.pk}/")
            .content.decode()
            .split('id="act-publish"')[1]
            .split("</form>")[0]
        )
        assert 'name="trial" checked' in form
        r = client.post(
            f"/normative/{doc.pk}/act/publish/",
            {"number": "测城管规〔2025〕8号", "published_on": "2025-07-15", "trial": "on"},
        )
        assert r.status_code == 302
        doc.refresh_from_db()
    assert doc.validity_years == 2 and doc.expires_on == dt.date(2027, 7, 14)
