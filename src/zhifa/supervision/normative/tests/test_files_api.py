"""Files through the API (upload, audited download, refusals that keep nothing) and the public
download of published texts on the portal (never anything of drafts)."""

import datetime as dt
import hashlib
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.test import Client

from zhifa.audit.models import AuditEntry
from zhifa.core.files.models import Blob
from zhifa.supervision.normative import services as svc
from zhifa.supervision.normative.factories import ALL_YES, make_draft
from zhifa.supervision.normative.models import DocumentFile

from .conftest import at, one_page_pdf

pytestmark = pytest.mark.django_db
URL = "/api/v1/normative-documents"


PDF = one_page_pdf("征求意见稿")
PUBLISHED_PDF = one_page_pdf("published text")


def upload(client: Client, doc_id: int, headers: dict[str, str], **fields: Any) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    body = dict(fields)
    name, content = body.pop("file")
    body["file"] = SimpleUploadedFile(name, content)
    return client.post(f"{URL}/{doc_id}/files", body, **headers)


def stored(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}


def test_upload_and_audited_download_through_the_api(
    world: Any, client: Client, api_token: Any, settings: Any, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    doc = make_draft(actor=world.officer_a, agency=world.agency_a)
    drafter = api_token(world.officer_a)
    r = upload(client, doc.pk, drafter, file=("征求意见稿.pdf", PDF), role="draft")
    assert r.status_code == 201, r.content
    row = r.json()
    assert row["role"] == "draft" and row["sha256"] == hashlib.sha256(PDF).hexdigest()
    assert row["size"] == len(PDF)
    assert [f["id"] for f in client.get(f"{URL}/{doc.pk}", **drafter).json()["files"]] == [row["id"]]

    before = AuditEntry.objects.filter(action="normative.file_download").count()
    r = client.get(f"{URL}/{doc.pk}/files/{row['id']}", **api_token(world.reviewer_a))
    assert r.status_code == 200 and b"".join(r.streaming_content) == PDF
    assert "attachment" in r["Content-Disposition"]
    assert AuditEntry.objects.filter(action="normative.file_download").count() == before + 1
    # Another agency sees neither the document nor its files; the legal office may not upload.
    assert client.get(f"{URL}/{doc.pk}/files/{row['id']}", **api_token(world.officer_b)).status_code == 404
    r = upload(client, doc.pk, api_token(world.officer_b), file=("a.pdf", PDF), role="draft")
    assert r.status_code == 404
    r = upload(client, doc.pk, api_token(world.reviewer_a), file=("a.pdf", PDF), role="draft")
    assert r.status_code == 403
    assert client.get(f"{URL}/{doc.pk}/files/999999", **drafter).status_code == 404


def test_a_refused_upload_keeps_nothing(
    world: Any, client: Client, api_token: Any, settings: Any, *, tmp_path: Path, monkeypatch: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    doc = make_draft(actor=world.officer_a, agency=world.agency_a)
    drafter = api_token(world.officer_a)
    files_before, blobs_before, store_before = (
        DocumentFile.objects.count(),
        Blob.objects.count(),
        stored(tmp_path),
    )

    # Corrupted in transit: the bytes do not match the digest the client declared.
    r = upload(client, doc.pk, drafter, file=("a.pdf", PDF), role="draft", sha256="0" * 64)
    assert r.status_code == 400 and r.json()["code"] == "sha256_mismatch"
    # Not a document (an executable named .pdf), and an empty file.
    r = upload(client, doc.pk, drafter, file=("a.pdf", b"MZ\x90\x00junk"), role="draft")
    assert r.status_code == 400 and r.json()["code"] == "unsupported_file_type"
    r = upload(client, doc.pk, drafter, file=("a.pdf", b""), role="draft")
    assert r.status_code == 400
    # A PDF cut off in the middle: its signature is right but it does not open.
    r = upload(client, doc.pk, drafter, file=("a.pdf", PDF[: len(PDF) // 2]), role="draft")
    assert r.status_code == 400 and r.json()["code"] == "file_corrupt"
    assert "损坏" in r.json()["message"]
    # Over the size limit (lowered here so the test stays small).
    monkeypatch.setattr(svc, "MAX_FILE_BYTES", 20)
    r = upload(client, doc.pk, drafter, file=("a.pdf", PDF), role="draft")
    assert r.status_code == 400 and r.json()["code"] == "file_too_large"
    monkeypatch.undo()
    # An unknown kind of file.
    r = upload(client, doc.pk, drafter, file=("a.pdf", PDF), role="secret")
    assert r.status_code == 400

    assert DocumentFile.objects.count() == files_before
    assert Blob.objects.count() == blobs_before
    assert stored(tmp_path) == store_before


def test_the_public_downloads_published_texts_only(
    world: Any, client: Client, settings: Any, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    ev = svc.document_apply_event
    with time_machine.travel(at(dt.date(2025, 6, 20)), tick=False):
        doc = make_draft(actor=world.officer_a, agency=world.agency_a, text="渣土运输车辆应当密闭。")
        draft = svc.file_attach(
            document_id=doc.pk, actor=world.officer_a, role="draft", name="征求意见稿.pdf", content=PDF
        )
        ev(document_id=doc.pk, actor=world.officer_a, event="submit", data={"on": "2025-06-03"})
        review = {"on": "2025-06-10", "checklist": ALL_YES, "passed": True, "opinion": "合法"}
        ev(document_id=doc.pk, actor=world.reviewer_a, event="review", data=review)
        meeting = {"on": "2025-06-11", "meeting": "局长办公会", "record": "同意"}
        ev(document_id=doc.pk, actor=world.approver_a, event="deliberate", data=meeting)
        published = svc.file_attach(
            document_id=doc.pk,
            actor=world.officer_a,
            role="published",
            name="正式文本.pdf",
            content=PUBLISHED_PDF,
        )
        # Before publication nothing is public, not even the published text's file.
        assert (
            client.get(f"/api/v1/public/normative-documents/{doc.pk}/files/{published.pk}").status_code == 404
        )
        assert client.get(f"/portal/normative/{doc.pk}/files/{published.pk}/").status_code == 404
        publish = {
            "published_on": "2025-06-12",
            "effective_on": "2025-06-12",
            "number": "测城管规〔2025〕9号",
        }
        ev(document_id=doc.pk, actor=world.approver_a, event="publish", data=publish)

        listed = client.get("/api/v1/public/normative-documents").json()["results"]
        entry = next(d for d in listed if d["id"] == doc.pk)
        assert [f["id"] for f in entry["files"]] == [published.pk]
        r = client.get(f"/api/v1/public/normative-documents/{doc.pk}/files/{published.pk}")
        assert r.status_code == 200 and b"".join(r.streaming_content) == PUBLISHED_PDF
        assert AuditEntry.objects.filter(action="normative.public_download").count() == 1
        # The draft's file is never served publicly, whatever the path.
        assert client.get(f"/api/v1/public/normative-documents/{doc.pk}/files/{draft.pk}").status_code == 404
        assert client.get(f"/portal/normative/{doc.pk}/files/{draft.pk}/").status_code == 404

        page = client.get(f"/portal/normative/{doc.pk}/").content.decode()
        assert f"/portal/normative/{doc.pk}/files/{published.pk}/" in page and "正式文本.pdf" in page
        assert "征求意见稿.pdf" not in page
        r = client.get(f"/portal/normative/{doc.pk}/files/{published.pk}/")
        assert r.status_code == 200 and b"".join(r.streaming_content) == PUBLISHED_PDF
