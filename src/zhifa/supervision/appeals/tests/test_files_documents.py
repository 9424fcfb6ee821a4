"""答复通知书, numbered and stored 文书, the court's notice of response (应诉通知书) and the one-click
application's attachments and decision preview."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import caches
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from zhifa.core.errors import Conflict, DomainError
from zhifa.core.files.models import Blob
from zhifa.core.files.storage import get_store
from zhifa.foundation.deadlines.models import Deadline
from zhifa.supervision.appeals import deadlines as dl
from zhifa.supervision.appeals import services, wenshu
from zhifa.supervision.appeals.models import Appeal, AppealDocument, AppealFile
from zhifa.supervision.appeals.tests.conftest import lit_data, rec_data

pytestmark = pytest.mark.django_db


def ev(appeal: Appeal, actor: Any, event: str, **data: Any) -> Appeal:
    return services.appeal_apply_event(appeal_id=appeal.pk, actor=actor, event=event, data=data)


def go(frozen: Any, day: str) -> None:
    frozen.move_to(f"{day} 10:00+08:00")


def pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    return "".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(content)).pages).replace("\n", "")


def png() -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (8, 8), (10, 120, 200)).save(buf, format="PNG")
    return buf.getvalue()


def pdf_bytes() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def rows(appeal: Appeal, kind: str) -> list[Deadline]:
    return list(
        Deadline.objects.filter(object_type="appeals.appeal", object_id=appeal.pk, kind=kind).order_by("id")
    )


# --- 答复通知书 and numbering ----------------------------------------------------------------------


def test_answer_notice_numbered_states_the_engine_due_date(world: Any, frozen: Any) -> None:
    go(frozen, "2025-09-26")
    a = services.appeal_create(actor=world.supervisor, data=rec_data(world, received_on="2025-09-26"))
    with pytest.raises(Conflict):  # no copy sent yet: no answer notice
        wenshu.render(actor=world.supervisor, appeal=a, code="answer_notice")
    a = ev(a, world.supervisor, "accept")
    go(frozen, "2025-09-30")
    a = ev(a, world.supervisor, "send_copy", copy_received_on="2025-09-30")
    answer = rows(a, dl.ANSWER)[0]
    # 10 working days from Tue 30 Sept 2025 across National Day (1–8 Oct): 9, 10, 11 (adjusted), 13–17, 20
    assert answer.due_on == dt.date(2025, 10, 21) and answer.article.startswith("行政复议法第四十八条")
    doc = AppealDocument.objects.get(appeal=a, code="answer_notice")
    # numbered in the step; rendered by the worker after it committed (tests/test_wenshu_rendering.py)
    assert doc.number == "测试市复答〔2025〕1号" and doc.blob_id and doc.masked_blob_id
    assert AppealDocument.objects.get(appeal=a, code="acceptance_notice").number == "测试市复受〔2025〕1号"
    text = pdf_text(wenshu.render(actor=world.supervisor, appeal=a, code="answer_notice")[0])
    assert "行政复议答复通知书" in text and "测试市复答〔2025〕1号" in text
    assert world.agency_a.name in text and "行政复议法第四十八条" in text and "行政复议法第七十条" in text
    assert "2025年10月21日" in text and "10个工作日" in text and "张三丰" in text


def test_numbers_run_per_kind_and_a_refused_step_takes_none(world: Any, frozen: Any) -> None:
    a = services.appeal_create(actor=world.supervisor, data=rec_data(world))
    b = services.appeal_create(actor=world.supervisor, data=rec_data(world))
    ev(a, world.supervisor, "accept")
    with pytest.raises(DomainError):  # refused: no number is taken
        ev(b, world.supervisor, "refuse", ground="bogus", reason="")
    ev(b, world.supervisor, "accept")
    c = services.appeal_create(actor=world.supervisor, data=rec_data(world))
    ev(c, world.supervisor, "refuse", ground="no_claim", reason="没有具体的行政复议请求")
    numbers = dict(AppealDocument.objects.values_list("appeal_id", "number").filter(code="acceptance_notice"))
    assert numbers == {a.pk: "测试市复受〔2025〕1号", b.pk: "测试市复受〔2025〕2号"}
    assert AppealDocument.objects.get(appeal=c).number == "测试市复不受〔2025〕1号"


def test_document_stored_once_served_same_bytes_masked_for_others(
    world: Any, frozen: Any, api_token: Any
) -> None:
    a = services.appeal_create(actor=world.supervisor, data=rec_data(world))
    a = ev(a, world.supervisor, "accept")
    client = Client()
    h = api_token(world.supervisor)
    url = f"/api/v1/appeals/{a.pk}/documents/acceptance_notice"
    first = client.get(url, **h)
    second = client.get(url, **h)
    assert first.status_code == second.status_code == 200
    body = b"".join(first.streaming_content)
    assert body == b"".join(second.streaming_content) and body.startswith(b"%PDF")
    doc = AppealDocument.objects.get(appeal=a, code="acceptance_notice")
    assert doc.blob is not None and doc.masked_blob is not None
    assert first["X-Content-SHA256"] == doc.blob.sha256 and get_store().exists(doc.blob.name)
    text = pdf_text(body)
    assert "张三丰" in text and doc.number in text
    # An officer of the respondent reads the masked version, numbered the same; another agency nothing.
    officer = client.get(url, **api_token(world.officer_a))
    masked = b"".join(officer.streaming_content)
    assert officer["X-Content-SHA256"] == doc.masked_blob.sha256 != doc.blob.sha256
    assert "张三丰" not in pdf_text(masked) and "张**" in pdf_text(masked) and doc.number in pdf_text(masked)
    assert client.get(url, **api_token(world.officer_b)).status_code == 404
    listing = client.get(f"/api/v1/appeals/{a.pk}/documents", **h).json()
    assert listing == [
        {
            "code": "acceptance_notice",
            "title": "行政复议受理通知书",
            "number": doc.number,
            "issued_on": "2025-09-01",
        }
    ]
    assert client.get(f"/api/v1/appeals/{a.pk}", **h).json()["documents"][0]["number"] == doc.number
    # The page shows the number and serves the same stored bytes.
    web = Client()
    web.force_login(world.supervisor)
    assert doc.number in web.get(f"/appeals/{a.pk}/").content.decode()
    page = web.get(f"/appeals/{a.pk}/documents/acceptance_notice/")
    assert page.status_code == 200 and b"".join(page.streaming_content) == body
    assert web.get(f"/appeals/{a.pk}/documents/answer_notice/").status_code == 409


# --- 应诉通知书 ------------------------------------------------------------------------------------


def test_court_papers_restart_the_defence_period(world: Any, frozen: Any, api_token: Any) -> None:
    go(frozen, "2025-09-10")
    suit = services.appeal_create(actor=world.approver_a, data=lit_data(world, received_on="2025-09-01"))
    assert rows(suit, dl.DEFENCE)[0].due_on == dt.date(2025, 9, 16)
    client = Client()
    h = api_token(world.approver_a)
    url = f"/api/v1/appeals/{suit.pk}/files"
    r = client.post(
        url, {"file": SimpleUploadedFile("应诉通知书.pdf", pdf_bytes()), "served_on": "2025-09-08"}, **h
    )
    assert r.status_code == 201, r.content
    assert r.json()["kind"] == "response_notice" and r.json()["name"] == "应诉通知书.pdf"
    old, new = rows(suit, dl.DEFENCE)
    assert old.resolution == "moot" and new.start_on == dt.date(2025, 9, 8)
    assert new.due_on == dt.date(2025, 9, 23) and new.resolved_on is None  # 15 natural days, 第六十七条
    # The defence is judged against the period from service.
    go(frozen, "2025-09-20")
    suit = ev(suit, world.approver_a, "submit_defence", summary="答辩状及证据")
    assert suit.answer_late is False
    f = AppealFile.objects.get(appeal=suit)
    h = api_token(world.approver_a)  # a fresh token ten days later
    content = client.get(f"{url}/{f.pk}/content", **h)
    assert content.status_code == 200 and b"".join(content.streaming_content) == pdf_bytes()
    # An officer sees that a file exists, not its name, and cannot download it.
    officer = api_token(world.officer_a)
    assert client.get(url, **officer).json()[0]["name"] == "1"
    assert client.get(f"{url}/{f.pk}/content", **officer).status_code == 404


def test_court_papers_bad_input_is_4xx_and_keeps_nothing(world: Any, frozen: Any, api_token: Any) -> None:
    suit = services.appeal_create(actor=world.approver_a, data=lit_data(world))
    rec = services.appeal_create(actor=world.supervisor, data=rec_data(world))
    client = Client()
    h = api_token(world.approver_a)
    url = f"/api/v1/appeals/{suit.pk}/files"

    def up(name: str, data: bytes, served_on: str = "2025-09-01", target: str = url, **hh: Any) -> Any:
        return client.post(
            target, {"file": SimpleUploadedFile(name, data), "served_on": served_on}, **(hh or h)
        )

    assert up("a.pdf", b"just some text").json()["code"] == "file_type"
    assert up("a.pdf", png()).json()["code"] == "file_type_mismatch"
    assert up("a.pdf", b"%PDF-1.4 truncated").json()["code"] == "file_corrupt"
    assert up("a.pdf", b"").status_code in (400, 422)
    r = up("a.pdf", pdf_bytes(), served_on="2025-09-02")
    assert r.status_code == 400 and r.json()["detail"]["field"] == "served_on"
    assert up("a.pdf", pdf_bytes(), served_on="not a date").status_code in (400, 422)
    assert client.post(url, {"served_on": "2025-09-01"}, **h).status_code in (400, 422)
    assert up("a.pdf", pdf_bytes(), target=f"/api/v1/appeals/{rec.pk}/files").status_code == 409
    assert up("a.pdf", pdf_bytes(), **api_token(world.officer_a)).status_code == 403
    assert up("a.pdf", pdf_bytes(), **api_token(world.officer_b)).status_code in (403, 404)
    assert not AppealFile.objects.exists() and not Blob.objects.exists() and len(rows(suit, dl.DEFENCE)) == 1
    # The page: errors in place, then the upload.
    web = Client()
    web.force_login(world.approver_a)
    page = web.get(f"/appeals/{suit.pk}/").content.decode()
    assert 'name="served_on"' in page
    bad = web.post(
        f"/appeals/{suit.pk}/court-papers/",
        {"file": SimpleUploadedFile("x.png", b"nope"), "served_on": "2025-09-01"},
    )
    assert bad.status_code == 400 and "x.png" in bad.content.decode()
    ok = web.post(
        f"/appeals/{suit.pk}/court-papers/",
        {"file": SimpleUploadedFile("notice.png", png()), "served_on": "2025-09-01"},
    )
    assert ok.status_code == 302 and AppealFile.objects.filter(appeal=suit).count() == 1
    assert "notice.png" in web.get(f"/appeals/{suit.pk}/").content.decode()
    officer_page = Client()
    officer_page.force_login(world.officer_a)
    assert "notice.png" not in officer_page.get(f"/appeals/{suit.pk}/").content.decode()


# --- one-click: preview and attachments -------------------------------------------------------------


def test_public_preview_and_attachments_api(world: Any, decided_case: Any) -> None:
    caches[settings.RATELIMIT_CACHE].clear()  # the public rate-limit counters
    client = Client()
    good = {"decision_number": decided_case.decision_number, "id_number": decided_case.party_id_number}
    wrong = client.post(
        "/api/v1/public/appeals/preview",
        {**good, "id_number": "91110000000000000X"},
        content_type="application/json",
    )
    missing = client.post(
        "/api/v1/public/appeals/preview",
        {**good, "decision_number": "没有这个号"},
        content_type="application/json",
    )
    assert wrong.status_code == missing.status_code == 404 and wrong.json() == missing.json()
    r = client.post("/api/v1/public/appeals/preview", good, content_type="application/json")
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["decision_number"] == decided_case.decision_number and body["organ"] == "测试市人民政府"
    assert body["apply_by_article"].startswith("行政复议法第二十条")
    assert not Appeal.objects.exists()  # a preview writes nothing
    blobs = Blob.objects.count()

    def apply(*files: Any, **extra: Any) -> Any:
        return client.post(
            "/api/v1/public/appeals", {**good, "claims": "撤销决定", "attachments": list(files), **extra}
        )

    bad = apply(SimpleUploadedFile("photo.jpg", png()))
    assert bad.status_code == 400 and bad.json()["code"] == "file_type_mismatch"
    many = apply(*[SimpleUploadedFile(f"p{i}.png", png()) for i in range(6)])
    assert many.status_code == 400 and many.json()["code"] == "too_many_files"
    other = client.post(
        "/api/v1/public/appeals", {**good, "claims": "撤销", "other": SimpleUploadedFile("a.png", png())}
    )
    assert other.status_code == 400 and other.json()["code"] == "unknown_field"
    assert apply(extra_field="x").status_code == 400  # unknown form field
    caches[settings.RATELIMIT_CACHE].clear()  # the public rate-limit counters
    short = apply(SimpleUploadedFile("ok.png", png()), claims="")  # the application refused, not the file
    assert short.status_code == 400 and short.json()["detail"]["field"] == "claims"
    assert not Appeal.objects.exists() and not AppealFile.objects.exists()
    assert Blob.objects.count() == blobs  # the case's own 文书 only: nothing of the refused filings
    caches[settings.RATELIMIT_CACHE].clear()  # the public rate-limit counters
    r = apply(SimpleUploadedFile("现场.png", png()), SimpleUploadedFile("说明.pdf", pdf_bytes()))
    assert r.status_code == 201, r.content
    appeal = Appeal.objects.get()
    assert sorted(appeal.files.values_list("original_name", flat=True)) == ["现场.png", "说明.pdf"]
    assert decided_case.party_name not in r.content.decode()
    # JSON still works, and broken JSON is a 400.
    caches[settings.RATELIMIT_CACHE].clear()  # the public rate-limit counters
    assert (
        client.post(
            "/api/v1/public/appeals", {**good, "claims": "撤销"}, content_type="application/json"
        ).status_code
        == 201
    )
    broken = client.post("/api/v1/public/appeals", "{", content_type="application/json")
    assert (
        broken.status_code == 400
        and broken.json()["code"] == "bad_request"
        and "JSON" in broken.json()["message"]
    )
    caches[settings.RATELIMIT_CACHE].clear()  # the public rate-limit counters


def test_public_page_preview_then_apply_with_attachment(world: Any, decided_case: Any) -> None:
    caches[settings.RATELIMIT_CACHE].clear()  # the public rate-limit counters
    client = Client()
    numbers = {"decision_number": decided_case.decision_number, "id_number": decided_case.party_id_number}
    r = client.post("/appeals/apply/", {"step": "preview", **numbers, "id_number": "91110000000000000X"})
    assert r.status_code == 404 and decided_case.party_name not in r.content.decode()
    assert 'id="decision-preview"' not in r.content.decode()
    r = client.post("/appeals/apply/", {"step": "preview", **numbers})
    page = r.content.decode()
    assert r.status_code == 200 and 'id="decision-preview"' in page and decided_case.decision_number in page
    assert 'name="attachments"' in page and 'enctype="multipart/form-data"' in page
    r = client.post(
        "/appeals/apply/",
        {"step": "apply", **numbers, "claims": "撤销", "attachments": [SimpleUploadedFile("a.png", b"xx")]},
    )
    page = r.content.decode()
    assert r.status_code == 400 and "a.png" in page and 'id="decision-preview"' in page  # error in place
    assert not Appeal.objects.exists()
    r = client.post(
        "/appeals/apply/",
        {"step": "apply", **numbers, "claims": "撤销", "attachments": [SimpleUploadedFile("a.png", png())]},
    )
    assert r.status_code == 302 and "/appeals/track/FY" in r["Location"]
    appeal = Appeal.objects.get()
    assert appeal.files.get().original_name == "a.png"
    # the handler downloads it; an officer of the agency does not
    web = Client()
    web.force_login(world.supervisor)
    f = appeal.files.get()
    got = web.get(f"/appeals/{appeal.pk}/files/{f.pk}/")
    assert got.status_code == 200 and b"".join(got.streaming_content) == png()
    web.force_login(world.officer_a)
    assert web.get(f"/appeals/{appeal.pk}/files/{f.pk}/").status_code == 404
    caches[settings.RATELIMIT_CACHE].clear()  # the public rate-limit counters


# --- the organ's draft of the decision --------------------------------------------------------------


def test_decision_draft_preview_changes_nothing(world: Any, frozen: Any, api_token: Any) -> None:
    a = services.appeal_create(actor=world.supervisor, data=rec_data(world))
    client = Client()
    h = api_token(world.supervisor)
    url = f"/api/v1/appeals/{a.pk}/documents/decision/preview"
    body = {"outcome": "revoked", "reasons": "认定事实不清"}
    r = client.post(url, body, content_type="application/json", **h)
    assert r.status_code == 409  # not yet under review: the step's own table check
    a = ev(a, world.supervisor, "accept")
    a = ev(a, world.supervisor, "send_copy")
    a = ev(a, world.reviewer_a, "answer", summary="事实清楚", evidence="笔录")
    r = client.post(url, body, content_type="application/json", **h)
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    text = pdf_text(r.content)
    assert "行政复议决定书" in text and "草稿" in text and "认定事实不清" in text and "张三丰" in text
    assert Appeal.objects.get(pk=a.pk).state == "reviewing"
    assert not AppealDocument.objects.filter(appeal=a, code="decision").exists()
    bad = client.post(url, {**body, "outcome": "nonsense"}, content_type="application/json", **h)
    assert 400 <= bad.status_code < 500
    assert client.post(url, {**body, "x": 1}, content_type="application/json", **h).status_code == 400
    assert (
        client.post(url, body, content_type="application/json", **api_token(world.reviewer_a)).status_code
        == 403
    )
    assert (
        client.post(url, body, content_type="application/json", **api_token(world.officer_b)).status_code
        == 403  # no handler role
    )
    # The page: a button of the decide form opens it; a refusal is plain text with its status.
    web = Client()
    web.force_login(world.supervisor)
    assert "decision/preview" in web.get(f"/appeals/{a.pk}/").content.decode()
    page = web.post(f"/appeals/{a.pk}/documents/decision/preview/", body)
    assert page.status_code == 200 and "草稿" in pdf_text(page.content)
    assert web.post(f"/appeals/{a.pk}/documents/decision/preview/", {"outcome": "revoked"}).status_code == 400
    assert Appeal.objects.get(pk=a.pk).state == "reviewing"
