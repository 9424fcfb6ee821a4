"""Indicators of dossier reviews (core.indicators), by the date a file was scored (average score, pass
rate) and the due date of a rectification notice (on time)."""

from __future__ import annotations

from collections.abc import Collection
from decimal import Decimal

from django.db.models import Count, F, Q, Sum
from django.utils.translation import gettext_lazy as _

from zhifa.core.indicators import DateSpan, IndicatorValue, Unit, register_indicator
from zhifa.supervision.reviews.models import RectificationNotice, SampledFile
from zhifa.supervision.reviews.scoring import Grade


def _scored(agency_ids: Collection[int], span: DateSpan) -> object:
    return SampledFile.objects.filter(agency_id__in=agency_ids, state=SampledFile.State.SCORED).filter(
        span.q("current_sheet__scored_at__date")
    )


def average_score(agency_ids: Collection[int], span: DateSpan) -> IndicatorValue:
    agg = _scored(agency_ids, span).aggregate(total=Sum("score"), n=Count("id"))  # type: ignore[attr-defined]
    return IndicatorValue.average(agg["total"] or Decimal(0), agg["n"])


def pass_rate(agency_ids: Collection[int], span: DateSpan) -> IndicatorValue:
    agg = _scored(agency_ids, span).aggregate(  # type: ignore[attr-defined]
        passed=Count("id", filter=~Q(grade=Grade.FAIL)), n=Count("id")
    )
    return IndicatorValue.percent(agg["passed"], agg["n"])


def rectification_on_time(agency_ids: Collection[int], span: DateSpan) -> IndicatorValue:
    """Notices due in the span: responded by the due date / all (one unanswered counts as late once its
    due date has passed; one due in the span and still open before its date is counted as not on time
    only after the date — the span's due dates are in the past for a closed span)."""
    qs = RectificationNotice.objects.filter(agency_id__in=agency_ids).filter(span.q("due_on"))
    agg = qs.aggregate(
        on_time=Count("id", filter=Q(responded_on__isnull=False, responded_on__lte=F("due_on"))),
        n=Count("id"),
    )
    return IndicatorValue.percent(agg["on_time"], agg["n"])


def register() -> None:
    register_indicator(
        "reviews.average_score", _("Average dossier review score"), average_score, unit=Unit.POINTS
    )
    register_indicator("reviews.pass_rate", _("Dossier review pass rate"), pass_rate, unit=Unit.PERCENT)
    register_indicator(
        "reviews.rectification_on_time_rate",
        _("Rectifications reported on time"),
        rectification_on_time,
        unit=Unit.PERCENT,
    )
