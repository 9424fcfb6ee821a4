"""What the services share: who may do what, reading a payload's fields, the draw ids."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from zhifa.core.errors import Forbidden, InvalidInput, NotFound
from zhifa.org.roles import Role
from zhifa.org.selectors import scope_agency_ids

# The directory (items, targets) is kept by the agency's officers; plans and draws are decided by
# approvers (the agency's leadership) or administrators.
DIRECTORY_ROLES = frozenset({Role.OFFICER, Role.APPROVER, Role.ADMIN})
PLAN_ROLES = frozenset({Role.APPROVER, Role.ADMIN})
READ_ROLES = frozenset({Role.OFFICER, Role.APPROVER, Role.SUPERVISOR, Role.ADMIN, Role.LEGAL_REVIEWER})
INSPECTOR_ROLES = frozenset({Role.OFFICER})
PUBLISH_ROLES = frozenset({Role.OFFICER, Role.APPROVER})


def require_agency(actor: Any, agency_id: Any, roles: frozenset[str]) -> int:
    """The agency the write is for, visible to the actor (404) and held with one of `roles` (403)."""
    try:
        agency = int(agency_id)
    except (TypeError, ValueError):
        raise InvalidInput(_("Choose an agency."), detail={"field": "agency_id"}) from None
    if agency not in scope_agency_ids(actor):
        raise NotFound(_("Unknown agency, or not visible to you."), detail={"field": "agency_id"})
    if agency not in scope_agency_ids(actor, roles=roles):
        raise Forbidden(_("Your role does not allow this for that agency."))
    return agency


def text(data: dict[str, Any], name: str, *, required: bool = True, max_length: int = 200) -> str:
    value = data.get(name)
    value = "" if value is None else str(value).strip()
    if required and not value:
        raise InvalidInput(_("This field is required: %(field)s.") % {"field": name}, detail={"field": name})
    if len(value) > max_length:
        raise InvalidInput(
            _("%(field)s is longer than %(max)d characters.") % {"field": name, "max": max_length},
            detail={"field": name},
        )
    return value


def choice(data: dict[str, Any], name: str, choices: list[str], *, required: bool = True) -> str:
    value = text(data, name, required=required, max_length=40)
    if value and value not in choices:
        raise InvalidInput(
            _("%(field)s must be one of: %(choices)s.") % {"field": name, "choices": ", ".join(choices)},
            detail={"field": name},
        )
    return value


def date(data: dict[str, Any], name: str) -> dt.date:
    raw = data.get(name)
    if isinstance(raw, dt.date):
        return raw
    try:
        return dt.date.fromisoformat(str(raw))
    except ValueError:
        raise InvalidInput(_("Enter a valid date (YYYY-MM-DD)."), detail={"field": name}) from None


def percent(data: dict[str, Any], name: str, *, required: bool = True) -> Decimal | None:
    raw = data.get(name)
    if raw in (None, ""):
        if required:
            raise InvalidInput(
                _("This field is required: %(field)s.") % {"field": name}, detail={"field": name}
            )
        return None
    try:
        value = Decimal(str(raw))
    except InvalidOperation:
        raise InvalidInput(_("Enter a percentage between 0 and 100."), detail={"field": name}) from None
    if not value.is_finite() or not Decimal(0) < value <= Decimal(100) or value != round(value, 2):
        raise InvalidInput(_("Enter a percentage between 0 and 100."), detail={"field": name})
    return value


def whole(data: dict[str, Any], name: str, *, low: int, high: int, required: bool = True) -> int | None:
    raw = data.get(name)
    if raw in (None, ""):
        if required:
            raise InvalidInput(
                _("This field is required: %(field)s.") % {"field": name}, detail={"field": name}
            )
        return None
    if isinstance(raw, bool):
        raw = "x"
    try:
        value = int(str(raw))
    except ValueError:
        value = low - 1
    if not low <= value <= high:
        raise InvalidInput(
            _("%(field)s must be a whole number from %(low)d to %(high)d.")
            % {"field": name, "low": low, "high": high},
            detail={"field": name},
        )
    return value


def officer_draw_id(officer_id: int) -> str:
    """An inspector's id in a draw (fixed width, so ids sort as numbers)."""
    return f"O{officer_id:07d}"


def officer_pk(draw_id: str) -> int:
    return int(draw_id[1:])
