"""Writes of the core app: entering a year's official holiday calendar (the one door).

`calendar_year_enter` replaces the year's `CalendarDay` rows and records the `CalendarYear` in one
transaction, audits the change with what it replaced, and calls `calendar.year_entered(year)` so caches
are dropped and, after commit, the provisional dates of every domain are recomputed.

A year the `chinesecalendar` package already knows officially is refused unless the caller says
`override_official=True`: the package carries the published arrangement, and an entered year overrides
it day by day. Overriding is for a late change of the arrangement (the State Council amended 春节 2020
after the package had it) or an error in the package, never a routine step; pages and the API show the
days where the notice and the package disagree before anyone confirms.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhifa.core import calendar
from zhifa.core.calendar_notice import Notice, NoticeDay, parse_notice
from zhifa.core.errors import Conflict, Forbidden, InvalidInput
from zhifa.core.models import CalendarDay, CalendarYear
from zhifa.core.roles import Role

MIN_ENTER_YEAR = 2000
AHEAD_YEARS = 2  # a notice is published in November for the next year; two years ahead is a typo


@dataclass(frozen=True)
class YearEntered:
    year: int
    source: str
    holidays: int
    workdays: int
    other_year_days: int  # days of a neighbouring year the notice arranged (e.g. the previous 12月)
    replaced: bool  # the year had been entered before
    official: bool  # the package knows the year (this entry overrides it)
    entered_at: dt.datetime


def _require_admin(actor: Any | None) -> None:
    # `None` is the operator on the server's command line (manage.py calendar_import), who already
    # holds every power the platform has; pages and the API always pass the signed-in user.
    if actor is not None and not actor.has_role(Role.ADMIN):
        raise Forbidden(_("Only system administrators enter a year's official holiday calendar."))


def package_disagreements(notice: Notice) -> list[dt.date]:
    """Days of the notice's year where the notice (with the weekday rule) and the package differ;
    empty when the package does not know the year."""
    import chinese_calendar

    if calendar.year_status(notice.year) != calendar.YearStatus.OFFICIAL:
        return []
    out = []
    day = dt.date(notice.year, 1, 1)
    while day.year == notice.year:
        try:
            official = bool(chinese_calendar.is_workday(day))
        except NotImplementedError:  # pragma: no cover - the package's own range
            break
        if official != notice.is_working(day):
            out.append(day)
        day += dt.timedelta(days=1)
    return out


def _check(year: int, days: Sequence[NoticeDay], source: str, *, override_official: bool) -> str:
    today = timezone.localdate()
    if not MIN_ENTER_YEAR <= year <= today.year + AHEAD_YEARS:
        raise InvalidInput(
            _("A year's calendar can be entered from %(min)d to %(max)d, not %(year)d.")
            % {"min": MIN_ENTER_YEAR, "max": today.year + AHEAD_YEARS, "year": year},
            code="year_out_of_range",
            detail={"field": "year"},
        )
    source = " ".join(source.split())
    if not source:
        raise InvalidInput(
            _("Name the source (e.g. the notice's title and number)."),
            code="source_required",
            detail={"field": "source"},
        )
    if len(source) > 200:
        raise InvalidInput(
            _("The source is longer than 200 characters."), code="source_too_long", detail={"field": "source"}
        )
    if calendar.year_status(year) == calendar.YearStatus.OFFICIAL and not override_official:
        raise Conflict(
            _(
                "The calendar package already carries the official arrangement of %(year)d. Enter it "
                "only to override the package (a late change or an error), and confirm that you do."
            )
            % {"year": year},
            code="year_official",
            detail={"year": year},
        )
    seen: set[dt.date] = set()
    for d in days:
        if d.kind not in CalendarDay.Kind.values or d.date in seen or abs(d.date.year - year) > 1:
            raise InvalidInput(
                _("The days to enter are not consistent (%(date)s).") % {"date": d.date.isoformat()},
                code="invalid_days",
            )
        seen.add(d.date)
    if not any(d.date.year == year for d in days):
        raise InvalidInput(_("None of the days falls in %(year)d.") % {"year": year}, code="invalid_days")
    return source


def _lock_year(year: int, source: str) -> tuple[CalendarYear, bool]:
    """The year's row, created or locked (concurrent entries of one year serialise here)."""
    try:
        with transaction.atomic():
            return CalendarYear.objects.create(year=year, source=source), True
    except IntegrityError:
        row = CalendarYear.objects.select_for_update().filter(year=year).first()
        if row is None:  # pragma: no cover - deleted between the two statements
            raise Conflict(_("Someone changed this year at the same moment; try again.")) from None
        return row, False


def calendar_year_enter(
    *,
    actor: Any | None,
    year: int,
    days: Sequence[NoticeDay],
    source: str,
    notice_text: str,
    override_official: bool = False,
    channel: str = "",
) -> YearEntered:
    """Replace `year`'s arranged days by `days` (holidays and adjusted working days) and record the year
    as entered. Days of a neighbouring year the package does not know (the 元旦 item's December) are
    stored beside them, replacing only those dates. Admins only; audited with what was replaced."""
    _require_admin(actor)
    source = _check(year, days, source, override_official=override_official)
    official = calendar.year_status(year) == calendar.YearStatus.OFFICIAL
    in_year = [d for d in days if d.date.year == year]
    # A neighbouring year the package knows needs nothing from us (the package agrees with the notice).
    others = [
        d
        for d in days
        if d.date.year != year and calendar.year_status(d.date.year) != calendar.YearStatus.OFFICIAL
    ]
    from zhifa.core.auditing import audit_record

    with transaction.atomic():
        row, created = _lock_year(year, source)
        previous = list(
            CalendarDay.objects.filter(date__year=year).order_by("date").values_list("date", "kind")
        )
        previous_source = "" if created else row.source
        CalendarDay.objects.filter(date__year=year).delete()
        CalendarDay.objects.bulk_create(CalendarDay(date=d.date, kind=d.kind, name=d.name) for d in in_year)
        for d in others:
            CalendarDay.objects.update_or_create(date=d.date, defaults={"kind": d.kind, "name": d.name})
        if not created:
            row.source = source
            row.confirmed_at = timezone.now()
            row.save(update_fields=["source", "confirmed_at"])
        holidays = sum(1 for d in in_year if d.kind == CalendarDay.Kind.HOLIDAY)
        workdays = len(in_year) - holidays
        audit_record(
            actor=actor,
            action="calendar.year_entered",
            obj=row,
            object_repr=f"{year} {source}"[:200],
            summary={
                "year": year,
                "source": source,
                "channel": channel or ("command" if actor is None else "staff"),
                "override_official": official,
                "holidays": [d.date.isoformat() for d in in_year if d.kind == CalendarDay.Kind.HOLIDAY],
                "workdays": [d.date.isoformat() for d in in_year if d.kind == CalendarDay.Kind.WORKDAY],
                "other_year_days": {d.date.isoformat(): d.kind for d in others},
                "notice_sha256": hashlib.sha256(notice_text.encode()).hexdigest(),
                "notice_text": notice_text,
                "replaced": {
                    "source": previous_source,
                    "days": {day.isoformat(): kind for day, kind in previous},
                }
                if previous or not created
                else None,
            },
        )
        calendar.year_entered(year)
    return YearEntered(
        year=year,
        source=source,
        holidays=holidays,
        workdays=workdays,
        other_year_days=len(others),
        replaced=not created,
        official=official,
        entered_at=row.confirmed_at,
    )


def calendar_notice_enter(
    *, actor: Any | None, notice_text: str, source: str = "", override_official: bool = False
) -> YearEntered:
    """Parse the notice (NoticeError naming the line) and enter its year: what pages, the API and
    `manage.py calendar_import` call."""
    _require_admin(actor)
    notice = parse_notice(notice_text)
    return calendar_year_enter(
        actor=actor,
        year=notice.year,
        days=notice.days,
        source=source.strip() or notice.default_source(),
        notice_text=notice_text,
        override_official=override_official,
    )


def calendar_days_enter(
    *, actor: Any, year: int, rows: Sequence[Any], source: str, override_official: bool = False
) -> YearEntered:
    """The year editor's door: the festival rows typed in or corrected on `/calendar/<year>/edit/`
    (`calendar_form.read_rows`: the same rules as the paste reader), stored like a pasted notice. The
    audit entry keeps the arrangement written out (`channel: "editor"`)."""
    from zhifa.core.calendar_form import as_text, read_rows

    _require_admin(actor)
    notice = read_rows(year, list(rows))
    return calendar_year_enter(
        actor=actor,
        year=year,
        days=notice.days,
        source=source,
        notice_text=as_text(notice),
        override_official=override_official,
        channel="editor",
    )
