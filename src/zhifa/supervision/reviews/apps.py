from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "zhifa.supervision.reviews"
    label = "reviews"
    verbose_name = _("Dossier review")

    def ready(self) -> None:
        from zhifa.core.navigation import NavItem, register_nav
        from zhifa.core.roles import STAFF_ROLES
        from zhifa.core.workflow_doc import register_doc
        from zhifa.foundation.deadlines.services import register_deadline_kind
        from zhifa.supervision.reviews import demo, diagram, indicators
        from zhifa.supervision.reviews.services import DEADLINE_KIND

        register_nav(NavItem(_("Dossier review"), "reviews:home", frozenset(STAFF_ROLES), order=720))
        register_deadline_kind(DEADLINE_KIND, _("Rectification after a dossier review"))
        indicators.register()
        demo.register()
        register_doc("docs/workflow-reviews.md", diagram.render)
