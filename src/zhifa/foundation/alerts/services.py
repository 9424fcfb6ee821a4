"""The doors into alerts. Raising is idempotent per condition key; resolving closes it (audited)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhifa.audit.services import audit_record
from zhifa.core.errors import Conflict, InvalidInput
from zhifa.core.prepared import Prepared
from zhifa.foundation.alerts.models import Alert


def alert_raise(
    *,
    kind: str,
    key: str,
    agency_id: int,
    title: str,
    message: str = "",
    due_on: dt.date | None = None,
    severity: str = Alert.Severity.WARNING,
    object_type: str = "",
    object_id: str = "",
    article: str = "",
) -> Alert:
    """Open an alert for a condition, or return the one already open for `key`."""
    existing = Alert.objects.filter(key=key, resolved_at__isnull=True).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return Alert.objects.create(
                kind=kind,
                key=key,
                agency_id=agency_id,
                title=title[:200],
                message=message,
                due_on=due_on,
                severity=severity,
                object_type=object_type,
                object_id=str(object_id),
                article=article,
                raised_at=timezone.now(),
            )
    except IntegrityError:
        # Raised concurrently by another worker: the partial unique index kept one.
        return Alert.objects.get(key=key, resolved_at__isnull=True)


# Asked after most workflow events (the alerts an event answers), nearly always to find none: the
# query compiled once per process (core.prepared).
_OPEN_BY_KEY: Prepared[Alert] = Prepared(
    lambda key: Alert.objects.select_for_update().filter(key=key, resolved_at__isnull=True),
    markers=("\x00alert-key-marker",),
)


def alert_resolve(*, key: str, actor: Any | None = None, note: str = "") -> int:
    """Close the open alert(s) for a condition that no longer holds (or that a person has handled)."""
    with transaction.atomic():
        alerts = _OPEN_BY_KEY(key)
        for alert in alerts:
            _close(alert, actor=actor, note=note)
    return len(alerts)


def alert_resolve_by_hand(*, alert_id: int, actor: Any, note: str) -> Alert:
    note = (note or "").strip()
    if not note:
        raise InvalidInput(_("Say how the alert was handled."))
    with transaction.atomic():
        alert = Alert.objects.select_for_update().get(id=alert_id)
        if alert.resolved_at is not None:
            raise Conflict(_("This alert is already resolved."))
        _close(alert, actor=actor, note=note)
    return alert


def _close(alert: Alert, *, actor: Any | None, note: str) -> None:
    alert.resolved_at = timezone.now()
    alert.resolved_by = actor if getattr(actor, "pk", None) else None
    alert.resolution = note[:500]
    alert.save(update_fields=["resolved_at", "resolved_by", "resolution"])
    audit_record(
        actor=actor,
        action="alerts.resolve",
        obj=alert,
        agency_id=alert.agency_id,
        summary={"key": alert.key, "note": note[:200]},
    )
