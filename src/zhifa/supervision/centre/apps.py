from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CentreConfig(AppConfig):
    name = "zhifa.supervision.centre"
    label = "centre"
    verbose_name = _("Supervision centre")

    def ready(self) -> None:
        from zhifa.core.demo import register_demo_step
        from zhifa.core.files.services import register_blob_reference
        from zhifa.core.navigation import NavItem, register_nav
        from zhifa.core.roles import Role
        from zhifa.core.workflow_doc import register_doc
        from zhifa.enforcement.cases.hooks import register_event_listener
        from zhifa.foundation.deadlines.services import register_deadline_kind
        from zhifa.law import supervision  # noqa: F401 — registers the models' settings
        from zhifa.public.complaints.services.workflow import COMPLAINTS
        from zhifa.supervision.centre import demo, diagram, indicators, services

        indicators.register()
        register_event_listener(services.on_case_event)
        COMPLAINTS.register_listener(services.on_complaint_event)
        register_deadline_kind("centre.rectification", _("Rectification of a supervision notice"))
        register_blob_reference("centre", services.materials_use_blob)
        register_doc("docs/workflow-centre.md", diagram.render)
        register_demo_step(90, "centre", demo.seed_centre)
        roles = frozenset({Role.SUPERVISOR, Role.APPROVER, Role.LEGAL_REVIEWER})
        register_nav(NavItem(_("Supervision centre"), "centre:home", roles, order=650))
        register_nav(NavItem(_("Dashboard"), "centre:dashboard", roles, order=640))
