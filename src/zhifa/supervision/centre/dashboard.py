"""The supervisor's dashboard (驾驶舱): figures from the indicator registry for the caller's agencies
(or one of them) over a period, the monthly trend, the top violations and the open clues by model.
Nothing here counts rows of another domain: every figure is an indicator.

The monthly-additive indicators (the case and portal figures over the large tables) are read from
their per-agency monthly parts (`centre.figures`) for whole past months and computed live only for the
rest of the period (the current month, partial months): a constant number of queries, whatever the
number of agencies, months or cases. The other indicators (small tables: officers, appeals, reviews,
clues) are computed live, one call each."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhifa.core.indicators import DateSpan, IndicatorValue, as_dict, indicator
from zhifa.org.selectors import node_names
from zhifa.supervision.centre import figures
from zhifa.supervision.centre.models import Clue, ClueState
from zhifa.supervision.centre.selectors import model_names

# The dashboard's tiles, grouped as the justice bureau reads them.
GROUPS: tuple[tuple[Any, tuple[str, ...]], ...] = (
    (
        _("Case volume and amounts"),
        ("cases.registered", "cases.filed", "cases.decided", "cases.fines_in_decisions", "cases.fines_paid"),
    ),
    (
        _("On time"),
        (
            "cases.decision_on_time_rate",
            "complaints.reply_on_time_rate",
            "portal.decisions_published",
            "centre.rectification_on_time_rate",
        ),
    ),
    (_("Appeals"), ("appeals.correction_rate", "appeals.loss_rate", "appeals.head_appearance_rate")),
    (_("Dossier review"), ("reviews.average_score", "reviews.pass_rate")),
    (
        _("Officers"),
        ("officers.credential_rate", "officers.study_hours_rate", "officers.legal_training_rate"),
    ),
    (
        _("Supervision"),
        (
            "centre.clues_raised",
            "centre.clues_pending",
            "centre.clue_handling_rate",
            "centre.notices_issued",
            "centre.faults_recorded",
        ),
    ),
)
TREND_CODES = ("cases.registered", "cases.decided")
TREND_MONTHS = 12


@dataclass(frozen=True)
class Tile:
    code: str
    label: str
    unit: str
    value: IndicatorValue
    higher_is_better: bool

    def as_dict(self) -> dict[str, Any]:
        return {**as_dict(self.code, self.value), "label": self.label, "unit": self.unit}


def tiles(
    agency_ids: Collection[int],
    span: DateSpan,
    *,
    today: dt.date | None = None,
    plan: figures.Plan | None = None,
) -> list[tuple[str, list[Tile]]]:
    today = today or timezone.localdate()
    found = {}
    for _title, codes in GROUPS:
        for code in codes:
            try:
                found[code] = indicator(code)
            except LookupError:  # an app not installed: its tile is not shown
                continue
    monthly = [i for i in found.values() if i.monthly]
    if plan is None:
        plan = figures.plan(span, figures.covered_months(span) if monthly else (), today)
    values = figures.values(monthly, agency_ids, span, plan)
    ids = frozenset(agency_ids)
    out = []
    for title, codes in GROUPS:
        row = []
        for code in codes:
            ind = found.get(code)
            if ind is None:
                continue
            value = values[code] if ind.monthly else ind.compute(ids, span)
            row.append(Tile(code, str(ind.label), str(ind.unit), value, ind.higher_is_better))
        out.append((str(title), row))
    return out


def months_back(end: dt.date, n: int) -> list[tuple[int, int]]:
    y, m = end.year, end.month
    out = []
    for _i in range(n):
        out.append((y, m))
        m -= 1
        if m == 0:
            y, m = y - 1, 12
    return list(reversed(out))


def trend(agency_ids: Collection[int], end: dt.date, months: int = TREND_MONTHS) -> list[dict[str, Any]]:
    """Cases registered and decided per month, the `months` months up to `end`."""
    wanted = [dt.date(y, m, 1) for y, m in months_back(end, months)]
    inds = [indicator(code) for code in TREND_CODES]
    today = timezone.localdate()
    covered = figures.covered_months(DateSpan(wanted[0], figures.month_end(wanted[-1])))
    covered = {m for m in covered if figures.month_end(m) < today}
    values = figures.by_month(inds, agency_ids, wanted, covered)
    out = []
    for m in wanted:
        row: dict[str, Any] = {"month": f"{m.year}-{m.month:02d}"}
        for code in TREND_CODES:
            row[code] = int(values[(code, m)].numerator)
        out.append(row)
    return out


def open_clues_by_model(agency_ids: Collection[int]) -> list[tuple[str, str, int]]:
    names = model_names()
    rows = (
        Clue.objects.filter(agency_id__in=list(agency_ids), state=ClueState.OPEN)
        .order_by()
        .values_list("model_code")
        .annotate(n=Count("id"))
    )
    return sorted(((c, names.get(c, c), n) for c, n in rows), key=lambda r: (-r[2], r[0]))


def by_agency(
    code: str, agency_ids: Collection[int], span: DateSpan
) -> list[tuple[int, str, IndicatorValue]]:
    """The drill-down: one indicator for each agency."""
    names = node_names(agency_ids)
    ind = indicator(code)
    rows = [(a, names.get(a, str(a)), ind.compute(frozenset({a}), span)) for a in agency_ids]
    return sorted(rows, key=lambda r: (-(r[2].value if r[2].value is not None else Decimal(-1)), r[1]))


def dashboard(agency_ids: Collection[int], span: DateSpan, *, trend_end: dt.date) -> dict[str, Any]:
    today = timezone.localdate()
    plan = figures.plan(span, figures.covered_months(span), today)
    return {
        "groups": tiles(agency_ids, span, today=today, plan=plan),
        "trend": trend(agency_ids, trend_end),
        "top_violations": figures.power_items(agency_ids, span, plan, 10),
        "clues_by_model": open_clues_by_model(agency_ids),
    }
