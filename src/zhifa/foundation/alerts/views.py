from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhifa.core import access
from zhifa.core.errors import DomainError
from zhifa.core.params import int_param
from zhifa.foundation.alerts.kinds import KINDS, attach_links, kind_label
from zhifa.foundation.alerts.selectors import alert_get_for, alert_list_for
from zhifa.foundation.alerts.services import alert_resolve_by_hand
from zhifa.org.roles import Role
from zhifa.org.selectors import scope_agencies

RESOLVERS = (Role.SUPERVISOR, Role.APPROVER, Role.ADMIN)


@access.login
def alert_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "open")
    is_open = {"open": True, "resolved": False}.get(status)
    agency_id = int_param(request.GET.get("agency"))
    kind = request.GET.get("kind") or None
    qs = alert_list_for(user=request.user, agency_id=agency_id, kind=kind, is_open=is_open)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    for alert in page.object_list:
        alert.kind_text = kind_label(alert.kind)  # type: ignore[attr-defined]
    attach_links(page.object_list)
    agencies = scope_agencies(request.user)
    can_resolve = bool(request.user.role_names() & set(RESOLVERS))  # type: ignore[union-attr]
    return render(
        request,
        "alerts/list.html",
        {
            "page": page,
            "status": status,
            "kind": kind or "",
            "agency_id": agency_id,
            "kinds": sorted((code, str(label)) for code, label in KINDS.items()),
            "agencies": agencies,
            "can_resolve": can_resolve,
        },
    )


@access.roles(*RESOLVERS)
@require_POST
def alert_resolve(request: HttpRequest, alert_id: int) -> HttpResponse:
    alert = alert_get_for(user=request.user, alert_id=alert_id)
    if alert is None:
        raise Http404
    try:
        alert_resolve_by_hand(alert_id=alert.id, actor=request.user, note=request.POST.get("note", ""))
        messages.success(request, _("Alert resolved."))
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect("alerts:list")
