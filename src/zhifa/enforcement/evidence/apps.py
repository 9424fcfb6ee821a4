from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvidenceConfig(AppConfig):
    name = "zhifa.enforcement.evidence"
    label = "evidence"
    verbose_name = _("Evidence")

    def ready(self) -> None:
        from zhifa.core.files.services import register_blob_reference, register_verify_failed
        from zhifa.core.navigation import NavItem, register_nav
        from zhifa.enforcement.cases.hooks import register_archive_check, register_file_source
        from zhifa.enforcement.evidence.services import (
            archive_check_av_records,
            archive_check_evidence_verified,
            evidence_uses_blob,
            file_items_evidence,
            raise_integrity_alerts,
        )
        from zhifa.foundation.alerts.kinds import register_kind
        from zhifa.law import records  # noqa: F401 — registers the mandatory-AV setting
        from zhifa.org.roles import Role

        register_blob_reference("evidence", evidence_uses_blob)
        register_verify_failed(raise_integrity_alerts)
        register_archive_check(archive_check_av_records)
        register_archive_check(archive_check_evidence_verified)
        register_file_source(file_items_evidence)
        register_kind("av_record_missing", _("On-site action without a video record"))
        from zhifa.foundation.alerts.kinds import register_object_link

        register_object_link("evidence.siteaction", _site_action_links)
        register_kind("evidence_integrity", _("Evidence file altered or missing"))
        from zhifa.core.demo import register_demo_step
        from zhifa.enforcement.evidence.demo import seed_evidence

        register_demo_step(50, "evidence", seed_evidence)
        register_nav(
            NavItem(
                _("Evidence"),
                "evidence:list",
                frozenset({Role.OFFICER, Role.APPROVER, Role.LEGAL_REVIEWER, Role.SUPERVISOR}),
                order=300,
            )
        )
        # the supervision centre's problem models over this app's data (core.problems)
        from zhifa.enforcement.evidence import problems as _problems

        _problems.register()


def _site_action_links(ids: list[str]) -> dict[str, str]:
    """Alert object links: an on-site action is shown on its case's page."""
    from django.urls import reverse

    from zhifa.enforcement.evidence.models import SiteAction

    numeric = [int(i) for i in ids if i.isdigit()]
    rows = SiteAction.objects.filter(pk__in=numeric, case__isnull=False).values_list("pk", "case_id")
    return {str(pk): reverse("cases:detail", kwargs={"case_id": case_id}) for pk, case_id in rows}
