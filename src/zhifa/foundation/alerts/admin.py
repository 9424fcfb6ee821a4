from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from zhifa.foundation.alerts.models import Alert


@admin.register(Alert)
class AlertAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["raised_at", "kind", "title", "agency", "due_on", "resolved_at"]
    list_filter = ["kind", "severity"]
    search_fields = ["title", "key"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # raised by rules, not typed in

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
