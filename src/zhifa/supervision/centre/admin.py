from django.contrib import admin

from zhifa.supervision.centre.models import Clue, FaultRecord, SupervisionNotice


@admin.register(Clue)
class ClueAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("id", "model_code", "agency", "state", "condition_open", "raised_on")
    list_filter = ("model_code", "state", "condition_open")
    readonly_fields = [f.name for f in Clue._meta.fields]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(SupervisionNotice)
class NoticeAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("number", "kind", "agency", "state", "issued_on", "due_on")
    readonly_fields = [f.name for f in SupervisionNotice._meta.fields]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False


@admin.register(FaultRecord)
class FaultAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("officer_name", "agency", "fault", "sanction", "decided_on")
    readonly_fields = [f.name for f in FaultRecord._meta.fields]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False
