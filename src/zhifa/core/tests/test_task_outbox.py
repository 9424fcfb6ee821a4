"""The task outbox (`core.QueuedTask`): a task survives a queue that is down and a worker killed
mid-task, and its effect is applied once. huey runs in immediate mode in tests, so handing a row to
the queue runs it inline; the faults are produced by making the hand-over raise (Redis down) and by a
row claimed by a process that no longer exists (a killed worker). bench/fault_worker_kill.py does the
same with a real consumer process and `kill -9`."""

from __future__ import annotations

import datetime as dt
import socket
import subprocess
import sys
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from zhifa.core import tasks as core_tasks
from zhifa.core.models import Counter, QueuedTask

pytestmark = pytest.mark.django_db

KEY = "test-outbox"
FAILURES: dict[str, int] = {}


@task()
def bump_once(token: str) -> str:
    """Idempotent like every domain task: it changes the state only if it has not been changed."""
    Counter.objects.get_or_create(key=f"{KEY}:{token}", defaults={"value": 1})
    return token


@task()
def flaky(token: str) -> None:
    FAILURES[token] = FAILURES.get(token, 0) + 1
    raise RuntimeError("boom")


def _backend() -> core_tasks.HueyBackend:
    return core_tasks.HueyBackend("outbox-test", {})


def _effects(token: str) -> int:
    return Counter.objects.filter(key=f"{KEY}:{token}").count()


def test_enqueue_inside_a_transaction_runs_after_commit(django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        result = _backend().enqueue(bump_once, ["a"], {})
        row = QueuedTask.objects.get(pk=int(result.id))
        assert row.state == QueuedTask.State.PENDING
        assert _effects("a") == 0
    row.refresh_from_db()
    assert row.state == QueuedTask.State.DONE and row.attempts == 1 and row.finished_at is not None
    assert _effects("a") == 1


def test_queue_down_keeps_the_task_and_the_sweep_delivers_it(
    monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> None:
    def down(*args: Any, **kwargs: Any) -> None:
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    with monkeypatch.context() as m:
        m.setattr(core_tasks, "run_queued_task", down)
        with django_capture_on_commit_callbacks(execute=True):
            result = _backend().enqueue(bump_once, ["b"], {})  # no exception reaches the request
    row = QueuedTask.objects.get(pk=int(result.id))
    assert row.state == QueuedTask.State.PENDING and row.pushed_at is None
    assert _effects("b") == 0

    assert core_tasks.sweep()["pushed"] == 1  # the queue is back
    row.refresh_from_db()
    assert row.state == QueuedTask.State.DONE
    assert _effects("b") == 1


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_a_task_whose_worker_was_killed_is_taken_back_and_applied_once() -> None:
    row = QueuedTask.objects.create(
        task_path=f"{__name__}.bump_once",
        args=["c"],
        state=QueuedTask.State.RUNNING,
        enqueued_at=timezone.now(),
        pushed_at=timezone.now(),
        claimed_at=timezone.now(),
        claimed_by=f"{socket.gethostname()}:{_dead_pid()}",
    )
    QueuedTask.objects.filter(pk=row.pk).update(attempts=1)  # the killed worker's claim
    figures = core_tasks.sweep()
    assert figures["taken_back"] == 1
    row.refresh_from_db()
    assert row.state == QueuedTask.State.DONE and row.attempts == 2
    assert _effects("c") == 1
    # A late duplicate message (the killed worker's, redelivered) finds the row done and does nothing.
    core_tasks.run_queued_task.call_local(row.pk)
    assert _effects("c") == 1


def test_a_live_worker_keeps_its_task_until_the_lease_runs_out() -> None:
    started = timezone.now()
    row = QueuedTask.objects.create(
        task_path=f"{__name__}.bump_once",
        args=["d"],
        state=QueuedTask.State.RUNNING,
        enqueued_at=started,
        claimed_at=started,
        claimed_by="another-host:4242",
    )
    assert core_tasks.sweep()["taken_back"] == 0
    row.refresh_from_db()
    assert row.state == QueuedTask.State.RUNNING
    QueuedTask.objects.filter(pk=row.pk).update(
        claimed_at=started - core_tasks.lease() - dt.timedelta(seconds=1)
    )
    assert core_tasks.sweep()["taken_back"] == 1
    row.refresh_from_db()
    assert row.state == QueuedTask.State.DONE and _effects("d") == 1


def test_a_failing_task_is_retried_with_a_pause_then_marked_failed(
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        result = _backend().enqueue(flaky, ["e"], {})
    row = QueuedTask.objects.get(pk=int(result.id))
    # The first attempt ran and failed; the retry is scheduled 30 s later, not run at once.
    assert FAILURES["e"] == 1
    assert row.state == QueuedTask.State.PENDING and row.attempts == 1 and "boom" in row.last_error
    assert row.run_after is not None and row.run_after > timezone.now()
    for _ in range(core_tasks.MAX_ATTEMPTS - 1):
        # time passes: the retry is due and its scheduled message was lost with a restarted queue
        past = timezone.now() - core_tasks.REPUSH_AFTER - dt.timedelta(seconds=1)
        QueuedTask.objects.filter(pk=row.pk).update(run_after=past, pushed_at=past)
        core_tasks.sweep()
    row.refresh_from_db()
    assert FAILURES["e"] == core_tasks.MAX_ATTEMPTS
    assert row.state == QueuedTask.State.FAILED and row.attempts == core_tasks.MAX_ATTEMPTS
    core_tasks.sweep()  # a failed task is not run again
    assert FAILURES["e"] == core_tasks.MAX_ATTEMPTS


def test_the_sweep_drops_done_rows_after_a_week() -> None:
    old = timezone.now() - core_tasks.DONE_KEPT - dt.timedelta(minutes=1)
    QueuedTask.objects.create(task_path="x.y", state=QueuedTask.State.DONE, enqueued_at=old, finished_at=old)
    kept = QueuedTask.objects.create(
        task_path="x.y", state=QueuedTask.State.DONE, enqueued_at=old, finished_at=timezone.now()
    )
    core_tasks.sweep()
    assert list(QueuedTask.objects.values_list("pk", flat=True)) == [kept.pk]


def test_a_task_that_keeps_killing_its_worker_stops_after_the_last_attempt() -> None:
    row = QueuedTask.objects.create(
        task_path=f"{__name__}.bump_once",
        args=["f"],
        state=QueuedTask.State.RUNNING,
        attempts=core_tasks.MAX_ATTEMPTS,
        enqueued_at=timezone.now(),
        claimed_at=timezone.now(),
        claimed_by=f"{socket.gethostname()}:{_dead_pid()}",
    )
    core_tasks.sweep()
    row.refresh_from_db()
    assert row.state == QueuedTask.State.FAILED and "stopped" in row.last_error
    assert _effects("f") == 0


def test_the_queue_keeps_no_result_of_its_own(django_capture_on_commit_callbacks: Any) -> None:
    """The outbox row has the outcome; huey's result store (never read) would grow by one entry a task."""
    from huey.contrib.djhuey import HUEY

    before = HUEY.result_count()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        result = _backend().enqueue(bump_once, ["kept"], {})
    assert QueuedTask.objects.get(pk=int(result.id)).state == QueuedTask.State.DONE
    assert HUEY.result_count() == before


@task(priority=core_tasks.PRIORITY_WAITED_ON)
def watched(token: str) -> str:
    return token


def test_a_task_goes_to_the_queue_with_its_priority_and_again_from_the_sweep(
    monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> None:
    seen: list[Any] = []

    def record(row_id: int, **kwargs: Any) -> None:
        seen.append(kwargs.get("priority"))

    monkeypatch.setattr(core_tasks, "run_queued_task", record)
    with django_capture_on_commit_callbacks(execute=True):
        _backend().enqueue(watched, ["p"], {})
        _backend().enqueue(bump_once, ["q"], {})
    assert seen == [core_tasks.PRIORITY_WAITED_ON, None]  # 0: the queue's default, any storage takes it
    QueuedTask.objects.update(pushed_at=None)  # as if both messages were lost: the sweep hands them over
    seen.clear()
    assert core_tasks.sweep()["pushed"] == 2
    assert seen == [core_tasks.PRIORITY_WAITED_ON, None]
    assert core_tasks.priority_of("zhifa.no_such_module.gone_task") == 0  # a row of a task removed since


def test_the_embedded_queue_takes_the_higher_priority_first(tmp_path: Any) -> None:
    from zhifa.core.task_queue import SqliteHuey

    huey = SqliteHuey("priority-test", filename=str(tmp_path / "queue.sqlite3"))

    @huey.task()
    def job(n: int) -> int:
        return n

    job(1)
    job(2, priority=core_tasks.PRIORITY_SHOWN_SOON)
    job(3)
    job(4, priority=core_tasks.PRIORITY_WAITED_ON)
    assert [huey.dequeue().args[0] for _ in range(4)] == [4, 2, 1, 3]


def test_work_someone_waits_for_is_declared_so() -> None:
    from zhifa.enforcement.documents import tasks as documents_tasks
    from zhifa.powers import tasks as powers_tasks

    assert documents_tasks.prepare_masked_dossier_task.priority == core_tasks.PRIORITY_WAITED_ON
    assert powers_tasks.import_job_task.priority == core_tasks.PRIORITY_WAITED_ON
    assert documents_tasks.render_document_task.priority == core_tasks.PRIORITY_SHOWN_SOON
