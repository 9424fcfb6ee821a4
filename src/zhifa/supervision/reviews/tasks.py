"""Background tasks of dossier reviews (django-tasks through the task outbox, run by huey; at once in
tests)."""

from __future__ import annotations

from django_tasks import task

from zhifa.core.tasks import PRIORITY_SHOWN_SOON


@task(priority=PRIORITY_SHOWN_SOON)  # the campaign page shows its progress
def precheck_campaign_task(campaign_id: int) -> None:
    """One chunk of the campaign's automatic pre-check; enqueues the next chunk while files are left.
    Safe to run again (at least once delivery): files already pre-checked are skipped and the progress
    is recounted, never incremented."""
    from zhifa.supervision.reviews.services import precheck_chunk

    if precheck_chunk(campaign_id):
        precheck_campaign_task.enqueue(campaign_id)
