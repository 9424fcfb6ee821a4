"""Case pages: the list with filters and search, the case page (timeline, deadlines, proposal against
the tier, one form per allowed event), registration, the on-the-spot form and the overdue list.

Each view: parse → selector (404 when not visible) → one service call → a refusal becomes an inline
error with its 4xx status (htmx swaps it in place; without JavaScript the whole page comes back).
"""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from zhifa.core import access, markup
from zhifa.core.errors import DomainError
from zhifa.core.params import date_param, int_param
from zhifa.enforcement.cases import (
    event_forms,
    history,
    hooks,
    list_rows,
    next_step,
    permissions,
    presenters,
    selectors,
    services,
    workflow,
)
from zhifa.enforcement.cases.models import Case, CaseDeadline, PartyKind, PaymentChannel, Source, State
from zhifa.org.roles import Role
from zhifa.org.selectors import scope_agencies, scope_agency_ids

PAGE_SIZE = 50
EVENT_ROLES = (Role.OFFICER, Role.APPROVER, Role.LEGAL_REVIEWER)


def _filters(request: HttpRequest) -> selectors.CaseFilters:
    g = request.GET
    states = [s for s in g.getlist("state") if s in State.values]
    return selectors.CaseFilters(
        state=states or None,
        agency=int_param(g.get("agency")),
        officer=int_param(g.get("officer")),
        power_item=int_param(g.get("power_item")),
        procedure=g.get("procedure") if g.get("procedure") in ("ordinary", "simple") else None,
        overdue=g.get("overdue") in ("1", "on", "true"),
        date_from=date_param(g.get("date_from")),
        date_to=date_param(g.get("date_to")),
        q=(g.get("q") or "")[:200],
        mine=g.get("mine") in ("1", "on", "true"),
    )


@access.login
def case_list(request: HttpRequest) -> HttpResponse:
    filters = _filters(request)
    # Scope/agency/state: the kept counts; words: the index's count; any other filter: a count that
    # stops at 10,000 — never COUNT(*) over the matches (0.6 s for a common word at a million cases).
    # Counted first: a search's count is also what plans its page (selectors.CaseRows).
    counted = selectors.case_count_for(user=request.user, filters=filters)
    # the page's rows as values, its statement compiled once per shape (selectors.CaseRows)
    rows_of = selectors.CaseRows(user=request.user, filters=filters, counted=counted)
    # (it slices CaseRows and counts it with len(), which answers `counted`; CaseRows is no sequence)
    paginator: Paginator[dict[str, Any]] = Paginator(cast(Any, rows_of), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    today = timezone.localdate()
    approver_scope = scope_agency_ids(request.user, roles=[Role.APPROVER])
    labels = presenters.Labels()
    rows = [
        presenters.list_row(
            r,
            user_scope_full=r["agency_id"] in approver_scope or r["registered_by_id"] == request.user.pk,
            today=today,
            labels=labels,
        )
        for r in page.object_list
    ]
    query = request.GET.copy()
    query.pop("page", None)
    context: dict[str, Any] = {
        "page": page,
        "rows": rows,
        "rows_html": list_rows.rows_html(rows),
        "filters": filters,
        "query": query.urlencode(),
        "count_exact": counted.exact,
    }
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "cases/_results.html", context)
    agencies, officers, power_items = selectors.list_filter_choices(user=request.user)
    context.update(
        state_options=markup.options_html(
            (value, label, bool(filters.state) and value in (filters.state or ()))
            for value, label in State.choices
        ),
        agency_options=markup.options_html((pk, name, pk == filters.agency) for pk, name in agencies),
        officer_options=markup.options_html((pk, name, pk == filters.officer) for pk, name in officers),
        power_item_options=markup.options_html(
            (pk, f"{code} {markup.truncated(name or '', 24)}", pk == filters.power_item)
            for pk, code, name in power_items
        ),
        can_register=bool(request.user.role_names() & {Role.OFFICER, Role.APPROVER}),  # type: ignore[union-attr]
    )
    return render(request, "cases/list.html", context)


def _detail_context(
    request: HttpRequest,
    case: Case,
    *,
    failed: str = "",
    error: DomainError | None = None,
    values: Any = None,
) -> dict[str, Any]:
    user = request.user
    data = presenters.case_dict(case, user=user)
    events = selectors.case_history(case=case)
    full = permissions.may_see_personal_data(user, case)
    person = case.party_kind == PartyKind.PERSON
    choices = event_forms.choices_for(case) if data["allowed_events"] else None
    forms = []
    for name in data["allowed_events"]:
        t = workflow.BY_EVENT[name]
        assert choices is not None
        forms.append(
            {
                "event": name,
                "label": t.label,
                "guards": t.guards,
                "fields": event_forms.render_fields(
                    name, choices, values=(values or {}) if name == failed else {}, case=case
                ),
                "error": error if name == failed else None,
                "error_field": (error.detail.get("field") if error else None) if name == failed else None,
            }
        )
    handler_or_approver = full
    other_cases = selectors.party_other_cases(user=user, case=case) if handler_or_approver else None
    return {
        "case": case,
        "c": data,
        "events": [
            {**d, "lines": history.payload_lines(d["payload"])}
            for d in (
                presenters.event_dict(e, full=full, person=person, party_name=case.party_name) for e in events
            )
        ],
        "forms": forms,
        "other_cases": other_cases,
        "other_cases_html": (
            list_rows.other_cases_html(other_cases, state_labels=presenters.Labels().states)
            if other_cases
            else ""
        ),
        "show_personal": full,
        "next_steps": next_step.next_steps(case),
        "waiting_note": next_step.waiting_note(case),
        "allowed": set(data["allowed_events"]),
        "panels": [mark_safe(html) for html in hooks.case_panels(request, case)],  # noqa: S308 — rendered templates
    }


HTMX_HEAD = "htmx_errors_swap"


@access.login
def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    case = selectors.case_get_for(user=request.user, case_id=case_id)
    if case is None:
        raise Http404
    return render(request, "cases/detail.html", _detail_context(request, case))


@access.roles(*EVENT_ROLES)
@require_POST
def case_event(request: HttpRequest, case_id: int, event: str) -> HttpResponse:
    case = selectors.case_get_for(user=request.user, case_id=case_id)
    if case is None or event not in workflow.BY_EVENT or event == "register":
        raise Http404
    data = event_forms.parse(event, request.POST)
    try:
        services.case_apply_event(case_id=case.pk, actor=request.user, event=event, data=data)
    except DomainError as exc:
        fresh = selectors.case_get_for(user=request.user, case_id=case_id)
        assert fresh is not None
        context = _detail_context(
            request, fresh, failed=event, error=exc, values=_form_values(request, event)
        )
        form = next((f for f in context["forms"] if f["event"] == event), None)
        if request.htmx and form is not None:  # type: ignore[attr-defined]
            return render(request, "cases/_event_form.html", {**context, "form": form}, status=exc.status)
        if form is None:  # the event is no longer allowed to this user (state moved on): say so on the page
            messages.error(request, str(exc.message))
            return redirect("cases:detail", case_id=case_id)
        return render(request, "cases/detail.html", context, status=exc.status)
    messages.success(request, _("Recorded: %(event)s.") % {"event": workflow.BY_EVENT[event].label})
    url = reverse("cases:detail", kwargs={"case_id": case_id})
    if request.htmx:  # type: ignore[attr-defined]
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


def _form_values(request: HttpRequest, event: str) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for f in event_forms.EVENT_FIELDS.get(event, ()):
        values[f.name] = request.POST.getlist(f.name) if f.kind == "multi" else request.POST.get(f.name, "")
    return values


REGISTER_FIELDS = (
    "procedure",
    "agency_id",
    "source",
    "source_ref",
    "facts",
    "location",
    "occurred_on",
    "discovered_on",
    "ended_on",
    "power_item_id",
    "discovery_record",
)
PARTY_FIELDS = ("kind", "name", "id_number", "phone", "address", "id_type", "birth_date", "capacity")


def _register_data(post: Any) -> dict[str, Any]:
    data: dict[str, Any] = {k: post.get(k, "") for k in REGISTER_FIELDS if post.get(k, "") != ""}
    data["continuing"] = post.get("continuing") in ("on", "1", "true")
    data["serious_harm"] = post.get("serious_harm") in ("on", "1", "true")
    data["party"] = {k: post.get(f"party_{k}", "") for k in PARTY_FIELDS}
    return data


def _register_context(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    """Choices of the register and on-the-spot forms: the agencies the user registers for, and only
    their own power items (each tagged with its agency, so the list follows the chosen agency), with
    fine ranges and the tiers of each item."""
    from zhifa.powers.selectors import item_picker

    roles = [Role.OFFICER, Role.APPROVER]
    agency_ids = set().union(*(scope_agency_ids(request.user, roles=[r]) for r in roles))
    agencies = scope_agencies(request.user, roles=roles)
    items = item_picker(agency_ids=agency_ids)
    return {
        "agencies": agencies,
        "power_items": items,
        "tier_rows": [{"item": i["id"], **t} for i in items for t in i["tiers"]],
        "sources": Source.choices,
        "party_kinds": PartyKind.choices,
        "party_id_types": (
            ("", _("Resident ID (18 or 15 digits)")),
            ("other", _("Foreign or no ID document")),
        ),
        "capacities": event_forms.CAPACITY,
        "today": timezone.localdate().isoformat(),
        "v": {},
        **extra,
    }


@access.roles(Role.OFFICER, Role.APPROVER)
@require_http_methods(["GET", "POST"])
def case_new(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        try:
            case = services.case_register(actor=request.user, data=_register_data(request.POST))
        except DomainError as exc:
            return render(
                request,
                "cases/new.html",
                _register_context(request, error=exc, error_field=exc.detail.get("field"), v=request.POST),
                status=exc.status,
            )
        messages.success(
            request, _("The lead was registered. Next step: an approver of the agency files the case (立案).")
        )
        return redirect("cases:detail", case_id=case.pk)
    return render(request, "cases/new.html", _register_context(request))


@access.roles(Role.OFFICER)
@require_http_methods(["GET", "POST"])
def case_on_spot(request: HttpRequest) -> HttpResponse:
    """The field officer's phone form (简易程序): one submit registers, decides, hands over and, when the
    party pays at once, records the payment."""
    from zhifa.enforcement.cases.people import officer_for_user

    me = officer_for_user(request.user)
    if request.method == "POST":
        post = request.POST
        data = _register_data(post)
        partner = post.get("partner_id", "")
        data.update(
            officer_ids=[x for x in (str(me.pk) if me else "", partner) if x],
            measures=post.getlist("measures"),
            fine_amount=post.get("fine_amount", ""),
            tier=post.get("tier", ""),
            reasons=post.get("reasons", ""),
            receipt=post.get("receipt", ""),
        )
        if post.get("paid_now") in ("on", "1", "true"):
            data["payment"] = {
                "amount": post.get("fine_amount", ""),
                "channel": post.get("channel", PaymentChannel.E_PAYMENT),
                "receipt_no": post.get("receipt_no", ""),
                "cash_ground": post.get("cash_ground", ""),
            }
        try:
            case = services.case_on_spot(actor=request.user, data=data)
        except DomainError as exc:
            return render(
                request,
                "cases/on_spot.html",
                _on_spot_context(request, me, error=exc, error_field=exc.detail.get("field"), v=post),
                status=exc.status,
            )
        messages.success(request, _("On-the-spot decision %(number)s recorded.") % {"number": case.number})
        return redirect("cases:detail", case_id=case.pk)
    return render(request, "cases/on_spot.html", _on_spot_context(request, me))


def _on_spot_context(request: HttpRequest, me: Any, **extra: Any) -> dict[str, Any]:
    from zhifa.officers.selectors import officer_choices

    context = _register_context(request, **extra)
    partners = officer_choices(me.agency_id, excluding=me.pk) if me is not None else []
    post = request.POST if request.method == "POST" else None
    measures = post.getlist("measures") if post is not None else ["fine"]  # what was ticked survives an error
    context.update(me=me, partners=partners, channels=PaymentChannel.choices, measures=measures)
    return context


@access.login
def case_overdue(request: HttpRequest) -> HttpResponse:
    agency = int_param(request.GET.get("agency"))
    qs = selectors.overdue_deadlines_for(user=request.user, agency=agency)
    paginator = Paginator(qs, PAGE_SIZE)
    # the pages stop after 10,000 rows (the oldest duties come first; an agency filter narrows)
    paginator.count = selectors.overdue_count_for(user=request.user, agency=agency).count  # type: ignore[misc]
    page = paginator.get_page(request.GET.get("page"))
    today = timezone.localdate()
    rows = [{"row": d, "days": (today - d.due_on).days} for d in CaseDeadline.attach_cases(list(page))]
    agencies = scope_agencies(request.user)
    return render(
        request,
        "cases/overdue.html",
        {"page": page, "rows": rows, "agencies": agencies, "agency": agency},
    )


@access.login
def case_workflow(request: HttpRequest) -> HttpResponse:
    """The workflow table as people read it (the same table the service applies), in Chinese names."""
    states = {value: str(label) for value, label in State.choices}
    roles = {value: str(label) for value, label in Role.choices}
    rows = [
        {
            "event": t.event,
            "label": t.label,
            "sources": [states.get(s, s) for s in sorted(t.sources, key=list(states).index)],
            "target": states.get(t.target, t.target) if t.target else "",
            "roles": [roles.get(r, r) for r in sorted(t.roles)],
            "handler": t.handler,
            "guards": t.guards,
            "creates": t.creates,
        }
        for t in workflow.TABLE
    ]
    return render(request, "cases/workflow.html", {"rows": rows})
