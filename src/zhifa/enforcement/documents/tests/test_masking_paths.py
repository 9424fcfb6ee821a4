"""Issue 14 finding 3: a viewer who does not handle the case (a supervisor, an officer of another
squadron) sees the party masked on every path — evidence API, the documents page header, the dossier
PDF read back with pypdf, single document PDFs — while the handlers still see it in full."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pytest
from django.test import Client
from pypdf import PdfReader

from zhifa.enforcement.cases.factories import person_id
from zhifa.enforcement.evidence.factories import jpeg_bytes, make_evidence

from .test_case_documents import START, advance

pytestmark = pytest.mark.django_db

NAME = "林晓燕"
ID_NUMBER = person_id(7)
PHONE = "13912345678"


@pytest.fixture
def person_case(kit, frozen):
    from zhifa.enforcement.cases.factories import register

    case = register(
        kit,
        discovered_on="2025-05-05",
        occurred_on="2025-05-01",
        party={
            "kind": "person",
            "name": NAME,
            "id_number": ID_NUMBER,
            "phone": PHONE,
            "address": "海州市东湖区幸福小区5幢1201室",
        },
        facts=f"当事人{NAME}（身份证号{ID_NUMBER}）未经批准擅自挖掘城市道路。",
    )
    case = advance(kit, case, "proposed", start=START)
    make_evidence(
        actor=kit.world.officer_a,
        agency=kit.agency,
        case=case,
        data=jpeg_bytes(seed=5),
        description=f"{NAME}在现场的照片，电话{PHONE}",
        party_name=NAME,
        captured_at=dt.datetime(2025, 5, 6, 9, 0, tzinfo=dt.UTC),
    )
    return case


def _leaks(text: str) -> list[str]:
    return [s for s in (NAME, ID_NUMBER, PHONE, "1201室") if s in text]


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_evidence_api_masks_the_party_for_a_supervisor(person_case, kit) -> None:
    supervisor = _client(kit.world.supervisor)
    for url in [f"/api/v1/cases/{person_case.pk}/evidence", f"/api/v1/evidence?case={person_case.pk}"]:
        response = supervisor.get(url)
        assert response.status_code == 200
        body = json.dumps(response.json(), ensure_ascii=False)
        assert not _leaks(body), (url, _leaks(body))
        assert "林**" in body
    handler = json.dumps(
        _client(kit.world.officer_a).get(f"/api/v1/cases/{person_case.pk}/evidence").json(),
        ensure_ascii=False,
    )
    assert NAME in handler


def test_case_api_facts_are_masked_for_a_supervisor(person_case, kit) -> None:
    supervisor = _client(kit.world.supervisor)
    body = json.dumps(supervisor.get(f"/api/v1/cases/{person_case.pk}").json(), ensure_ascii=False)
    assert not _leaks(body)
    events = json.dumps(supervisor.get(f"/api/v1/cases/{person_case.pk}/events").json(), ensure_ascii=False)
    assert not _leaks(events)


def test_documents_page_header_is_masked(person_case, kit) -> None:
    page = _client(kit.world.supervisor).get(f"/documents/case/{person_case.pk}/")
    assert page.status_code == 200
    assert not _leaks(page.content.decode())


def test_dossier_pdf_is_masked_for_a_supervisor_and_whole_for_the_handler(person_case, kit) -> None:
    url = f"/api/v1/cases/{person_case.pk}/dossier.pdf"
    supervisor = _client(kit.world.supervisor)
    assert supervisor.get(url).status_code == 202  # prepared by the worker first (test_masked_dossier)
    response = supervisor.get(url)
    assert response.status_code == 200
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert text.strip() and not _leaks(text), _leaks(text)
    handler = _client(kit.world.officer_a).get(url)
    handler_text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(handler.content)).pages)
    assert NAME in handler_text


def test_single_document_pdf_is_masked_and_the_zip_refused(person_case, kit) -> None:
    from zhifa.enforcement.documents.models import Document

    doc = Document.objects.filter(case=person_case).exclude(code="dossier_index").first()
    assert doc is not None
    response = _client(kit.world.supervisor).get(f"/api/v1/documents/{doc.pk}/pdf")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert not _leaks(text)
    assert _client(kit.world.supervisor).get(f"/api/v1/cases/{person_case.pk}/dossier.zip").status_code == 403


def test_a_masked_document_download_is_audited(person_case, kit) -> None:
    """Who read which 文书 is part of the record, masked or not (issue 14)."""
    from zhifa.audit.models import AuditEntry
    from zhifa.enforcement.documents.models import Document

    doc = Document.objects.filter(case=person_case).exclude(code="dossier_index").first()
    assert doc is not None
    before = AuditEntry.objects.filter(action="documents.download_masked").count()
    response = _client(kit.world.supervisor).get(f"/api/v1/documents/{doc.pk}/pdf")
    assert response.status_code == 200
    entries = AuditEntry.objects.filter(action="documents.download_masked").order_by("-pk")
    assert entries.count() == before + 1
    assert entries[0].object_id == str(doc.pk)


def test_a_masked_copy_is_rendered_once_and_again_only_when_what_it_is_made_of_changes(
    person_case, monkeypatch
) -> None:
    """dossier.masked_document_pdf keeps the masked copy under a key of its data, template version,
    party and masking rule: the same copy is served again without a rendering, and any change to those
    renders anew (a kept copy never stands for a rule or data it was not made from)."""
    from zhifa.enforcement.documents import dossier, rendering
    from zhifa.enforcement.documents.models import Document

    renderings: list[str] = []
    real = rendering.render_pdf

    def counted(*args, **kwargs):
        renderings.append(kwargs.get("title", ""))
        return real(*args, **kwargs)

    monkeypatch.setattr(rendering, "render_pdf", counted)
    document = Document.objects.filter(case=person_case).exclude(code="dossier_index").order_by("id").first()
    assert document is not None
    first = dossier.masked_document_pdf(document)
    assert len(renderings) == 1 and not _leaks(
        "".join(p.extract_text() for p in PdfReader(io.BytesIO(first)).pages)
    )
    assert dossier.masked_document_pdf(Document.objects.get(pk=document.pk)) == first
    assert len(renderings) == 1  # served again, not rendered

    key = dossier.masked_copy_key(document, person_case)
    document.context = {**document.context, "extra_note": "补正"}
    assert dossier.masked_copy_key(document, person_case) != key
    dossier.masked_document_pdf(document)
    assert len(renderings) == 2  # other data: rendered anew

    document.refresh_from_db()
    monkeypatch.setattr(dossier, "masking_fingerprint", lambda: "another rule")
    assert dossier.masked_copy_key(document, person_case) != key
    dossier.masked_document_pdf(document)
    assert len(renderings) == 3  # another masking rule: rendered anew


def test_the_masking_fingerprint_changes_with_any_of_the_rules_files(tmp_path) -> None:
    from zhifa.core import masking
    from zhifa.core.search import USER_WORDS
    from zhifa.enforcement.documents import dossier

    inputs = dossier.masking_inputs()
    assert Path(masking.__file__) in inputs and USER_WORDS in inputs and Path(dossier.__file__) in inputs
    assert any(p.name == "masking_not_names.txt" for p in inputs) and all(p.is_file() for p in inputs)

    files = tuple(tmp_path / name for name in ("a.py", "b.txt"))
    for f in files:
        f.write_text("许可\n", encoding="utf-8")
    before = dossier.fingerprint_of(files, extra="jieba 0.42.1")
    assert dossier.fingerprint_of(files, extra="jieba 0.42.1") == before
    assert dossier.fingerprint_of(files, extra="jieba 0.43") != before
    files[1].write_text("许可\n文明\n", encoding="utf-8")  # a word added to the list
    assert dossier.fingerprint_of(files, extra="jieba 0.42.1") != before
