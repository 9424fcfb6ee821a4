"""行政处罚法第三十六条: the limitation period for imposing a penalty.

Not discovered within two years → no penalty; five years where citizens' life, health or financial
safety is involved and harm followed. The period runs from the day of the act, or for a continuing or
repeated act (连续或者继续状态) from the day it ended. The statute counts in years, so the period ends
on the same calendar date (民法典第二百零二条: the corresponding day of the last month, or its last
day when there is none — 29 February counts to 28 February).

"Discovered" is when the agency learnt of the act: the lead's registration (`discovered_on`).
"""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext_lazy as _

from zhifa.core.errors import InvalidInput, RuleViolation
from zhifa.law.limits import add_years

ART_36 = "行政处罚法第三十六条"
ORDINARY_YEARS = 2
SERIOUS_HARM_YEARS = 5


def limitation_years(*, serious_harm: bool) -> int:
    return SERIOUS_HARM_YEARS if serious_harm else ORDINARY_YEARS


def limitation_start(*, occurred_on: dt.date, continuing: bool, ended_on: dt.date | None) -> dt.date | None:
    """The day the period starts; None while a continuing act has not ended (no period runs yet)."""
    if continuing:
        return ended_on
    return occurred_on


def limitation_end(
    *, occurred_on: dt.date, continuing: bool, ended_on: dt.date | None, serious_harm: bool
) -> dt.date | None:
    """The last day on which discovery still allows a penalty; None while the act continues."""
    start = limitation_start(occurred_on=occurred_on, continuing=continuing, ended_on=ended_on)
    if start is None:
        return None
    return add_years(start, limitation_years(serious_harm=serious_harm))


def check_limitation(
    *,
    occurred_on: dt.date,
    discovered_on: dt.date,
    continuing: bool = False,
    ended_on: dt.date | None = None,
    serious_harm: bool = False,
) -> dt.date | None:
    """Refuse a lead discovered after the limitation period; return the period's last day."""
    if ended_on is not None and ended_on < occurred_on:
        raise InvalidInput(_("The act cannot end before it began."), detail={"field": "ended_on"})
    if discovered_on < occurred_on:
        raise InvalidInput(
            _("The act cannot be discovered before it happened."), detail={"field": "discovered_on"}
        )
    end = limitation_end(
        occurred_on=occurred_on, continuing=continuing, ended_on=ended_on, serious_harm=serious_harm
    )
    if end is not None and discovered_on > end:
        years = limitation_years(serious_harm=serious_harm)
        raise RuleViolation(
            _(
                "The act was not discovered within %(years)s years (the period ended on %(end)s): no "
                "penalty may be imposed (%(article)s)."
            )
            % {"years": years, "end": end.isoformat(), "article": ART_36},
            code="limitation_expired",
            article=ART_36,
            detail={"limitation_end": end.isoformat(), "years": years},
        )
    return end
