"""Pages of the supervision centre: clues and their handling, the dashboard (驾驶舱) with drill-down,
fault accountability, the monthly report and the annual statistics. Thin: parse, select (404 outside
the scope), one service call, errors shown in place with a 4xx."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from zhifa.core import access
from zhifa.core.errors import DomainError, InvalidInput
from zhifa.core.files.serving import serve_blob
from zhifa.core.indicators import DateSpan, indicator
from zhifa.org.selectors import node_names
from zhifa.supervision.centre import dashboard as dash
from zhifa.supervision.centre import documents, reports
from zhifa.supervision.centre import selectors as sel
from zhifa.supervision.centre import services as svc
from zhifa.supervision.centre.models import (
    ClueState,
    FaultKind,
    FaultSource,
    NoticeKind,
    Sanction,
    SupervisionNotice,
)
from zhifa.supervision.centre.svg import column_chart
from zhifa.supervision.centre.workflow import CLUES
from zhifa.supervision.stats.charts import bar_chart

HANDLERS = sel.HANDLER_ROLES
PAGE_SIZE = 50

# Where a dashboard figure drills down to the records behind it (a list page and its filter).
RECORD_PAGES = {
    "cases.": ("cases:list", "agency"),
    "centre.clues": ("centre:home", "agency"),
    "centre.notices": ("centre:home", "agency"),
    "centre.faults": ("centre:faults", "agency"),
    "appeals.": ("appeals:queue", "agency"),
    "complaints.": ("complaints:queue", "agency"),
}


def _status(exc: DomainError) -> int:
    return exc.status if 400 <= exc.status < 500 else 400


def _int(raw: Any) -> int | None:
    try:
        return int(raw) if raw not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _date(raw: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def _agency_choices(user: Any) -> list[tuple[int, str]]:
    names = node_names(sel.agencies_for(user))
    return sorted(names.items(), key=lambda kv: kv[1])


# --- clues ------------------------------------------------------------------------------------------


@access.roles(*HANDLERS)
def home(request: HttpRequest) -> HttpResponse:
    g = request.GET
    filters = sel.ClueFilters(
        model=g.get("model", "")[:60], agency=_int(g.get("agency")), status=g.get("status", "open")[:12]
    )
    qs = sel.clue_list_for(user=request.user, filters=filters)
    page = Paginator(qs, PAGE_SIZE).get_page(g.get("page"))
    query = g.copy()
    query.pop("page", None)
    return render(
        request,
        "centre/home.html",
        {
            "page": page,
            "filters": filters,
            "models": sel.models_with_counts(user=request.user),
            "names": sel.model_names(),
            "agencies": _agency_choices(request.user),
            "states": ClueState.choices,
            "query": query.urlencode(),
        },
    )


def _clue_context(
    request: HttpRequest, clue: Any, error: DomainError | None = None, event: str = ""
) -> dict[str, Any]:
    allowed = sel.allowed_events(clue, request.user)
    return {
        "clue": clue,
        "model_name": sel.model_names().get(clue.model_code, clue.model_code),
        "events": sel.clue_events(clue),
        "notices": [(n, sel.notice_deadlines(n)) for n in sel.clue_notices(clue)],
        "allowed": allowed,
        "labels": {t.event: t.label for t in CLUES.table},
        "notice_kinds": NoticeKind.choices,
        "error": error,
        "error_event": event,
        "error_field": (error.detail or {}).get("field", "") if error is not None else "",
        "posted": request.POST if error is not None else {},
        "today": timezone.localdate(),
    }


@access.roles(*HANDLERS)
def clue(request: HttpRequest, clue_id: int) -> HttpResponse:
    found = sel.clue_get_for(user=request.user, clue_id=clue_id)
    if found is None:
        raise Http404
    return render(request, "centre/clue.html", _clue_context(request, found))


@access.roles(*HANDLERS)
def clue_act(request: HttpRequest, clue_id: int, event: str) -> HttpResponse:
    found = sel.clue_get_for(user=request.user, clue_id=clue_id)
    if found is None:
        raise Http404
    if request.method != "POST":
        return redirect("centre:clue", clue_id)
    p = request.POST
    data: dict[str, Any] = {
        k: p.get(k)
        for k in ("on", "reason", "kind", "requirements", "days", "response", "opinion")
        if p.get(k)
    }
    try:
        if event == "respond":
            data["files"] = [
                svc.material_store(
                    actor=request.user,
                    clue_id=clue_id,
                    name=f.name or "",
                    content=f.read(svc.MATERIAL_MAX_BYTES + 1),
                )
                for f in request.FILES.getlist("files")
            ]
        svc.clue_apply_event(clue_id=clue_id, actor=request.user, event=event, data=data)
    except DomainError as exc:
        again = sel.clue_get_for(user=request.user, clue_id=clue_id)
        return render(
            request, "centre/clue.html", _clue_context(request, again, exc, event), status=_status(exc)
        )
    return redirect("centre:clue", clue_id)


def _notice_for(request: HttpRequest, notice_id: int) -> SupervisionNotice:
    notice = SupervisionNotice.objects.select_related("blob").filter(pk=notice_id).first()
    if notice is None or sel.clue_get_for(user=request.user, clue_id=notice.clue_id) is None:
        raise Http404
    return notice


@access.roles(*HANDLERS)
def notice_pdf(request: HttpRequest, notice_id: int) -> HttpResponseBase:
    notice = _notice_for(request, notice_id)
    try:
        blob = documents.notice_blob(notice)  # rendered now if the worker has not yet
    except DomainError as exc:
        return HttpResponse(str(exc.message), status=exc.status, content_type="text/plain; charset=utf-8")
    return serve_blob(
        request,
        blob,
        audit_action="centre.notice_download",
        audit_obj=notice,
        agency_id=notice.agency_id,
        filename=f"{notice.number}.pdf",
        content_type="application/pdf",
    )


@access.roles(*HANDLERS)
def material(request: HttpRequest, notice_id: int, material_id: int) -> HttpResponseBase:
    notice = _notice_for(request, notice_id)
    item = notice.materials.select_related("blob").filter(pk=material_id).first()
    if item is None:
        raise Http404
    return serve_blob(
        request,
        item.blob,
        audit_action="centre.material_download",
        audit_obj=notice,
        agency_id=notice.agency_id,
        filename=item.name,
        content_type=item.content_type,
        as_attachment=item.content_type not in ("image/jpeg", "image/png", "application/pdf"),
    )


# --- dashboard ----------------------------------------------------------------------------------------


def _period(request: HttpRequest) -> tuple[frozenset[int], int | None, DateSpan, str]:
    """Agencies (scope, or one of them), the period (default: this year up to today) and an error."""
    g = request.GET
    today = timezone.localdate()
    start = _date(g.get("from")) if "from" in g else dt.date(today.year, 1, 1)
    end = _date(g.get("to")) if "to" in g else today
    error = ""
    if start and end and start > end:
        error, start, end = _("The start date is after the end date."), dt.date(today.year, 1, 1), today
    ids = sel.agencies_for(request.user)
    agency = _int(g.get("agency"))
    if agency is not None:
        if agency in ids:
            ids = frozenset({agency})
        else:
            error, agency = _("That agency is not in your scope."), None
    return ids, agency, DateSpan(start, end), error


@access.roles(*HANDLERS)
def dashboard(request: HttpRequest) -> HttpResponse:
    ids, agency, span, error = _period(request)
    data = dash.dashboard(ids, span, trend_end=span.end or timezone.localdate())
    months = [r["month"] for r in data["trend"]]
    trend_svg = column_chart(
        months,
        [
            (_("Cases registered"), [r["cases.registered"] for r in data["trend"]]),
            (_("Penalty decisions"), [r["cases.decided"] for r in data["trend"]]),
        ],
        title=_("Cases by month"),
    )
    top_svg = bar_chart([(r.label[:14], r.count) for r in data["top_violations"]], title=_("Top violations"))
    clue_svg = bar_chart([(n[:14], k) for _c, n, k in data["clues_by_model"]], title=_("Open clues by model"))
    query = request.GET.copy()
    return render(
        request,
        "centre/dashboard.html",
        {
            **data,
            "agency": agency,
            "span": span,
            "error": error,
            "agencies": _agency_choices(request.user),
            "trend_svg": trend_svg,
            "top_svg": top_svg,
            "clue_svg": clue_svg,
            "query": query.urlencode(),
        },
        status=400 if error else 200,
    )


@access.roles(*HANDLERS)
def indicator_detail(request: HttpRequest, code: str) -> HttpResponse:
    """Drill-down: one indicator per agency, with the way to the records behind it."""
    try:
        ind = indicator(code)
    except LookupError:
        raise Http404 from None
    ids, _agency, span, error = _period(request)
    rows = dash.by_agency(code, ids, span)
    page_name, param = next(((v[0], v[1]) for k, v in RECORD_PAGES.items() if code.startswith(k)), ("", ""))
    return render(
        request,
        "centre/indicator.html",
        {"ind": ind, "rows": rows, "span": span, "error": error, "page_name": page_name, "param": param},
        status=400 if error else 200,
    )


# --- accountability -------------------------------------------------------------------------------------


@access.login
def faults(request: HttpRequest) -> HttpResponse:
    error: DomainError | None = None
    status = 200
    is_supervisor = bool(svc.supervisor_agencies(request.user))
    if request.method == "POST":
        if not is_supervisor:
            return render(request, "403.html", status=403)
        try:
            svc.fault_record(actor=request.user, data=request.POST.dict())
            return redirect("centre:faults")
        except DomainError as exc:
            error, status = exc, _status(exc)
    records = sel.faults_for(user=request.user)
    today = timezone.localdate()
    stats = (
        sel.fault_stats(sel.agencies_for(request.user), DateSpan.year(today.year)) if is_supervisor else []
    )
    return render(
        request,
        "centre/faults.html",
        {
            "records": records[:200],
            "stats": stats,
            "year": today.year,
            "is_supervisor": is_supervisor,
            "faults": FaultKind.choices,
            "sanctions": Sanction.choices,
            "sources": FaultSource.choices,
            "error": error,
            "error_field": (error.detail or {}).get("field", "") if error else "",
            "posted": request.POST if error else {},
            "clue_id": _int(request.GET.get("clue")),
        },
        status=status,
    )


# --- reports ------------------------------------------------------------------------------------------------


@access.roles(*HANDLERS)
def monthly(request: HttpRequest) -> HttpResponse:
    g = request.GET
    today = timezone.localdate()
    last = today.replace(day=1) - dt.timedelta(days=1)
    year, month = _int(g.get("year")) or last.year, _int(g.get("month")) or last.month
    ids = sel.agencies_for(request.user)
    agency = _int(g.get("agency"))
    error = ""
    if not (1 <= month <= 12 and 2000 <= year <= 2100):
        error, year, month = _("Enter a valid year and month."), last.year, last.month
    if agency is not None:
        if agency in ids:
            ids = frozenset({agency})
        else:
            error, agency = _("That agency is not in your scope."), None
    report = reports.monthly_report(ids, year, month)
    fmt = g.get("format", "")
    if fmt == "xlsx" and not error:
        response = HttpResponse(
            reports.to_xlsx(report),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="monthly-report-{year}-{month:02d}.xlsx"'
        return response
    if fmt == "pdf" and not error:
        response = HttpResponse(reports.to_pdf(report), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="monthly-report-{year}-{month:02d}.pdf"'
        return response
    return render(
        request,
        "centre/monthly.html",
        {
            "report": report,
            "columns": reports.COLUMNS,
            "rows": [*report.rows, report.total],
            "year": year,
            "month": month,
            "agency": agency,
            "agencies": _agency_choices(request.user),
            "error": error,
            "months": range(1, 13),
        },
        status=400 if error else 200,
    )


@access.roles(*HANDLERS)
def annual(request: HttpRequest) -> HttpResponse:
    error: DomainError | None = None
    status = 200
    if request.method == "POST":
        try:
            year = _int(request.POST.get("year"))
            if year is None:
                raise InvalidInput(_("Enter the year."), detail={"field": "year"})
            svc.annual_report_publish(actor=request.user, year=year)
            return redirect("centre:annual")
        except DomainError as exc:
            error, status = exc, _status(exc)
    return render(
        request,
        "centre/annual.html",
        {
            "reports": sel.annual_reports(),
            "error": error,
            "can_publish": bool(svc.supervisor_agencies(request.user)),
            "last_year": timezone.localdate().year - 1,
        },
        status=status,
    )
