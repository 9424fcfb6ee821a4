"""Credential alerts (监督预警): expiry and annual review, raised ahead of time and resolved when the
condition ends (renewal, a passed review, revocation, a replacement card, the officer leaving).

Conditions are evaluated here; `zhifa.foundation.alerts.services` keeps one open alert per key.
Called after every credential change (inside the service's transaction) and daily for everything
(tasks.py, `manage.py officers_alerts`), because the passing of time alone changes the answer.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from zhifa.foundation.alerts.services import alert_raise, alert_resolve
from zhifa.law import jurisdiction
from zhifa.law import officers as law
from zhifa.officers.models import Credential

KIND_EXPIRING = "credential_expiring"
KIND_REVIEW = "credential_review_due"


def expiry_key(credential_id: int) -> str:
    return f"credential:{credential_id}:expiring"


def review_key(credential_id: int) -> str:
    return f"credential:{credential_id}:review_due"


@dataclass(frozen=True)
class Conditions:
    expiring: bool
    review_due: bool


def conditions(credential: Credential, *, on: dt.date, days_before: int, superseded: bool) -> Conditions:
    """Which alerts should be open for `credential` on `on`.

    - expiring: the holder is in service, the card is not revoked nor replaced by a newer live card of
      the same kind, and its expiry day is within `days_before` days or already past;
    - review due: the card is live (valid or suspended) and its annual review falls due within
      `days_before` days or is overdue — unless the card expires before the review would be due.
    """
    active = credential.officer.is_active
    live = credential.status in (Credential.Status.VALID, Credential.Status.SUSPENDED)
    expiring = (
        active
        and not superseded
        and credential.status != Credential.Status.REVOKED
        and (
            law.due_soon(credential.expires_on, on=on, days_before=days_before) or on > credential.expires_on
        )
    )
    due = credential.review_due_on
    review_due = (
        active
        and live
        and due is not None
        and due <= credential.expires_on
        and (law.due_soon(due, on=on, days_before=days_before) or law.overdue(due, on=on))
    )
    return Conditions(expiring=bool(expiring), review_due=bool(review_due))


def _superseded(credential: Credential) -> bool:
    return (
        Credential.objects.filter(
            officer_id=credential.officer_id,
            kind=credential.kind,
            status__in=[Credential.Status.VALID, Credential.Status.SUSPENDED],
            expires_on__gt=credential.expires_on,
        )
        .exclude(id=credential.pk)
        .exists()
    )


def credential_alerts_sync(*, credential: Credential, on: dt.date | None = None) -> Conditions:
    """Raise or resolve the two alerts of one credential to match its state on `on`."""
    day = on or timezone.localdate()
    officer = credential.officer
    days_before = int(jurisdiction.value(law.ALERT_DAYS_BEFORE.key, agency=officer.agency))
    state = conditions(credential, on=day, days_before=days_before, superseded=_superseded(credential))
    if state.expiring:
        expired = day > credential.expires_on
        alert_raise(
            kind=KIND_EXPIRING,
            key=expiry_key(credential.pk),
            agency_id=credential.agency_id,
            title=(
                _("Credential %(number)s of %(name)s expired on %(date)s")
                if expired
                else _("Credential %(number)s of %(name)s expires on %(date)s")
            )
            % {"number": credential.number, "name": officer.name, "date": credential.expires_on.isoformat()},
            message=_(
                "Renew the credential or issue a new one; until then %(name)s may not act as a handling officer."
            )
            % {"name": officer.name},
            due_on=credential.expires_on,
            severity="critical" if expired else "warning",
            object_type="officers.credential",
            object_id=str(credential.pk),
            article=law.ENFORCEMENT_ARTICLE,
        )
    else:
        alert_resolve(key=expiry_key(credential.pk), note=_("The condition no longer holds."))
    if state.review_due:
        assert credential.review_due_on is not None
        overdue = law.overdue(credential.review_due_on, on=day)
        alert_raise(
            kind=KIND_REVIEW,
            key=review_key(credential.pk),
            agency_id=credential.agency_id,
            title=(
                _("Annual review of credential %(number)s (%(name)s) was due on %(date)s")
                if overdue
                else _("Annual review of credential %(number)s (%(name)s) is due on %(date)s")
            )
            % {
                "number": credential.number,
                "name": officer.name,
                "date": credential.review_due_on.isoformat(),
            },
            message=_("Record the annual review of the credential."),
            due_on=credential.review_due_on,
            severity="critical" if overdue else "warning",
            object_type="officers.credential",
            object_id=str(credential.pk),
            article=law.ENFORCEMENT_ARTICLE,
        )
    else:
        alert_resolve(key=review_key(credential.pk), note=_("The condition no longer holds."))
    return state


def credential_alerts_sync_all(*, on: dt.date | None = None) -> int:
    """Daily pass over every credential that is or may become the subject of an alert."""
    from zhifa.foundation.alerts.models import Alert

    day = on or timezone.localdate()
    open_ids = {
        int(object_id)
        for object_id in Alert.objects.filter(
            kind__in=[KIND_EXPIRING, KIND_REVIEW], resolved_at__isnull=True, object_type="officers.credential"
        ).values_list("object_id", flat=True)
        if object_id.isdigit()
    }
    candidates = Credential.objects.filter(
        Q(id__in=open_ids) | (Q(officer__is_active=True) & ~Q(status=Credential.Status.REVOKED))
    ).select_related("officer", "officer__agency")
    count = 0
    for credential in candidates.iterator():
        credential_alerts_sync(credential=credential, on=day)
        count += 1
    return count


def credential_links(ids: list[str]) -> dict[str, str]:
    """Alert object links: a credential is shown on its officer's page."""
    from django.urls import reverse

    numeric = [int(i) for i in ids if i.isdigit()]
    rows = Credential.objects.filter(pk__in=numeric).values_list("pk", "officer_id")
    return {str(pk): reverse("officers:detail", kwargs={"officer_id": officer_id}) for pk, officer_id in rows}
