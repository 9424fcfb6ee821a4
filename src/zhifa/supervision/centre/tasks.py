"""The nightly sweep of the problem models (huey periodic task) and the incremental check an event
queues (django-tasks, run by huey; immediately in tests)."""

from __future__ import annotations

from django_tasks import task
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from zhifa.core.tasks import PRIORITY_SHOWN_SOON
from zhifa.supervision.centre.services import check_subject, event_check, models_run, recheck_aggregates


@db_periodic_task(crontab(hour="2", minute="30"))
def centre_sweep() -> None:
    """Run every problem model over all data: raise new clues, close those whose condition cleared.
    Idempotent (a repeated run raises nothing new)."""
    models_run()


@db_periodic_task(crontab(hour="3", minute="15"))
def centre_figures() -> None:
    """Recompute the dashboard's monthly parts of the past months (`centre.figures.refresh`): an act
    recorded late with an older date shows on the dashboard the next morning; the current month is
    always computed live."""
    from zhifa.supervision.centre.figures import refresh

    refresh()


@task()
def centre_event_check(subject: str, obj_id: int, aggregates: bool = False) -> None:
    """After an event on an object: its per-object models and, with `aggregates`, the aggregate
    re-check — one task (one outbox row, one message) for both (idempotent)."""
    event_check(subject, obj_id, aggregates)


# The two tasks an event queued before `centre_event_check`: kept so rows already in the outbox run.
@task()
def centre_check(subject: str, obj_id: int) -> None:
    """Re-run the per-object problem models for one object after an event on it (idempotent)."""
    check_subject(subject, [obj_id])


@task()
def centre_recheck(subject: str, obj_id: int) -> None:
    """Re-check the aggregate problem models this object feeds (a case's officers' shares and pairs):
    raise or close their clues without waiting for the sweep (idempotent)."""
    recheck_aggregates(subject, [obj_id])


@task(priority=PRIORITY_SHOWN_SOON)
def render_notice_task(notice_id: int) -> None:
    """Render a supervision notice's PDF after the event that issued it committed (documents.notice_render);
    a failure raises, so that the outbox tries again."""
    from zhifa.supervision.centre.documents import render_in_worker

    render_in_worker(notice_id)
