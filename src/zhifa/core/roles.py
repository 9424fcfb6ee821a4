"""The roles (docs/architecture.md): the vocabulary of the access checks (`core.access.roles`). A role is
granted on an org node and its scope follows that node — that is the org app's business
(`zhifa.org.roles` re-exports these names); they live here so that core and audit can name a role
without importing org."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    OFFICER = "officer", _("Enforcement officer")
    APPROVER = "approver", _("Approver")
    LEGAL_REVIEWER = "legal_reviewer", _("Legal reviewer")
    SUPERVISOR = "supervisor", _("Supervisor")
    ASSESSOR = "assessor", _("Assessor")
    ADMIN = "admin", _("System administrator")


ALL_ROLES = frozenset(Role.values)
STAFF_ROLES = ALL_ROLES  # every role signs in to the staff side
