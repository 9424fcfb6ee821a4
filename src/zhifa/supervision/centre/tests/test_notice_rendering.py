"""A supervision notice is rendered after the event that issues it commits (issue 22, item 1): the
event keeps what the document states and returns; the worker renders from that; a failed rendering is
retried (the outbox) and alerted; a reader before the worker gets it rendered then, or a 503; the
stored bytes never change."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction

from zhifa.core.files.services import blob_read
from zhifa.enforcement.cases.factories import CaseKit
from zhifa.foundation.alerts.models import Alert
from zhifa.supervision.centre import documents, tasks
from zhifa.supervision.centre.models import Clue, SupervisionNotice

from .test_handling import a_clue, act, pdf_text

pytestmark = pytest.mark.django_db
REQUIREMENTS = "请于期限内依法作出立案或不予立案决定。"


class Recorder:
    """Stands for the task queue: keeps what was enqueued instead of running it (a busy worker)."""

    def __init__(self) -> None:
        self.ids: list[int] = []

    def enqueue(self, notice_id: int) -> None:
        self.ids.append(notice_id)


@pytest.fixture
def queue(monkeypatch: pytest.MonkeyPatch) -> Recorder:
    recorder = Recorder()
    monkeypatch.setattr(tasks, "render_notice_task", recorder)
    return recorder


def _issue(kit: CaseKit) -> tuple[Clue, SupervisionNotice]:
    clue = a_clue(kit)
    act(clue, kit.world.supervisor, "issue_notice", kind="notice", requirements=REQUIREMENTS)
    return clue, clue.notices.get()


def _broken(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(html: str, *, title: str) -> bytes:
        raise RuntimeError("no fonts")

    monkeypatch.setattr(documents, "html_pdf", fail)


def test_the_event_renders_nothing_and_the_worker_renders_after_the_commit(
    kit: CaseKit, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    real = documents.html_pdf

    def counted(html: str, *, title: str) -> bytes:
        calls.append(title)
        return real(html, title=title)

    monkeypatch.setattr(documents, "html_pdf", counted)
    clue = a_clue(kit)
    with transaction.atomic():
        act(clue, kit.world.supervisor, "issue_notice", kind="notice", requirements=REQUIREMENTS)
        notice = clue.notices.get()
        # inside the event's transaction: numbered, its content kept, no PDF rendered
        assert calls == [] and notice.blob_id is None
        assert notice.context["number"] == notice.number and notice.context["due_on"] == "2025-07-30"
    notice.refresh_from_db()
    assert len(calls) == 1 and notice.blob_id is not None  # rendered once the block committed
    text = pdf_text(blob_read(notice.blob))
    assert notice.number in text and "2025年7月30日" in text and REQUIREMENTS in text


def test_the_document_states_what_was_on_file_when_issued(kit: CaseKit, queue: Recorder) -> None:
    clue, notice = _issue(kit)
    assert queue.ids == [notice.pk] and notice.blob_id is None
    issued_explanation = notice.context["explanation"]
    # the checks refresh the clue's explanation before the worker gets to the notice
    Clue.objects.filter(pk=clue.pk).update(explanation="后来的说明：与通知书无关。")
    stored = documents.notice_render(notice.pk)
    text = pdf_text(blob_read(stored.blob))
    assert issued_explanation[:12] in text and "后来的说明" not in text


def test_stored_bytes_never_change(kit: CaseKit, queue: Recorder) -> None:
    _clue, notice = _issue(kit)
    first = documents.notice_render(notice.pk)
    again = documents.notice_render(notice.pk)
    assert first.blob_id == again.blob_id
    assert SupervisionNotice.objects.get(pk=notice.pk).blob_id == first.blob_id


def test_a_failed_rendering_is_alerted_retried_and_a_reader_gets_a_503_not_a_500(
    kit: CaseKit, queue: Recorder, monkeypatch: pytest.MonkeyPatch, client: Any, api_token: Any
) -> None:
    _clue, notice = _issue(kit)
    _broken(monkeypatch)
    with pytest.raises(RuntimeError):  # raised, so that the outbox tries again
        documents.render_in_worker(notice.pk)
    alert = Alert.objects.get(key=documents.alert_key(notice.pk), resolved_at__isnull=True)
    assert alert.kind == "document_rendering_failed" and alert.severity == "critical"
    assert notice.number in alert.title
    with pytest.raises(RuntimeError):  # a second failure: still one alert
        documents.render_in_worker(notice.pk)
    assert Alert.objects.filter(key=documents.alert_key(notice.pk)).count() == 1

    sup = api_token(kit.world.supervisor)
    r = client.get(f"/api/v1/supervision/notices/{notice.pk}/pdf", **sup)
    assert r.status_code == 503 and r.json()["code"] == "document_rendering"
    client.force_login(kit.world.supervisor)
    page = client.get(f"/centre/notices/{notice.pk}/pdf/")
    assert page.status_code == 503 and "稍后" in page.content.decode()
    assert SupervisionNotice.objects.get(pk=notice.pk).blob_id is None

    monkeypatch.undo()  # the renderer works again: the next reader gets the PDF, the alert closes
    r = client.get(f"/api/v1/supervision/notices/{notice.pk}/pdf", **sup)
    assert r.status_code == 200 and b"".join(r.streaming_content).startswith(b"%PDF")
    assert not Alert.objects.filter(key=documents.alert_key(notice.pk), resolved_at__isnull=True).exists()


def test_the_clue_page_links_the_document_while_it_is_rendering(
    kit: CaseKit, queue: Recorder, client: Any
) -> None:
    clue, notice = _issue(kit)
    client.force_login(kit.world.supervisor)
    page = client.get(f"/centre/clues/{clue.pk}/")
    assert page.status_code == 200 and f"/centre/notices/{notice.pk}/pdf/" in page.content.decode()
    pdf = client.get(f"/centre/notices/{notice.pk}/pdf/")  # the first reader gets it rendered
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content).startswith(b"%PDF")


def test_the_worker_finds_nothing_to_do_when_the_issue_rolled_back(kit: CaseKit, queue: Recorder) -> None:
    documents.render_in_worker(999_999)  # no such row: nothing to do, nothing raised
    assert not Alert.objects.filter(key=documents.alert_key(999_999)).exists()
