"""Background tasks of the documents app (django-tasks, run by huey; immediately in tests)."""

from __future__ import annotations

from django_tasks import task
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, on_startup

from zhifa.core.tasks import PRIORITY_SHOWN_SOON, PRIORITY_WAITED_ON


@task(priority=PRIORITY_SHOWN_SOON)
def render_document_task(document_id: int) -> bool:
    """Render one 文书 after the transaction that created it committed (render_queue.schedule)."""
    from zhifa.enforcement.documents.render_queue import render_task

    return render_task(document_id)


@db_periodic_task(crontab(minute="*"))
def render_pending_periodic() -> None:
    """Retry failed renderings and pick up any the worker never received: none is lost."""
    from zhifa.enforcement.documents.render_queue import render_pending

    render_pending()


@on_startup()
def warm_renderer() -> None:
    """Each worker thread renders a one-line page when the worker starts: WeasyPrint imported, the
    stylesheet parsed, the thread's CJK fonts loaded, the speedups installed (~1 s of CPU). Otherwise
    the first 文书 of each thread after a (re)start pays it, and its user waits that much longer.
    huey runs start-up hooks in every worker thread; one that fails is logged and the worker goes on."""
    from zhifa.enforcement.documents.rendering import warm_up

    warm_up()


@task(priority=PRIORITY_WAITED_ON)
def prepare_masked_dossier_task(case_id: int) -> int:
    """Render the masked copies a masked dossier download needs (dossier.masked_prepare), so that the
    download itself only joins kept parts; the page shows the progress meanwhile."""
    from zhifa.enforcement.documents.dossier import masked_prepare

    return masked_prepare(case_id)
