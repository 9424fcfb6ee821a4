import datetime as dt
from typing import Any

import pytest
import time_machine

from zhifa.core.errors import Conflict, Forbidden, InvalidInput
from zhifa.law.services import jurisdiction_setting_set
from zhifa.supervision.normative.factories import make_draft, make_published
from zhifa.supervision.normative.models import CleanupItem, Decision, NormativeDocument, State
from zhifa.supervision.normative.selectors import public_register
from zhifa.supervision.normative.services import (
    cleanup_close,
    cleanup_decide,
    cleanup_start,
    document_apply_event,
    file_attach,
)

from .conftest import at, one_page_pdf

pytestmark = pytest.mark.django_db


PDF = one_page_pdf("征求意见稿")


def test_a_cleanup_lists_every_valid_document_and_needs_a_decision_each(world: Any) -> None:
    with time_machine.travel(at(dt.date(2025, 9, 1)), tick=False):
        common = {
            "drafter": world.officer_a,
            "reviewer": world.reviewer_a,
            "approver": world.approver_a,
            "agency": world.agency_a,
        }
        a = make_published(
            **common,
            submitted_on=dt.date(2025, 5, 5),
            published_on=dt.date(2025, 6, 3),
            number="测城管规〔2025〕1号",
        )
        b = make_published(
            **common,
            submitted_on=dt.date(2025, 5, 5),
            published_on=dt.date(2025, 6, 4),
            number="测城管规〔2025〕2号",
        )
        gone = make_published(
            **common,
            submitted_on=dt.date(2025, 5, 5),
            published_on=dt.date(2025, 6, 5),
            number="测城管规〔2025〕3号",
        )
        document_apply_event(
            document_id=gone.pk,
            actor=world.approver_a,
            event="repeal",
            data={"on": "2025-07-01", "reason": "不再适用"},
        )
        make_draft(actor=world.officer_a, agency=world.agency_a)
        with pytest.raises(Forbidden):
            cleanup_start(actor=world.officer_a, scope_id=world.agency_a.pk, name="2025年度清理")
        campaign = cleanup_start(actor=world.supervisor, scope_id=world.city.pk, name="2025年度清理")
        items = {i.document_id: i for i in campaign.items.all()}
        assert set(items) == {a.pk, b.pk}
        with pytest.raises(InvalidInput):  # repeal needs a reason
            cleanup_decide(
                actor=world.approver_a, item_id=items[b.pk].pk, decision=Decision.REPEAL, reason=""
            )
        cleanup_decide(actor=world.approver_a, item_id=items[a.pk].pk, decision=Decision.RETAIN, reason="")
        with pytest.raises(Conflict) as incomplete:
            cleanup_close(actor=world.supervisor, campaign_id=campaign.pk)
        assert incomplete.value.detail == {"open": 1}
        # The legal office may not start an amendment: the step is refused and nothing is recorded.
        with pytest.raises(Forbidden):
            cleanup_decide(
                actor=world.reviewer_a,
                item_id=items[b.pk].pk,
                decision=Decision.AMEND,
                reason="与新条例不一致",
            )
        assert CleanupItem.objects.get(pk=items[b.pk].pk).decision == ""
        assert not NormativeDocument.objects.filter(previous=b).exists()
        cleanup_decide(
            actor=world.approver_a, item_id=items[b.pk].pk, decision=Decision.AMEND, reason="与新条例不一致"
        )
        # 修改 starts the amendment through the document's own step: a new draft version.
        new = NormativeDocument.objects.get(previous=b)
        assert new.state == State.DRAFT and new.version == 2 and "与新条例不一致" in new.explanation
        assert b.events.filter(kind="amend").exists()
        with pytest.raises(Conflict):  # a decision carried out is final
            cleanup_decide(
                actor=world.approver_a, item_id=items[b.pk].pk, decision=Decision.RETAIN, reason=""
            )
        assert cleanup_close(actor=world.supervisor, campaign_id=campaign.pk).closed_on == dt.date(2025, 9, 1)


def test_a_cleanup_repeal_decision_repeals_the_document(world: Any) -> None:
    with time_machine.travel(at(dt.date(2025, 9, 1)), tick=False):
        doc = make_published(
            drafter=world.officer_a,
            reviewer=world.reviewer_a,
            approver=world.approver_a,
            agency=world.agency_a,
            submitted_on=dt.date(2025, 5, 5),
            published_on=dt.date(2025, 6, 3),
            number="测城管规〔2025〕1号",
        )
        campaign = cleanup_start(actor=world.supervisor, scope_id=world.city.pk, name="2025年度清理")
        item = campaign.items.get()
        cleanup_decide(
            actor=world.approver_a, item_id=item.pk, decision=Decision.REPEAL, reason="上位法已废止"
        )
    doc.refresh_from_db()
    assert doc.state == State.REPEALED and doc.repealed_on == dt.date(2025, 9, 1)
    assert "2025年度清理" in doc.repeal_reason and "上位法已废止" in doc.repeal_reason
    assert [e.kind for e in doc.events.all()][-1] == "repeal"
    assert [(e.document.pk, e.status) for e in public_register(q="", status="repealed")] == [
        (doc.pk, "repealed")
    ]


def test_files_are_stored_checked_and_served_to_the_agency_only(
    world: Any, login_as: Any, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    doc = make_draft(actor=world.officer_a, agency=world.agency_a)
    with pytest.raises(InvalidInput):
        file_attach(
            document_id=doc.pk, actor=world.officer_a, role="draft", name="a.exe", content=b"MZ\x90\x00junk"
        )
    with pytest.raises(Forbidden):
        file_attach(document_id=doc.pk, actor=world.reviewer_a, role="draft", name="a.pdf", content=PDF)
    row = file_attach(
        document_id=doc.pk, actor=world.officer_a, role="draft", name="征求意见稿.pdf", content=PDF
    )
    r = login_as(world.reviewer_a).get(f"/normative/{doc.pk}/files/{row.pk}/")
    assert r.status_code == 200 and b"".join(r.streaming_content) == PDF
    assert login_as(world.officer_b).get(f"/normative/{doc.pk}/files/{row.pk}/").status_code == 404
    page = login_as(world.officer_a).post(f"/normative/{doc.pk}/files/", {"role": "draft"})
    assert page.status_code == 400 and "请选择文件" in page.content.decode()


def test_the_detail_page_shows_the_jurisdiction_setting_applied(world: Any, login_as: Any) -> None:
    jurisdiction_setting_set(actor=None, node=world.city, key="normative.filing_days", value="30")
    with time_machine.travel(at(dt.date(2025, 6, 10)), tick=False):
        doc = make_published(
            drafter=world.officer_a,
            reviewer=world.reviewer_a,
            approver=world.approver_a,
            agency=world.agency_a,
            submitted_on=dt.date(2025, 5, 5),
            published_on=dt.date(2025, 6, 3),
            number="测城管规〔2025〕1号",
        )
        page = login_as(world.officer_a).get(f"/normative/{doc.pk}/").content.decode()
    assert "30日，测试市人民政府设置" in page and "2025-07-03" in page


def test_cleanup_pages(world: Any, login_as: Any) -> None:
    with time_machine.travel(at(dt.date(2025, 9, 1)), tick=False):
        doc = make_published(
            drafter=world.officer_a,
            reviewer=world.reviewer_a,
            approver=world.approver_a,
            agency=world.agency_a,
            submitted_on=dt.date(2025, 5, 5),
            published_on=dt.date(2025, 6, 3),
            number="测城管规〔2025〕1号",
        )
        sup = login_as(world.supervisor)
        assert "测试市人民政府" in sup.get("/normative/cleanups/").content.decode()
        r = sup.post("/normative/cleanups/", {"scope_id": world.city.pk, "name": "2025年度清理"})
        assert r.status_code == 302
        url = r["Location"]
        approver = login_as(world.approver_a)
        item = approver.get(url).context["items"][0]
        assert item.document_id == doc.pk
        r = approver.post(url, {"item_id": item.pk, "decision": "repeal", "reason": ""})
        assert r.status_code == 400 and "必填" in r.content.decode()
        assert approver.post(url, {"item_id": item.pk, "decision": "retain"}).status_code == 302
        assert login_as(world.officer_b).get(url).status_code == 403
