"""The supervisor's dashboard (驾驶舱): figures from the indicator registry for the caller's agencies
(or one of them) over a period, the monthly trend, the top violations and the open clues by model.
Nothing here counts rows of another domain: every figure is an indicator."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from zhifa.core.indicators import DateSpan, IndicatorValue, as_dict, indicator, indicator_value
from zhifa.enforcement.cases.indicators import top_power_items
from zhifa.org.selectors import node_names
from zhifa.supervision.centre.models import Clue, ClueState
from zhifa.supervision.centre.reports import month_span
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


def tiles(agency_ids: Collection[int], span: DateSpan) -> list[tuple[str, list[Tile]]]:
    out = []
    for title, codes in GROUPS:
        row = []
        for code in codes:
            try:
                ind = indicator(code)
            except LookupError:  # an app not installed: its tile is not shown
                continue
            row.append(
                Tile(
                    code,
                    str(ind.label),
                    str(ind.unit),
                    ind.compute(frozenset(agency_ids), span),
                    ind.higher_is_better,
                )
            )
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
    out = []
    for y, m in months_back(end, months):
        span = month_span(y, m)
        row: dict[str, Any] = {"month": f"{y}-{m:02d}"}
        for code in TREND_CODES:
            row[code] = int(indicator_value(code, agency_ids, span).numerator)
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
    return {
        "groups": tiles(agency_ids, span),
        "trend": trend(agency_ids, trend_end),
        "top_violations": top_power_items(agency_ids, span, 10),
        "clues_by_model": open_clues_by_model(agency_ids),
    }
