from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "zhifa.enforcement.cases"
    label = "cases"
    verbose_name = _("Penalty cases")

    def ready(self) -> None:
        # The settings of law.penalty (statement period, report period, confiscation thresholds)
        # register when the module is imported; the case workflow needs them from the start.
        from zhifa.enforcement.cases import events  # noqa: F401 — registers the event handlers
        from zhifa.law import penalty  # noqa: F401
        from zhifa.supervision.alerts.kinds import register_kind

        register_kind("case_deadline", _("Case deadline overdue"))
        register_kind("service_late", _("Decision served late"))
