from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatsConfig(AppConfig):
    name = "zhifa.supervision.stats"
    label = "stats"
    verbose_name = _("Statistics")

    def ready(self) -> None:
        from zhifa.core.navigation import NavItem, register_nav

        register_nav(NavItem(_("Statistics"), "stats:summary", order=700))
