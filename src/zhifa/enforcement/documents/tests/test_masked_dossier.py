"""A masked dossier is prepared by the worker, not in the request (issue 22: nothing slow inside a
request): the download answers with the progress (202) and queues the preparation once; the page polls;
once every part is kept the download joins them without rendering anything, masked."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.test import Client
from pypdf import PdfReader

from zhifa.enforcement.documents import context, dossier, rendering, tasks

from .test_masking_paths import NAME, _client, _leaks

pytestmark = pytest.mark.django_db


class Recorder:
    """Stands for the task queue: keeps what was enqueued instead of running it (a busy worker)."""

    def __init__(self) -> None:
        self.ids: list[int] = []

    def enqueue(self, case_id: int) -> None:
        self.ids.append(case_id)


@pytest.fixture
def queue(monkeypatch: pytest.MonkeyPatch) -> Recorder:
    recorder = Recorder()
    monkeypatch.setattr(tasks, "prepare_masked_dossier_task", recorder)
    return recorder


@pytest.fixture
def renders(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every PDF rendered from here on (title), wherever it is rendered."""
    seen: list[str] = []
    real = rendering.html_to_pdf

    def counted(html: str, **kwargs: Any) -> Any:
        seen.append(kwargs.get("title", ""))
        return real(html, **kwargs)

    monkeypatch.setattr(rendering, "html_to_pdf", counted)
    return seen


def _parts(case: Any) -> int:
    return len(dossier.masked_parts(case).documents) + 1  # an open file: its table of contents too


def test_the_page_answers_with_the_progress_and_the_worker_prepares_the_parts(
    person_case: Any, kit: Any, queue: Recorder, renders: list[str]
) -> None:
    total = _parts(person_case)
    renders.clear()
    supervisor = _client(kit.world.supervisor)
    url = f"/documents/case/{person_case.pk}/dossier.pdf"
    first = supervisor.get(url)
    body = first.content.decode()
    assert first.status_code == 202 and renders == []  # nothing rendered in the request
    assert f"已准备 0 / {total} 部分" in body
    assert f"/documents/case/{person_case.pk}/dossier.pdf/progress/" in body
    assert queue.ids == [person_case.pk]
    supervisor.get(url)
    assert queue.ids == [person_case.pk]  # queued once a minute at most, however often it is asked

    poll = supervisor.get(f"/documents/case/{person_case.pk}/dossier.pdf/progress/")
    assert poll.status_code == 200 and 'hx-trigger="every 1s"' in poll.content.decode()

    assert dossier.masked_prepare(person_case.pk) == total  # the worker's job
    assert len(renders) == total
    done = supervisor.get(f"/documents/case/{person_case.pk}/dossier.pdf/progress/").content.decode()
    assert "hx-trigger" not in done and f'href="{url}"' in done

    renders.clear()
    pdf = supervisor.get(url)
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and renders == []
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "卷内目录" in text and not _leaks(text)


def test_the_api_answers_202_with_the_counts_until_the_parts_are_ready(
    person_case: Any, kit: Any, queue: Recorder
) -> None:
    total = _parts(person_case)
    supervisor = _client(kit.world.supervisor)
    url = f"/api/v1/cases/{person_case.pk}/dossier.pdf"
    r = supervisor.get(url)
    assert r.status_code == 202 and r["Retry-After"] == "2"
    assert r.json()["code"] == "dossier_preparing" and r.json()["detail"] == {"ready": 0, "total": total}
    assert str(total) in r.json()["message"]
    dossier.masked_prepare(person_case.pk)
    r = supervisor.get(url)
    assert r.status_code == 200 and r.content.startswith(b"%PDF")


def test_a_handler_gets_the_dossier_at_once_and_no_progress(
    person_case: Any, kit: Any, queue: Recorder
) -> None:
    handler = _client(kit.world.officer_a)
    r = handler.get(f"/documents/case/{person_case.pk}/dossier.pdf")
    assert r.status_code == 200 and NAME in "".join(
        p.extract_text() for p in PdfReader(io.BytesIO(r.content)).pages
    )
    assert handler.get(f"/documents/case/{person_case.pk}/dossier.pdf/progress/").status_code == 404
    assert queue.ids == []


def test_the_open_files_index_is_prepared_again_when_what_it_states_changes(
    person_case: Any, kit: Any, queue: Recorder, monkeypatch: pytest.MonkeyPatch
) -> None:
    dossier.masked_prepare(person_case.pk)
    kept, total = dossier.masked_progress(person_case)
    assert kept == total
    # the index states today's date (and every document's digest): the next day, a new one is due
    real_build = context.build

    def next_day(case: Any, **kwargs: Any) -> Any:
        return real_build(case, **{**kwargs, "date": kwargs["date"] + dt.timedelta(days=1)})

    monkeypatch.setattr(context, "build", next_day)
    assert dossier.masked_progress(person_case) == (total - 1, total)


def test_another_viewer_cannot_reach_the_progress(person_case: Any, kit: Any) -> None:
    other = Client()
    other.force_login(kit.world.officer_b)  # another agency: the case is not visible
    assert other.get(f"/documents/case/{person_case.pk}/dossier.pdf/progress/").status_code == 404
