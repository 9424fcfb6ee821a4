"""Case statistics for supervision: breakdowns by state, power category and agency from the cases
app's public `indicators` module, which also registers the totals as indicators (`cases.registered`,
`cases.fines_decided`, `cases.fines_paid`; equal to the totals here, tested).

The period filters on the registration date (the case entered the system in the period); amounts are
decided fines and amounts paid. This app imports no domain's models. The figures are the cases' kept
roll-up (`cases.indicators.counted_by`: exact and live, one grouped query on the roll-up whatever the
caseload, plus one on the cases for the days of a month the period cuts), so the page, the API and the
downloads count on every request and nothing is cached. The totals are summed from the state
breakdown. Rates: 结案率 (closed or archived per filed case) and 缴款率 (paid per yuan decided).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from zhifa.core.indicators import DateSpan
from zhifa.enforcement.cases.indicators import Row, breakdown_of, counted_by, month_rows
from zhifa.org.selectors import scope_agency_ids

ZERO = Decimal("0.00")
CLOSED_STATES = ("closed", "archived")


def _percent(part: Decimal | int, whole: Decimal | int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


__all__ = ["Row", "Summary", "stats_summary"]


@dataclass
class Summary:
    date_from: dt.date | None
    date_to: dt.date | None
    total: int = 0
    fines: Decimal = ZERO
    paid: Decimal = ZERO
    by_state: list[Row] = field(default_factory=list)
    by_category: list[Row] = field(default_factory=list)
    by_agency: list[Row] = field(default_factory=list)
    by_month: list[Row] = field(default_factory=list)

    @property
    def filed(self) -> int:
        """Cases past the lead stage: filed, or decided on the spot."""
        return sum(r.count for r in self.by_state if r.key not in ("registered", "not_filed"))

    @property
    def closed(self) -> int:
        return sum(r.count for r in self.by_state if r.key in CLOSED_STATES)

    @property
    def closed_rate(self) -> Decimal | None:
        """结案率: closed or archived cases per filed case, in per cent (None when nothing was filed)."""
        return _percent(self.closed, self.filed)

    @property
    def payment_rate(self) -> Decimal | None:
        """缴款率: amounts paid per yuan of fines decided, in per cent."""
        return _percent(self.paid, self.fines)


def stats_summary(
    *,
    user: Any,
    agency_id: int | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    agency_names: Mapping[int, str] | None = None,
) -> Summary:
    """`agency_names`: the names of the agencies in the user's scope when the caller has read them
    (the page, for its filter): the breakdown by agency then reads none."""
    return _summary(_agencies(user, agency_id), date_from, date_to, agency_names)


def _agencies(user: Any, agency_id: int | None) -> frozenset[int]:
    agency_ids = scope_agency_ids(user)
    if agency_id is not None:
        agency_ids = frozenset(agency_ids & {agency_id})
    return agency_ids


def _summary(
    agency_ids: frozenset[int],
    date_from: dt.date | None,
    date_to: dt.date | None,
    agency_names: Mapping[int, str] | None = None,
) -> Summary:
    sums = counted_by(agency_ids, DateSpan(date_from, date_to))
    rows = breakdown_of(sums, names=agency_names)
    summary = Summary(
        date_from,
        date_to,
        by_state=rows["by_state"],
        by_category=rows["by_category"],
        by_agency=rows["by_agency"],
        by_month=month_rows(sums["month"]),
    )
    summary.total = sum(r.count for r in summary.by_state)
    summary.fines = sum((r.fines for r in summary.by_state), ZERO)
    summary.paid = sum((r.paid for r in summary.by_state), ZERO)
    return summary
