from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _home_panel(user: Any) -> dict[str, Any] | None:
    """The user's own queue (their unit's, or their agency's when they sit on the agency node)."""
    from django.utils import timezone

    from zhifa.public.complaints.selectors import QueueFilters, complaint_list_for, sla

    node = getattr(user, "node", None)
    unit_id = node.pk if node is not None and node.kind == "unit" else None
    qs = complaint_list_for(user=user, filters=QueueFilters(state="open", unit_id=unit_id))
    today = timezone.localdate()
    soonest = list(qs[:5])
    return {
        "open": qs.count(),
        "overdue": qs.filter(due_on__lt=today).count(),
        "soonest": [(c, sla(c, today)) for c in soonest],
    }


def attachments_use_blob(blob: Any) -> bool:
    """Complaint attachments are kept with the complaint (registered with core.files)."""
    from zhifa.public.complaints.models import ComplaintAttachment

    return ComplaintAttachment.objects.filter(blob=blob).exists()


class ComplaintsConfig(AppConfig):
    name = "zhifa.public.complaints"
    label = "complaints"
    verbose_name = _("Complaints")

    def ready(self) -> None:
        from zhifa.core.demo import register_demo_step
        from zhifa.core.navigation import HomePanel, NavItem, register_home_panel, register_nav
        from zhifa.core.workflow_doc import register_doc
        from zhifa.foundation.alerts.kinds import register_kind
        from zhifa.foundation.deadlines.services import register_deadline_kind, register_object_type
        from zhifa.public.complaints import diagram
        from zhifa.public.complaints.demo import seed_complaints
        from zhifa.public.complaints.selectors import STAFF_ROLES
        from zhifa.public.complaints.services import deadlines as dues

        register_nav(NavItem(_("Complaints"), "complaints:queue", frozenset(STAFF_ROLES), order=500))
        from zhifa.core.files.services import register_blob_reference
        from zhifa.public.complaints import indicators

        indicators.register()
        register_blob_reference("complaints", attachments_use_blob)
        register_kind("complaint_sla", _("Complaint past its deadline"))
        register_kind("complaint_review", _("Review (复查/复核) of a complaint past its deadline"))
        # The periods run on the shared engine; the complaint's due columns follow its rows (mirror),
        # the complaint_sla alert above stays the complaints' own.
        register_object_type(
            dues.OBJECT_TYPE,
            mirror=dues.mirror,
            describe=dues.describe,
            own_alerts=True,
            recompute_name="complaints",
        )
        register_deadline_kind(dues.ACCEPTANCE, _("Decision on acceptance"))
        register_deadline_kind(dues.CONCLUSION, _("Reply to the complaint"))
        register_deadline_kind(dues.REOPENED, _("Reply after re-opening"))
        register_deadline_kind("complaints.review_answer", _("Opinion on a review (复查/复核)"))
        register_home_panel(
            HomePanel(
                "complaints/home_panel.html", _home_panel, frozenset({"officer", "approver"}), order=300
            )
        )
        register_demo_step(60, "complaints", seed_complaints)
        register_doc("docs/workflow-complaints.md", diagram.render)
        # the supervision centre's problem models over this app's data (core.problems)
        from zhifa.public.complaints import problems as _problems

        _problems.register()
