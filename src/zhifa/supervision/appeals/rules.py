"""Who does what in an appeal, and small parsing helpers shared by the services and the workflow.

- The reconsideration organ's office (the justice bureau, 行政复议机构) acts through the supervisor
  role granted on the government node: it receives, accepts, reviews and decides.
- The respondent agency (its approver or legal reviewer) answers, and records its own lawsuits.
Personal data of the applicant are shown in full only to these handlers (`can_see_identity`).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from zhifa.core.errors import InvalidInput
from zhifa.org.roles import Role

ORGAN_ROLES = frozenset({Role.SUPERVISOR})
RESPONDENT_ROLES = frozenset({Role.APPROVER, Role.LEGAL_REVIEWER})
LITIGATION_ROLES = RESPONDENT_ROLES | ORGAN_ROLES
HANDLER_ROLES = ORGAN_ROLES | RESPONDENT_ROLES

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def text(value: Any, *, field: str, label: str, min_len: int = 0, max_len: int = 4000) -> str:
    """Trimmed text without control characters, within its length (400 naming the field)."""
    cleaned = _CONTROL.sub("", str(value if value is not None else "")).strip()
    if len(cleaned) < min_len:
        raise InvalidInput(_("%(label)s is required.") % {"label": label}, detail={"field": field})
    if len(cleaned) > max_len:
        raise InvalidInput(
            _("%(label)s must be at most %(n)d characters.") % {"label": label, "n": max_len},
            detail={"field": field},
        )
    return cleaned


def date(value: Any, *, field: str, required: bool = True, not_after_today: bool = True) -> dt.date | None:
    if value in (None, ""):
        if required:
            raise InvalidInput(_("Enter a valid date (YYYY-MM-DD)."), detail={"field": field})
        return None
    if isinstance(value, dt.datetime):
        day = value.date()
    elif isinstance(value, dt.date):
        day = value
    else:
        try:
            day = dt.date.fromisoformat(str(value))
        except ValueError:
            raise InvalidInput(_("Enter a valid date (YYYY-MM-DD)."), detail={"field": field}) from None
    if not_after_today and day > timezone.localdate():
        raise InvalidInput(_("The date cannot be in the future."), detail={"field": field})
    return day


def flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in {"1", "true", "on", "yes"}


def integer(value: Any, *, field: str, default: int = 0) -> int:
    if value in (None, ""):
        return default
    try:
        return int(str(value))
    except ValueError:
        raise InvalidInput(_("Enter a whole number."), detail={"field": field}) from None
