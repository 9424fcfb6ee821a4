"""Normative documents as registered indicators (报备率, 及时率, 纠错率 and a hygiene count).

- `normative.filing_rate`: documents published in the span (publication date) that have been filed,
  over documents published in the span. Every published version counts, also one since repealed.
- `normative.filing_on_time_rate`: filings made in the span (filing date) within the jurisdiction's
  period, over filings made in the span. A document never filed lowers the filing rate, not this one.
- `normative.correction_rate`: filing reviews concluded in the span (date of review) with 纠正, over
  filing reviews concluded in the span.
- `normative.past_validity_still_valid`: documents whose last day of validity is before the span's end
  (or today, whichever is earlier) and still marked in force — the daily expiry job keeps it at 0.
"""

from __future__ import annotations

from collections.abc import Collection

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhifa.core.indicators import DateSpan, IndicatorValue, Unit, register_indicator
from zhifa.supervision.normative.models import (
    LIVE_STATES,
    PUBLIC_STATES,
    Filing,
    FilingResult,
    NormativeDocument,
)


def filing_rate(agency_ids: Collection[int], span: DateSpan) -> IndicatorValue:
    published = NormativeDocument.objects.filter(
        span.q("published_on"), agency_id__in=list(agency_ids), state__in=list(PUBLIC_STATES)
    )
    return IndicatorValue.percent(published.filter(filing__isnull=False).count(), published.count())


def filing_on_time_rate(agency_ids: Collection[int], span: DateSpan) -> IndicatorValue:
    filings = Filing.objects.filter(span.q("filed_on"), document__agency_id__in=list(agency_ids))
    return IndicatorValue.percent(filings.filter(late=False).count(), filings.count())


def correction_rate(agency_ids: Collection[int], span: DateSpan) -> IndicatorValue:
    reviewed = Filing.objects.filter(
        span.q("reviewed_on"), document__agency_id__in=list(agency_ids), result__in=FilingResult.values
    )
    return IndicatorValue.percent(reviewed.filter(result=FilingResult.CORRECTION).count(), reviewed.count())


def past_validity_still_valid(agency_ids: Collection[int], span: DateSpan) -> IndicatorValue:
    today = timezone.localdate()
    on = min(span.end, today) if span.end is not None else today
    stale = NormativeDocument.objects.filter(
        agency_id__in=list(agency_ids), state__in=list(LIVE_STATES), expires_on__lt=on
    )
    return IndicatorValue.count(stale.count())


def register() -> None:
    register_indicator(
        "normative.filing_rate", _("Normative documents filed"), filing_rate, unit=Unit.PERCENT
    )
    register_indicator(
        "normative.filing_on_time_rate",
        _("Normative documents filed in time"),
        filing_on_time_rate,
        unit=Unit.PERCENT,
    )
    register_indicator(
        "normative.correction_rate",
        _("Filed normative documents needing correction"),
        correction_rate,
        unit=Unit.PERCENT,
        higher_is_better=False,
    )
    register_indicator(
        "normative.past_validity_still_valid",
        _("Normative documents past their validity still marked in force"),
        past_validity_still_valid,
        unit=Unit.COUNT,
        higher_is_better=False,
    )
