from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def documents_use_blob(blob: Any) -> bool:
    from zhifa.enforcement.documents.models import Document

    return Document.objects.filter(blob=blob).exists()


class DocumentsConfig(AppConfig):
    name = "zhifa.enforcement.documents"
    label = "documents"
    verbose_name = _("Enforcement documents")

    def ready(self) -> None:
        from zhifa.core.files.services import register_blob_reference
        from zhifa.core.navigation import NavItem, register_nav
        from zhifa.enforcement.cases.hooks import (
            register_archive_check,
            register_case_panel,
            register_event_listener,
            register_file_source,
        )
        from zhifa.enforcement.documents.panels import case_panel
        from zhifa.enforcement.documents.services import (
            archive_check_documents,
            file_items_records,
            on_case_event,
        )
        from zhifa.org.roles import Role

        register_nav(
            NavItem(_("Document templates"), "documents:templates", frozenset({Role.ADMIN}), order=850)
        )
        register_event_listener(on_case_event)
        # Generated PDFs are never destroyed by another domain's destruction of the same bytes.
        register_blob_reference("documents", documents_use_blob)
        register_archive_check(archive_check_documents)
        from zhifa.enforcement.documents.services import RENDERING_ALERT_KIND
        from zhifa.foundation.alerts.kinds import register_kind

        register_kind(RENDERING_ALERT_KIND, _("Document PDF rendering failed"))
        register_file_source(file_items_records)
        register_case_panel(case_panel)
