"""Reads of seizures (the register per agency), restricted to what the user may see."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from zhifa.core.errors import NotFound
from zhifa.enforcement.seizures.models import Disposition, SeizedItem, Seizure
from zhifa.org.selectors import restrict_to_scope


@dataclass(frozen=True)
class SeizureFilters:
    agency_id: int | None = None
    case_id: int | None = None
    status: str = ""  # active | disposed | due_soon | overdue
    measure: str = ""
    q: str = ""
    today: dt.date | None = None
    alert_days: int = 5


def seizure_list_for(*, user: Any, filters: SeizureFilters | None = None) -> QuerySet[Seizure]:
    f = filters or SeizureFilters()
    qs = (
        restrict_to_scope(Seizure.objects.all(), user)
        .select_related("agency", "case")
        .annotate(
            item_count=Count("items"), open_items=Count("items", filter=Q(items__disposition__isnull=True))
        )
    )
    if f.agency_id:
        qs = qs.filter(agency_id=f.agency_id)
    if f.case_id:
        qs = qs.filter(case_id=f.case_id)
    if f.measure:
        qs = qs.filter(measure=f.measure)
    if f.status in ("active", "disposed"):
        qs = qs.filter(status=f.status)
    elif f.status in ("due_soon", "overdue") and f.today is not None:
        qs = qs.filter(status=Seizure.Status.ACTIVE, due_on__isnull=False)
        if f.status == "overdue":
            qs = qs.filter(due_on__lt=f.today)
        else:
            qs = qs.filter(due_on__gte=f.today, due_on__lte=f.today + dt.timedelta(days=f.alert_days))
    if f.q:
        qs = qs.filter(
            Q(number__icontains=f.q)
            | Q(case__party_name__icontains=f.q)
            | Q(items__description__icontains=f.q)
        ).distinct()
    return qs.order_by("-started_at", "-id")


def seizure_get_for(*, user: Any, seizure_id: int) -> Seizure:
    seizure = (
        restrict_to_scope(Seizure.objects.all(), user)
        .select_related(
            "agency", "case", "document", "document__blob", "approved_by", "recorded_by", "site_action"
        )
        .prefetch_related(
            Prefetch(
                "items",
                queryset=SeizedItem.objects.select_related("disposition")
                .prefetch_related("photos")
                .order_by("position"),
            ),
            "appraisals",
            "dispositions__document",
        )
        .filter(pk=seizure_id)
        .first()
    )
    if seizure is None:
        from django.utils.translation import gettext as _

        raise NotFound(_("No such seizure, or it is not visible to you."))
    return seizure


def seizure_history(seizure: Seizure) -> list[tuple[Any, str, str]]:
    """The measure's steps (its append-only SeizureEvent rows, oldest first): each row, its label from
    the workflow table and the state it moved to (empty when it stayed). One query."""
    from zhifa.enforcement.seizures.workflow import TABLE

    labels = {t.event: str(t.label) for t in TABLE}
    states = {str(v): str(label) for v, label in Seizure.Status.choices}
    return [
        (
            e,
            labels.get(e.kind, e.kind),
            states.get(e.to_state, e.to_state) if e.to_state != e.from_state else "",
        )
        for e in seizure.events.order_by("at", "id")
    ]


def dispositions_disclosed(*, outcomes: tuple[str, ...]) -> QuerySet[Disposition]:
    """Dispositions of seized items with these outcomes, newest first, reading only what may be
    published (the portal's 罚没物品处置): agency, the measure's document number, outcome, date, basis,
    proceeds and the items — never the party, the receiver or internal notes. Two queries a page."""
    return (
        Disposition.objects.filter(outcome__in=list(outcomes))
        .select_related("seizure__agency")
        .only(
            "id",
            "outcome",
            "decided_on",
            "basis",
            "proceeds",
            "seizure__number",
            "seizure__measure",
            "seizure__agency__name",
        )
        .prefetch_related(
            Prefetch(
                "items",
                queryset=SeizedItem.objects.only(
                    "id", "disposition_id", "description", "quantity", "unit"
                ).order_by("position"),
            )
        )
        .order_by("-decided_on", "-id")
    )
