"""Admin: the reference tables that route complaints. Complaints themselves change only through the
services (the staff pages and the API); the admin shows them read-only, without the identity fields."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from zhifa.public.complaints.models import Area, Category, Complaint, RoutingRule


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["code", "name", "agency", "order", "is_active"]
    list_filter = ["is_active", "agency"]
    search_fields = ["code", "name"]


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "order", "is_active"]


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["category", "area", "node"]
    list_filter = ["category", "area"]


@admin.register(Complaint)
class ComplaintAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = [
        "tracking_code",
        "channel",
        "category",
        "agency",
        "unit",
        "state",
        "received_on",
        "due_on",
    ]
    list_filter = ["state", "channel", "category"]
    search_fields = ["tracking_code"]
    fields = [
        "tracking_code", "channel", "external_ref", "category", "area", "location", "title", "agency", "unit",
        "state", "received_on", "acceptance_due", "accepted_on", "conclusion_due", "concluded_on", "reopen_count",
        "last_rating", "case_id",
    ]  # fmt: skip

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
