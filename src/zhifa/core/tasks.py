"""django-tasks backend that hands tasks to huey through a table in the database (an outbox).

Services enqueue through the django-tasks interface (`some_task.enqueue(...)`, usually inside
`transaction.on_commit`), so a deployment can swap the runner without touching domain code. huey runs
them: on SQLite in the embedded setup (`manage.py run_huey`, started by `make run`), on Redis when
REDIS_URL is set. Tests use django-tasks' ImmediateBackend.

Why the outbox (`core.QueuedTask`): huey removes a message from Redis when a worker takes it, so a
worker killed mid-task lost the task; and an enqueue while Redis was down raised after the request's
write had committed, losing it too. Now every enqueue writes a row first (inside the caller's
transaction when there is one, handed to the queue after commit); the worker claims the row, runs the
task and marks it done; `sweep` (every minute, and when a worker starts) hands pending rows to the
queue again and takes back rows claimed by a worker that died. A task therefore runs *at least once*;
every domain task is idempotent (it checks the state it is about to change), so its effect is applied
once. A task that raises is retried with a growing pause, up to MAX_ATTEMPTS, then marked failed and
logged as an error.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import os
import socket
import threading
import traceback
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks.backends.base import BaseTaskBackend
from django_tasks.base import Task, TaskResult, TaskResultStatus
from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task, db_task, on_startup

from zhifa.core import planner_stats, prepared
from zhifa.core.models import QueuedTask

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
RETRY_BASE = dt.timedelta(seconds=30)  # 30 s, 1 min, 2 min, 4 min between attempts
REPUSH_AFTER = dt.timedelta(minutes=5)  # a pending row handed over this long ago: its message was lost
DONE_KEPT = dt.timedelta(days=7)


def lease() -> dt.timedelta:
    """How long a running task may go without finishing before another worker takes it back (a worker
    on this host that has died is noticed at once; one on another host only after the lease)."""
    return dt.timedelta(seconds=int(getattr(settings, "ZHIFA_TASK_LEASE_SECONDS", 900)))


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


# Priorities: work a person is watching a progress bar for goes before work nobody waits on, so a
# backlog (the demo's 文书 after a first `make run`, a night's sweep, a burst of events) does not keep a
# user waiting behind it. A task declares it (`@task(priority=…)`, django-tasks' field, -100…100,
# default 0); huey takes the higher first (SqliteHuey and PriorityRedisHuey; same priority: in order).
PRIORITY_WAITED_ON = 20  # a person asked for it and is watching its progress (a masked dossier)
PRIORITY_SHOWN_SOON = 10  # its result is shown as "being prepared" until done (文书 PDFs after an event)


@functools.cache
def priority_of(task_path: str) -> int:
    """The priority a queued row's task declares (0 for a task this release no longer has)."""
    try:
        declared = getattr(import_string(task_path), "priority", 0)
    except ImportError:
        return 0
    return int(declared) if isinstance(declared, int) else 0


def _send(row: QueuedTask) -> bool:
    """Give one row's message to huey; False when the queue is down (the row waits, nothing is lost)."""
    priority = priority_of(row.task_path) or None  # None: the queue's default, any storage takes it
    try:
        if row.run_after and row.run_after > timezone.now():
            run_queued_task.schedule(args=(row.pk,), eta=row.run_after, priority=priority)
        else:
            run_queued_task(row.pk, priority=priority)
    except Exception:  # the queue (Redis) is unreachable
        log.warning("task queue unavailable; %s #%s stays pending for the sweep", row.task_path, row.pk)
        return False
    return True


def _handed_at(run_after: dt.datetime | None) -> dt.datetime:
    # a scheduled row counts as handed over from the moment it is due (for the re-push rule)
    return max(timezone.now(), run_after) if run_after else timezone.now()


def _push(row: QueuedTask) -> None:
    """Hand one row to huey again (the sweep, a retry) and note when; a queue that is down leaves the
    row pending for the sweep."""
    if _send(row):
        QueuedTask.objects.filter(pk=row.pk, state=QueuedTask.State.PENDING).update(
            pushed_at=_handed_at(row.run_after)
        )


def _push_new(row: QueuedTask) -> None:
    """Hand a row just enqueued to huey. Its `pushed_at` was written with the row (the hand-over is
    expected to succeed: no second write per task); a queue that is down clears it, so the sweep hands
    the row over within a minute. A process that dies between the commit and this push leaves the row
    pending with `pushed_at` set: the sweep re-pushes it once REPUSH_AFTER has passed."""
    if not _send(row):
        QueuedTask.objects.filter(pk=row.pk, state=QueuedTask.State.PENDING).update(pushed_at=None)


@db_task()
def run_queued_task(row_id: int) -> Any:
    """Claim the row (pending → running, only one worker can), run the task, record the outcome."""
    now = timezone.now()
    claimed = QueuedTask.objects.filter(pk=row_id, state=QueuedTask.State.PENDING).update(
        state=QueuedTask.State.RUNNING, claimed_at=now, claimed_by=worker_id(), attempts=F("attempts") + 1
    )
    if not claimed:  # already run, running elsewhere, or a duplicate message
        return None
    row = QueuedTask.objects.get(pk=row_id)
    try:
        task: Task[Any, Any] = import_string(row.task_path)
        result = task.call(*row.args, **row.kwargs)
    except Exception as exc:
        attempts = row.attempts
        failed = attempts >= MAX_ATTEMPTS
        QueuedTask.objects.filter(pk=row_id).update(
            state=QueuedTask.State.FAILED if failed else QueuedTask.State.PENDING,
            last_error="".join(traceback.format_exception(exc))[-4000:],
            run_after=None if failed else timezone.now() + RETRY_BASE * 2 ** (attempts - 1),
            pushed_at=None,
            claimed_by="",
        )
        (log.error if failed else log.warning)(
            "task %s #%s failed (attempt %s)", row.task_path, row_id, attempts
        )
        if not failed:
            _push(QueuedTask.objects.get(pk=row_id))
        return None
    QueuedTask.objects.filter(pk=row_id).update(
        state=QueuedTask.State.DONE, finished_at=timezone.now(), last_error=""
    )
    return result


def _dead_here(claimed_by: str) -> bool:
    """A row claimed by a process of this host that no longer exists (a killed worker)."""
    host, _, pid = claimed_by.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def sweep() -> dict[str, int]:
    """Hand pending rows to the queue again, take back rows whose worker died, drop old done rows."""
    now = timezone.now()
    taken_back = 0
    for row in QueuedTask.objects.filter(state=QueuedTask.State.RUNNING).only(
        "pk", "claimed_at", "claimed_by", "attempts"
    ):
        if _dead_here(row.claimed_by) or (row.claimed_at and row.claimed_at < now - lease()):
            # a task that keeps killing its worker (say, out of memory) stops after MAX_ATTEMPTS
            exhausted = row.attempts >= MAX_ATTEMPTS
            taken_back += QueuedTask.objects.filter(pk=row.pk, state=QueuedTask.State.RUNNING).update(
                state=QueuedTask.State.FAILED if exhausted else QueuedTask.State.PENDING,
                pushed_at=None,
                claimed_by="",
                last_error="the worker running it stopped before it finished" if exhausted else "",
            )
    due = QueuedTask.objects.filter(state=QueuedTask.State.PENDING).filter(
        Q(run_after__isnull=True) | Q(run_after__lte=now)
    )
    due = due.filter(Q(pushed_at__isnull=True) | Q(pushed_at__lt=now - REPUSH_AFTER))
    pushed = 0
    for row in due.order_by("pk")[:1000]:
        _push(row)
        pushed += 1
    QueuedTask.objects.filter(state=QueuedTask.State.DONE, finished_at__lt=now - DONE_KEPT).delete()
    return {"taken_back": taken_back, "pushed": pushed}


@db_periodic_task(crontab(minute="*"))
def sweep_every_minute() -> None:
    sweep()


_planner_stats_lock = threading.Lock()


@db_periodic_task(crontab(hour="3", minute="40"))
def refresh_planner_statistics() -> None:
    """SQLite: the query planner's statistics, once a night (core.planner_stats)."""
    planner_stats.refresh()


if not HUEY.immediate:

    @on_startup()
    def sweep_on_start() -> None:
        """A worker restarted by supervisord after a kill takes its own unfinished tasks back at once."""
        sweep()

    @on_startup()
    def planner_statistics_on_start() -> None:
        """A SQLite database never analysed (a new install, an upgrade) gets its statistics at once
        (each worker thread starts this hook: the first one analyses, the others then find them)."""
        with _planner_stats_lock:
            if planner_stats.missing():
                planner_stats.refresh()


class HueyBackend(BaseTaskBackend):
    supports_defer = True
    supports_priority = True  # handed to huey with the message (`_send`, `priority_of`)

    def enqueue(self, task: Task[Any, Any], args: Any, kwargs: Any) -> TaskResult[Any]:
        self.validate_task(task)
        row = QueuedTask(
            task_path=f"{task.func.__module__}.{task.func.__name__}",
            args=list(args),
            kwargs=dict(kwargs),
            run_after=task.run_after,
            enqueued_at=timezone.now(),
            pushed_at=_handed_at(task.run_after),
        )
        prepared.insert(row)  # objects.create() without compiling the INSERT each time
        # Inside a transaction the row becomes visible (and worth running) only when it commits.
        transaction.on_commit(lambda: _push_new(row))
        return TaskResult(
            task=task,
            id=str(row.pk),
            status=TaskResultStatus.READY,
            enqueued_at=row.enqueued_at,
            started_at=None,
            finished_at=None,
            last_attempted_at=None,
            args=list(args),
            kwargs=dict(kwargs),
            backend=self.alias,
            errors=[],
            worker_ids=[],
        )


def enqueue_after_commit(task: Task[Any, Any], *args: Any, **kwargs: Any) -> None:
    """Queue `task` to run once the current transaction has committed (listeners' follow-up work).

    With the outbox (HueyBackend) inside a transaction, the row is written now, in the caller's
    transaction: it commits with the caller's write (a process that dies right after the commit loses
    nothing) and costs no commit of its own; huey gets it after the commit. With any other backend
    (tests run tasks immediately), or outside a transaction, the enqueue itself waits for the commit, so
    the task never sees uncommitted work; a failure there is logged, never raised to the caller whose
    write has committed."""
    if transaction.get_connection().in_atomic_block and isinstance(task.get_backend(), HueyBackend):
        task.enqueue(*args, **kwargs)
    else:
        transaction.on_commit(lambda: task.enqueue(*args, **kwargs), robust=True)
