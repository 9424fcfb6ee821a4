"""Daily normative-document work, discovered by huey's Django integration."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from zhifa.supervision.normative.services import expiry_check


@db_periodic_task(crontab(hour="1", minute="20"))
def normative_expiry() -> None:
    """Warn before validity ends; mark documents past their last day expired."""
    expiry_check()
