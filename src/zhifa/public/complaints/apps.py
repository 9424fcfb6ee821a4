from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "zhifa.public.complaints"
    label = "complaints"
    verbose_name = _("Complaints")

    def ready(self) -> None:
        from zhifa.core.demo import register_demo_step
        from zhifa.core.navigation import NavItem, register_nav
        from zhifa.public.complaints.demo import seed_complaints
        from zhifa.public.complaints.selectors import STAFF_ROLES
        from zhifa.supervision.alerts.kinds import register_kind

        register_nav(NavItem(_("Complaints"), "complaints:queue", frozenset(STAFF_ROLES), order=500))
        register_kind("complaint_sla", _("Complaint past its deadline"))
        register_demo_step(60, "complaints", seed_complaints)
