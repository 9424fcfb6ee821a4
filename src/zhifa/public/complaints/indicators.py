"""Complaint handling as registered indicators: volume, decisions on acceptance in time, replies in
time, satisfaction. Summed from the same per-unit figures as the statistics page
(`selectors.unit_stats_for_agencies`), so the indicator and the page's total row agree.

Complaints count by the date they were received, decisions and replies by the date of the act,
ratings by the date given. An open end of the span is unbounded.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

from django.utils.translation import gettext_lazy as _

from zhifa.core.indicators import DateSpan, IndicatorValue, Unit, register_indicator
from zhifa.public.complaints.selectors import UnitStats, stats_total, unit_stats_for_agencies


def _total(agency_ids: Collection[int], span: DateSpan) -> UnitStats:
    rows = unit_stats_for_agencies(agency_ids, span.start or dt.date.min, span.end or dt.date.max)
    return stats_total(rows)


def received(agency_ids: Collection[int], span: DateSpan) -> IndicatorValue:
    return IndicatorValue.count(_total(agency_ids, span).received)


def acceptance_on_time_rate(agency_ids: Collection[int], span: DateSpan) -> IndicatorValue:
    t = _total(agency_ids, span)
    return IndicatorValue.percent(t.decided_in_time, t.decided)


def reply_on_time_rate(agency_ids: Collection[int], span: DateSpan) -> IndicatorValue:
    t = _total(agency_ids, span)
    return IndicatorValue.percent(t.replied_in_time, t.replied)


def satisfaction_rate(agency_ids: Collection[int], span: DateSpan) -> IndicatorValue:
    """(满意 + 基本满意) / 参评数, the usual 12345 formula."""
    t = _total(agency_ids, span)
    return IndicatorValue.percent(t.satisfied + t.basically_satisfied, t.rated)


def register() -> None:
    register_indicator("complaints.received", _("Complaints received"), received, unit=Unit.COUNT)
    register_indicator(
        "complaints.acceptance_on_time_rate",
        _("Acceptance decided in time"),
        acceptance_on_time_rate,
        unit=Unit.PERCENT,
    )
    register_indicator(
        "complaints.reply_on_time_rate", _("Replies in time"), reply_on_time_rate, unit=Unit.PERCENT
    )
    register_indicator(
        "complaints.satisfaction_rate", _("Complainants satisfied"), satisfaction_rate, unit=Unit.PERCENT
    )
