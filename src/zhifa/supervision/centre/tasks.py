"""The nightly sweep of the problem models, discovered by huey's Django integration."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from zhifa.supervision.centre.services import models_run


@db_periodic_task(crontab(hour="2", minute="30"))
def centre_sweep() -> None:
    """Run every problem model over all data: raise new clues, close those whose condition cleared.
    Idempotent (a repeated run raises nothing new)."""
    models_run()
