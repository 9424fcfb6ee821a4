from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _home_panel(user: Any) -> dict[str, Any] | None:
    from zhifa.foundation.alerts.kinds import attach_links
    from zhifa.foundation.alerts.selectors import alert_list_for, open_alerts_latest

    latest = open_alerts_latest(user=user, size=5)  # alert_list_for(…)[:5], compiled once
    attach_links(latest)
    # fewer than five open alerts: those are all of them, no need to count
    count = len(latest) if len(latest) < 5 else alert_list_for(user=user, is_open=True).count()
    return {"count": count, "latest": latest}


class AlertsConfig(AppConfig):
    name = "zhifa.foundation.alerts"
    label = "alerts"
    verbose_name = _("Supervision alerts")

    def ready(self) -> None:
        from zhifa.core.navigation import HomePanel, NavItem, register_home_panel, register_nav
        from zhifa.foundation.alerts.kinds import register_kind

        # raised by the one provisional recompute (zhifa.foundation.deadlines.provisional) for every domain
        register_kind("deadline_moved_earlier", _("Deadline moved earlier by the official calendar"))
        register_kind(
            "deadline_overdue", _("Deadline overdue")
        )  # zhifa.foundation.deadlines.services, every domain
        from zhifa.core.workflow import set_alert_resolver
        from zhifa.foundation.alerts.services import alert_resolve

        set_alert_resolver(alert_resolve)  # the workflow engine closes the alerts an event answers

        register_nav(NavItem(_("Alerts"), "alerts:list", order=800))
        register_home_panel(HomePanel("alerts/home_panel.html", _home_panel, order=900))
