from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "zhifa.audit"
    label = "audit"
    verbose_name = _("Audit log")

    def ready(self) -> None:
        # The workflow engine (zhifa.core.workflow) writes its audit entries through this door; core
        # does not import the audit app, so the import graph keeps core at the bottom.
        from zhifa.audit.services import audit_record, audit_record_many
        from zhifa.core.auditing import set_audit_recorder

        set_audit_recorder(audit_record, audit_record_many)
