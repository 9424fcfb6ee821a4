"""Admin: publications are read-only here; they change through the portal's services only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from zhifa.public.portal.models import PublishedDecision


@admin.register(PublishedDecision)
class PublishedDecisionAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = [
        "decision_number",
        "agency_name",
        "party_public",
        "state",
        "decided_on",
        "publish_due",
        "published_on",
    ]
    list_filter = ["state"]
    search_fields = ["decision_number"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
