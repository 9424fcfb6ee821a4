"""Staff pages under /normative/: the queues of the drafting agency, the legal office and the filing
reviewers (deadline colours), registering a draft, the detail page with its steps (htmx forms, errors
in place), files, and clean-up campaigns. Every write goes through `services`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from zhifa.core import access
from zhifa.core.errors import DomainError
from zhifa.core.files.serving import serve_blob
from zhifa.core.roles import Role
from zhifa.law.normative import LEGALITY_CHECKLIST
from zhifa.org.selectors import scope_agencies, user_can_see_agency
from zhifa.supervision.normative import selectors as sel
from zhifa.supervision.normative import services as svc
from zhifa.supervision.normative.models import Decision, DocumentFile, NormativeDocument, State
from zhifa.supervision.normative.workflow import DRAFTERS, NORMATIVE

STAFF = tuple(Role.values)


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: Any
    kind: str  # date, text, textarea, checkbox, result
    required: bool = True


ON = FieldSpec("on", _("Date of the act"), "date", required=False)
EVENT_FIELDS: dict[str, tuple[FieldSpec, ...]] = {
    "submit": (ON,),
    "review": (ON, FieldSpec("opinion", _("Review opinion"), "textarea")),
    "deliberate": (
        ON,
        FieldSpec("meeting", _("Meeting"), "text"),
        FieldSpec("record", _("Deliberation record"), "textarea"),
    ),
    "publish": (
        FieldSpec("number", _("Document number (e.g. 海城管规〔2026〕3号)"), "text"),
        FieldSpec("published_on", _("Publication date"), "date", required=False),
        FieldSpec("effective_on", _("Effective on"), "date", required=False),
        FieldSpec(
            "text", _("Published text (leave empty to keep the draft text)"), "textarea", required=False
        ),
        FieldSpec("trial", _("Interim or trial (暂行/试行): shorter validity"), "checkbox", required=False),
    ),
    "file": (ON,),
    "receive": (ON,),
    "filing_review": (
        ON,
        FieldSpec("result", _("Result"), "result"),
        FieldSpec("problems", _("Problems found (required for a correction)"), "textarea", required=False),
    ),
    "correct": (ON, FieldSpec("correction", _("Correction made"), "textarea")),
    "amend": (FieldSpec("title", _("Title of the new version (optional)"), "text", required=False),),
    "repeal": (ON, FieldSpec("reason", _("Reason for repeal"), "textarea")),
}


def _data(event: str, post: Any) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for spec in EVENT_FIELDS.get(event, ()):
        if spec.kind == "checkbox":
            data[spec.name] = post.get(spec.name) == "on"
        else:
            value = post.get(spec.name, "").strip()
            if value:
                data[spec.name] = value
    if event == "review":
        answers = {"yes": True, "no": False}
        data["checklist"] = {k: answers[post[k]] for k in LEGALITY_CHECKLIST if post.get(k) in answers}
        data["passed"] = answers.get(post.get("passed", ""))
    return data


def action_context(
    doc: NormativeDocument, event: str, *, values: Any = None, error: DomainError | None = None
) -> dict[str, Any]:
    """One step's form: its fields with what was typed (kept after a refusal) and the error."""
    if values is None:  # a fresh form: a trial draft stays a trial document unless unticked
        values = {"trial": doc.trial} if event == "publish" else {}
    return {
        "doc": doc,
        "name": event,
        "action": NORMATIVE.table.get(event),
        "fields": [(f, values.get(f.name, "")) for f in EVENT_FIELDS.get(event, ())],
        "checklist": [(k, label, values.get(k, "")) for k, label in LEGALITY_CHECKLIST.items()],
        "passed": values.get("passed", ""),
        "error": error,
    }


def _visible(request: HttpRequest, document_id: int) -> NormativeDocument:
    doc = sel.document_get_for(user=request.user, document_id=document_id)
    if doc is None:
        raise Http404
    return doc


@access.roles(*STAFF)
def queues(request: HttpRequest) -> HttpResponse:
    user = request.user
    today = timezone.localdate()
    roles = user.role_names()  # type: ignore[union-attr]
    sections = []
    if roles & DRAFTERS:
        sections.append((_("Drafting agency"), sel.queue(user=user, states=sel.DRAFTING_QUEUE, today=today)))
    if Role.LEGAL_REVIEWER in roles:
        sections.append(
            (_("Legal office: legality review"), sel.queue(user=user, states=sel.LEGAL_QUEUE, today=today))
        )
    if Role.SUPERVISOR in roles:
        sections.append((_("Filing review"), sel.queue(user=user, states=sel.FILING_QUEUE, today=today)))
    recent = (
        sel.documents_for(user=user).exclude(state__in=[State.DRAFT]).order_by("-published_on", "-id")[:20]
    )
    return render(
        request,
        "normative/queues.html",
        {"sections": sections, "recent": recent, "can_draft": bool(roles & DRAFTERS)},
    )


@access.roles(*DRAFTERS)
@require_http_methods(["GET", "POST"])
def create(request: HttpRequest) -> HttpResponse:
    agencies = [a for a in scope_agencies(request.user, roles=DRAFTERS) if a.kind == "agency"]
    error: DomainError | None = None
    values = request.POST if request.method == "POST" else {}
    if request.method == "POST":
        p = request.POST
        try:
            doc = svc.document_create(
                actor=request.user,
                data=svc.DraftInput(
                    agency_id=int(p.get("agency_id") or 0) if (p.get("agency_id") or "").isdigit() else 0,
                    title=p.get("title", ""),
                    basis=p.get("basis", ""),
                    explanation=p.get("explanation", ""),
                    public_comment=p.get("public_comment") == "on",
                    public_comment_summary=p.get("public_comment_summary", ""),
                    trial=p.get("trial") == "on",
                    text=p.get("text", ""),
                ),
            )
            return redirect("normative:detail", document_id=doc.pk)
        except DomainError as exc:
            error = exc
    status = 400 if error else 200
    return render(
        request,
        "normative/create.html",
        {"agencies": agencies, "error": error, "values": values},
        status=status,
    )


def _detail_context(request: HttpRequest, doc: NormativeDocument) -> dict[str, Any]:
    allowed = sel.allowed_events(doc, request.user)
    can_upload = user_can_see_agency(request.user, doc.agency_id, roles=DRAFTERS) and doc.state in {
        State.DRAFT,
        State.RETURNED,
        State.DELIBERATED,
        State.CORRECTING,
    }
    return {
        "doc": doc,
        "validity": sel.validity(doc),
        "deadlines": sel.deadlines_of(doc),
        "reviews": list(doc.reviews.order_by("id")),
        "filing": getattr(doc, "filing", None),
        "files": list(doc.files.select_related("blob")),
        "file_roles": DocumentFile.Role.choices,
        "events": [(e, sel.event_label(e.kind)) for e in sel.events_of(doc)],
        "actions": [action_context(doc, e) for e in allowed if e != "expire"],
        "can_upload": can_upload,
        "next_version": NormativeDocument.objects.filter(previous=doc).first(),
    }


@access.roles(*STAFF)
def detail(request: HttpRequest, document_id: int) -> HttpResponse:
    doc = _visible(request, document_id)
    return render(request, "normative/detail.html", _detail_context(request, doc))


@access.roles(*STAFF)
@require_POST
def act(request: HttpRequest, document_id: int, event: str) -> HttpResponse:
    """One step; a refusal re-renders the step's form with the message in place (htmx), 4xx."""
    doc = _visible(request, document_id)
    t = NORMATIVE.table.get(event)
    if t is None or event == "expire":
        raise Http404
    try:
        result = svc.document_apply_event(
            document_id=doc.pk, actor=request.user, event=event, data=_data(event, request.POST)
        )
    except DomainError as exc:
        context = action_context(doc, event, values=request.POST, error=exc)
        if request.htmx:  # type: ignore[attr-defined]
            return render(request, "normative/_action.html", context, status=exc.status)
        page = {**_detail_context(request, doc), "failed": event, "failed_form": context}
        return render(request, "normative/detail.html", page, status=exc.status)
    url = reverse("normative:detail", args=[result.pk])
    if request.htmx:  # type: ignore[attr-defined]
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


@access.roles(*DRAFTERS)
@require_POST
def upload(request: HttpRequest, document_id: int) -> HttpResponse:
    doc = _visible(request, document_id)
    upload = request.FILES.get("file")
    error: DomainError | str | None = None
    if upload is None:
        error = str(_("Choose a file."))
    else:
        try:
            svc.file_attach(
                document_id=doc.pk,
                actor=request.user,
                role=request.POST.get("role", ""),
                name=upload.name or "file",
                content=upload.read(),
            )
            return redirect("normative:detail", document_id=doc.pk)
        except DomainError as exc:
            error = exc
    context = {**_detail_context(request, doc), "upload_error": error}
    return render(request, "normative/detail.html", context, status=400)


@access.roles(*STAFF)
def file_download(request: HttpRequest, document_id: int, file_id: int) -> HttpResponseBase:
    doc = _visible(request, document_id)
    item = doc.files.filter(pk=file_id).select_related("blob").first()
    if item is None:
        raise Http404
    try:
        return serve_blob(
            request,
            item.blob,
            audit_action="normative.file_download",
            audit_obj=doc,
            agency_id=doc.agency_id,
            filename=item.name,
            as_attachment=True,
            content_type=item.blob.mime,
        )
    except DomainError:
        raise Http404 from None


# --- Clean-up campaigns ---------------------------------------------------------------------------

CLEANUP_ROLES = (Role.SUPERVISOR, Role.LEGAL_REVIEWER, Role.APPROVER)


@access.roles(*CLEANUP_ROLES)
@require_http_methods(["GET", "POST"])
def cleanups(request: HttpRequest) -> HttpResponse:
    scopes = sel.cleanup_scopes(user=request.user)
    error: DomainError | None = None
    if request.method == "POST":
        raw = request.POST.get("scope_id", "")
        try:
            campaign = svc.cleanup_start(
                actor=request.user,
                scope_id=int(raw) if raw.isdigit() else 0,
                name=request.POST.get("name", ""),
            )
            return redirect("normative:cleanup", campaign_id=campaign.pk)
        except DomainError as exc:
            error = exc
    return render(
        request,
        "normative/cleanups.html",
        {"campaigns": sel.campaigns_for(user=request.user), "scopes": scopes, "error": error},
        status=error.status if error else 200,
    )


@access.roles(*CLEANUP_ROLES)
@require_http_methods(["GET", "POST"])
def cleanup(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = next((c for c in sel.campaigns_for(user=request.user) if c.pk == campaign_id), None)
    if campaign is None:
        raise Http404
    error: DomainError | None = None
    failed_item = None
    if request.method == "POST":
        try:
            if request.POST.get("close"):
                svc.cleanup_close(actor=request.user, campaign_id=campaign.pk)
            else:
                raw = request.POST.get("item_id", "")
                failed_item = int(raw) if raw.isdigit() else None
                svc.cleanup_decide(
                    actor=request.user,
                    item_id=failed_item or 0,
                    decision=request.POST.get("decision", ""),
                    reason=request.POST.get("reason", ""),
                )
            return redirect("normative:cleanup", campaign_id=campaign.pk)
        except DomainError as exc:
            error = exc
    return render(
        request,
        "normative/cleanup.html",
        {
            "campaign": campaign,
            "items": sel.campaign_items(campaign),
            "error": error,
            "failed_item": failed_item,
            "decisions": Decision.choices,
        },
        status=error.status if error else 200,
    )
