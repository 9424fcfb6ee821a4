"""Daily credential housekeeping, discovered by huey's Django integration."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from zhifa.officers.alerts import credential_alerts_sync_all
from zhifa.officers.services import credentials_expire


@db_periodic_task(crontab(hour="1", minute="10"))
def credentials_daily() -> None:
    """Mark expired credentials, then raise or resolve expiry and annual-review alerts."""
    credentials_expire()
    credential_alerts_sync_all()
