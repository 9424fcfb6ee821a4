"""Reads of the supervision centre, each applying the caller's scope."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet

from zhifa.core.indicators import DateSpan
from zhifa.core.problems import problem_models
from zhifa.core.roles import Role
from zhifa.foundation.deadlines.services import Subject, deadlines_of, present
from zhifa.org.selectors import restrict_to_scope, scope_agency_ids, user_can_see_agency
from zhifa.supervision.centre.models import (
    AnnualReport,
    Clue,
    ClueEvent,
    ClueState,
    FaultRecord,
    Sanction,
    SupervisionNotice,
)
from zhifa.supervision.centre.workflow import CLUES

HANDLER_ROLES = (Role.SUPERVISOR, Role.APPROVER, Role.LEGAL_REVIEWER)
STATUS_FILTERS = {
    "open": Q(state=ClueState.OPEN),
    "handling": Q(state__in=[ClueState.NOTIFIED, ClueState.RESPONDED]),
    "closed": Q(state__in=[ClueState.DISMISSED, ClueState.VERIFIED, ClueState.ESCALATED, ClueState.CLEARED]),
}


@dataclass(frozen=True)
class ClueFilters:
    model: str = ""
    agency: int | None = None
    status: str = ""  # "" | open | handling | closed | a ClueState value


def clue_list_for(*, user: Any, filters: ClueFilters | None = None) -> QuerySet[Clue]:
    f = filters or ClueFilters()
    qs = restrict_to_scope(Clue.objects.all(), user, roles=HANDLER_ROLES).select_related("agency")
    if f.model:
        qs = qs.filter(model_code=f.model)
    if f.agency is not None:
        qs = qs.filter(agency_id=f.agency)
    if f.status in STATUS_FILTERS:
        qs = qs.filter(STATUS_FILTERS[f.status])
    elif f.status in ClueState.values:
        qs = qs.filter(state=f.status)
    return qs.order_by("-raised_on", "-id")


def clue_get_for(*, user: Any, clue_id: int) -> Clue | None:
    return clue_list_for(user=user).filter(pk=clue_id).first()


def clue_events(clue: Clue) -> QuerySet[ClueEvent]:
    return clue.events.order_by("id")


def clue_notices(clue: Clue) -> QuerySet[SupervisionNotice]:
    return clue.notices.prefetch_related("materials").order_by("id")


def notice_deadlines(notice: SupervisionNotice, *, today: dt.date | None = None) -> list[dict[str, Any]]:
    return [
        present(r, today=today) for r in deadlines_of(Subject("centre.notice", notice.pk, notice.agency_id))
    ]


def allowed_events(clue: Clue, user: Any) -> list[str]:
    return [t.event for t in CLUES.allowed_events(clue, user)]


def is_supervisor_of(user: Any, agency_id: int) -> bool:
    return user_can_see_agency(user, agency_id, roles=[Role.SUPERVISOR])


def models_with_counts(*, user: Any) -> list[dict[str, Any]]:
    """Every registered model with its open clues in the caller's scope."""
    counts = dict(
        clue_list_for(user=user)
        .filter(state=ClueState.OPEN)
        .order_by()
        .values_list("model_code")
        .annotate(n=Count("id"))
    )
    return [
        {
            "code": m.code,
            "name": str(m.name),
            "article": m.article,
            "settings": list(m.settings),
            "subject": m.subject,
            "open": counts.get(m.code, 0),
        }
        for m in problem_models()
    ]


def model_names() -> dict[str, str]:
    return {m.code: str(m.name) for m in problem_models()}


# --- accountability ---------------------------------------------------------------------------------


def faults_for(*, user: Any) -> QuerySet[FaultRecord]:
    """Supervisors and agency heads see their scope; an officer sees the records about themself."""
    in_scope = restrict_to_scope(FaultRecord.objects.all(), user, roles=HANDLER_ROLES)
    own = (
        FaultRecord.objects.filter(officer_user=user) if user.is_authenticated else FaultRecord.objects.none()
    )
    return (in_scope | own).distinct().select_related("agency").order_by("-decided_on", "-id")


def fault_stats(agency_ids: Collection[int], span: DateSpan) -> list[dict[str, Any]]:
    """Per agency: records, officers concerned, and counts by sanction."""
    rows = (
        FaultRecord.objects.filter(span.q("decided_on"), agency_id__in=agency_ids)
        .order_by()
        .values("agency_id", "agency__name", "sanction")
        .annotate(n=Count("id"), officers=Count("officer_id", distinct=True))
    )
    out: dict[int, dict[str, Any]] = {}
    labels = dict(Sanction.choices)
    for r in rows:
        item = out.setdefault(
            r["agency_id"],
            {"agency_id": r["agency_id"], "agency": r["agency__name"], "total": 0, "by_sanction": {}},
        )
        item["total"] += r["n"]
        item["by_sanction"][str(labels.get(r["sanction"], r["sanction"]))] = r["n"]
    return sorted(out.values(), key=lambda x: (-x["total"], x["agency"]))


def agencies_for(user: Any) -> frozenset[int]:
    return scope_agency_ids(user, roles=HANDLER_ROLES)


def annual_reports() -> QuerySet[AnnualReport]:
    """Published annual statistics: public (the portal lists them)."""
    return AnnualReport.objects.select_related("jurisdiction", "blob").order_by("-year", "id")


def annual_report_get(report_id: int) -> AnnualReport | None:
    return annual_reports().filter(pk=report_id).first()
