from __future__ import annotations

from typing import Any

from django.db import models

from zhifa.core.prepared import PreparedShapes
from zhifa.foundation.alerts.models import Alert
from zhifa.org.selectors import restrict_to_scope, scope_agency_ids


def alert_list_for(
    *, user: Any, agency_id: int | None = None, kind: str | None = None, is_open: bool | None = None
) -> models.QuerySet[Alert]:
    qs = restrict_to_scope(Alert.objects.all(), user).select_related("agency", "resolved_by")
    if agency_id is not None:
        qs = qs.filter(agency_id=agency_id)
    if kind:
        qs = qs.filter(kind=kind)
    if is_open is not None:
        qs = qs.filter(resolved_at__isnull=is_open)
    return qs.order_by("-raised_at", "-id")


def _open_latest_build(shape: tuple[int, int], *agency_ids: int) -> models.QuerySet[Alert]:
    _count, size = shape  # the count of agencies only keys the plan (the markers carry the list)
    return (
        Alert.objects.filter(agency_id__in=agency_ids, resolved_at__isnull=True)
        .select_related("agency", "resolved_by")
        .order_by("-raised_at", "-id")[:size]
    )


# The home page's panel: compiled once per (count of agencies, size) (core.prepared.PreparedShapes).
_OPEN_LATEST: PreparedShapes[Alert] = PreparedShapes(_open_latest_build, most_shapes=256)


def open_alerts_latest(*, user: Any, size: int) -> list[Alert]:
    """`list(alert_list_for(user=user, is_open=True)[:size])`: the same statement (the scope's IN list,
    the order, the slice), compiled once per count of agencies and planned each time with its values."""
    ids = sorted(scope_agency_ids(user))
    if not ids:
        return []  # the ORM asks nothing for an empty IN list
    return _OPEN_LATEST((len(ids), size), ids)


def alert_get_for(*, user: Any, alert_id: int) -> Alert | None:
    return restrict_to_scope(Alert.objects.all(), user).filter(id=alert_id).first()
