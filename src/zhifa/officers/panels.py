"""Home-page panels: an officer's own credential, and credentials needing attention for admins and
supervisors."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Sum
from django.utils import timezone

from zhifa.law import jurisdiction
from zhifa.law import officers as law
from zhifa.officers import selectors
from zhifa.officers.models import TrainingRecord
from zhifa.officers.rules import credential_validity, review_lapse_suspends


def my_credential_panel(user: Any) -> dict[str, Any] | None:
    officer = selectors.officer_for_user(user)
    if officer is None:
        return None
    today = timezone.localdate()
    credential = selectors.current_credential(officer)
    problem = (
        credential_validity(credential, on=today, lapse_suspends=review_lapse_suspends(officer.agency))
        if credential
        else None
    )
    hours = TrainingRecord.objects.filter(officer=officer, year=today.year).aggregate(h=Sum("hours"))["h"]
    return {
        "officer": officer,
        "credential": credential,
        "valid": credential is not None and problem is None,
        "problem": problem,
        "hours": hours or Decimal(0),
        "hours_target": jurisdiction.value(law.STUDY_HOURS_TARGET.key, agency=officer.agency),
        "year": today.year,
    }


def attention_panel(user: Any) -> dict[str, Any] | None:
    filters = selectors.OfficerFilters(expiring=True)
    today = timezone.localdate()
    count = selectors.officer_count_for(user=user, filters=filters, on=today)
    latest = selectors.officer_list_for(user=user, filters=filters, on=today)[:5] if count else []
    return {"count": count, "latest": list(latest)}
