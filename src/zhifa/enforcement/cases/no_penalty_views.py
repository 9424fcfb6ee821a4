"""Staff pages of the 免罚清单 (行政处罚法第三十三条第一款): the list, a line added, changed or retired.

Thin views: parse → selector → one service call → a refusal shown in place with its 4xx status. Every
signed-in member of an agency reads the list (it is published on the portal anyway); administrators
and approvers keep the list of the jurisdictions their grants cover (`services.may_keep_no_penalty_list`).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from zhifa.core import access
from zhifa.core.errors import DomainError, InvalidInput
from zhifa.core.params import int_param
from zhifa.enforcement.cases import selectors, services
from zhifa.enforcement.cases.models import NoPenaltyListEntry
from zhifa.org.roles import Role
from zhifa.org.selectors import scope_agency_ids

KEEPERS = (Role.ADMIN, Role.APPROVER)
FIELDS = ("power_item_id", "kind", "conditions", "document")


def _form_context(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    from zhifa.powers.selectors import item_picker

    return {
        "nodes": selectors.no_penalty_list_nodes_for(request.user),
        "power_items": item_picker(agency_ids=scope_agency_ids(request.user, roles=list(KEEPERS))),
        "kinds": NoPenaltyListEntry.Kind.choices,
        "today": timezone.localdate().isoformat(),
        "v": {},
        **extra,
    }


@access.login
def no_penalty_list(request: HttpRequest) -> HttpResponse:
    node_id = int_param(request.GET.get("node"))
    include_retired = request.GET.get("retired") in ("1", "on", "true")
    rows = selectors.no_penalty_list_for(user=request.user, node_id=node_id, include_retired=include_retired)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    kept = {n.pk for n in selectors.no_penalty_list_nodes_for(request.user)}
    return render(
        request,
        "cases/no_penalty_list.html",
        {
            "page": page,
            "kept": kept,
            "may_add": bool(kept),
            "node": node_id,
            "retired": include_retired,
            "kind_labels": dict(NoPenaltyListEntry.Kind.choices),
        },
    )


@access.roles(*KEEPERS)
@require_http_methods(["GET", "POST"])
def no_penalty_new(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        nodes = {n.pk: n for n in selectors.no_penalty_list_nodes_for(request.user)}
        node = nodes.get(int_param(request.POST.get("node_id")) or 0)
        try:
            if node is None:
                raise InvalidInput(
                    _("Choose the jurisdiction whose list this is."), detail={"field": "node_id"}
                )
            services.no_penalty_list_add(
                actor=request.user, node=node, data={k: request.POST.get(k, "") for k in FIELDS}
            )
        except DomainError as exc:
            return render(
                request,
                "cases/no_penalty_form.html",
                _form_context(request, error=exc, error_field=exc.detail.get("field"), v=request.POST),
                status=exc.status,
            )
        messages.success(request, _("The line was added to the no-penalty list."))
        return redirect("cases:no_penalty_list")
    return render(request, "cases/no_penalty_form.html", _form_context(request))


def _values(entry: NoPenaltyListEntry) -> dict[str, str]:
    """The form's fields as the line has them now."""
    return {
        "power_item_id": str(entry.power_item_id),
        "kind": entry.kind,
        "conditions": entry.conditions,
        "document": entry.document,
    }


def _entry(request: HttpRequest, entry_id: int) -> Any:
    entry = selectors.no_penalty_entry_get(user=request.user, entry_id=entry_id)
    if entry is None:
        raise Http404
    return entry


@access.roles(*KEEPERS)
@require_http_methods(["GET", "POST"])
def no_penalty_edit(request: HttpRequest, entry_id: int) -> HttpResponse:
    entry = _entry(request, entry_id)
    if request.method == "POST":
        try:
            services.no_penalty_list_update(
                actor=request.user, entry_id=entry.pk, data={k: request.POST.get(k, "") for k in FIELDS}
            )
        except DomainError as exc:
            return render(
                request,
                "cases/no_penalty_form.html",
                _form_context(
                    request, entry=entry, error=exc, error_field=exc.detail.get("field"), v=request.POST
                ),
                status=exc.status,
            )
        messages.success(request, _("The line was changed."))
        return redirect("cases:no_penalty_list")
    return render(
        request, "cases/no_penalty_form.html", _form_context(request, entry=entry, v=_values(entry))
    )


@access.roles(*KEEPERS)
@require_POST
def no_penalty_retire(request: HttpRequest, entry_id: int) -> HttpResponse:
    entry = _entry(request, entry_id)
    try:
        services.no_penalty_list_retire(
            actor=request.user,
            entry_id=entry.pk,
            data={
                "reason": request.POST.get("reason", ""),
                "retired_on": request.POST.get("retired_on") or None,
            },
        )
    except DomainError as exc:
        return render(
            request,
            "cases/no_penalty_form.html",
            _form_context(
                request,
                entry=entry,
                v=_values(entry),
                retire_error=exc,
                retire_field=exc.detail.get("field"),
                r=request.POST,
            ),
            status=exc.status,
        )
    messages.success(request, _("The line was retired; it stays on record."))
    return redirect("cases:no_penalty_list")
