"""What the app registers with the shared foundation at start-up (AppConfig.ready())."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

DEADLINE_KINDS = {
    "normative.legality_review": _("Legality review of a normative document"),
    "normative.filing": _("Filing of a normative document"),
    "normative.filing_review": _("Review of a filed normative document"),
    "normative.correction": _("Correction of a filed normative document"),
}


def files_use_blob(blob: Any) -> bool:
    """A document keeps its files for as long as it exists (registered with core.files)."""
    from zhifa.supervision.normative.models import DocumentFile

    return DocumentFile.objects.filter(blob=blob).exists()


def register_all() -> None:
    from zhifa.core.files.services import register_blob_reference
    from zhifa.core.navigation import NavItem, register_nav
    from zhifa.core.roles import Role
    from zhifa.core.workflow_doc import register_doc
    from zhifa.foundation.alerts.kinds import register_kind
    from zhifa.foundation.deadlines.services import register_deadline_kind
    from zhifa.supervision.normative import diagram, handlers, indicators  # noqa: F401 — handlers register themselves

    indicators.register()
    for kind, label in DEADLINE_KINDS.items():
        register_deadline_kind(kind, label)
    register_blob_reference("normative", files_use_blob)
    register_kind("normative_expiring", _("Normative document nearing the end of its validity"))
    register_doc("docs/workflow-normative.md", diagram.render)
    register_nav(NavItem(_("Normative documents"), "normative:queues", frozenset(Role.values), order=650))
