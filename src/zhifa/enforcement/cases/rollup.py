"""The cases' roll-up for the statistics (`core.StateTally` through `core.state_counts`): per agency,
month of registration (Asia/Shanghai), state and power category, the number of cases, the fines
decided and the amounts paid — what the statistics page and the case indicators read instead of
grouping every case (`cases.indicators`).

Kept in step in the transaction of every write that changes one of those: the registration
(`services.case_register`), every workflow event (the engine's door compares `CaseWorkflow.tally_of`
before and after), and the demo's planted legacy records (`retallied`). Nothing else writes those
fields of a case; a bulk load that bypasses the doors calls `rebuild` (as `bench/cases.py` does).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from zhifa.core import state_counts
from zhifa.core.state_counts import Tally
from zhifa.enforcement.cases.models import Case

WORKFLOW = "cases"  # CaseWorkflow.name
ZERO = Decimal("0.00")


def registered_month(at: dt.datetime) -> dt.date:
    """The first day of the month of a registration instant, in the platform's time zone."""
    return timezone.localtime(at, timezone.get_default_timezone()).date().replace(day=1)


def case_tally(case: Case) -> Tally:
    version = case.power_version if case.power_version_id else None
    return Tally(
        agency_id=case.agency_id,
        month=registered_month(case.registered_at),
        state=str(case.state),
        category=str(version.category) if version is not None else "",
        amount=case.fine_amount if case.fine_amount is not None else ZERO,
        paid=case.paid_amount or ZERO,
    )


def added(case: Case) -> None:
    """A new case (the registration's transaction)."""
    state_counts.tallied(workflow=WORKFLOW, before=None, after=case_tally(case), key=case.pk)


def retallied(case_id: int, **fields: Any) -> None:
    """`Case.objects.filter(pk=case_id).update(**fields)` with the roll-up moved in the same
    transaction: for the few writes outside the workflow (the demo's planted legacy records)."""
    with transaction.atomic():
        case = Case.objects.select_for_update(of=("self",)).select_related("power_version").get(pk=case_id)
        before = case_tally(case)
        Case.objects.filter(pk=case_id).update(**fields)
        case.refresh_from_db()
        state_counts.tallied(workflow=WORKFLOW, before=before, after=case_tally(case), key=case_id)


def grouped(queryset: QuerySet[Case]) -> Iterator[tuple[Tally, int]]:
    """The roll-up's rows counted from the cases themselves (one GROUP BY query)."""
    rows = (
        queryset.order_by()
        .annotate(month=TruncMonth("registered_at", tzinfo=timezone.get_default_timezone()))
        .values("agency_id", "month", "state", "power_version__category")
        .annotate(n=Count("id"), amount=Sum("fine_amount"), paid=Sum("paid_amount"))
    )
    for r in rows:
        month = r["month"]
        if isinstance(month, dt.datetime):
            month = timezone.localtime(month, timezone.get_default_timezone()).date()
        tally = Tally(
            agency_id=r["agency_id"],
            month=month.replace(day=1),
            state=r["state"],
            category=r["power_version__category"] or "",
            amount=r["amount"] or ZERO,
            paid=r["paid"] or ZERO,
        )
        yield tally, int(r["n"])


def rebuild(queryset: QuerySet[Case] | None = None) -> int:
    """Recount the roll-up from the cases (a migration, a bulk load, a repair); returns the cases."""
    qs = queryset if queryset is not None else Case.objects.all()
    return state_counts.rebuild_tallies(workflow=WORKFLOW, rows=grouped(qs))


def compact() -> int:
    """Fold the roll-up's shards into one row per key (`state_counts.compact_tallies`; nightly)."""
    return state_counts.compact_tallies(workflow=WORKFLOW)
