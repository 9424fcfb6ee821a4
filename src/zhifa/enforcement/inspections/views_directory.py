"""Staff pages of 一单两库: the list of inspection items, the directory of targets with its import
(all or nothing, every row error shown in place) and export."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from zhifa.core import access
from zhifa.core.errors import DomainError
from zhifa.enforcement.inspections import imports, selectors
from zhifa.enforcement.inspections.common import DIRECTORY_ROLES, READ_ROLES
from zhifa.org.selectors import scope_agencies


@access.roles(*READ_ROLES)
def items(request: HttpRequest) -> HttpResponse:
    return render(request, "inspections/items.html", {"items": selectors.item_list_for(user=request.user)})


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
