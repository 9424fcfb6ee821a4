"""`core.durable`: an audited transaction on PostgreSQL commits without waiting for the disk (the audit
chain's lock is released sooner) and is flushed right after its commit; huey's SQLite file is written
without a sync per message; the outbox row of a listener's task is written in the caller's transaction."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import override_settings
from django_tasks import task

from zhifa.audit.services import audit_record, audit_verify
from zhifa.core import durable
from zhifa.core import tasks as core_tasks
from zhifa.core.models import Counter, QueuedTask
from zhifa.core.task_queue import SqliteHuey

pytestmark = pytest.mark.django_db


def _flushes() -> list[Any]:
    hooks: list[Any] = list(connection.run_on_commit)  # (savepoint ids, function, robust)
    return [hook[1] for hook in hooks if isinstance(hook[1], durable._Flush)]


def _synchronous_commit() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        return str(cursor.fetchone()[0])


class _Undo(Exception):
    pass


@pytest.mark.postgres
def test_an_audited_transaction_commits_asynchronously_and_is_flushed_once_after() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    before = len(_flushes())
    with transaction.atomic():
        audit_record(actor=None, action="test.one", object_type="t", object_id="1")
        audit_record(actor=None, action="test.two", object_type="t", object_id="2")
        assert _synchronous_commit() == "off"
        assert len(_flushes()) == max(before, 1)  # one flush a transaction, however many entries
    _flushes()[0]()  # the flush itself is a statement the server accepts
    assert audit_verify().ok


@pytest.mark.postgres
def test_a_rolled_back_append_takes_its_flush_and_its_setting_with_it() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    with transaction.atomic():
        if _flushes():
            pytest.skip("the test's transaction already has its flush")
        with contextlib.suppress(_Undo), transaction.atomic():
            audit_record(actor=None, action="test.undone", object_type="t", object_id="1")
            raise _Undo
        assert _flushes() == [] and _synchronous_commit() == "on"


def test_on_sqlite_nothing_changes() -> None:
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    assert not durable.available()
    with transaction.atomic():
        audit_record(actor=None, action="test.one", object_type="t", object_id="1")
        assert _flushes() == []


def test_hueys_sqlite_file_keeps_its_log_without_a_sync_per_message(tmp_path: Path) -> None:
    huey = SqliteHuey("durable-test", filename=str(tmp_path / "huey.sqlite3"))
    with huey.storage.db(commit=False) as cursor:
        assert cursor.execute("pragma journal_mode").fetchone()[0] == "wal"
        assert cursor.execute("pragma synchronous").fetchone()[0] == 1  # NORMAL


@task()
def bump(token: str) -> None:
    Counter.objects.get_or_create(key=f"durable-test:{token}", defaults={"value": 1})


def test_a_listeners_task_is_an_outbox_row_of_the_callers_transaction(
    django_capture_on_commit_callbacks: Any,
) -> None:
    with override_settings(TASKS={"default": {"BACKEND": "zhifa.core.tasks.HueyBackend"}}):
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            core_tasks.enqueue_after_commit(bump, "a")
            row = QueuedTask.objects.get(task_path__endswith=".bump")  # written before the commit
            assert row.pushed_at is not None and not Counter.objects.filter(key="durable-test:a").exists()
        row.refresh_from_db()
        assert row.state == QueuedTask.State.DONE and Counter.objects.filter(key="durable-test:a").exists()


def test_with_another_backend_the_task_waits_for_the_commit(django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        core_tasks.enqueue_after_commit(bump, "b")
        assert not Counter.objects.filter(key="durable-test:b").exists()
        assert not QueuedTask.objects.exists()
    assert Counter.objects.filter(key="durable-test:b").exists()
