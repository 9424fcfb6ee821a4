"""The dashboard's monthly parts (`MonthlyFigure`): per agency and whole past month, the numerator and
denominator of every monthly-additive indicator and the decisions per power item.

A period's figure is then the sum of the parts of the whole months it covers (one indexed query for
every tile, one for the trend, one for the power items) plus the days no part covers — the current
month and partial months at either end — computed live by the indicator itself over those few days.
The current month is therefore always exact; a past month's part is as of its last refresh: the nightly
`centre_figures` task recomputes the last `REFRESH_MONTHS` months (an act recorded later with an older
date shows after the next night). A month without parts (older than the refreshed ones, or before the
first refresh) is computed live, so the figures never depend on the parts existing — only the speed
does.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from zhifa.core.indicators import DateSpan, Indicator, IndicatorValue, combine, indicators
from zhifa.enforcement.cases.indicators import Row, decided_by_power_item
from zhifa.supervision.centre.models import FigureMonth, MonthlyFigure

POWER_ITEMS = "cases.power_items"
REFRESH_MONTHS = 24
ZERO = Decimal(0)


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def next_month(month: dt.date) -> dt.date:
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def month_end(month: dt.date) -> dt.date:
    return next_month(month) - dt.timedelta(days=1)


def monthly_indicators() -> list[Indicator]:
    return [i for i in indicators() if i.monthly]


# --- refreshing ------------------------------------------------------------------------------------


def _agencies() -> list[int]:
    from zhifa.org.models import OrgNode

    return list(OrgNode.objects.filter(kind="agency").order_by("id").values_list("id", flat=True))


def refresh(months: Iterable[dt.date] | None = None, *, today: dt.date | None = None) -> int:
    """Recompute the parts of these months (default: the `REFRESH_MONTHS` whole months before the
    current one) for every agency; returns the number of parts written. Each month is replaced in one
    transaction, so a reader sees a month's old parts or its new ones."""
    today = today or timezone.localdate()
    current = month_start(today)
    if months is None:
        months, m = [], current
        for _i in range(REFRESH_MONTHS):
            m = month_start(m - dt.timedelta(days=1))
            months.append(m)
    agencies = _agencies()
    written = 0
    for month in sorted({month_start(m) for m in months}):
        if month >= current:  # the current month is always computed live
            continue
        span = DateSpan(month, month_end(month))
        parts = []
        for ind in monthly_indicators():
            for agency_id in agencies:
                v = ind.compute(frozenset({agency_id}), span)
                if v.numerator or v.denominator:
                    parts.append(
                        MonthlyFigure(
                            code=ind.code,
                            agency_id=agency_id,
                            month=month,
                            numerator=v.numerator,
                            denominator=v.denominator,
                        )
                    )
        for agency_id, row in decided_by_power_item(agencies, span):
            parts.append(
                MonthlyFigure(
                    code=POWER_ITEMS,
                    agency_id=agency_id,
                    month=month,
                    item=row.key,
                    label=row.label[:300],
                    numerator=Decimal(row.count),
                    amount=row.fines,
                    amount_paid=row.paid,
                )
            )
        with transaction.atomic():
            MonthlyFigure.objects.filter(month=month).delete()
            MonthlyFigure.objects.bulk_create(parts, batch_size=1000)
            FigureMonth.objects.update_or_create(month=month, defaults={"computed_at": timezone.now()})
        written += len(parts)
    return written


# --- reading ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    """A span split into whole months answered from the parts, and the rest computed live."""

    months: tuple[dt.date, ...]  # whole months with parts, contiguous
    live: tuple[DateSpan, ...]  # the days around them (or the whole span when no part applies)


def plan(span: DateSpan, covered: Collection[dt.date], today: dt.date) -> Plan:
    """Split `span` into the longest run of whole, past, refreshed months and the days around it."""
    if span.start is not None and span.end is not None and span.start > span.end:
        return Plan((), ())
    current = month_start(today)
    first = month_start(span.start) if span.start else (min(covered) if covered else current)
    if span.start is not None and span.start != first:
        first = next_month(first)
    end = span.end if span.end is not None else today
    whole = []
    m = first
    while month_end(m) <= end and m < current:
        whole.append(m)
        m = next_month(m)
    run: list[dt.date] = []
    best: list[dt.date] = []
    for m in whole:  # the longest contiguous run of refreshed months
        run = [*run, m] if m in covered else []
        if len(run) > len(best):
            best = run
    if not best:
        return Plan((), (span,))
    live = []
    if span.start is None or span.start < best[0]:
        live.append(DateSpan(span.start, best[0] - dt.timedelta(days=1)))
    after = month_end(best[-1]) + dt.timedelta(days=1)
    if span.end is None or span.end >= after:
        live.append(DateSpan(after, span.end))
    return Plan(tuple(best), tuple(live))


def covered_months(span: DateSpan) -> set[dt.date]:
    qs = FigureMonth.objects.all()
    if span.start is not None:
        qs = qs.filter(month__gte=month_start(span.start))
    if span.end is not None:
        qs = qs.filter(month__lte=span.end)
    return set(qs.values_list("month", flat=True))


def values(
    inds: Collection[Indicator], agency_ids: Collection[int], span: DateSpan, p: Plan
) -> dict[str, IndicatorValue]:
    """The monthly indicators over the span: the parts of the plan's months (one query) plus each
    indicator computed live over the plan's other days."""
    parts: dict[str, tuple[Decimal, Decimal | None]] = {}
    if p.months and inds:
        for code, n, d in (
            MonthlyFigure.objects.filter(
                month__in=p.months, code__in=[i.code for i in inds], agency_id__in=list(agency_ids)
            )
            .order_by()
            .values_list("code")
            .annotate(n=Sum("numerator"), d=Sum("denominator"))
        ):
            parts[code] = (n or ZERO, d)
    out = {}
    ids = frozenset(agency_ids)
    for ind in inds:
        num, den = parts.get(ind.code, (ZERO, None))
        for live in p.live:
            v = ind.compute(ids, live)
            num, den = (
                num + v.numerator,
                (None if den is None and v.denominator is None else (den or ZERO) + (v.denominator or ZERO)),
            )
        out[ind.code] = combine(ind.unit, num, den)
    return out


def by_month(
    inds: Collection[Indicator],
    agency_ids: Collection[int],
    months: list[dt.date],
    covered: Collection[dt.date],
) -> dict[tuple[str, dt.date], IndicatorValue]:
    """Monthly values (the trend): refreshed months from their parts in one query, the others live."""
    from_parts = [m for m in months if m in covered]
    out: dict[tuple[str, dt.date], IndicatorValue] = {}
    sums: dict[tuple[str, dt.date], tuple[Decimal, Decimal | None]] = {}
    if from_parts and inds:
        for code, month, n, d in (
            MonthlyFigure.objects.filter(
                month__in=from_parts, code__in=[i.code for i in inds], agency_id__in=list(agency_ids)
            )
            .order_by()
            .values_list("code", "month")
            .annotate(n=Sum("numerator"), d=Sum("denominator"))
        ):
            sums[(code, month)] = (n or ZERO, d)
    ids = frozenset(agency_ids)
    for ind in inds:
        for m in months:
            if m in covered:
                n, d = sums.get((ind.code, m), (ZERO, None))
                out[(ind.code, m)] = combine(ind.unit, n, d)
            else:
                out[(ind.code, m)] = ind.compute(ids, DateSpan(m, month_end(m)))
    return out


def power_items(agency_ids: Collection[int], span: DateSpan, p: Plan, limit: int = 10) -> list[Row]:
    """The violations most often decided in the span: the parts of the plan's months and the live days."""
    totals: dict[tuple[str, str], list[Decimal]] = defaultdict(lambda: [ZERO, ZERO, ZERO])
    if p.months:
        for item, label, n, fines, paid in (
            MonthlyFigure.objects.filter(month__in=p.months, code=POWER_ITEMS, agency_id__in=list(agency_ids))
            .order_by()
            .values_list("item", "label")
            .annotate(n=Sum("numerator"), f=Sum("amount"), p=Sum("amount_paid"))
        ):
            t = totals[(item, label)]
            t[0] += n or ZERO
            t[1] += fines or ZERO
            t[2] += paid or ZERO
    for live in p.live:
        for _agency, row in decided_by_power_item(agency_ids, live):
            t = totals[(row.key, row.label)]
            t[0] += row.count
            t[1] += row.fines
            t[2] += row.paid
    rows = [Row(k, label, int(n), f, pd) for (k, label), (n, f, pd) in totals.items()]
    rows.sort(key=lambda r: (-r.count, int(r.key) if r.key.isdigit() else 0, r.key))
    return rows[:limit]
