"""Daily reconsideration work, discovered by huey's Django integration."""

from __future__ import annotations

from django_tasks import task
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from zhifa.core.tasks import PRIORITY_SHOWN_SOON
from zhifa.supervision.appeals.services import deemed_acceptance_sweep


# Before the deadline refresh (01:15), so a silently accepted application raises no overdue alert.
@db_periodic_task(crontab(hour="1", minute="10"))
def appeals_deemed_acceptance() -> None:
    """Applications not answered within the acceptance review period count as accepted (第三十条第三款)."""
    deemed_acceptance_sweep()


@task(priority=PRIORITY_SHOWN_SOON)
def render_wenshu_task(document_id: int) -> None:
    """Render a reconsideration 文书 (in full and masked) after the step that issued it committed
    (wenshu.document_render); a failure raises, so that the outbox tries again."""
    from zhifa.supervision.appeals.wenshu import render_in_worker

    render_in_worker(document_id)
