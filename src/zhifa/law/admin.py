from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from zhifa.law.models import JurisdictionSetting
from zhifa.law.services import jurisdiction_setting_set


@admin.register(JurisdictionSetting)
class JurisdictionSettingAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["node", "key", "value", "document", "set_at"]
    list_filter = ["key"]
    fields = ["node", "key", "value", "document"]

    def save_model(self, request: HttpRequest, obj: JurisdictionSetting, form: Any, change: bool) -> None:
        saved = jurisdiction_setting_set(
            actor=request.user, node=obj.node, key=obj.key, value=obj.value, document=obj.document
        )
        obj.pk = saved.pk
