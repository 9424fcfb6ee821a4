"""Reads of the inspections app, restricted to what the user may see (the agency scope), and the
public reads (draw records, inspection codes, published results) that carry no personal data."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from zhifa.enforcement.inspections.common import READ_ROLES
from zhifa.enforcement.inspections.models import (
    Draw,
    InspectionItem,
    ObjectType,
    Plan,
    State,
    Target,
    Task,
    TaskInspector,
)
from zhifa.org.selectors import scope_agency_ids


def _scope(user: Any) -> frozenset[int]:
    return scope_agency_ids(user, roles=READ_ROLES)


def item_list_for(*, user: Any) -> QuerySet[InspectionItem]:
    return (
        InspectionItem.objects.filter(agency_id__in=_scope(user))
        .prefetch_related("articles__law")
        .order_by("agency_id", "code")
    )


def target_list_for(*, user: Any, q: str = "", risk_level: str = "") -> QuerySet[Target]:
    qs = Target.objects.filter(agency_id__in=_scope(user))
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(credit_code=q.upper()) | Q(number=q.upper()))
    if risk_level:
        qs = qs.filter(risk_level=risk_level)
    return qs.order_by("number")


def officers_for_conflicts(user: Any, agency_ids: list[int], *, limit: int = 500) -> list[Any]:
    """The active officers of these agencies the user may see, for a target's conflict list (回避)."""
    from zhifa.officers.selectors import officer_list_for

    return list(officer_list_for(user=user).filter(agency_id__in=agency_ids, is_active=True)[:limit])


def plan_list_for(*, user: Any) -> QuerySet[Plan]:
    return (
        Plan.objects.filter(agency_id__in=_scope(user))
        .prefetch_related("items", "joint_agencies", "draws")
        .order_by("-starts_on", "-id")
    )


def plan_get_for(*, user: Any, plan_id: int) -> Plan | None:
    return plan_list_for(user=user).filter(pk=plan_id).first()


def _task_qs() -> QuerySet[Task]:
    return Task.objects.select_related("target", "plan", "agency").prefetch_related(
        Prefetch("inspectors", queryset=TaskInspector.objects.select_related("officer").order_by("position"))
    )


def task_list_for(*, user: Any, state: str = "", plan_id: int | None = None) -> QuerySet[Task]:
    qs = _task_qs().filter(agency_id__in=_scope(user))
    if state:
        qs = qs.filter(state=state)
    if plan_id is not None:
        qs = qs.filter(plan_id=plan_id)
    return qs.order_by("plan_id", "position")


def task_get_for(*, user: Any, task_id: int) -> Task | None:
    return task_list_for(user=user).filter(pk=task_id).first()


def my_tasks(user: Any) -> QuerySet[Task]:
    """The tasks on which the signed-in officer is one of the inspectors, open ones first."""
    return (
        _task_qs()
        .filter(inspectors__officer__user=user, agency_id__in=_scope(user))
        .order_by("state", "plan__ends_on", "position")
        .distinct()
    )


def is_inspector(user: Any, task: Task) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return TaskInspector.objects.filter(task=task, officer__user=user).exists() and task.agency_id in _scope(
        user
    )


# --- Public reads ----------------------------------------------------------------------------------


def draw_public_get(*, draw_id: int) -> Draw | None:
    return Draw.objects.select_related("plan", "plan__agency").filter(pk=draw_id).first()


def task_by_code(code: str) -> Task | None:
    code = (code or "").strip().upper()
    if not code or len(code) > 16:
        return None
    return _task_qs().filter(code=code).first()


def published_results(*, q: str = "", agency_id: int | None = None) -> QuerySet[Task]:
    qs = (
        Task.objects.filter(state=State.PUBLISHED)
        .select_related("target", "plan", "agency")
        .order_by("-published_on", "-id")
    )
    if q:
        qs = qs.filter(
            Q(target__name__icontains=q) | Q(target__credit_code=q.upper()) | Q(plan__name__icontains=q)
        )
    if agency_id is not None:
        qs = qs.filter(agency_id=agency_id)
    return qs


def public_target_name(task: Task) -> str:
    """An individual business (个体工商户) is often named after its owner: shown masked in public."""
    from zhifa.core.masking import mask_name

    target = task.target
    if target.object_type == ObjectType.INDIVIDUAL:
        return mask_name(target.name)
    return target.name
