from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "zhifa.public.portal"
    label = "portal"
    verbose_name = _("Disclosure portal")

    def ready(self) -> None:
        from zhifa.core.demo import register_demo_step
        from zhifa.core.navigation import NavItem, register_nav
        from zhifa.core.workflow_doc import register_doc
        from zhifa.enforcement.cases.hooks import register_event_listener
        from zhifa.foundation.alerts.kinds import register_kind
        from zhifa.foundation.deadlines.services import register_deadline_kind, register_object_type
        from zhifa.public.portal import deadlines as dues
        from zhifa.public.portal import diagram
        from zhifa.public.portal.demo import seed_portal
        from zhifa.public.portal.listeners import on_case_event
        from zhifa.public.portal.selectors import STAFF_ROLES

        register_nav(NavItem(_("Publications"), "portal:manage", frozenset(STAFF_ROLES), order=520))
        from zhifa.public.portal import indicators

        indicators.register()
        register_kind("publication_overdue", _("Decision not published in time"))
        register_kind("publication_withdrawal_late", _("Changed decision withdrawn late"))
        register_event_listener(on_case_event)
        # the public 免罚清单 page follows every change of the list at once
        from zhifa.enforcement.cases.hooks import register_no_penalty_list_listener
        from zhifa.public.portal.cache import bump

        register_no_penalty_list_listener(bump)
        # the decisions list's agency filter is cached (selectors.public_agency_choices): any saved
        # org node drops it once committed
        from django.db.models.signals import post_save

        from zhifa.org.models import OrgNode
        from zhifa.public.portal.selectors import forget_agency_choices

        post_save.connect(forget_agency_choices, sender=OrgNode, dispatch_uid="portal-agency-choices")
        # The periods run on the shared engine; publish_due/withdraw_due follow its rows (mirror), the
        # publication_overdue alert above stays the portal's own.
        register_object_type(
            dues.OBJECT_TYPE,
            mirror=dues.mirror,
            describe=dues.describe,
            own_alerts=True,
            recompute_name="portal",
        )
        register_deadline_kind(dues.PUBLICATION, _("Publication on the portal"))
        register_deadline_kind(dues.WITHDRAWAL, _("Withdrawal from the portal"))
        register_demo_step(70, "portal", seed_portal)
        register_doc("docs/workflow-publication.md", diagram.render)
        # the supervision centre's problem models over this app's data (core.problems)
        from zhifa.public.portal import problems as _problems

        _problems.register()
