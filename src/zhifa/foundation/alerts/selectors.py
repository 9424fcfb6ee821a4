from __future__ import annotations

from typing import Any

from django.db import models

from zhifa.foundation.alerts.models import Alert
from zhifa.org.selectors import restrict_to_scope


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


def alert_get_for(*, user: Any, alert_id: int) -> Alert | None:
    return restrict_to_scope(Alert.objects.all(), user).filter(id=alert_id).first()
