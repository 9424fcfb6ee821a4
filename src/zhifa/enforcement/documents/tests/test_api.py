import datetime as dt
import hashlib
import io
import json
import zipfile

import pytest
from pypdf import PdfReader

from zhifa.enforcement.documents.models import Document
from zhifa.enforcement.evidence.factories import jpeg_bytes, make_evidence

from .test_case_documents import START, _register, advance

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed_case(kit, frozen):
    case = advance(kit, _register(kit), "investigating", start=START)
    make_evidence(  # evidence, but no 笔录 (行政处罚法第五十五条) in this file
        actor=kit.world.officer_a,
        agency=kit.agency,
        case=case,
        data=jpeg_bytes(seed=3),
        description="现场照片",
        captured_at=dt.datetime(2025, 5, 6, 9, 0, tzinfo=dt.UTC),
    )
    return advance(kit, case, "closed", start=START)


def test_an_officer_writes_an_inquiry_record_through_the_api(client, kit, frozen, api_token) -> None:
    case = advance(kit, _register(kit), "proposed", start=START)
    response = client.post(
        f"/api/v1/cases/{case.pk}/documents",
        {
            "code": "inquiry_record",
            "inputs": {"person": "王某", "qa": [{"q": "是否批准？", "a": "没有批准。"}]},
        },
        content_type="application/json",
        **api_token(kit.world.officer_a),
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["code"] == "inquiry_record" and body["number"].startswith("测城管询〔2025〕")
    pdf = client.get(body["pdf_url"], **api_token(kit.world.officer_a))
    assert pdf["Content-Type"] == "application/pdf" and pdf["X-Content-SHA256"] == body["sha256"]
    data = b"".join(pdf.streaming_content)  # streamed since core.files
    text = PdfReader(io.BytesIO(data)).pages[0].extract_text()
    assert "没有批准" in text and "王某" in text


def test_workflow_documents_cannot_be_requested_by_hand(client, kit, frozen, api_token) -> None:
    case = advance(kit, _register(kit), "proposed", start=START)
    response = client.post(
        f"/api/v1/cases/{case.pk}/documents",
        {"code": "decision"},
        content_type="application/json",
        **api_token(kit.world.officer_a),
    )
    assert response.status_code == 400 and response.json()["code"] == "document_not_on_demand"


def test_hostile_record_input_is_refused(client, kit, frozen, api_token) -> None:
    case = advance(kit, _register(kit), "proposed", start=START)
    response = client.post(
        f"/api/v1/cases/{case.pk}/documents",
        {"code": "inquiry_record", "inputs": {"person": "a\x00b"}},
        content_type="application/json",
        **api_token(kit.world.officer_a),
    )
    assert response.status_code == 400
    assert not Document.objects.filter(code="inquiry_record").exists()


def test_documents_are_listed_in_dossier_order_and_hidden_from_other_agencies(
    client, closed_case, kit, api_token
) -> None:
    listing = client.get(f"/api/v1/cases/{closed_case.pk}/documents", **api_token(kit.world.officer_a)).json()
    codes = [d["code"] for d in listing["results"]]
    assert codes[0] == "filing_approval" and codes[-2:] == ["closing_report", "closing_approval"]
    other = client.get(f"/api/v1/cases/{closed_case.pk}/documents", **api_token(kit.world.officer_b))
    assert other.status_code == 404
    doc_id = listing["results"][0]["id"]
    assert client.get(f"/api/v1/documents/{doc_id}/pdf", **api_token(kit.world.officer_b)).status_code == 404


def test_a_served_document_cannot_be_regenerated_through_the_api(client, closed_case, kit, api_token) -> None:
    decision = Document.objects.get(case=closed_case, code="decision")
    response = client.post(
        f"/api/v1/documents/{decision.pk}/regenerate",
        {},
        content_type="application/json",
        **api_token(kit.world.officer_a),
    )
    assert response.status_code == 409 and response.json()["code"] == "document_served"


def test_the_dossier_lists_what_the_path_lacks(client, closed_case, kit, api_token) -> None:
    body = client.get(f"/api/v1/cases/{closed_case.pk}/dossier", **api_token(kit.world.supervisor)).json()
    assert body["complete"] is False
    assert any("第五十五条" in m for m in body["missing"])
    kinds = [e["kind"] for e in body["entries"]]
    assert kinds.count("photo") == 1 and kinds.count("document") >= 1


def test_the_dossier_pdf_holds_every_document(client, closed_case, kit, api_token) -> None:
    response = client.get(f"/api/v1/cases/{closed_case.pk}/dossier.pdf", **api_token(kit.world.officer_a))
    reader = PdfReader(io.BytesIO(response.content))
    text = "".join(p.extract_text() for p in reader.pages)
    docs = Document.objects.filter(case=closed_case).exclude(state="superseded")
    assert len(reader.pages) >= sum(d.pages for d in docs) + 1  # plus a fresh table of contents
    assert "卷内目录" in text and "结案报告" in text and "行政处罚决定书" in text


def test_the_dossier_zip_has_a_manifest_whose_digests_match_the_files(
    client, closed_case, kit, api_token
) -> None:
    response = client.get(f"/api/v1/cases/{closed_case.pk}/dossier.zip", **api_token(kit.world.officer_a))
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    manifest = json.loads(archive.read("manifest.json"))
    assert manifest["case"]["number"] == closed_case.number
    entries = manifest["documents"] + manifest["evidence"]
    assert len(manifest["evidence"]) == 2  # the photo and the party's signed waiver
    for entry in entries:
        data = archive.read(entry["path"])
        assert hashlib.sha256(data).hexdigest() == entry["sha256"]
        assert hashlib.new("sm3", data).hexdigest() == entry["sm3"]
    sums = archive.read("SHA256SUMS").decode().splitlines()
    assert len(sums) == len(entries)


def test_a_document_pdf_goes_only_to_those_who_see_the_case_streamed_and_audited(
    client, closed_case, kit, api_token
) -> None:
    """Issue 14, finding 2: decision PDFs (with the party's ID number) were readable under /media/."""
    from zhifa.audit.models import AuditEntry

    doc = Document.objects.filter(case=closed_case).exclude(state="superseded").first()
    assert doc is not None
    page, api = f"/documents/{doc.pk}/pdf/", f"/api/v1/documents/{doc.pk}/pdf"
    assert client.get(page).status_code == 302 and client.get(api).status_code == 401
    client.force_login(kit.world.officer_b)
    assert client.get(page).status_code == 404
    assert client.get(api, **api_token(kit.world.officer_b)).status_code == 404
    assert not AuditEntry.objects.filter(action="documents.download").exists()
    client.force_login(kit.world.officer_a)
    response = client.get(page, HTTP_RANGE="bytes=0-7")
    head = b"".join(response.streaming_content)
    assert response.status_code == 206 and len(head) == 8 and head.startswith(b"%PDF-")
    entry = AuditEntry.objects.get(action="documents.download")
    assert entry.actor_name == "officer_a" and entry.object_id == str(doc.pk)


# --- issue 14 finding 6: dates checked; only documents addressed to the party can be served ---------


def _order(client, case, api_token, kit):
    headers = api_token(kit.world.officer_a)
    response = client.post(
        f"/api/v1/cases/{case.pk}/documents",
        {"code": "rectification_order", "inputs": {"requirement": "恢复路面"}},
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 201, response.content
    return response.json()["id"], headers


@pytest.mark.parametrize("served_on", ["0180-05-06", "2025-05-04", "2025-07-01", "9999-12-31"])
def test_served_refuses_dates_out_of_range(client, kit, frozen, api_token, served_on) -> None:
    from .test_case_documents import _register

    case = advance(kit, _register(kit), "proposed", start=START)
    doc_id, headers = _order(client, case, api_token, kit)
    response = client.post(
        f"/api/v1/documents/{doc_id}/served",
        {"served_on": served_on},
        content_type="application/json",
        **headers,
    )
    assert response.status_code in (400, 422), (served_on, response.status_code)
    assert Document.objects.get(pk=doc_id).state != "served"


def test_internal_forms_cannot_be_served(client, kit, frozen, api_token) -> None:
    from .test_case_documents import _register

    case = advance(kit, _register(kit), "proposed", start=START)
    headers = api_token(kit.world.officer_a)
    internal = Document.objects.get(case=case, code="filing_approval")
    response = client.post(
        f"/api/v1/documents/{internal.pk}/served",
        {"served_on": "2025-06-01"},
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 422 and response.json()["code"] == "not_servable"
    internal.refresh_from_db()
    assert internal.state != "served"


def test_a_real_service_date_is_accepted(client, kit, frozen, api_token) -> None:
    from .test_case_documents import _register

    case = advance(kit, _register(kit), "proposed", start=START)
    doc_id, headers = _order(client, case, api_token, kit)
    response = client.post(
        f"/api/v1/documents/{doc_id}/served",
        {"served_on": "2025-06-01"},
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 200 and response.json()["served_on"] == "2025-06-01"
