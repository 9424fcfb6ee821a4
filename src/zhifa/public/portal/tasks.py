"""Daily portal work, discovered by huey's Django integration."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from zhifa.public.portal.services import raise_overdue_alerts


@db_periodic_task(crontab(hour="1", minute="20"))
def publication_overdue_alerts() -> None:
    """Alerts for decisions not published within the jurisdiction's window (国办发〔2018〕118号)."""
    raise_overdue_alerts()
