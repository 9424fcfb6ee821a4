"""Background tasks of the documents app (django-tasks, run by huey; immediately in tests)."""

from __future__ import annotations

from django_tasks import task
from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@task()
def render_document_task(document_id: int) -> bool:
    """Render one 文书 after the transaction that created it committed (render_queue.schedule)."""
    from zhifa.enforcement.documents.render_queue import render_task

    return render_task(document_id)


@db_periodic_task(crontab(minute="*"))
def render_pending_periodic() -> None:
    """Retry failed renderings and pick up any the worker never received: none is lost."""
    from zhifa.enforcement.documents.render_queue import render_pending

    render_pending()
