"""Helpers shared by the complaint services: text cleaning, dates and deadlines, locking, permission
and state checks, the history row and the audit entry."""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Iterable
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from zhifa.audit.services import audit_record
from zhifa.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from zhifa.core.prepared import Prepared, insert
from zhifa.org.roles import Role
from zhifa.org.selectors import user_can_see_agency
from zhifa.public.complaints.models import Complaint, ComplaintEvent

HANDLER_ROLES = (Role.OFFICER, Role.APPROVER)
INTAKE_ROLES = (Role.OFFICER, Role.APPROVER, Role.SUPERVISOR, Role.ADMIN)
APPROVER_ROLES = (Role.APPROVER,)

TRACKING_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: codes are read out on the phone
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}$")


def clean_text(value: Any, *, field: str, label: str, min_len: int = 0, max_len: int = 5000) -> str:
    """Trim, drop control characters (PostgreSQL refuses NUL; none belongs in a complaint), check length."""
    text = _CONTROL.sub("", str(value or "")).strip()
    if len(text) < min_len:
        if min_len <= 1:
            message = _("%(label)s is required.") % {"label": label}
        else:
            message = _("%(label)s must be at least %(n)d characters.") % {"label": label, "n": min_len}
        raise InvalidInput(message, code="invalid_input", detail={"field": field})
    if len(text) > max_len:
        raise InvalidInput(
            _("%(label)s must be at most %(n)d characters.") % {"label": label, "n": max_len},
            detail={"field": field},
        )
    return text


def local_today() -> dt.date:
    return timezone.localdate()


def act_date(on: dt.date | None, *, not_before: dt.date | None) -> dt.date:
    """The real-world date of a step (default today): staff may record a step done earlier, e.g. a
    decision phoned through yesterday, but not one in the future or before the step it follows."""
    today = local_today()
    if on is None:
        return today
    if on > today:
        raise InvalidInput(_("The date cannot be in the future."), detail={"field": "on"})
    if not_before is not None and on < not_before:
        raise InvalidInput(
            _("The date cannot be before %(date)s, the date of the previous step.")
            % {"date": f"{not_before:%Y-%m-%d}"},
            detail={"field": "on"},
        )
    return on


def new_tracking_code(on: dt.date) -> str:
    rand = "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(8))
    return f"TS{on:%Y%m%d}-{rand[:4]}-{rand[4:]}"


def normalise_tracking_code(code: str) -> str:
    code = (code or "").strip().upper().replace(" ", "").replace("－", "-")
    return code[:24]


# The complaint every act locks first, compiled once per process (core.prepared).
_LOCKED: Prepared[Complaint] = Prepared(
    lambda pk: Complaint.objects.select_for_update().filter(id=pk), markers=(-730_100_071,)
)


def locked(complaint_id: int) -> Complaint:
    complaint = _LOCKED.first(complaint_id)
    if complaint is None:
        raise NotFound(_("No such complaint."))
    return complaint


def require(actor: Any, complaint: Complaint, roles: Iterable[str] = HANDLER_ROLES) -> None:
    if not user_can_see_agency(actor, complaint.agency_id, roles=roles):
        raise Forbidden(_("Only the handling agency's staff may do this."))


def require_state(complaint: Complaint, allowed: Iterable[str]) -> None:
    if complaint.state not in allowed:
        raise Conflict(
            _("The complaint is “%(state)s”; this step is not possible now.")
            % {"state": complaint.get_state_display()},
            detail={"state": complaint.state},
        )


def record(
    complaint: Complaint,
    kind: str,
    *,
    actor: Any | None,
    from_state: str,
    public_note: str = "",
    internal_note: str = "",
    due_on: dt.date | None = None,
    in_time: bool | None = None,
    data: dict[str, Any] | None = None,
    agency_id: int | None = None,
    unit_id: int | None = None,
    on: dt.date | None = None,
) -> ComplaintEvent:
    """Append one history row; `agency_id`/`unit_id` default to who holds the complaint now."""
    event = ComplaintEvent(
        complaint=complaint,
        kind=kind,
        at=timezone.now(),
        on=on or local_today(),
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=(getattr(actor, "display_name", "") or "")[:50],
        from_state=from_state,
        to_state=complaint.state,
        agency_id=agency_id or complaint.agency_id,
        unit_id=unit_id if agency_id else complaint.unit_id,
        public_note=public_note,
        internal_note=internal_note,
        due_on=due_on,
        in_time=in_time,
        data=data or {},
    )
    insert(event)  # create(), its INSERT built once per process (core.prepared)
    return event


def audit(actor: Any | None, action: str, complaint: Complaint, **summary: Any) -> None:
    audit_record(
        actor=actor,
        action=f"complaints.{action}",
        obj=complaint,
        agency_id=complaint.agency_id,
        summary={"state": complaint.state, **summary},
    )


def sla_alert_key(complaint: Complaint) -> str:
    return f"complaint:{complaint.pk}:sla"
