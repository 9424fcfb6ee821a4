"""Backdated discovery (补录): the date an act was discovered decides the limitation period
(行政处罚法第三十六条), so a discovery date long before the lead was entered must be backed by the
record it comes from and is shown to supervisors.

A lead is entered after the fact when the paper record (patrol log, complaint register, inspection
record) came first. Within the jurisdiction's 补录 window — by default five working days after the
discovery — that is ordinary. Beyond it the registration must name its source record, and the case
is flagged to the supervisors (an alert): an early discovery date is how an act past its limitation
period would be made to look punishable.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from zhifa.core.errors import RuleViolation
from zhifa.law import jurisdiction
from zhifa.law.days import DayKind, Period, period_end
from zhifa.law.jurisdiction import SettingSpec

ART_36 = "行政处罚法第三十六条"

BACKFILL_WINDOW = jurisdiction.register(
    SettingSpec(
        key="penalty.discovery_backfill_working_days",
        default=5,
        kind=int,
        label=_("Lead entered after its discovery: window without a source record (working days)"),
        basis="行政处罚法第三十六条（补录时限由地方或部门规定）",
    )
)


@dataclass(frozen=True)
class Backdating:
    backdated: bool
    window_end: dt.date
    applied: dict[str, str]


def check_discovery_date(
    *, discovered_on: dt.date, registered_on: dt.date, source_record: str, agency: Any | None
) -> Backdating:
    """Refuse a discovery date before the 补录 window without its source record; say whether the
    case is to be flagged."""
    applied = jurisdiction.applied(BACKFILL_WINDOW.key, agency=agency)
    period = Period(int(applied.value), DayKind.WORKING, ART_36)
    window_end = period_end(period, discovered_on).on
    backdated = registered_on > window_end
    if backdated and not (source_record or "").strip():
        raise RuleViolation(
            _(
                "The discovery date is more than %(days)s working days before the registration: name the "
                "record it comes from (patrol log, complaint register …) (%(article)s)."
            )
            % {"days": applied.value, "article": ART_36},
            code="discovery_source_required",
            article=ART_36,
            detail={"field": "discovery_record", "window_end": window_end.isoformat()},
        )
    return Backdating(backdated, window_end, applied.as_dict())
