"""Seizure pages: the register per agency (with CSV export), one measure with its term and actions,
and the form recording a new measure from a case."""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from zhifa.core import access
from zhifa.core.errors import DomainError, InvalidInput
from zhifa.core.params import int_param
from zhifa.enforcement.seizures import selectors, services
from zhifa.enforcement.seizures.api import term_status
from zhifa.enforcement.seizures.models import AppraisalPeriod, Measure, Outcome, Seizure
from zhifa.law import jurisdiction
from zhifa.law import seizure as law
from zhifa.officers.selectors import officer_choices
from zhifa.org.roles import Role
from zhifa.org.selectors import scope_agencies, scope_agency_ids

STAFF = (Role.OFFICER, Role.APPROVER, Role.LEGAL_REVIEWER, Role.SUPERVISOR, Role.ADMIN)
STATUSES = (
    ("active", pgettext_lazy("seizure status", "In force")),
    ("due_soon", gettext_lazy("Ending soon")),
    ("overdue", gettext_lazy("Past the term")),
    ("disposed", gettext_lazy("Dealt with")),
)
TERM_LABELS = {
    law.TermStatus.OK: gettext_lazy("Within the term"),
    law.TermStatus.DUE_SOON: gettext_lazy("Ending soon"),
    law.TermStatus.OVERDUE: gettext_lazy("Past the term"),
    law.TermStatus.MET: gettext_lazy("Dealt with in time"),
    law.TermStatus.PAUSED: gettext_lazy("Paused for testing"),
}
ITEM_ROWS = 6


def _filters(request: HttpRequest) -> selectors.SeizureFilters:
    status = request.GET.get("status", "")
    measure = request.GET.get("measure", "")
    return selectors.SeizureFilters(
        agency_id=int_param(request.GET.get("agency")),
        case_id=int_param(request.GET.get("case")),
        status=status if status in dict(STATUSES) else "",
        measure=measure if measure in Measure.values else "",
        q=request.GET.get("q", "").strip()[:100],
        today=timezone.localdate(),
        alert_days=int(law.ALERT_DAYS_BEFORE.default),
    )


@access.roles(*STAFF)
def seizure_register(request: HttpRequest) -> HttpResponse:
    """罚没物品台账: every measure of the agencies in scope, with its term's colour."""
    filters = _filters(request)
    page = Paginator(selectors.seizure_list_for(user=request.user, filters=filters), 50).get_page(
        request.GET.get("page")
    )
    today = timezone.localdate()
    for seizure in page.object_list:
        seizure.term = term_status(seizure, today=today)  # type: ignore[attr-defined]
    agencies = scope_agencies(request.user)
    return render(
        request,
        "seizures/register.html",
        {
            "page": page,
            "filters": filters,
            "statuses": STATUSES,
            "measures": Measure.choices,
            "agencies": agencies,
            "query": request.GET.urlencode(),
        },
    )


class _Echo:
    def write(self, value: str) -> str:
        return value


@access.roles(*STAFF)
def seizure_register_csv(request: HttpRequest) -> StreamingHttpResponse:
    """The register as CSV (UTF-8 with BOM so spreadsheet software reads the Chinese)."""
    qs = selectors.seizure_list_for(user=request.user, filters=_filters(request)).prefetch_related(
        "items__disposition"
    )
    writer = csv.writer(_Echo())
    header = [
        "文书编号",
        "措施",
        "案件编号",
        "当事人",
        "执法机关",
        "开始日期",
        "期限届满",
        "状态",
        "物品",
        "数量",
        "单位",
        "存放地点",
        "处理",
    ]

    def rows() -> Any:
        yield "\ufeff" + writer.writerow(header)
        for s in qs:
            for item in s.items.all():
                yield writer.writerow(
                    [
                        s.number,
                        s.get_measure_display(),
                        s.case.number,
                        s.case.party_name,
                        s.agency.name,
                        s.started_on.isoformat(),
                        s.due_on.isoformat() if s.due_on else "",
                        s.get_status_display(),
                        item.description,
                        f"{item.quantity.normalize():f}",
                        item.unit,
                        item.storage_location or s.storage_location,
                        item.disposition.get_outcome_display() if item.disposition is not None else "",
                    ]
                )

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="seizures-{timezone.localdate():%Y%m%d}.csv"'
    return response


def _get(request: HttpRequest, seizure_id: int) -> Seizure:
    try:
        return selectors.seizure_get_for(user=request.user, seizure_id=seizure_id)
    except DomainError:
        raise Http404 from None


@access.roles(*STAFF)
def seizure_detail(request: HttpRequest, seizure_id: int) -> HttpResponse:
    seizure = _get(request, seizure_id)
    term = term_status(seizure)
    agency_id = seizure.agency_id
    approver = agency_id in scope_agency_ids(request.user, roles=[Role.APPROVER])
    writer = agency_id in scope_agency_ids(request.user, roles=[Role.OFFICER, Role.APPROVER])
    return render(
        request,
        "seizures/detail.html",
        {
            "seizure": seizure,
            "term": term,
            "term_label": TERM_LABELS.get(law.TermStatus(term), term),
            "max_extension_days": law.MAX_EXTENSION_DAYS,
            "alert_days": jurisdiction.value(law.ALERT_DAYS_BEFORE.key, agency=seizure.agency),
            "extension": getattr(seizure, "extension", None),  # the reverse one-to-one raises AttributeError
            "open_appraisal": next((a for a in seizure.appraisals.all() if a.ended_on is None), None),
            "can_approve": approver,
            "can_write": writer and seizure.status == Seizure.Status.ACTIVE,
            "outcomes": Outcome.choices,
            "appraisal_kinds": AppraisalPeriod.Kind.choices,
            "history": selectors.seizure_history(seizure),
            "today": timezone.localdate(),
        },
    )


def _act(request: HttpRequest, seizure_id: int, fn: Any, success: str) -> HttpResponse:
    seizure = _get(request, seizure_id)
    try:
        fn(seizure)
        messages.success(request, success)
    except (ValueError, InvalidOperation):
        messages.error(request, _("Check the dates and amounts entered."))
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect("seizures:detail", seizure_id=seizure.pk)


def _date(request: HttpRequest, name: str) -> dt.date:
    return dt.date.fromisoformat(request.POST.get(name, ""))


@access.roles(Role.APPROVER)
@require_POST
def seizure_approve(request: HttpRequest, seizure_id: int) -> HttpResponse:
    return _act(
        request,
        seizure_id,
        lambda s: services.seizure_approve(actor=request.user, seizure_id=s.pk),
        _("Approval recorded."),
    )


@access.roles(Role.APPROVER)
@require_POST
def seizure_extend(request: HttpRequest, seizure_id: int) -> HttpResponse:
    return _act(
        request,
        seizure_id,
        lambda s: services.seizure_extend(
            actor=request.user,
            seizure_id=s.pk,
            days=int(request.POST.get("days", "0")),
            reason=request.POST.get("reason", ""),
            decided_on=_date(request, "decided_on"),
        ),
        _("Term extended; the extension decision was generated."),
    )


@access.roles(Role.OFFICER, Role.APPROVER)
@require_POST
def appraisal_start(request: HttpRequest, seizure_id: int) -> HttpResponse:
    return _act(
        request,
        seizure_id,
        lambda s: services.appraisal_start(
            actor=request.user,
            seizure_id=s.pk,
            kind=request.POST.get("kind", ""),
            description=request.POST.get("description", ""),
            started_on=_date(request, "started_on"),
            party_notified_on=_date(request, "party_notified_on"),
        ),
        _("Testing recorded; the term is paused."),
    )


@access.roles(Role.OFFICER, Role.APPROVER)
@require_POST
def appraisal_end(request: HttpRequest, seizure_id: int) -> HttpResponse:
    return _act(
        request,
        seizure_id,
        lambda s: services.appraisal_end(
            actor=request.user, seizure_id=s.pk, ended_on=_date(request, "ended_on")
        ),
        _("Testing ended; the term runs again."),
    )


@access.roles(Role.OFFICER, Role.APPROVER)
@require_POST
def seizure_dispose(request: HttpRequest, seizure_id: int) -> HttpResponse:
    def run(s: Seizure) -> None:
        proceeds_raw = request.POST.get("proceeds", "").strip()
        services.seizure_dispose(
            actor=request.user,
            seizure_id=s.pk,
            outcome=request.POST.get("outcome", ""),
            decided_on=_date(request, "decided_on"),
            item_ids=[int(i) for i in request.POST.getlist("item_ids") if i.isdigit()] or None,
            basis=request.POST.get("basis", ""),
            proceeds=Decimal(proceeds_raw) if proceeds_raw else None,
            receiver=request.POST.get("receiver", ""),
            note=request.POST.get("note", ""),
        )

    return _act(request, seizure_id, run, _("Disposition recorded; its decision was generated."))


def _case(request: HttpRequest) -> Any:
    from zhifa.enforcement.cases.selectors import case_get_for

    case_id = int_param(request.GET.get("case"))
    case = case_get_for(user=request.user, case_id=case_id) if case_id else None
    if case is None:
        raise Http404
    return case


def _items_from(post: Any) -> list[dict[str, str]]:
    items = []
    for n in range(ITEM_ROWS):
        row = {
            key: post.get(f"item-{n}-{key}", "").strip()
            for key in ("description", "quantity", "unit", "storage_location")
        }
        if any(row.values()):
            items.append(row)
    return items


@access.roles(Role.OFFICER, Role.APPROVER)
@require_http_methods(["GET", "POST"])
def seizure_new(request: HttpRequest) -> HttpResponse:
    case = _case(request)
    officers = officer_choices(case.agency_id)
    error = ""
    values: Any = request.POST if request.method == "POST" else {}
    if request.method == "POST":
        try:
            started_at = parse_datetime(request.POST.get("started_at", ""))
            if started_at is None:
                raise InvalidInput(
                    _("Enter when the measure was carried out."), detail={"field": "started_at"}
                )
            if timezone.is_naive(started_at):
                started_at = timezone.make_aware(started_at)
            seizure = services.seizure_record(
                actor=request.user,
                case_id=case.pk,
                measure=request.POST.get("measure", ""),
                reason=request.POST.get("reason", ""),
                basis=request.POST.get("basis", ""),
                started_at=started_at,
                officer_ids=[int(i) for i in request.POST.getlist("officer_ids") if i.isdigit()],
                items=_items_from(request.POST),
                storage_location=request.POST.get("storage_location", ""),
                location=request.POST.get("location", ""),
                party_present=request.POST.get("party_present") == "on",
                witness=request.POST.get("witness", ""),
                emergency=request.POST.get("emergency") == "on",
            )
            messages.success(
                request,
                _("%(number)s recorded; the decision and item list were generated.")
                % {"number": seizure.number},
            )
            return redirect("seizures:detail", seizure_id=seizure.pk)
        except ValueError:
            error = _("Enter when the measure was carried out.")
        except DomainError as exc:
            error = str(exc.message)
    return render(
        request,
        "seizures/new.html",
        {
            "case": case,
            "officers": officers,
            "measures": Measure.choices,
            "error": error,
            "values": values,
            "rows": [
                {
                    "n": n,
                    **{
                        key: values.get(f"item-{n}-{key}", "")
                        for key in ("description", "quantity", "unit", "storage_location")
                    },
                }
                for n in range(ITEM_ROWS)
            ],
            "chosen_officers": [
                int(i) for i in (values.getlist("officer_ids") if values else []) if str(i).isdigit()
            ],
        },
        status=400 if error else 200,
    )
