from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    name = "zhifa.supervision.assessment"
    label = "assessment"
    verbose_name = _("Rule-of-law assessment")

    def ready(self) -> None:
        from zhifa.core.files.services import register_blob_reference
        from zhifa.core.navigation import HomePanel, NavItem, register_home_panel, register_nav
        from zhifa.core.roles import STAFF_ROLES
        from zhifa.core.workflow_doc import register_doc
        from zhifa.foundation.deadlines.services import register_deadline_kind
        from zhifa.supervision.assessment import demo, diagram, panels
        from zhifa.supervision.assessment.services import materials_use_blob
        from zhifa.supervision.assessment.workflow import DEADLINE_KIND

        register_nav(
            NavItem(_("Rule-of-law assessment"), "assessment:home", frozenset(STAFF_ROLES), order=730)
        )
        register_home_panel(
            HomePanel("assessment/panel.html", panels.home_panel, frozenset(STAFF_ROLES), order=730)
        )
        register_deadline_kind(DEADLINE_KIND, _("Rule-of-law assessment self-check"))
        register_blob_reference("assessment", materials_use_blob)
        register_doc("docs/workflow-assessment.md", diagram.render)
        demo.register()
