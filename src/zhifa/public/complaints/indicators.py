"""Complaint handling as registered indicators: volume, decisions on acceptance in time, replies in
time, satisfaction. Summed from the same per-unit figures as the statistics page
(`selectors.unit_stats_for_agencies`), so the indicator and the page's total row agree.

Complaints count by the date they were received, decisions and replies by the date of the act,
ratings by the date given. An open end of the span is unbounded.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import Any

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from zhifa.core.indicators import DateSpan, IndicatorValue, Unit, queryset_records, register_indicator
from zhifa.public.complaints.models import ComplaintEvent, ComplaintFeedback, EventKind, Rating
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


# The rows behind the rates: the same filters as `unit_stats_for_agencies` (a test keeps them equal).
DECIDING = (EventKind.ACCEPT, EventKind.REJECT, EventKind.REDIRECT, EventKind.REFER)
IN_TIME = Q(in_time=True)
SATISFIED = Q(rating__in=[Rating.SATISFIED, Rating.BASICALLY_SATISFIED])


def _events(kinds: tuple[str, ...]) -> Any:
    def rows(agency_ids: Collection[int], span: DateSpan) -> QuerySet[ComplaintEvent]:
        return (
            ComplaintEvent.objects.filter(span.q("on"), agency_id__in=list(agency_ids), kind__in=kinds)
            .exclude(in_time__isnull=True)
            .select_related("complaint")
        )

    return rows


def _ratings(agency_ids: Collection[int], span: DateSpan) -> QuerySet[ComplaintFeedback]:
    return ComplaintFeedback.objects.filter(span.q("on"), agency_id__in=list(agency_ids)).select_related(
        "complaint"
    )


def _label(row: ComplaintEvent | ComplaintFeedback) -> str:
    """The tracking code and the step: never the complainant or the complaint's text."""
    step = row.get_kind_display() if isinstance(row, ComplaintEvent) else row.get_rating_display()
    return f"{row.complaint.tracking_code} · {step}"


def _url(row: ComplaintEvent | ComplaintFeedback) -> str:
    return reverse("complaints:detail", args=[row.complaint_id])


def register() -> None:
    register_indicator("complaints.received", _("Complaints received"), received, unit=Unit.COUNT)
    register_indicator(
        "complaints.acceptance_on_time_rate",
        _("Acceptance decided in time"),
        acceptance_on_time_rate,
        unit=Unit.PERCENT,
        records=queryset_records(_events(DECIDING), on="on", label=_label, url=_url, counted=IN_TIME),
    )
    register_indicator(
        "complaints.reply_on_time_rate",
        _("Replies in time"),
        reply_on_time_rate,
        unit=Unit.PERCENT,
        records=queryset_records(
            _events((EventKind.REPLY,)), on="on", label=_label, url=_url, counted=IN_TIME
        ),
    )
    register_indicator(
        "complaints.satisfaction_rate",
        _("Complainants satisfied"),
        satisfaction_rate,
        unit=Unit.PERCENT,
        records=queryset_records(_ratings, on="on", label=_label, url=_url, counted=SATISFIED),
    )
