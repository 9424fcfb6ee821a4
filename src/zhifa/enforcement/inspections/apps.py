from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    name = "zhifa.enforcement.inspections"
    label = "inspections"
    verbose_name = _("Inspections")

    def ready(self) -> None:
        import zhifa.law.inspection  # noqa: F401 — registers the jurisdiction settings
        from zhifa.core.workflow_doc import register_doc
        from zhifa.enforcement.inspections import diagram, workflow
        from zhifa.foundation.alerts.kinds import register_kind
        from zhifa.foundation.deadlines.services import register_deadline_kind

        register_deadline_kind(workflow.DEADLINE_KIND, _("Publish the inspection result"))
        register_kind(workflow.FREQUENCY_ALERT, _("Enterprise inspected too often"))
        register_kind(workflow.REPEATED_ITEM_ALERT, _("Same item inspected twice in a year"))
        register_kind("inspection_visit_denied", _("Enterprise denies an inspection visit"))
        register_doc("docs/workflow-inspections.md", diagram.render)
        from zhifa.core.navigation import NavItem, register_nav
        from zhifa.enforcement.inspections import indicators
        from zhifa.enforcement.inspections.common import READ_ROLES

        indicators.register()
        from zhifa.core.demo import register_demo_step
        from zhifa.enforcement.inspections.demo import seed_inspections

        register_demo_step(65, "inspections", seed_inspections)
        register_nav(NavItem(_("Inspections"), "inspections:mine", frozenset(READ_ROLES), order=450))
