"""Evidence pages: the list, one item (hashes, verification history, retention, destruction), the
upload form (streamed, usable from a phone in the field) and the destruction queue."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import SuspiciousOperation
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_POST

from zhifa.core import access
from zhifa.core.errors import DomainError
from zhifa.core.files.services import blob_verify
from zhifa.core.files.storage import get_store
from zhifa.core.params import int_param
from zhifa.enforcement.evidence import disclosure, permissions, selectors, services
from zhifa.enforcement.evidence.api import agency_from
from zhifa.enforcement.evidence.meta import parse_meta
from zhifa.enforcement.evidence.models import Evidence
from zhifa.enforcement.evidence.staging import UploadRefused, UploadState, parse_upload, prepare_upload
from zhifa.org.roles import Role
from zhifa.org.selectors import scope_agencies

STAFF = (Role.OFFICER, Role.APPROVER, Role.LEGAL_REVIEWER, Role.SUPERVISOR, Role.ADMIN)


@access.roles(*STAFF)
def evidence_list(request: HttpRequest) -> HttpResponse:
    filters = selectors.EvidenceFilters(
        agency_id=int_param(request.GET.get("agency")),
        case_id=int_param(request.GET.get("case")),
        kind=request.GET.get("kind", "") if request.GET.get("kind") in Evidence.Kind.values else "",
        q=request.GET.get("q", "").strip()[:100],
    )
    page = Paginator(selectors.evidence_list_for(user=request.user, filters=filters), 50).get_page(
        request.GET.get("page")
    )
    agencies = scope_agencies(request.user)
    for row in page.object_list:
        _shown(request, row)
    return render(
        request,
        "evidence/list.html",
        {"page": page, "filters": filters, "kinds": Evidence.Kind.choices, "agencies": agencies},
    )


def _shown(request: HttpRequest, evidence: Evidence) -> Evidence:
    """What the page prints: personal data masked unless the viewer handles the matter."""
    evidence.shown_party = disclosure.party_name_for(request.user, evidence)  # type: ignore[attr-defined]
    evidence.shown_description = disclosure.text_for(  # type: ignore[attr-defined]
        request.user, evidence, evidence.description
    )
    return evidence


def _get(request: HttpRequest, evidence_id: int) -> Evidence:
    try:
        return selectors.evidence_get_for(user=request.user, evidence_id=evidence_id)
    except DomainError:
        raise Http404 from None


@access.roles(*STAFF)
def evidence_detail(request: HttpRequest, evidence_id: int) -> HttpResponse:
    evidence = _shown(request, _get(request, evidence_id))
    return render(
        request,
        "evidence/detail.html",
        {
            "evidence": evidence,
            "checks": selectors.blob_checks(blob=evidence.blob),
            "destructions": evidence.destructions.select_related("requested_by", "decided_by").order_by(
                "-id"
            ),
            "can_verify": permissions.can_verify(request.user, evidence.agency_id),
            "can_approve": permissions.can_approve(request.user, evidence.agency_id),
            "can_add": permissions.can_add(request.user, evidence.agency_id),
        },
    )


@access.roles(*STAFF)
def evidence_content(request: HttpRequest, evidence_id: int) -> HttpResponseBase:
    """Inline content for the preview (img/video tags); every access is recorded."""
    from zhifa.enforcement.evidence.api import content_response

    evidence = _get(request, evidence_id)
    try:
        return content_response(request, evidence, download=request.GET.get("download") == "1")
    except DomainError as exc:
        return HttpResponse(str(exc.message), status=exc.status, content_type="text/plain; charset=utf-8")


@access.roles(*STAFF)
@require_POST
def evidence_verify(request: HttpRequest, evidence_id: int) -> HttpResponse:
    evidence = _get(request, evidence_id)
    if not permissions.can_verify(request.user, evidence.agency_id):
        raise Http404
    check = blob_verify(blob=evidence.blob, trigger="manual", actor=request.user)
    if check.ok:
        messages.success(request, _("The stored file matches its SM3 and SHA-256 digests."))
    else:
        messages.error(
            request, _("The stored file does not match its digests: %(detail)s") % {"detail": check.detail}
        )
    return redirect("evidence:detail", evidence_id=evidence.pk)


@access.roles(Role.APPROVER)
@require_POST
def evidence_retention(request: HttpRequest, evidence_id: int) -> HttpResponse:
    evidence = _get(request, evidence_id)
    try:
        keep_until = dt.date.fromisoformat(request.POST.get("keep_until", ""))
        services.evidence_set_retention(
            actor=request.user, evidence=evidence, keep_until=keep_until, basis=request.POST.get("basis", "")
        )
        messages.success(request, _("Retention period recorded."))
    except ValueError:
        messages.error(request, _("Enter a date."))
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect("evidence:detail", evidence_id=evidence.pk)


@access.roles(Role.OFFICER, Role.APPROVER)
@require_POST
def destruction_request(request: HttpRequest, evidence_id: int) -> HttpResponse:
    evidence = _get(request, evidence_id)
    try:
        services.evidence_destruction_request(
            actor=request.user, evidence=evidence, reason=request.POST.get("reason", "")
        )
        messages.success(request, _("Destruction requested; another approver must decide."))
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect("evidence:detail", evidence_id=evidence.pk)


@access.roles(Role.APPROVER)
def destruction_queue(request: HttpRequest) -> HttpResponse:
    queue = selectors.destruction_queue_for(user=request.user)
    page = Paginator(queue, 50).get_page(request.GET.get("page"))
    return render(request, "evidence/destructions.html", {"page": page})


@access.roles(Role.APPROVER)
@require_POST
def destruction_decide(request: HttpRequest, destruction_id: int) -> HttpResponse:
    try:
        services.evidence_destruction_decide(
            actor=request.user,
            destruction_id=destruction_id,
            approve=request.POST.get("decision") == "approve",
            note=request.POST.get("note", "")[:2000],
        )
        messages.success(request, _("Decision recorded."))
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect("evidence:destructions")


def _upload_context(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    agencies = scope_agencies(request.user, roles=permissions.WRITERS)
    case = None
    case_id = int_param(request.GET.get("case") or request.POST.get("case"))
    if case_id:
        from zhifa.enforcement.cases.selectors import case_get_for

        case = case_get_for(user=request.user, case_id=case_id)
    return {
        "agencies": agencies,
        "kinds": Evidence.Kind.choices,
        "case": case,
        "action_id": int_param(request.GET.get("action") or request.POST.get("action_id")),
        **extra,
    }


@csrf_exempt  # the CSRF check runs below, after the streaming upload handler is installed
@access.roles(Role.OFFICER, Role.APPROVER)
@require_http_methods(["GET", "POST"])
def evidence_upload(request: HttpRequest) -> HttpResponse:
    """Upload from a browser or phone. The file is streamed to storage and hashed on the way. Django's
    CSRF check reads the form body, so the streaming handler is installed first and the check runs
    in the inner view; whatever happens, a staged file that was not stored is removed."""
    if request.method == "GET":
        return render(request, "evidence/upload.html", _upload_context(request))
    try:
        state = prepare_upload(request, staging_dir=get_store().staging_dir)
    except DomainError as exc:
        return _upload_error(request, exc)
    try:
        return _evidence_upload_post(request, state)
    except (MultiPartParserError, SuspiciousOperation, OSError):
        return _upload_error(request, UploadRefused(_("The upload could not be read; send it again.")))
    finally:
        state.handler.discard_all()


def _upload_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    values = request.POST if getattr(request, "_post", None) is not None else {}
    context = _upload_context(
        request, error=str(exc.message), field_errors=exc.detail.get("fields", {}), values=values
    )
    return render(request, "evidence/upload.html", context, status=exc.status if exc.status < 500 else 400)


@csrf_protect
def _evidence_upload_post(request: HttpRequest, state: UploadState) -> HttpResponse:
    case_id = int_param(request.GET.get("case"))
    try:
        case = None
        if case_id:
            from zhifa.enforcement.cases.selectors import case_get_for

            case = case_get_for(user=request.user, case_id=case_id)
            if case is None:
                raise Http404
        upload = parse_upload(request, state)
        meta = parse_meta(upload.fields)
        agency = case.agency if case is not None else agency_from(upload.fields.get("agency_id"))
        evidence = services.evidence_ingest(
            actor=request.user, staged=upload.staged, agency=agency, meta=meta, case=case
        )
    except DomainError as exc:
        return _upload_error(request, exc)
    messages.success(request, _("Evidence stored. SHA-256 %(sha)s") % {"sha": evidence.blob.sha256})
    return redirect("evidence:detail", evidence_id=evidence.pk)
