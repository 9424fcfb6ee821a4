"""Periodic audit work, discovered by huey's Django integration."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from zhifa.audit.services import audit_anchor_record


@db_periodic_task(crontab(hour="0", minute="5"))
def record_daily_anchor() -> None:
    audit_anchor_record()
