"""Staff pages of 一单两库: the list of inspection items and a form for one more, the directory of
targets with a form for one target, its import (all or nothing, every row error shown in place) and
export. The forms write through the same services as the API (`item_create`, `target_create`)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from zhifa.core import access
from zhifa.core.errors import DomainError, InvalidInput
from zhifa.enforcement.inspections import imports, selectors, services
from zhifa.enforcement.inspections.common import DIRECTORY_ROLES, READ_ROLES
from zhifa.org.selectors import scope_agencies


@access.roles(*READ_ROLES)
def items(request: HttpRequest) -> HttpResponse:
    can_add = bool(request.user.role_names() & DIRECTORY_ROLES)  # type: ignore[union-attr]
    return render(
        request,
        "inspections/items.html",
        {"items": selectors.item_list_for(user=request.user), "can_add": can_add},
    )


ITEM_FIELDS = ("agency_id", "code", "name", "basis", "object_type", "ratio", "frequency", "method")


def article_ids(law_id: str, numbers: str) -> list[int]:
    """The law library's articles a form names: one law and its article numbers ("42, 55" or "42、55")."""
    from zhifa.powers.selectors import article_get, law_get

    numbers = numbers.replace("、", ",").replace("，", ",").strip()
    if not numbers:
        return []
    law = law_get(law_id=int(law_id)) if law_id.isdigit() else None
    if law is None:
        raise InvalidInput(_("Choose the law the articles belong to."), detail={"field": "article_numbers"})
    ids = []
    for part in numbers.split(","):
        raw = part.strip()
        article = article_get(law_id=law.pk, number=int(raw)) if raw.isdigit() and len(raw) < 5 else None
        if article is None:
            raise InvalidInput(
                _("%(law)s has no article %(number)s.") % {"law": law.short_name, "number": raw[:10]},
                detail={"field": "article_numbers"},
            )
        ids.append(article.pk)
    return ids


@access.roles(*DIRECTORY_ROLES)
@require_http_methods(["GET", "POST"])
def item_new(request: HttpRequest) -> HttpResponse:
    """One inspection item from a form (besides the API); errors in place, nothing saved."""
    from zhifa.enforcement.inspections.models import Method, ObjectType
    from zhifa.powers.selectors import law_list

    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        data: dict[str, object] = {f: request.POST.get(f, "").strip() for f in ITEM_FIELDS}
        try:
            data["article_ids"] = article_ids(
                request.POST.get("law_id", ""), request.POST.get("article_numbers", "")[:200]
            )
            item = services.item_create(actor=request.user, data=data)
        except DomainError as exc:
            errors[str(exc.detail.get("field") or "__all__")] = str(exc.message)
            status = exc.status
        else:
            messages.success(request, _("Inspection item %(code)s saved.") % {"code": item.code})
            return redirect("inspections:items")
    return render(
        request,
        "inspections/item_new.html",
        {
            "agencies": scope_agencies(request.user, roles=DIRECTORY_ROLES),
            "laws": law_list(),
            "object_types": ObjectType.choices,
            "methods": Method.choices,
            "values": request.POST,
            "errors": errors,
        },
        status=status,
    )


TARGET_FIELDS = (
    "agency_id",
    "name",
    "credit_code",
    "object_type",
    "area",
    "industry",
    "risk_level",
    "address",
    "no_disturbance_reason",
)


@access.roles(*DIRECTORY_ROLES)
@require_http_methods(["GET", "POST"])
def target_new(request: HttpRequest) -> HttpResponse:
    """One target of the directory from a form (besides the import and the API); errors in place."""
    from zhifa.enforcement.inspections.models import ObjectType, RiskLevel

    errors: dict[str, str] = {}
    status = 200
    agencies = list(scope_agencies(request.user, roles=DIRECTORY_ROLES))
    if request.method == "POST":
        data: dict[str, object] = {f: request.POST.get(f, "").strip() for f in TARGET_FIELDS}
        data["no_disturbance"] = request.POST.get("no_disturbance") == "on"
        data["conflict_officer_ids"] = [
            int(i) for i in request.POST.getlist("conflict_officer_ids") if i.isdigit() and len(i) < 10
        ]
        try:
            target = services.target_create(actor=request.user, data=data)
        except DomainError as exc:
            errors[str(exc.detail.get("field") or "__all__")] = str(exc.message)
            status = exc.status
        else:
            messages.success(
                request,
                _("%(name)s added to the directory as %(number)s.")
                % {"name": target.name, "number": target.number},
            )
            return redirect("inspections:targets")
    return render(
        request,
        "inspections/target_new.html",
        {
            "agencies": agencies,
            "officers": selectors.officers_for_conflicts(request.user, [a.pk for a in agencies]),
            "object_types": ObjectType.choices,
            "risks": RiskLevel.choices,
            "values": request.POST,
            "chosen_officers": request.POST.getlist("conflict_officer_ids"),
            "errors": errors,
        },
        status=status,
    )


def _targets_page(
    request: HttpRequest, *, errors: list[dict[str, object]] | None = None, error: str = "", status: int = 200
) -> HttpResponse:
    q = request.GET.get("q", "")[:100]
    page = Paginator(selectors.target_list_for(user=request.user, q=q), 50).get_page(request.GET.get("page"))
    can_import = bool(request.user.role_names() & DIRECTORY_ROLES)  # type: ignore[union-attr]
    return render(
        request,
        "inspections/targets.html",
        {
            "page": page,
            "q": q,
            "can_import": can_import,
            "agencies": scope_agencies(request.user, roles=DIRECTORY_ROLES),
            "errors": errors or [],
            "error": error,
        },
        status=status,
    )


@access.roles(*READ_ROLES)
def targets(request: HttpRequest) -> HttpResponse:
    return _targets_page(request)


@access.roles(*DIRECTORY_ROLES)
def targets_import(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return redirect("inspections:targets")
    upload = request.FILES.get("file")
    if upload is None:
        return _targets_page(request, error=_("Choose a CSV or XLSX file."), status=400)
    try:
        result = imports.import_targets(
            actor=request.user,
            agency_id=request.POST.get("agency_id"),
            data=upload.read(),
            filename=upload.name or "",
        )
    except DomainError as exc:
        return _targets_page(request, error=str(exc.message), status=exc.status)
    if result.errors:
        return _targets_page(
            request, errors=result.errors, error=_("The file has errors; nothing was imported."), status=422
        )
    messages.success(request, _("%(n)d targets imported.") % {"n": result.created})
    return redirect("inspections:targets")


@access.roles(*READ_ROLES)
def targets_export(request: HttpRequest) -> HttpResponse:
    rows = imports.export_rows(selectors.target_list_for(user=request.user))
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(
            imports.to_xlsx(rows),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = 'attachment; filename="inspection-targets.xlsx"'
    else:
        response = HttpResponse(imports.to_csv(rows), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="inspection-targets.csv"'
    return response
