"""文书 are rendered after the event commits: the row first ("rendering"), the PDF from the worker;
a failed rendering is retried and alerted; stored bytes never change."""

import datetime as dt
import hashlib
import io

import pytest
from django.utils import timezone
from pypdf import PdfReader

from zhifa.core.files.storage import get_store
from zhifa.enforcement.cases.factories import ev
from zhifa.enforcement.documents import render_queue, rendering, tasks
from zhifa.enforcement.documents.models import Document
from zhifa.foundation.alerts.models import Alert

from .test_case_documents import START, _register, advance

pytestmark = pytest.mark.django_db


class Recorder:
    """Stands for the task queue: keeps what was enqueued instead of running it (a worker that is
    busy or down)."""

    def __init__(self) -> None:
        self.ids: list[int] = []

    def enqueue(self, document_id: int) -> None:
        self.ids.append(document_id)


@pytest.fixture
def queue(monkeypatch) -> Recorder:
    recorder = Recorder()
    monkeypatch.setattr(tasks, "render_document_task", recorder)
    return recorder


def _filed(kit):
    officers = [kit.officer_a.pk, kit.officer_a2.pk]
    return ev(_register(kit), kit.world.approver_a, "file", officer_ids=officers, filed_on="2025-05-06")


def _bytes(document: Document) -> bytes:
    return b"".join(get_store().chunks(document.blob.name))


def test_the_event_commits_the_numbered_row_and_the_worker_renders_it_after(kit, queue) -> None:
    case = _filed(kit)
    document = Document.objects.get(case=case, code="filing_approval")
    assert document.render_state == "rendering" and document.blob_id is None and document.pages == 0
    assert document.number and "立" in document.number
    assert queue.ids == [document.pk]  # enqueued once, after the commit

    assert render_queue.render_task(document.pk) is True
    document.refresh_from_db()
    assert document.render_state == "ready" and document.pages >= 1 and document.rendered_at
    assert hashlib.sha256(_bytes(document)).hexdigest() == document.blob.sha256
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(_bytes(document))).pages)
    assert document.number in text and case.party_name[:6] in text


def test_the_dossier_page_polls_while_a_pdf_is_rendering_and_stops_when_ready(client, kit, queue) -> None:
    case = _filed(kit)
    client.force_login(kit.world.officer_a)
    page = client.get(f"/documents/case/{case.pk}/").content.decode()
    assert 'hx-trigger="every 2s"' in page and "生成中" in page
    render_queue.render_task(queue.ids[0])
    page = client.get(f"/documents/case/{case.pk}/").content.decode()
    assert 'hx-trigger="every 2s"' not in page and "生成中" not in page


def test_the_api_shows_the_rendering_state_and_the_pdf_renders_on_demand(client, kit, queue) -> None:
    case = _filed(kit)
    client.force_login(kit.world.officer_a)
    [listed] = client.get(f"/api/v1/cases/{case.pk}/documents").json()["results"]
    assert listed["render_state"] == "rendering" and listed["sha256"] is None and listed["number"]
    pdf = client.get(f"/api/v1/documents/{listed['id']}/pdf")  # the reader does not wait for the worker
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    data = b"".join(pdf.streaming_content)
    stored = client.get(f"/api/v1/documents/{listed['id']}").json()
    assert stored["render_state"] == "ready" and stored["sha256"] == hashlib.sha256(data).hexdigest()


def test_a_failed_rendering_is_retried_alerted_and_never_lost(kit, frozen, monkeypatch) -> None:
    real = rendering.render_pdf
    failures = {"left": 3}

    def flaky(*args, **kwargs):
        if failures["left"]:
            failures["left"] -= 1
            raise OSError("font cache unavailable")
        return real(*args, **kwargs)

    monkeypatch.setattr(rendering, "render_pdf", flaky)
    case = _filed(kit)  # the event stands
    document = Document.objects.get(case=case, code="filing_approval")
    assert document.render_state == "rendering" and document.render_attempts == 1
    assert "font cache unavailable" in document.render_error
    first_retry = document.render_next_at
    now = timezone.now()
    assert render_queue.render_pending(now=now) == 0  # not before its pause
    assert render_queue.render_pending(now=first_retry) == 0  # second failure
    document.refresh_from_db()
    assert document.render_attempts == 2 and document.render_next_at - now == dt.timedelta(minutes=2)
    assert not Alert.objects.filter(key=render_queue.alert_key(document.pk)).exists()
    assert render_queue.render_pending(now=document.render_next_at) == 0  # third failure: alerted
    document.refresh_from_db()
    assert document.render_state == "failed" and document.render_attempts == 3
    alert = Alert.objects.get(key=render_queue.alert_key(document.pk), resolved_at__isnull=True)
    assert (
        alert.agency_id == case.agency_id and alert.severity == "critical" and document.number in alert.title
    )

    assert render_queue.render_pending(now=document.render_next_at) == 1  # the fourth try succeeds
    document.refresh_from_db()
    assert document.render_state == "ready" and document.blob_id is not None
    alert.refresh_from_db()
    assert alert.resolved_at is not None


def test_a_lost_enqueue_is_picked_up_by_the_sweep(kit, monkeypatch) -> None:
    class Down:
        def enqueue(self, document_id: int) -> None:
            raise ConnectionError("queue unavailable")

    monkeypatch.setattr(tasks, "render_document_task", Down())
    case = _filed(kit)  # no 500, committed
    document = Document.objects.get(case=case, code="filing_approval")
    assert document.render_state == "rendering" and document.render_attempts == 0
    assert render_queue.render_pending(now=document.generated_at) == 0  # the worker's grace first
    assert render_queue.render_pending(now=document.generated_at + render_queue.GRACE) == 1
    document.refresh_from_db()
    assert document.blob_id is not None


def test_stored_bytes_never_change(kit, frozen, monkeypatch) -> None:
    case = advance(kit, _register(kit), "served", start=START)
    decision = Document.objects.get(case=case, code="decision")
    assert decision.state == "served" and decision.render_state == "ready"
    before = _bytes(decision)
    calls = {"n": 0}
    real = rendering.render_pdf

    def counting(*args, **kwargs):
        calls["n"] += 1
        return real(*args, **kwargs)

    monkeypatch.setattr(rendering, "render_pdf", counting)
    render_queue.render_task(decision.pk)  # a duplicate task (retry racing a late first run)
    render_queue.render_pending(now=timezone.now() + dt.timedelta(days=1))
    render_queue.ensure_rendered([decision])
    assert calls["n"] == 0  # a stored document is never rendered again
    decision.refresh_from_db()
    assert _bytes(decision) == before and hashlib.sha256(before).hexdigest() == decision.blob.sha256


def test_a_rendering_that_loses_the_race_is_thrown_away(kit, queue, monkeypatch) -> None:
    case = _filed(kit)
    document = Document.objects.get(case=case, code="filing_approval")
    real = rendering.render_pdf

    def late(*args, **kwargs):
        # While this (slow) rendering runs, another worker renders and stores the document first.
        monkeypatch.setattr(rendering, "render_pdf", real)
        render_queue.render_task(document.pk)
        return rendering.Rendered(pdf=b"%PDF-1.4 a different rendering", pages=1, html="")

    monkeypatch.setattr(rendering, "render_pdf", late)
    stored = render_queue.document_render(document_id=document.pk)
    first = _bytes(stored)
    assert first.startswith(b"%PDF") and b"a different rendering" not in first
    assert hashlib.sha256(first).hexdigest() == stored.blob.sha256
