"""Daily seizure-term check, discovered by huey's Django integration."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from zhifa.enforcement.seizures.services import seizures_check_emergencies, seizures_check_terms


@db_periodic_task(crontab(hour="6", minute="10"))
def check_seizure_terms() -> None:
    seizures_check_terms()


@db_periodic_task(crontab(minute="5"))
def check_emergency_approvals() -> None:
    """Hourly: emergency measures not approved within 24 hours (行政强制法第十九条)."""
    seizures_check_emergencies()
