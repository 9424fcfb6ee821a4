"""Document pages: a case's dossier (contents, what the path still lacks, records to write, exports),
a document's PDF, and the template editor for administrators."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from zhifa.core import access
from zhifa.core.errors import DomainError
from zhifa.core.files.serving import content_disposition
from zhifa.core.masking import mask_name
from zhifa.enforcement.cases.selectors import may_see_personal_data, public_text_for, state_is_writable
from zhifa.enforcement.documents import catalogue, dossier, selectors, services
from zhifa.enforcement.documents.api import (
    ON_DEMAND,
    clean_inputs,
    dossier_ascii_name,
    dossier_download_name,
    masked_pdf_response,
    pdf_response,
)
from zhifa.enforcement.documents.models import Document, DocumentTemplate, TemplateVersion
from zhifa.enforcement.evidence.selectors import site_actions_of_case
from zhifa.org.roles import Role

STAFF = (Role.OFFICER, Role.APPROVER, Role.LEGAL_REVIEWER, Role.SUPERVISOR, Role.ADMIN)
RECORD_FIELDS: dict[str, list[tuple[str, str, Any]]] = {
    "inspection_record": [
        ("started_at", "datetime-local", gettext_lazy("Started at")),
        ("ended_at", "datetime-local", gettext_lazy("Ended at")),
        ("place", "text", gettext_lazy("Place")),
        ("present", "text", gettext_lazy("Present")),
        ("recorder", "text", gettext_lazy("Recorded by")),
        ("findings", "textarea", gettext_lazy("What was found")),
    ],
    "inquiry_record": [
        ("started_at", "datetime-local", gettext_lazy("Started at")),
        ("ended_at", "datetime-local", gettext_lazy("Ended at")),
        ("place", "text", gettext_lazy("Place")),
        ("person", "text", gettext_lazy("Person questioned")),
        ("relation", "text", gettext_lazy("Relation to the case")),
        ("transcript", "textarea", gettext_lazy("Questions and answers")),
    ],
    "rectification_order": [
        ("deadline", "date", gettext_lazy("Correct by")),
        ("requirement", "textarea", gettext_lazy("What must be corrected")),
    ],
}


def _case(request: HttpRequest, case_id: int) -> Any:
    from zhifa.enforcement.cases.selectors import case_get_for

    case = case_get_for(user=request.user, case_id=case_id)
    if case is None:
        raise Http404
    return case


def _dossier_context(request: HttpRequest, case: Any, **extra: Any) -> dict[str, Any]:
    d = dossier.dossier_for(case, rendered=False)
    actions = site_actions_of_case(case_id=case.pk)
    full = may_see_personal_data(request.user, case)
    for ev in d.evidence:
        ev.shown_description = ev.description if full else public_text_for(case, ev.description)  # type: ignore[attr-defined]
    for doc in d.documents:
        # Only a document addressed to the party can be served (送达); internal forms never offer it.
        doc.servable = catalogue.kind(doc.code).servable  # type: ignore[attr-defined]
    status = services.dossier_status(case)
    return {
        "case": case,
        "party_shown": case.party_name if full or case.party_kind != "person" else mask_name(case.party_name),
        "dossier": d,
        "status": status,
        "missing": status["missing"],
        "actions": actions,
        "can_write": services.can_write(request.user, case) and state_is_writable(case.state),
        "records": [(code, catalogue.kind(code).title, RECORD_FIELDS[code]) for code in sorted(ON_DEMAND)],
        **extra,
    }


@access.roles(*STAFF)
def case_dossier(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _case(request, case_id)
    return render(request, "documents/dossier.html", _dossier_context(request, case))


@access.roles(Role.OFFICER, Role.APPROVER)
@require_POST
def record_create(request: HttpRequest, case_id: int) -> HttpResponse:
    """Write a 笔录 or a rectification order from the dossier page."""
    case = _case(request, case_id)
    code = request.POST.get("code", "")
    if code not in ON_DEMAND:
        raise Http404
    inputs = {name: request.POST.get(name, "").strip() for name, _kind, _label in RECORD_FIELDS[code]}
    try:
        document = services.document_generate(
            case=case, code=code, actor=request.user, inputs=clean_inputs(inputs)
        )
    except DomainError as exc:
        context = _dossier_context(request, case, error=str(exc.message), error_code=code)
        return render(
            request, "documents/dossier.html", context, status=exc.status if exc.status < 500 else 400
        )
    messages.success(
        request, _("%(title)s %(number)s generated.") % {"title": document.title, "number": document.number}
    )
    return redirect("documents:dossier", case_id=case.pk)


def _document(request: HttpRequest, document_id: int) -> Document:
    try:
        return selectors.document_get_for(user=request.user, document_id=document_id)
    except DomainError:
        raise Http404 from None


@access.roles(*STAFF)
def document_pdf(request: HttpRequest, document_id: int) -> HttpResponseBase:
    try:
        document = _document(request, document_id)
        if not may_see_personal_data(request.user, document.case):
            return masked_pdf_response(request, document)
        return pdf_response(request, document)
    except DomainError as exc:
        return HttpResponse(str(exc.message), status=exc.status, content_type="text/plain; charset=utf-8")


@access.roles(Role.OFFICER, Role.APPROVER)
@require_POST
def document_regenerate(request: HttpRequest, document_id: int) -> HttpResponse:
    document = _document(request, document_id)
    try:
        services.document_regenerate(actor=request.user, document_id=document.pk)
        messages.success(request, _("Document rendered again from the case as it is now."))
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect("documents:dossier", case_id=document.case_id)


@access.roles(Role.OFFICER, Role.APPROVER)
@require_POST
def document_served(request: HttpRequest, document_id: int) -> HttpResponse:
    document = _document(request, document_id)
    try:
        served_on = dt.date.fromisoformat(request.POST.get("served_on", ""))
        if not services.can_write(request.user, document.case):
            raise Http404
        services.document_mark_served(actor=request.user, document=document, served_on=served_on)
        messages.success(request, _("Recorded as served; the document is now frozen."))
    except ValueError:
        messages.error(request, _("Enter a date."))
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect("documents:dossier", case_id=document.case_id)


def _masked_progress(request: HttpRequest, case: Any, template: str) -> HttpResponse | None:
    """While the worker prepares a masked dossier: the progress (202), the preparation queued again
    if it was queued over a minute ago (a worker that died). None once every part is kept."""
    kept, total = dossier.masked_progress(case)
    if kept >= total:
        return None
    dossier.masked_prepare_later(case)
    percent = int(100 * kept / total) if total else 0
    return render(
        request, template, {"case": case, "kept": kept, "total": total, "percent": percent}, status=202
    )


@access.roles(*STAFF)
def dossier_pdf(request: HttpRequest, case_id: int) -> HttpResponseBase:
    case = _case(request, case_id)
    masked = not may_see_personal_data(request.user, case)
    if masked and (preparing := _masked_progress(request, case, "documents/dossier_preparing.html")):
        return preparing
    response = HttpResponse(dossier.dossier_pdf(case, masked=masked), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition(
        dossier_download_name(case, "pdf", masked=masked),
        fallback=dossier_ascii_name(case, "pdf", masked=masked),
    )
    return response


@access.roles(*STAFF)
def dossier_pdf_progress(request: HttpRequest, case_id: int) -> HttpResponse:
    """The masked dossier's preparation, polled by the page (htmx): a progress bar, then the link."""
    case = _case(request, case_id)
    if may_see_personal_data(request.user, case):
        raise Http404  # nothing is prepared for a handler: the dossier is served at once
    preparing = _masked_progress(request, case, "documents/_masked_progress.html")
    if preparing is not None:
        preparing.status_code = 200  # htmx swaps 2xx answers; 202 is for the first, full page
        return preparing
    return render(request, "documents/_masked_progress.html", {"case": case, "done": True, "percent": 100})


@access.roles(*STAFF)
def dossier_zip(request: HttpRequest, case_id: int) -> HttpResponseBase:
    case = _case(request, case_id)
    if not may_see_personal_data(request.user, case):
        raise PermissionDenied  # an exact copy cannot be masked (documents.api.case_dossier_zip)
    response = FileResponse(dossier.dossier_zip(case), content_type="application/zip")
    response["Content-Disposition"] = content_disposition(
        dossier_download_name(case, "zip"), fallback=dossier_ascii_name(case, "zip")
    )
    return response


# --- Templates (administrators) ---------------------------------------------------------------------


@access.roles(Role.ADMIN)
def template_list(request: HttpRequest) -> HttpResponse:
    for kind in catalogue.KINDS:
        services.template_get(kind.code)
    return render(request, "documents/templates.html", {"templates": selectors.template_list()})


@access.roles(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def template_edit(request: HttpRequest, code: str) -> HttpResponse:
    if code not in catalogue.BY_CODE:
        raise Http404
    template = services.template_get(code)
    body = template.current.body if template.current else ""
    error = ""
    status = 200
    if request.method == "POST":
        body = request.POST.get("body", "")
        try:
            version = services.template_version_add(
                actor=request.user, code=code, body=body, note=request.POST.get("note", "")
            )
            messages.success(request, _("Version %(v)s saved and in use.") % {"v": version.version})
            return redirect("documents:template_edit", code=code)
        except DomainError as exc:
            error, status = str(exc.message), 400
    versions = (
        TemplateVersion.objects.filter(template=template).select_related("created_by").order_by("-version")
    )
    return render(
        request,
        "documents/template_edit.html",
        {
            "template": template,
            "body": body,
            "versions": versions,
            "error": error,
            "today": timezone.localdate(),
        },
        status=status,
    )


@access.roles(Role.ADMIN)
@require_POST
def template_activate(request: HttpRequest, code: str, version_id: int) -> HttpResponse:
    try:
        services.template_activate(actor=request.user, version_id=version_id)
        messages.success(request, _("Template version switched."))
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect("documents:template_edit", code=code)


@access.roles(Role.ADMIN)
def template_preview(request: HttpRequest, code: str, version_id: int) -> HttpResponseBase:
    """A version rendered with sample data (nothing is stored)."""
    from zhifa.enforcement.documents import rendering

    version = TemplateVersion.objects.filter(pk=version_id, template__code=code).first()
    if version is None:
        raise Http404
    template: DocumentTemplate = version.template
    rendered = rendering.render_pdf(version.body, services.sample_context(code), title=template.title)
    response = HttpResponse(rendered.pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="preview-{code}-v{version.version}.pdf"'
    return response
