"""Pages of the justice bureau (queue with deadline colours, receiving, detail with the steps), of the
respondent agencies (their appeals, answers due), and the public one-click reconsideration page."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from zhifa.core import access
from zhifa.core.errors import DomainError
from zhifa.core.params import int_param
from zhifa.core.ratelimit import allow
from zhifa.org.selectors import scope_agencies, user_can_see_agency
from zhifa.supervision.appeals import api as presenters
from zhifa.supervision.appeals import event_forms, wenshu
from zhifa.supervision.appeals import selectors as sel
from zhifa.supervision.appeals import services as svc
from zhifa.supervision.appeals.models import LITIGATION_OPEN, Appeal, Kind, State
from zhifa.supervision.appeals.rules import HANDLER_ROLES, LITIGATION_ROLES, ORGAN_ROLES
from zhifa.supervision.appeals.uploads import ACCEPT_ATTRIBUTE, MAX_ATTACHMENTS
from zhifa.supervision.appeals.workflow import TABLE

PAGE_SIZE = 30
# History rows written outside the workflow table (services.court_papers_upload).
OTHER_EVENTS = {"court_papers": gettext_lazy("Court's notice of response uploaded")}


def _cards(appeals: Any) -> list[dict[str, Any]]:
    return [{"a": a, "next": sel.next_deadline(a)} for a in appeals]


@access.roles(*sorted(HANDLER_ROLES))
def queue(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind", "")
    state = request.GET.get("state", "open")
    filters = sel.AppealFilters(
        kind=kind if kind in Kind.values else "",
        state=state if state in State.values else "",
        agency=int_param(request.GET.get("agency")),
        open_only=state == "open",
    )
    page = Paginator(sel.appeal_list_for(user=request.user, filters=filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "appeals/queue.html",
        {
            "page": page,
            "cards": _cards(page.object_list),
            "filters": filters,
            "state": state,
            "states": State.choices,
            "kinds": Kind.choices,
            "agencies": scope_agencies(request.user),
            "can_receive": bool(scope_agencies(request.user, roles=ORGAN_ROLES)),
            "can_register": bool(scope_agencies(request.user, roles=LITIGATION_ROLES)),
        },
    )


@access.roles(*sorted(HANDLER_ROLES))
def agency_view(request: HttpRequest) -> HttpResponse:
    """The respondent agency's side: answers and defences due first, then its other open appeals (the
    justice bureau's supervisors see the same list for every agency in their scope)."""
    due = sel.appeal_list_for(user=request.user, filters=sel.AppealFilters(answers_due=True))
    open_ = sel.appeal_list_for(user=request.user, filters=sel.AppealFilters(open_only=True)).exclude(
        id__in=due.values("id")
    )
    return render(request, "appeals/agency.html", {"due": _cards(due[:100]), "open": _cards(open_[:100])})


NEW_FIELDS = (
    "kind",
    "respondent_id",
    "organ",
    "court_case_number",
    "case_id",
    "act",
    "act_number",
    "acted_on",
    "claims",
    "reasons",
    "known_on",
    "received_on",
    "channel",
)
APPLICANT_FIELDS = ("kind", "name", "id_number", "phone", "address")


@access.roles(*sorted(HANDLER_ROLES))
@require_http_methods(["GET", "POST"])
def new(request: HttpRequest) -> HttpResponse:
    values: dict[str, Any] = {
        "kind": request.GET.get("kind", "reconsideration"),
        "case_id": request.GET.get("case", ""),
    }
    error: DomainError | None = None
    if request.method == "POST":
        values = {k: request.POST.get(k, "").strip() for k in NEW_FIELDS}
        data: dict[str, Any] = {k: v for k, v in values.items() if v != ""}
        data["applicant"] = {k: request.POST.get(f"applicant_{k}", "").strip() for k in APPLICANT_FIELDS}
        data["informed"] = request.POST.get("informed") == "on"
        data["simple"] = request.POST.get("simple") == "on"
        values.update({f"applicant_{k}": v for k, v in data["applicant"].items()})
        try:
            appeal = svc.appeal_create(actor=request.user, data=data)
        except DomainError as exc:
            error = exc
        else:
            messages.success(request, _("Recorded."))
            return redirect("appeals:detail", appeal_id=appeal.pk)
    roles = ORGAN_ROLES if values.get("kind") != "litigation" else LITIGATION_ROLES
    return render(
        request,
        "appeals/new.html",
        {
            "values": values,
            "error": error,
            "error_field": error.detail.get("field") if error else None,
            "agencies": scope_agencies(request.user, roles=roles),
            "kinds": Kind.choices,
        },
        status=error.status if error else 200,
    )


def _event_label(kind: str) -> Any:
    t = TABLE.get(kind)
    return t.label if t is not None else OTHER_EVENTS.get(kind, kind)


def _detail_context(
    request: HttpRequest, appeal: Appeal, *, failed: str = "", error: DomainError | None = None
) -> dict[str, Any]:
    body = presenters.appeal_out(request, appeal)
    forms = []
    for name in body["allowed_events"]:
        t = TABLE.get(name)
        assert t is not None
        forms.append(
            {
                "event": name,
                "label": t.label,
                "guards": t.guards,
                "fields": event_forms.render_fields(name, request.POST if name == failed else None),
                "error": error if name == failed else None,
                "error_field": (error.detail.get("field") if error else None) if name == failed else None,
            }
        )
    return {
        "appeal": appeal,
        "b": body,
        "forms": forms,
        "wenshu": [
            {
                "code": w.code,
                "title": w.title,
                "number": next((d["number"] for d in body["documents"] if d["code"] == w.code), ""),
            }
            for w in wenshu.available(appeal)
        ],
        "can_upload": appeal.kind == Kind.LITIGATION
        and appeal.state in LITIGATION_OPEN
        and user_can_see_agency(request.user, appeal.respondent_id, roles=LITIGATION_ROLES),
        "accept": ACCEPT_ATTRIBUTE,
        "events": [{"label": _event_label(e.kind), "e": e} for e in sel.appeal_events(appeal)],
        "full": sel.can_see_identity(request.user, appeal),
    }


@access.login
def detail(request: HttpRequest, appeal_id: int) -> HttpResponse:
    appeal = sel.appeal_get_for(user=request.user, appeal_id=appeal_id)
    if appeal is None:
        raise Http404
    return render(request, "appeals/detail.html", _detail_context(request, appeal))


@access.login
def document(request: HttpRequest, appeal_id: int, code: str) -> HttpResponseBase:
    """A reconsideration 文书 as PDF: numbered, rendered once and stored (see `wenshu`)."""
    appeal = sel.appeal_get_for(user=request.user, appeal_id=appeal_id)
    if appeal is None:
        raise Http404
    try:
        return presenters.document_response(request, appeal, code)
    except DomainError as exc:
        return HttpResponse(str(exc.message), status=exc.status, content_type="text/plain; charset=utf-8")


@access.roles(*sorted(ORGAN_ROLES))
@require_POST
def decision_preview(request: HttpRequest, appeal_id: int) -> HttpResponse:
    """The decision as it would be issued with the decide form's outcome and reasons: a draft PDF,
    unnumbered, not stored, nothing changed (opened from the decide form in a new tab)."""
    appeal = sel.appeal_get_for(user=request.user, appeal_id=appeal_id)
    if appeal is None:
        raise Http404
    try:
        pdf = wenshu.decision_preview(
            actor=request.user, appeal=appeal, data=event_forms.parse("decide", request.POST)
        )
    except DomainError as exc:
        return HttpResponse(str(exc.message), status=exc.status, content_type="text/plain; charset=utf-8")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="appeal-{appeal.pk}-decision-draft.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@access.login
def file_content(request: HttpRequest, appeal_id: int, file_id: int) -> HttpResponseBase:
    """A file kept with the appeal, to those handling it only."""
    appeal = sel.appeal_get_for(user=request.user, appeal_id=appeal_id)
    if appeal is None:
        raise Http404
    try:
        return presenters.file_response(request, appeal, file_id)
    except DomainError:
        raise Http404 from None


@access.roles(*sorted(LITIGATION_ROLES))
@require_POST
def court_papers(request: HttpRequest, appeal_id: int) -> HttpResponse:
    """Upload the court's notice of response (应诉通知书): the defence period runs from its service."""
    appeal = sel.appeal_get_for(user=request.user, appeal_id=appeal_id)
    if appeal is None:
        raise Http404
    try:
        svc.court_papers_upload(
            actor=request.user,
            appeal_id=appeal.pk,
            upload=request.FILES.get("file"),
            served_on=request.POST.get("served_on", ""),
        )
    except DomainError as exc:
        context = _detail_context(request, appeal)
        context["upload_error"] = exc
        context["upload_served_on"] = request.POST.get("served_on", "")
        return render(request, "appeals/detail.html", context, status=exc.status)
    messages.success(request, _("The court's notice of response is kept with the suit."))
    return redirect("appeals:detail", appeal_id=appeal_id)


@access.roles(*sorted(HANDLER_ROLES))
@require_POST
def act(request: HttpRequest, appeal_id: int, event: str) -> HttpResponse:
    appeal = sel.appeal_get_for(user=request.user, appeal_id=appeal_id)
    if appeal is None or TABLE.get(event) is None:
        raise Http404
    try:
        svc.appeal_apply_event(
            appeal_id=appeal.pk, actor=request.user, event=event, data=event_forms.parse(event, request.POST)
        )
    except DomainError as exc:
        fresh = sel.appeal_get_for(user=request.user, appeal_id=appeal_id)
        assert fresh is not None
        context = _detail_context(request, fresh, failed=event, error=exc)
        form = next((f for f in context["forms"] if f["event"] == event), None)
        if request.htmx and form is not None:  # type: ignore[attr-defined]
            return render(request, "appeals/_event_form.html", {**context, "form": form}, status=exc.status)
        if form is None:
            messages.error(request, str(exc.message))
            return redirect("appeals:detail", appeal_id=appeal_id)
        return render(request, "appeals/detail.html", context, status=exc.status)
    t = TABLE.get(event)
    messages.success(request, _("Recorded: %(event)s.") % {"event": t.label if t else event})
    url = reverse("appeals:detail", kwargs={"appeal_id": appeal_id})
    if request.htmx:  # type: ignore[attr-defined]
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


# --- public: one-click reconsideration ---------------------------------------------------------------

PUBLIC_FIELDS = ("decision_number", "id_number", "claims", "reasons", "phone")


def _preview_or_none(values: dict[str, str]) -> dict[str, Any] | None:
    try:
        return svc.public_preview(decision_number=values["decision_number"], id_number=values["id_number"])
    except DomainError:
        return None


@access.public
@require_http_methods(["GET", "POST"])
def public_new(request: HttpRequest) -> HttpResponse:
    """一键复议 in two steps on one page: the party enters the decision number and its own ID number
    and sees its decision (`step=preview`); then files its claims, reasons and attachments
    (`step=apply`). A mismatch answers the same words whether or not the decision exists."""
    values = {k: request.POST.get(k, "").strip() for k in PUBLIC_FIELDS}
    error: DomainError | None = None
    decision: dict[str, Any] | None = None
    if request.method == "POST":
        preview = request.POST.get("step") == "preview"
        limits = presenters.PREVIEW_LIMITS if preview else presenters.SUBMIT_LIMITS
        if not allow(request, limits):
            return render(request, "appeals/public/too_many.html", {"section": "appeals"}, status=429)
        try:
            if preview:
                decision = svc.public_preview(
                    decision_number=values["decision_number"], id_number=values["id_number"]
                )
            else:
                appeal = svc.public_apply(**values, attachments=request.FILES.getlist("attachments"))
                return redirect("appeals:public_progress", code=appeal.tracking_code)
        except DomainError as exc:
            error = exc
            if exc.code != "no_matching_decision":
                decision = _preview_or_none(values)  # e.g. a refused attachment: the form stays
    return render(
        request,
        "appeals/public/new.html",
        {
            "values": values,
            "decision": decision,
            "error": error,
            "error_field": error.detail.get("field") if error else None,
            "accept": ACCEPT_ATTRIBUTE,
            "max_files": MAX_ATTACHMENTS,
            "section": "appeals",
        },
        status=error.status if error else 200,
    )


@access.public
def public_progress(request: HttpRequest, code: str) -> HttpResponse:
    if not allow(request, presenters.LOOKUP_LIMITS):
        return render(request, "appeals/public/too_many.html", {"section": "appeals"}, status=429)
    appeal = sel.public_get(svc.normalise_tracking_code(code))
    if appeal is None:
        raise Http404
    return render(
        request,
        "appeals/public/progress.html",
        {"p": presenters.public_progress(appeal), "section": "appeals"},
    )


@access.public
def public_track(request: HttpRequest) -> HttpResponse:
    code = svc.normalise_tracking_code(request.GET.get("code", ""))
    if code and sel.public_get(code) is not None:
        return redirect("appeals:public_progress", code=code)
    return render(
        request,
        "appeals/public/track.html",
        {"code": code, "not_found": bool(code), "section": "appeals"},
        status=404 if code else 200,
    )


STAT_CODES = (
    "appeals.head_appearance_rate",
    "appeals.correction_rate",
    "appeals.loss_rate",
    "appeals.answer_on_time_rate",
)


@access.roles(*sorted(HANDLER_ROLES))
def stats(request: HttpRequest) -> HttpResponse:
    """The four indicators per agency in the reader's scope for a year, and their total (summed from
    the parts, never averaged) — computed by the registered indicators the dashboard reads."""
    from zhifa.core.indicators import DateSpan, indicator, indicator_value

    year = int_param(request.GET.get("year"), timezone.localdate().year) or timezone.localdate().year
    if not 2000 <= year <= 2100:
        year = timezone.localdate().year
    span = DateSpan.year(year)
    agencies = list(scope_agencies(request.user))
    heads = [str(indicator(code).label) for code in STAT_CODES]
    rows = [
        {"name": a.name, "values": [indicator_value(code, [a.pk], span) for code in STAT_CODES]}
        for a in agencies
    ]
    total = [indicator_value(code, [a.pk for a in agencies], span) for code in STAT_CODES]
    return render(request, "appeals/stats.html", {"year": year, "heads": heads, "rows": rows, "total": total})
