"""Background tasks of the power list (django-tasks, run by huey; immediately in tests)."""

from __future__ import annotations

from django_tasks import task

from zhifa.core.tasks import PRIORITY_WAITED_ON


@task(priority=PRIORITY_WAITED_ON)  # a person watches the import's progress
def import_job_task(job_id: int) -> None:
    from zhifa.powers.jobs import import_job_run

    import_job_run(job_id=job_id)
