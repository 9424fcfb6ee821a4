"""Case statistics for supervision: breakdowns by state, power category and agency from the cases
app's public `indicators` module, which also registers the totals as indicators (`cases.registered`,
`cases.fines_decided`, `cases.fines_paid`; equal to the totals here, tested).

The period filters on the registration date (the case entered the system in the period); amounts are
decided fines and amounts paid. This app imports no domain's models. The totals are summed from the
state breakdown rather than asked of the registry: the page stays at three grouped queries.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from zhifa.core.indicators import DateSpan
from zhifa.enforcement.cases.indicators import Row, breakdown
from zhifa.org.selectors import scope_agency_ids

ZERO = Decimal("0.00")

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


def stats_summary(
    *,
    user: Any,
    agency_id: int | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> Summary:
    agency_ids = scope_agency_ids(user)
    if agency_id is not None:
        agency_ids = frozenset(agency_ids & {agency_id})
    span = DateSpan(date_from, date_to)
    rows = breakdown(agency_ids, span)
    summary = Summary(
        date_from,
        date_to,
        by_state=rows["by_state"],
        by_category=rows["by_category"],
        by_agency=rows["by_agency"],
    )
    summary.total = sum(r.count for r in summary.by_state)
    summary.fines = sum((r.fines for r in summary.by_state), ZERO)
    summary.paid = sum((r.paid for r in summary.by_state), ZERO)
    return summary
