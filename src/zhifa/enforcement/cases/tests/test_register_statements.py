"""What one registration sends to the database (issue 22, item 6: registrations per second).

Before: 23 statements on PostgreSQL (18 besides BEGIN, COMMIT and savepoints), among them the search
document's look-up, insert and vector update, the audit entry's insert and head update inside a
savepoint of their own, the discretion tiers nobody reads at registration, and two outbox rows (one per
centre task) each inserted and then updated after the commit. Now the outbox row is written in the
registration's transaction and nothing but the flush (`core.durable`, PostgreSQL) and the hand-over to
the queue follow the commit."""

from __future__ import annotations

import contextlib
from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext, override_settings

from zhifa.core import durable
from zhifa.core.models import QueuedTask
from zhifa.enforcement.cases.factories import register

pytestmark = pytest.mark.django_db


class _RolledBack(Exception):
    pass


OUTBOX = {"default": {"BACKEND": "zhifa.core.tasks.HueyBackend"}}  # the deployment's backend
# Inside a test's transaction the registration's own transaction is a savepoint (SAVEPOINT … RELEASE
# instead of BEGIN … COMMIT): the same number of statements. Before this change: 22 on PostgreSQL.
# One more since the statistics' roll-up (branch rollup): its upsert of the new case's tally
# (`cases.rollup.added`), which replaced counting every case on the statistics page. One fewer on
# PostgreSQL since the count's and the tally's upserts are one statement (`state_counts.added` with a
# tally, branch reg, third pass).
IN_TRANSACTION = {"postgresql": 12, "sqlite": 19}


def test_one_registration_sends_few_statements_and_one_outbox_row(
    kit: Any, django_capture_on_commit_callbacks: Any
) -> None:
    # A warm-up, rolled back with its after-commit hooks: what is read once per process or per user
    # (whether the server lets the flush be sent, the user's roles, the year's calendar) is read here.
    with contextlib.suppress(_RolledBack), transaction.atomic():
        register(kit, facts="预热")
        raise _RolledBack
    with override_settings(TASKS=OUTBOX):
        with (
            CaptureQueriesContext(connection) as statements,
            django_capture_on_commit_callbacks(execute=False) as after_commit,
        ):
            case = register(kit, facts="数一数语句")
        sent = [q["sql"] for q in statements.captured_queries]
        assert len(sent) == IN_TRANSACTION[connection.vendor], "\n".join(sent)
        # the centre's checks: one row, written before the commit, handed over after it
        rows = QueuedTask.objects.filter(args__1=case.pk)
        assert [r.task_path.rsplit(".", 1)[1] for r in rows] == ["centre_event_check"]
        assert rows[0].pushed_at is not None and rows[0].state == QueuedTask.State.PENDING
        # after the commit: the hand-over to the queue and, on PostgreSQL, the flush that makes the
        # commit durable — one flush a transaction (the test's own transaction already had one)
        assert len([h for h in after_commit if not isinstance(h, durable._Flush)]) == 1
        hooks: list[Any] = list(connection.run_on_commit)  # (savepoint ids, function, robust)
        flushes = [hook[1] for hook in hooks if isinstance(hook[1], durable._Flush)]
        assert len(flushes) == (1 if connection.vendor == "postgresql" else 0)
