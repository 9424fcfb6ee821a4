"""Administrators' pages for the holiday calendar: which years are known, and entering a year from the
State Council's notice (paste → month grid to check → confirm). docs/calendar.md."""

from __future__ import annotations

import calendar as pycalendar
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from zhifa.core import access, calendar_form, selectors, services
from zhifa.core.calendar import PACKAGE_LAST_YEAR
from zhifa.core.calendar_notice import Kind, Notice, parse_notice
from zhifa.core.errors import DomainError
from zhifa.core.roles import Role


@access.roles(Role.ADMIN)
def calendar_years(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "core/calendar_years.html",
        {"rows": selectors.calendar_year_rows(), "package_last_year": PACKAGE_LAST_YEAR},
    )


def month_grid(notice: Notice) -> list[dict[str, Any]]:
    """Twelve months of the notice's year, weeks Monday first, each day marked holiday / adjusted
    working day / weekend / working day."""
    arranged = {d.date: d for d in notice.in_year}
    months = []
    for month in range(1, 13):
        weeks = []
        for week in pycalendar.Calendar(firstweekday=0).monthdatescalendar(notice.year, month):
            cells: list[dict[str, Any] | None] = []
            for day in week:
                if day.month != month:
                    cells.append(None)
                    continue
                entry = arranged.get(day)
                if entry is not None:
                    kind = "holiday" if entry.kind == Kind.HOLIDAY else "workday"
                else:
                    kind = "weekend" if day.weekday() >= 5 else "normal"
                cells.append({"day": day.day, "kind": kind, "name": entry.name if entry else "", "date": day})
            weeks.append(cells)
        months.append({"month": month, "weeks": weeks})
    return months


def _preview_context(notice: Notice) -> dict[str, Any]:
    row = next((r for r in selectors.calendar_year_rows() if r.year == notice.year), None)
    return {
        "notice": notice,
        "months": month_grid(notice),
        "holiday_count": len(notice.holidays),
        "workday_count": len(notice.workdays),
        "festival_ranges": _festival_ranges(notice),
        "other_years": notice.other_years,
        "official": row is not None and row.state == selectors.YearState.OFFICIAL,
        "already_entered": row is not None and row.entered_at is not None,
        "previous": row,
        "disagreements": services.package_disagreements(notice),
    }


def _festival_ranges(notice: Notice) -> list[dict[str, Any]]:
    """Per festival: its days off (first–last, count) and its adjusted working days, for the summary."""
    out: dict[str, dict[str, Any]] = {}
    for d in notice.days:
        entry = out.setdefault(d.name, {"name": d.name, "holidays": [], "workdays": []})
        entry["holidays" if d.kind == Kind.HOLIDAY else "workdays"].append(d.date)
    return list(out.values())


@access.roles(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def calendar_enter(request: HttpRequest) -> HttpResponse:
    """GET: the paste form. POST `preview`: parse and show the grid (errors in place). POST `save`:
    parse the same text again (the grid is never trusted from the browser) and enter it."""
    text = request.POST.get("notice_text", "") if request.method == "POST" else ""
    source = request.POST.get("source", "").strip() if request.method == "POST" else ""
    context: dict[str, Any] = {"notice_text": text, "source": source, "error": "", "error_line": None}
    if request.method == "GET":
        return render(request, "core/calendar_enter.html", context)
    try:
        notice = parse_notice(text)
    except DomainError as exc:
        context.update(error=str(exc.message), error_line=exc.detail.get("line"))
        return render(request, "core/calendar_enter.html", context, status=400)
    context.update(_preview_context(notice))
    context["source"] = source or notice.default_source()
    if request.POST.get("action") != "save":
        return render(request, "core/calendar_enter.html", context)
    try:
        entered = services.calendar_notice_enter(
            actor=request.user,
            notice_text=text,
            source=context["source"],
            override_official=request.POST.get("override_official") == "on",
        )
    except DomainError as exc:
        context["save_error"] = str(exc.message)
        return render(request, "core/calendar_enter.html", context, status=400)
    messages.success(
        request,
        _(
            "The calendar of %(year)d is entered: %(holidays)d holidays and %(workdays)d adjusted working "
            "days. Provisional deadlines are being recomputed."
        )
        % {"year": entered.year, "holidays": entered.holidays, "workdays": entered.workdays},
    )
    return redirect("calendar_years")


@access.roles(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def calendar_edit(request: HttpRequest, year: int) -> HttpResponse:
    """Enter or correct a year festival by festival (docs/calendar.md). GET: the rows as stored (or as
    the package has them, or the seven festivals empty) with their grid. POST `preview`: read the rows
    and show the grid (errors in place, 400). POST `save`: read them again and store them."""
    if not services.MIN_ENTER_YEAR <= year <= timezone.localdate().year + services.AHEAD_YEARS:
        raise Http404
    row = next((r for r in selectors.calendar_year_rows() if r.year == year), None)
    official = row is not None and row.state == selectors.YearState.OFFICIAL
    context: dict[str, Any] = {
        "year": year,
        "official": official,
        "previous": row,
        "already_entered": row is not None and row.entered_at is not None,
        "error": "",
        "error_row": None,
        "error_field": "",
    }
    if request.method == "GET":
        rows = calendar_form.rows_for(year, selectors.calendar_days_of(year))
        source = (row.source if row is not None and row.entered_at else "") or _(
            "State Council General Office notice on the holiday arrangement of %(year)d"
        ) % {"year": year}
        context.update(rows=calendar_form.padded_rows(rows), source=source)
        try:
            notice = calendar_form.read_rows(year, rows)
        except DomainError:
            return render(request, "core/calendar_edit.html", context)
        context.update(_preview_context(notice), showing_stored=True)
        return render(request, "core/calendar_edit.html", context)
    rows = calendar_form.rows_from_post(request.POST)
    source = " ".join(request.POST.get("source", "").split())
    override = request.POST.get("override_official") == "on"
    context.update(rows=calendar_form.padded_rows(rows), source=source, override_official=override)
    try:
        notice = calendar_form.read_rows(year, rows)
        context.update(_preview_context(notice))
        if request.POST.get("action") != "save":
            return render(request, "core/calendar_edit.html", context)
        entered = services.calendar_days_enter(
            actor=request.user, year=year, rows=rows, source=source, override_official=override
        )
    except DomainError as exc:
        context.update(
            error=str(exc.message), error_row=exc.detail.get("row"), error_field=exc.detail.get("field", "")
        )
        return render(
            request, "core/calendar_edit.html", context, status=exc.status if exc.status < 500 else 400
        )
    messages.success(
        request,
        _(
            "The calendar of %(year)d is entered: %(holidays)d holidays and %(workdays)d adjusted working "
            "days. Provisional deadlines are being recomputed."
        )
        % {"year": entered.year, "holidays": entered.holidays, "workdays": entered.workdays},
    )
    return redirect("calendar_years")
