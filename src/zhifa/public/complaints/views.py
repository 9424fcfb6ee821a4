"""Staff pages under /complaints/: the queue with SLA colours, hotline intake, the detail page with its
timeline and actions, attachments, statistics. Every action goes through one service function."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from zhifa.core import access
from zhifa.core.errors import DomainError
from zhifa.core.files.serving import serve_blob
from zhifa.core.params import int_param
from zhifa.org.roles import Role
from zhifa.org.selectors import (
    active_agencies,
    active_units,
    agency_names,
    granted_nodes,
    scope_agencies,
    scope_agency_ids,
    user_can_see_agency,
)
from zhifa.public.complaints import forms as f
from zhifa.public.complaints import selectors as sel
from zhifa.public.complaints import services as svc
from zhifa.public.complaints.models import (
    HANDLING_STATES,
    OPEN_STATES,
    Category,
    Channel,
    Complaint,
    ComplaintFeedback,
    State,
)

STAFF = sel.STAFF_ROLES
HANDLERS = (Role.OFFICER, Role.APPROVER)
INTAKE = svc.INTAKE_ROLES


def _filters(request: HttpRequest) -> sel.QueueFilters:
    g = request.GET
    state = g.get("state", "open")
    if state not in ("open", "all", *State.values):
        state = "open"
    channel = g.get("channel", "")
    return sel.QueueFilters(
        state=state,
        agency_id=int_param(g.get("agency")),
        unit_id=int_param(g.get("unit")),
        category_id=int_param(g.get("category")),
        channel=channel if channel in Channel.values else "",
        overdue=g.get("overdue") == "1",
        q=g.get("q", "")[:100],
    )


@access.roles(*STAFF)
def queue(request: HttpRequest) -> HttpResponse:
    filters = _filters(request)
    if "unit" not in request.GET:
        node = getattr(request.user, "node", None)
        grants = granted_nodes(request.user, roles=STAFF)
        # A squadron's staff start with their own queue; whoever holds a role on an agency or a
        # government (a bureau's leadership, the justice bureau's supervisors) starts with everything
        # under it, not with the queue of the unit they sit in.
        wide = any(agency_id is None or node_id == agency_id for node_id, agency_id in grants)
        if (
            node is not None
            and not wide
            and node.is_unit
            and node.agency_id in scope_agency_ids(request.user)
        ):
            filters.unit_id = node.pk
    page = Paginator(sel.complaint_list_for(user=request.user, filters=filters), 50).get_page(
        request.GET.get("page")
    )
    today = timezone.localdate()
    rows = [(c, sel.sla(c, today)) for c in page.object_list]
    agencies = scope_agencies(request.user, roles=STAFF)
    units = active_units(agency_ids=scope_agency_ids(request.user, roles=STAFF))
    context = {
        "page": page,
        "rows": rows,
        "filters": filters,
        "agencies": agencies,
        "units": units,
        "categories": Category.objects.filter(is_active=True),
        "states": State.choices,
        "channels": Channel.choices,
        "query": _query_without_page(request, filters),
        "can_intake": bool(request.user.role_names() & set(INTAKE)),  # type: ignore[union-attr]
        "can_review": bool(request.user.role_names() & set(svc.REVIEWER_ROLES)),  # type: ignore[union-attr]
    }
    template = "complaints/staff/_queue_table.html" if request.htmx else "complaints/staff/queue.html"  # type: ignore[attr-defined]
    return render(request, template, context)


def _query_without_page(request: HttpRequest, filters: sel.QueueFilters) -> str:
    q = request.GET.copy()
    q.pop("page", None)
    if "unit" not in q and filters.unit_id:
        q["unit"] = str(filters.unit_id)
    return q.urlencode()


@access.roles(*INTAKE)
@require_http_methods(["GET", "POST"])
def intake(request: HttpRequest) -> HttpResponse:
    form = f.StaffComplaintForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            complaint = svc.complaint_submit(
                data=form.to_input(),
                channel=form.cleaned_data["channel"],
                actor=request.user,
                files=form.cleaned_data.get("attachments") or [],
            )
        except DomainError as exc:
            field = exc.detail.get("field")
            form.add_error(field if field in form.fields else None, str(exc.message))
        else:
            messages.success(
                request,
                _("Registered. Tell the caller the tracking code %(code)s.")
                % {"code": complaint.tracking_code},
            )
            if user_can_see_agency(request.user, complaint.agency_id, roles=STAFF):
                return redirect("complaints:detail", complaint.pk)
            return redirect("complaints:intake")
    status = 400 if request.method == "POST" else 200
    return render(request, "complaints/staff/intake.html", {"form": form}, status=status)


def _visible(request: HttpRequest, complaint_id: int) -> Complaint:
    complaint = sel.complaint_get_for(user=request.user, complaint_id=complaint_id)
    if complaint is None:
        raise Http404
    return complaint


@dataclass(frozen=True)
class Action:
    label: Any
    form: type[forms.Form]
    run: Callable[[Complaint, Any, dict[str, Any]], Any]
    states: tuple[str, ...]
    roles: tuple[str, ...] = HANDLERS
    done: Any = None  # the success message; "Saved." when None


ACTIONS: dict[str, Action] = {
    "accept": Action(
        gettext_lazy("Accept"),
        f.NoteForm,
        lambda c, u, d: svc.complaint_accept(complaint_id=c.pk, actor=u, note=d["note"]),
        (State.RECEIVED,),
        done=gettext_lazy("Accepted."),
    ),
    "reject": Action(
        gettext_lazy("Do not accept"),
        f.ReasonForm,
        lambda c, u, d: svc.complaint_reject(complaint_id=c.pk, actor=u, reason=d["reason"]),
        (State.RECEIVED,),
    ),
    "redirect": Action(
        gettext_lazy("Tell where to apply"),
        f.RedirectForm,
        lambda c, u, d: svc.complaint_redirect(
            complaint_id=c.pk,
            actor=u,
            competent_body=d["competent_body"],
            contact=d["contact"],
            reason=d["reason"],
        ),
        (State.RECEIVED,),
    ),
    "refer": Action(
        gettext_lazy("Refer to another agency"),
        f.ReferForm,
        lambda c, u, d: svc.complaint_refer(
            complaint_id=c.pk,
            actor=u,
            agency_id=d["agency"],
            external_body=d["external_body"],
            reason=d["reason"],
        ),
        (State.RECEIVED,),
    ),
    "assign": Action(
        gettext_lazy("Assign to a unit"),
        f.AssignForm,
        lambda c, u, d: svc.complaint_assign(complaint_id=c.pk, actor=u, unit_id=d["unit"], note=d["note"]),
        tuple(OPEN_STATES),
    ),
    "progress": Action(
        gettext_lazy("Add a progress note"),
        f.ProgressForm,
        lambda c, u, d: svc.complaint_progress(
            complaint_id=c.pk, actor=u, public_note=d["public_note"], internal_note=d["internal_note"]
        ),
        tuple(OPEN_STATES),
    ),
    "extend": Action(
        gettext_lazy("Extend the deadline"),
        f.ExtendForm,
        lambda c, u, d: svc.complaint_extend(complaint_id=c.pk, actor=u, days=d["days"], reason=d["reason"]),
        (State.ACCEPTED,),
        roles=(Role.APPROVER,),
    ),
    "reply": Action(
        gettext_lazy("Reply and conclude"),
        f.ReplyForm,
        lambda c, u, d: svc.complaint_reply(complaint_id=c.pk, actor=u, reply=d["reply"]),
        tuple(HANDLING_STATES),
        done=gettext_lazy("Replied. The complainant can now rate the reply."),
    ),
    "feedback": Action(
        gettext_lazy("Record the complainant's rating (callback)"),
        f.CallbackFeedbackForm,
        lambda c, u, d: svc.complaint_feedback(
            complaint_id=c.pk,
            rating=d["rating"],
            comment=d["comment"],
            source=ComplaintFeedback.Source.CALLBACK,
            actor=u,
        ),
        (State.CONCLUDED,),
    ),
    "duplicate": Action(
        gettext_lazy("Mark as duplicate"),
        f.DuplicateForm,
        lambda c, u, d: svc.complaint_mark_duplicate(
            complaint_id=c.pk, actor=u, original_id=d["original"], note=d["note"]
        ),
        tuple(OPEN_STATES),
    ),
}


def _available_actions(request: HttpRequest, complaint: Complaint) -> list[tuple[str, Action]]:
    out = []
    for name, action in ACTIONS.items():
        if complaint.state not in action.states:
            continue
        if not user_can_see_agency(request.user, complaint.agency_id, roles=action.roles):
            continue
        if name == "feedback" and not sel.feedback_open(complaint):
            continue
        out.append((name, action))
    return out


def _case_number(complaint: Complaint) -> str:
    """The linked case's number as it is now (issued when the case is filed, after registration)."""
    if not complaint.case_id:
        return ""
    from zhifa.enforcement.cases.selectors import case_number

    return case_number(complaint.case_id)


def _detail_context(request: HttpRequest, complaint: Complaint) -> dict[str, Any]:
    today = timezone.localdate()
    return {
        "can_convert": svc.conversion_available(request.user, complaint),
        "case_number": _case_number(complaint),
        "c": complaint,
        "sla": sel.sla(complaint, today),
        "show_identity": sel.can_see_identity(request.user, complaint),
        "timeline": sel.complaint_timeline_for(request.user, complaint),
        # Only the handlers open attachments; others see that they exist.
        "attachments": complaint.attachments.order_by("id"),
        "can_open_attachments": sel.can_see_identity(request.user, complaint),
        "feedback": complaint.feedback.order_by("round"),
        "duplicates": sel.duplicate_suggestions(user=request.user, complaint=complaint)
        if complaint.state in OPEN_STATES
        else [],
        "actions": [(n, a, a.form(prefix=n)) for n, a in _available_actions(request, complaint)],
        "units": active_units(agency_ids=[complaint.agency_id]),
        "agencies": active_agencies(excluding=complaint.agency_id),
        **_review_context(request, complaint),
    }


# --- 复查 and 复核 (信访工作条例第三十五条、第三十六条) ------------------------------------------------

REVIEWERS = svc.REVIEWER_ROLES


def _reviewer_nodes(user: Any) -> list[tuple[int, str]]:
    """The bodies the user acts for in a review (reviewer roles granted on them)."""
    ids = sorted({node_id for node_id, _agency in granted_nodes(user, roles=REVIEWERS)})
    return agency_names(ids)


def _request_form(user: Any, status: sel.ReviewStatus, data: Any = None) -> f.ReviewRequestForm:
    form = f.ReviewRequestForm(
        data,
        prefix="review",
        initial={"answer_received_on": status.last_answer_on, "reviewing_node": status.next_body_id},
    )
    form.fields["reviewing_node"] = forms.TypedChoiceField(
        label=_("Body asked"), choices=_reviewer_nodes(user), coerce=int
    )
    form.order_fields(["reviewing_node"])
    return form


def _review_context(
    request: HttpRequest,
    complaint: Complaint,
    *,
    request_form: forms.Form | None = None,
    answer_form: forms.Form | None = None,
) -> dict[str, Any]:
    status = sel.review_status(complaint)
    today = timezone.localdate()
    user = request.user
    pending = status.pending
    # Offered to the staff of the body the next request goes to (the level above the last answer).
    can_record = (
        complaint.state == State.CONCLUDED
        and pending is None
        and status.next_body_id is not None
        and svc.review_acts_for(user, status.next_body_id)
    )
    can_answer = pending is not None and svc.review_acts_for(user, pending.node_id)
    return {
        "review": status,
        "review_rounds": [
            (r, r.status(today), sel.masked_request(user, complaint, r.request)) for r in status.rounds
        ],
        "review_request_form": (request_form or _request_form(user, status)) if can_record else None,
        "review_answer_form": (answer_form or f.ReviewAnswerForm(prefix="answer")) if can_answer else None,
        "review_pending": pending,
    }


def _review_failed(
    request: HttpRequest, complaint: Complaint, status: int, **forms_: forms.Form
) -> HttpResponse:
    context = _detail_context(request, complaint)
    context.update({k: v for k, v in _review_context(request, complaint, **forms_).items() if v is not None})
    # the refused form stays on the page with its errors, whatever the page would offer now
    if "request_form" in forms_:
        context["review_request_form"] = forms_["request_form"]
    if "answer_form" in forms_:
        context["review_answer_form"] = forms_["answer_form"]
    context["review_open"] = True
    return render(request, "complaints/staff/detail.html", context, status=status)


@access.roles(*REVIEWERS)
@require_POST
def review_request(request: HttpRequest, complaint_id: int) -> HttpResponse:
    """The body asked records the complainant's request for 复查 or 复核 (letter, visit, phone)."""
    complaint = _visible(request, complaint_id)
    form = _request_form(request.user, sel.review_status(complaint), request.POST)
    if not form.is_valid():
        return _review_failed(request, complaint, 400, request_form=form)
    d = form.cleaned_data
    try:
        svc.complaint_review_request(
            complaint_id=complaint.pk,
            actor=request.user,
            reviewing_node_id=d["reviewing_node"],
            answer_received_on=d["answer_received_on"],
            requested_on=d["requested_on"],
            request=d["request"],
        )
    except DomainError as exc:
        field = str(exc.detail.get("field") or "")
        form.add_error(field if field in form.fields else None, str(exc.message))
        return _review_failed(request, complaint, exc.status, request_form=form)
    messages.success(request, _("The request is recorded; the opinion's deadline is running."))
    return redirect("complaints:detail", complaint.pk)


@access.roles(*REVIEWERS)
@require_POST
def review_answer(request: HttpRequest, complaint_id: int) -> HttpResponse:
    """The body asked gives its written opinion (复查意见 / 复核意见)."""
    complaint = _visible(request, complaint_id)
    form = f.ReviewAnswerForm(request.POST, prefix="answer")
    if not form.is_valid():
        return _review_failed(request, complaint, 400, answer_form=form)
    d = form.cleaned_data
    try:
        svc.complaint_review_answer(
            complaint_id=complaint.pk,
            actor=request.user,
            opinion=d["opinion"],
            upheld=d["upheld"],
            answered_on=d["answered_on"],
        )
    except DomainError as exc:
        field = {"on": "answered_on"}.get(
            str(exc.detail.get("field") or ""), str(exc.detail.get("field") or "")
        )
        form.add_error(field if field in form.fields else None, str(exc.message))
        return _review_failed(request, complaint, exc.status, answer_form=form)
    messages.success(request, _("The opinion is recorded and shown to the complainant."))
    return redirect("complaints:detail", complaint.pk)


@access.roles(*REVIEWERS)
def reviews(request: HttpRequest) -> HttpResponse:
    """Requests for 复查/复核 waiting for an opinion of a body the user acts for, soonest due first."""
    today = timezone.localdate()
    rows = [(c, r, r.status(today)) for c, r in sel.reviews_pending_for(user=request.user)]
    return render(request, "complaints/staff/reviews.html", {"rows": rows, "today": today})


@access.roles(*STAFF)
def detail(request: HttpRequest, complaint_id: int) -> HttpResponse:
    complaint = _visible(request, complaint_id)
    return render(request, "complaints/staff/detail.html", _detail_context(request, complaint))


@access.roles(*HANDLERS)
@require_POST
def act(request: HttpRequest, complaint_id: int, action: str) -> HttpResponse:
    complaint = _visible(request, complaint_id)
    spec = ACTIONS.get(action)
    if spec is None:
        raise Http404
    form = spec.form(request.POST, prefix=action)
    if form.is_valid():
        try:
            spec.run(complaint, request.user, form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, str(exc.message))
            status = exc.status
        else:
            messages.success(request, str(spec.done or _("Saved.")))
            return redirect("complaints:detail", complaint.pk)
    else:
        status = 400
    context = _detail_context(request, complaint)
    context["actions"] = [(n, a, form if n == action else fm) for n, a, fm in context["actions"]]
    context["failed_action"] = action
    if not any(n == action for n, _a, _fm in context["actions"]):
        messages.error(request, "; ".join(str(e) for errs in form.errors.values() for e in errs))
    return render(request, "complaints/staff/detail.html", context, status=status)


@access.roles(*STAFF)
def attachment(request: HttpRequest, complaint_id: int, attachment_id: int) -> HttpResponseBase:
    """An attachment, to the complaint's handlers only (those who see the identity: the files often
    show the complainant); streamed with Range requests and audited (`complaints.attachment_download`)."""
    complaint = _visible(request, complaint_id)
    if not sel.can_see_identity(request.user, complaint):
        raise Http404
    item = complaint.attachments.filter(id=attachment_id).select_related("blob").first()
    if item is None or item.blob is None:
        raise Http404
    try:
        return serve_blob(
            request,
            item.blob,
            audit_action="complaints.attachment_download",
            audit_obj=item,
            agency_id=complaint.agency_id,
            audit_repr=f"attachment {item.pk}",  # not the file's name, which may name the complainant
            filename=item.original_name,
            as_attachment=item.content_type not in ("image/jpeg", "image/png"),
            content_type=item.content_type,
        )
    except DomainError:
        raise Http404 from None


def _date(value: str | None, default: dt.date) -> dt.date:
    try:
        return dt.date.fromisoformat(value) if value else default
    except ValueError:
        return default


@access.roles(*STAFF)
def stats(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    date_to = _date(request.GET.get("to"), today)
    date_from = _date(request.GET.get("from"), date_to.replace(day=1))
    if date_from > date_to:
        date_from, date_to = date_to, date_from
    rows = sel.complaint_stats_for(user=request.user, date_from=date_from, date_to=date_to)
    return render(
        request,
        "complaints/staff/stats.html",
        {"rows": rows, "total": sel.stats_total(rows), "date_from": date_from, "date_to": date_to},
    )


@access.roles(*svc.CONVERT_ROLES)
@require_http_methods(["GET", "POST"])
def convert(request: HttpRequest, complaint_id: int) -> HttpResponse:
    """Open a penalty case on the facts reported (the case's source is this complaint)."""
    complaint = _visible(request, complaint_id)
    if not svc.conversion_available(request.user, complaint):
        messages.error(request, _("This complaint cannot be converted into a case now."))
        return redirect("complaints:detail", complaint.pk)
    form = f.ConvertForm(
        request.POST or None,
        initial={
            "party_name": complaint.subject_name,
            "facts": complaint.content,
            "occurred_on": complaint.occurred_on or complaint.received_on,
            "location": complaint.location,
        },
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                _complaint, case = svc.complaint_convert_to_case(
                    complaint_id=complaint.pk,
                    actor=request.user,
                    party=form.party(),
                    facts=form.cleaned_data["facts"],
                    occurred_on=form.cleaned_data["occurred_on"],
                    location=form.cleaned_data["location"],
                )
            except DomainError as exc:
                field = str(exc.detail.get("field") or "")
                target = {"id_number": "party_id_number", "name": "party_name"}.get(field, field)
                form.add_error(target if target in form.fields else None, str(exc.message))
                status = exc.status
            else:
                messages.success(
                    request,
                    _("Case %(number)s registered from this complaint.") % {"number": case.number or case.pk},
                )
                return redirect("cases:detail", case.pk)
    return render(request, "complaints/staff/convert.html", {"c": complaint, "form": form}, status=status)
