"""Daily reconsideration work, discovered by huey's Django integration."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from zhifa.supervision.appeals.services import deemed_acceptance_sweep


# Before the deadline refresh (01:15), so a silently accepted application raises no overdue alert.
@db_periodic_task(crontab(hour="1", minute="10"))
def appeals_deemed_acceptance() -> None:
    """Applications not answered within the acceptance review period count as accepted (第三十条第三款)."""
    deemed_acceptance_sweep()
