"""Case statistics for supervision: counts and amounts by state, power category and agency.

Three GROUP BY queries over the scoped case table (indexes: agency + registered_at), whatever the
number of cases or agencies. The period filters on the registration date (the case entered the
system in the period); amounts are decided fines and amounts paid.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from zhifa.enforcement.cases.models import Case
from zhifa.enforcement.cases.models.case import State
from zhifa.org.models import OrgNode
from zhifa.org.selectors import restrict_to_scope
from zhifa.powers.models import Category

ZERO = Decimal("0.00")


@dataclass
class Row:
    key: str
    label: str
    count: int
    fines: Decimal
    paid: Decimal

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "label": self.label,
            "count": self.count,
            "fines": f"{self.fines:.2f}",
            "paid": f"{self.paid:.2f}",
        }


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


def _cases(
    *, user: Any, agency_id: int | None, date_from: dt.date | None, date_to: dt.date | None
) -> QuerySet[Case]:
    qs = restrict_to_scope(Case.objects.all(), user)
    if agency_id is not None:
        qs = qs.filter(agency_id=agency_id)
    if date_from is not None:
        qs = qs.filter(registered_at__date__gte=date_from)
    if date_to is not None:
        qs = qs.filter(registered_at__date__lte=date_to)
    return qs


def _grouped(qs: QuerySet[Case], field_name: str) -> list[dict[str, Any]]:
    return list(
        qs.order_by()
        .values(field_name)
        .annotate(
            n=Count("id"),
            fines=Sum("fine_amount", filter=Q(fine_amount__isnull=False)),
            paid=Sum("paid_amount"),
        )
        .order_by(field_name)
    )


def stats_summary(
    *,
    user: Any,
    agency_id: int | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> Summary:
    qs = _cases(user=user, agency_id=agency_id, date_from=date_from, date_to=date_to)
    summary = Summary(date_from, date_to)
    state_labels = dict(State.choices)
    for row in _grouped(qs, "state"):
        summary.by_state.append(
            Row(
                row["state"],
                str(state_labels.get(row["state"], row["state"])),
                row["n"],
                row["fines"] or ZERO,
                row["paid"] or ZERO,
            )
        )
    category_labels = dict(Category.choices)
    for row in _grouped(qs, "power_version__category"):
        key = row["power_version__category"] or ""
        label = str(category_labels.get(key, key)) if key else _("Not yet determined")
        summary.by_category.append(Row(key, label, row["n"], row["fines"] or ZERO, row["paid"] or ZERO))
    agency_rows = _grouped(qs, "agency_id")
    names = dict(
        OrgNode.objects.filter(id__in=[r["agency_id"] for r in agency_rows]).values_list("id", "name")
    )
    for row in agency_rows:
        summary.by_agency.append(
            Row(
                str(row["agency_id"]),
                names.get(row["agency_id"], ""),
                row["n"],
                row["fines"] or ZERO,
                row["paid"] or ZERO,
            )
        )
    summary.total = sum(r.count for r in summary.by_state)
    summary.fines = sum((r.fines for r in summary.by_state), ZERO)
    summary.paid = sum((r.paid for r in summary.by_state), ZERO)
    summary.by_agency.sort(key=lambda r: -r.count)
    summary.by_category.sort(key=lambda r: -r.count)
    return summary
