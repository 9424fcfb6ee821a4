"""Read-only admin views of officers and their records: every change goes through the officer pages
(services with history rows and audit entries), never through a second door here."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from zhifa.officers.models import (
    AnnualReview,
    Credential,
    CredentialEvent,
    ExamResult,
    ExamSession,
    ImportBatch,
    Officer,
    TrainingRecord,
)


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Officer)
class OfficerAdmin(ReadOnlyAdmin):
    list_display = ["name", "agency", "unit", "position", "has_legal_qualification", "is_active"]
    list_filter = ["agency", "is_active", "has_legal_qualification"]
    search_fields = ["name", "credentials__number"]
    exclude = ["id_number"]  # the officer pages show it masked or in full by scope


@admin.register(Credential)
class CredentialAdmin(ReadOnlyAdmin):
    list_display = ["number", "officer", "kind", "status", "issued_on", "expires_on", "review_due_on"]
    list_filter = ["status", "kind", "agency"]
    search_fields = ["number", "officer__name"]


@admin.register(CredentialEvent)
class CredentialEventAdmin(ReadOnlyAdmin):
    list_display = ["credential", "action", "from_status", "to_status", "effective_on", "actor_name", "at"]
    list_filter = ["action"]


@admin.register(AnnualReview)
class AnnualReviewAdmin(ReadOnlyAdmin):
    list_display = ["credential", "year", "reviewed_on", "passed", "reviewer_name"]


@admin.register(TrainingRecord)
class TrainingRecordAdmin(ReadOnlyAdmin):
    list_display = ["officer", "year", "kind", "title", "held_on", "hours", "points"]
    list_filter = ["year", "kind"]


@admin.register(ExamSession)
class ExamSessionAdmin(ReadOnlyAdmin):
    list_display = ["title", "kind", "held_on", "organiser", "pass_score", "excellent_score"]


@admin.register(ExamResult)
class ExamResultAdmin(ReadOnlyAdmin):
    list_display = ["session", "officer", "score", "absent", "passed", "excellent"]


@admin.register(ImportBatch)
class ImportBatchAdmin(ReadOnlyAdmin):
    list_display = ["kind", "filename", "rows", "actor", "at"]
