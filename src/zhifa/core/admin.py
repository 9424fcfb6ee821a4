from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from zhifa.core.calendar import calendar_changed
from zhifa.core.models import CalendarDay, CalendarYear


class CalendarAdminMixin(admin.ModelAdmin):  # type: ignore[type-arg]
    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        calendar_changed()

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        super().delete_model(request, obj)
        calendar_changed()


@admin.register(CalendarDay)
class CalendarDayAdmin(CalendarAdminMixin):
    list_display = ["date", "kind", "name"]
    list_filter = ["kind"]
    date_hierarchy = "date"


@admin.register(CalendarYear)
class CalendarYearAdmin(CalendarAdminMixin):
    list_display = ["year", "source", "confirmed_at"]
