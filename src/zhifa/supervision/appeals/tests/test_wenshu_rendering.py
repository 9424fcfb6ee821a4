"""Reconsideration 文书 are rendered after the step that issues them commits (issue 22, item 1): the
step numbers the document and returns; the worker renders both versions from the step's own row; a
failed rendering is retried (the outbox) and alerted; a reader before the worker gets them rendered
then, or a 503; the stored bytes never change."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction
from django.test import Client

from zhifa.core.files.services import blob_read
from zhifa.foundation.alerts.models import Alert
from zhifa.supervision.appeals import services, tasks, wenshu
from zhifa.supervision.appeals.models import Appeal, AppealDocument
from zhifa.supervision.appeals.tests.conftest import rec_data
from zhifa.supervision.appeals.tests.test_files_documents import ev, pdf_text

pytestmark = pytest.mark.django_db


class Recorder:
    """Stands for the task queue: keeps what was enqueued instead of running it (a busy worker)."""

    def __init__(self) -> None:
        self.ids: list[int] = []

    def enqueue(self, document_id: int) -> None:
        self.ids.append(document_id)


@pytest.fixture
def queue(monkeypatch: pytest.MonkeyPatch) -> Recorder:
    recorder = Recorder()
    monkeypatch.setattr(tasks, "render_wenshu_task", recorder)
    return recorder


def _accepted(world: Any) -> tuple[Appeal, AppealDocument]:
    a = services.appeal_create(actor=world.supervisor, data=rec_data(world))
    a = ev(a, world.supervisor, "accept")
    return a, AppealDocument.objects.get(appeal=a, code="acceptance_notice")


def test_the_step_renders_nothing_and_the_worker_renders_both_versions_after_the_commit(
    world: Any, frozen: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    real = wenshu.html_pdf

    def counted(html: str, *, title: str) -> bytes:
        calls.append(title)
        return real(html, title=title)

    monkeypatch.setattr(wenshu, "html_pdf", counted)
    a = services.appeal_create(actor=world.supervisor, data=rec_data(world))
    with transaction.atomic():
        ev(a, world.supervisor, "accept")
        doc = AppealDocument.objects.get(appeal=a, code="acceptance_notice")
        assert calls == [] and doc.number and doc.blob_id is None  # numbered in the step, not rendered
    doc.refresh_from_db()
    assert calls == ["行政复议受理通知书"] * 2 and doc.blob_id and doc.masked_blob_id
    assert "张三丰" in pdf_text(blob_read(doc.blob)) and "张三丰" not in pdf_text(blob_read(doc.masked_blob))


def test_the_worker_renders_from_the_steps_own_row_and_the_bytes_never_change(
    world: Any, frozen: Any, queue: Recorder
) -> None:
    _a, doc = _accepted(world)
    assert queue.ids == [doc.pk] and doc.blob_id is None
    first = wenshu.document_render(doc.pk)
    again = wenshu.document_render(doc.pk)
    assert (first.blob_id, first.masked_blob_id) == (again.blob_id, again.masked_blob_id)
    assert doc.number in pdf_text(blob_read(first.blob))


def test_a_failed_rendering_is_alerted_and_a_reader_gets_a_503_not_a_500(
    world: Any, frozen: Any, queue: Recorder, monkeypatch: pytest.MonkeyPatch, api_token: Any
) -> None:
    a, doc = _accepted(world)

    def fail(html: str, *, title: str) -> bytes:
        raise RuntimeError("no fonts")

    monkeypatch.setattr(wenshu, "html_pdf", fail)
    with pytest.raises(RuntimeError):  # raised, so that the outbox tries again
        wenshu.render_in_worker(doc.pk)
    alert = Alert.objects.get(key=wenshu.alert_key(doc.pk), resolved_at__isnull=True)
    assert alert.kind == "document_rendering_failed" and doc.number in alert.title
    url = f"/api/v1/appeals/{a.pk}/documents/acceptance_notice"
    client = Client()
    r = client.get(url, **api_token(world.supervisor))
    assert r.status_code == 503 and r.json()["code"] == "document_rendering"
    web = Client()
    web.force_login(world.supervisor)
    assert web.get(f"/appeals/{a.pk}/documents/acceptance_notice/").status_code == 503
    assert AppealDocument.objects.get(pk=doc.pk).blob_id is None

    monkeypatch.undo()  # the renderer works again: the next reader gets the PDF, the alert closes
    r = client.get(url, **api_token(world.supervisor))
    assert r.status_code == 200 and b"".join(r.streaming_content).startswith(b"%PDF")
    assert not Alert.objects.filter(key=wenshu.alert_key(doc.pk), resolved_at__isnull=True).exists()


def test_the_worker_finds_nothing_to_do_when_the_step_rolled_back(world: Any) -> None:
    wenshu.render_in_worker(999_999)  # no such row: nothing raised, no alert
    assert not Alert.objects.filter(key=wenshu.alert_key(999_999)).exists()
