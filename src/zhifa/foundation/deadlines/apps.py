from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _on_year_entered(sender: Any, year: int, **kwargs: Any) -> None:
    """An administrator entered a year's calendar: recompute every provisional date after commit."""
    from django.db import transaction

    from zhifa.foundation.deadlines.tasks import provisional_recompute

    transaction.on_commit(provisional_recompute.enqueue)


class DeadlinesConfig(AppConfig):
    name = "zhifa.foundation.deadlines"
    label = "deadlines"
    verbose_name = _("Deadlines")

    def ready(self) -> None:
        from zhifa.core.calendar import year_entered_signal
        from zhifa.foundation.deadlines.provisional import register_recompute
        from zhifa.foundation.deadlines.services import recompute_provisional

        register_recompute("deadlines", recompute_provisional)
        year_entered_signal.connect(_on_year_entered, dispatch_uid="deadlines.year_entered")
