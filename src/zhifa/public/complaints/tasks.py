"""Daily complaint work, discovered by huey's Django integration."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from zhifa.public.complaints.services import raise_sla_alerts


@db_periodic_task(crontab(hour="1", minute="10"))
def complaint_sla_alerts() -> None:
    """Alerts for complaints past their acceptance or reply deadline (信访工作条例第二十三条、第三十四条)."""
    raise_sla_alerts()
