import datetime as dt

import pytest

from zhifa.enforcement.documents.models import Document

from .test_case_documents import START, _register, advance

pytestmark = pytest.mark.django_db


def test_the_dossier_page_lists_documents_missing_items_and_exports(client, kit, frozen) -> None:
    case = advance(kit, _register(kit), "decided", start=START)
    client.force_login(kit.world.officer_a)
    page = client.get(f"/documents/case/{case.pk}/").content.decode()
    assert "行政处罚决定书" in page and case.decision_number in page
    # an open case is never "complete", whatever it holds so far
    assert "办案流程要求的文书已齐全" not in page and "案件办结后方能确认案卷齐全" in page
    # only the decision (addressed to the party) offers 登记送达; 立案审批表, 审批表 and 笔录 do not
    assert page.count("/served/") == 1
    assert client.get(f"/documents/case/{case.pk}/dossier.pdf")["Content-Type"] == "application/pdf"
    decision = Document.objects.get(case=case, code="decision")
    assert client.get(f"/documents/{decision.pk}/pdf/").status_code == 200
    client.force_login(kit.world.officer_b)
    assert client.get(f"/documents/case/{case.pk}/").status_code == 404


def test_an_officer_writes_an_inspection_record_from_the_page(client, kit, frozen) -> None:
    case = advance(kit, _register(kit), "proposed", start=START)
    client.force_login(kit.world.officer_a)
    response = client.post(
        f"/documents/case/{case.pk}/records/",
        {
            "code": "inspection_record",
            "started_at": "2025-05-06T09:00",
            "ended_at": "2025-05-06T09:40",
            "place": "建设路",
            "findings": "路面开挖约20平方米，未见审批文件。",
        },
    )
    assert response.status_code == 302
    record = Document.objects.filter(case=case, code="inspection_record").latest("id")
    assert record.inputs["findings"].startswith("路面开挖")
    page = client.get(f"/documents/case/{case.pk}/").content.decode()
    assert "现场检查（勘验）笔录" in page


def test_marking_a_document_served_freezes_it(client, kit, frozen) -> None:
    case = advance(kit, _register(kit), "proposed", start=START)
    client.force_login(kit.world.officer_a)
    client.post(
        f"/documents/case/{case.pk}/records/", {"code": "rectification_order", "requirement": "恢复路面"}
    )
    order = Document.objects.get(case=case, code="rectification_order")
    client.post(f"/documents/{order.pk}/served/", {"served_on": "2025-06-01"})
    order.refresh_from_db()
    assert order.state == "served" and order.served_on == dt.date(2025, 6, 1)
    client.post(f"/documents/{order.pk}/regenerate/")
    assert Document.objects.filter(case=case, code="rectification_order").count() == 1


def test_an_admin_edits_a_template_and_can_go_back(client, kit) -> None:
    client.force_login(kit.world.admin)
    assert client.get("/documents/templates/").status_code == 200
    page = client.get("/documents/templates/closing_report/")
    assert page.status_code == 200
    body = page.context["body"] + "<p>附注</p>"
    assert (
        client.post("/documents/templates/closing_report/", {"body": body, "note": "加附注"}).status_code
        == 302
    )
    broken = client.post("/documents/templates/closing_report/", {"body": "{% for %}", "note": "x"})
    assert broken.status_code == 400
    from zhifa.enforcement.documents.models import DocumentTemplate

    template = DocumentTemplate.objects.get(code="closing_report")
    assert template.current.version == 2
    first = template.versions.get(version=1)
    assert (
        client.get(f"/documents/templates/closing_report/{first.pk}/preview.pdf")["Content-Type"]
        == "application/pdf"
    )
    client.post(f"/documents/templates/closing_report/{first.pk}/activate/")
    template.refresh_from_db()
    assert template.current_id == first.pk
    client.force_login(kit.world.officer_a)
    assert client.get("/documents/templates/").status_code == 403
