"""The one provisional-deadline job and the daily deadline refresh, discovered by huey's Django
integration (each installed app's `tasks` module)."""

from __future__ import annotations

from django_tasks import task
from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@task()
def provisional_recompute() -> dict[str, int]:
    """Enqueued after an administrator enters a year's calendar (calendar.year_entered)."""
    from zhifa.foundation.deadlines.provisional import recompute_all

    return recompute_all()


@db_periodic_task(crontab(hour="1", minute="5"))
def provisional_recompute_daily() -> None:
    """Deadlines computed before a year's official calendar was entered follow it once it is."""
    from zhifa.foundation.deadlines.provisional import recompute_all

    recompute_all()


@db_periodic_task(crontab(hour="1", minute="15"))
def deadlines_refresh_daily() -> None:
    """Statuses, elapsed party windows and overdue alerts of every domain's deadlines."""
    from zhifa.foundation.deadlines.services import deadlines_refresh

    deadlines_refresh()
