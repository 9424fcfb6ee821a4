"""Admin pages for the org tree, users and roles. Creation and role changes go through org.services."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from zhifa.audit.services import audit_record
from zhifa.org.models import LoginThrottle, OrgNode, RoleGrant, User
from zhifa.org.services import login_unlock, login_unlock_address, org_node_create, role_grant, role_revoke


@admin.register(OrgNode)
class OrgNodeAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["indented_name", "kind", "abbreviation", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "abbreviation"]
    fields = [
        "kind",
        "name",
        "abbreviation",
        "parent",
        "region_code",
        "duties",
        "address",
        "phone",
        "is_active",
    ]

    @admin.display(description=_("name"), ordering="path")
    def indented_name(self, obj: OrgNode) -> str:
        return "　" * obj.depth + obj.name

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["kind", "parent"] if obj else []  # moving nodes would orphan paths and scopes

    def save_model(self, request: HttpRequest, obj: OrgNode, form: Any, change: bool) -> None:
        if change:
            obj.save()
            audit_record(
                actor=request.user,
                action="org.node_update",
                obj=obj,
                summary={"changed": list(form.changed_data)},
            )
            return
        data = {f: getattr(obj, f) for f in ["region_code", "duties", "address", "phone", "is_active"]}
        created = org_node_create(
            actor=request.user,
            kind=obj.kind,
            name=obj.name,
            parent=obj.parent,
            abbreviation=obj.abbreviation,
            **data,
        )
        obj.pk = created.pk

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # records point at nodes; deactivate instead


class RoleGrantInline(admin.TabularInline):  # type: ignore[type-arg]
    model = RoleGrant
    extra = 0
    fields = ["role", "node", "granted_at"]
    readonly_fields = ["granted_at"]
    fk_name = "user"

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(User)
class UserAdmin(BaseUserAdmin):  # type: ignore[type-arg]
    list_display = ["username", "full_name", "node", "is_active", "last_login"]
    search_fields = ["username", "full_name"]
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        (_("Organisation"), {"fields": ("full_name", "node", "phone")}),
    )
    inlines = [RoleGrantInline]

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if formset.model is not RoleGrant:
            super().save_formset(request, form, formset, change)
            return
        for grant in formset.save(commit=False):  # new grants through the service (audited)
            role_grant(actor=request.user, user=form.instance, role=grant.role, node=grant.node)
        for grant in formset.deleted_objects:
            role_revoke(actor=request.user, grant=grant)

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        audit_record(
            actor=request.user,
            action="org.user_update" if change else "org.user_create",
            obj=obj,
            agency_id=obj.node.agency_id if obj.node else None,
            summary={"changed": [f for f in form.changed_data if f != "password"]},
        )


@admin.register(LoginThrottle)
class LoginThrottleAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """The unlock path in the admin: select rows, "unlock" (audited through org.services)."""

    list_display = ["username", "address", "failures", "locked_until", "last_failure_at"]
    search_fields = ["username", "address"]
    readonly_fields = ["username", "address", "failures", "locked_until", "last_failure_at"]
    actions = ["unlock"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # through the audited action below

    @admin.action(description=_("Unlock the selected sign-ins"))
    def unlock(self, request: HttpRequest, queryset: Any) -> None:
        for row in queryset:
            if row.username:
                login_unlock(actor=request.user, username=row.username)
            else:
                login_unlock_address(actor=request.user, address=row.address)
