from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SeizuresConfig(AppConfig):
    name = "zhifa.enforcement.seizures"
    label = "seizures"
    verbose_name = _("Seized items")

    def ready(self) -> None:
        from zhifa.core.navigation import NavItem, register_nav
        from zhifa.enforcement.cases.hooks import register_archive_check
        from zhifa.enforcement.seizures import deadlines as dues
        from zhifa.enforcement.seizures.services import archive_check_seizures
        from zhifa.foundation.alerts.kinds import register_kind
        from zhifa.foundation.deadlines.services import register_deadline_kind, register_object_type
        from zhifa.law import seizure  # noqa: F401 — registers the warning-window setting
        from zhifa.org.roles import Role

        register_archive_check(archive_check_seizures)
        from zhifa.core.workflow_doc import register_doc
        from zhifa.enforcement.seizures import diagram

        register_doc("docs/workflow-seizures.md", diagram.render)  # drawn from seizures/workflow.py
        # The term runs on the shared engine; due_on follows its row (mirror), the seizure_expiring
        # alerts stay the seizures' own (their warning window is a jurisdiction setting).
        register_object_type(
            dues.OBJECT_TYPE,
            mirror=dues.mirror,
            describe=dues.describe,
            own_alerts=True,
            recompute_name="seizures",
        )
        register_deadline_kind(dues.TERM, _("Term of the measure"))
        register_deadline_kind(dues.PRESERVATION, _("Decision on preserved evidence"))
        register_kind("seizure_expiring", _("Seizure term ending"))
        register_kind("seizure_emergency_unapproved", _("Emergency measure not approved within 24 hours"))
        from zhifa.core.demo import register_demo_step
        from zhifa.enforcement.seizures.demo import seed_seizures

        register_demo_step(55, "seizures", seed_seizures)
        register_nav(
            NavItem(
                _("Seized items"),
                "seizures:register",
                frozenset({Role.OFFICER, Role.APPROVER, Role.LEGAL_REVIEWER, Role.SUPERVISOR}),
                order=310,
            )
        )
        # the supervision centre's problem models over this app's data (core.problems)
        from zhifa.enforcement.seizures import problems as _problems

        _problems.register()
