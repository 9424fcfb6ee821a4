"""Handling officers: loading the officers named in an event and checking them against
行政处罚法第四十二条 through `zhifa.officers.rules.can_enforce`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext_lazy as _

from zhifa.core.errors import InvalidInput, RuleViolation
from zhifa.law.penalty import ART_42
from zhifa.officers.models import Officer
from zhifa.officers.rules import can_enforce, officer_queryset_for_rules

MIN_OFFICERS = 2  # 行政处罚法第四十二条：执法人员不得少于两人，法律另有规定的除外


def officer_for_user(user: Any) -> Officer | None:
    if not getattr(user, "pk", None):
        return None
    return Officer.objects.filter(user_id=user.pk, is_active=True).first()


def load_officers(ids: list[int]) -> list[Officer]:
    found = {o.pk: o for o in officer_queryset_for_rules().filter(pk__in=ids)}
    missing = [i for i in ids if i not in found]
    if missing:
        raise InvalidInput(_("Unknown officer."), detail={"field": "officer_ids", "missing": missing})
    return [found[i] for i in ids]


def check_officers(
    officers: list[Officer],
    *,
    on: dt.date,
    area: str | None,
    agency_id: int,
    minimum: int = MIN_OFFICERS,
) -> list[tuple[Officer, str]]:
    """Every officer may enforce for the agency in the area on that day, and there are enough of
    them. Returns (officer, credential number) pairs for the record."""
    if len(officers) < minimum:
        raise RuleViolation(
            _("At least two enforcement officers must handle the case (%(article)s).") % {"article": ART_42},
            code="too_few_officers",
            article=ART_42,
            detail={"minimum": minimum, "given": len(officers)},
        )
    out: list[tuple[Officer, str]] = []
    for officer in officers:
        verdict = can_enforce(officer, on=on, area=area or None, agency_id=agency_id)
        if not verdict:
            raise RuleViolation(
                verdict.reason,
                code="officer_not_qualified",
                article=verdict.article or ART_42,
                detail={"officer_id": officer.pk},
            )
        out.append((officer, verdict.credential.number if verdict.credential else ""))
    return out
