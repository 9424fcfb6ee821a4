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

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhifa.core.indicators import DateSpan, IndicatorValue, Unit, queryset_records, register_indicator
from zhifa.supervision.normative.models import (
    LIVE_STATES,
    PUBLIC_STATES,
    Filing,
    FilingResult,
    NormativeDocument,
)


def _published(agency_ids: Collection[int], span: DateSpan) -> QuerySet[NormativeDocument]:
    return NormativeDocument.objects.filter(
        span.q("published_on"), agency_id__in=list(agency_ids), state__in=list(PUBLIC_STATES)
    )


FILED = Q(filing__isnull=False)


def filing_rate(agency_ids: Collection[int], span: DateSpan) -> IndicatorValue:
    published = _published(agency_ids, span)
    return IndicatorValue.percent(published.filter(FILED).count(), published.count())


def _filings(agency_ids: Collection[int], span: DateSpan) -> QuerySet[Filing]:
    return Filing.objects.filter(span.q("filed_on"), document__agency_id__in=list(agency_ids)).select_related(
        "document"
    )


ON_TIME = Q(late=False)


def filing_on_time_rate(agency_ids: Collection[int], span: DateSpan) -> IndicatorValue:
    filings = _filings(agency_ids, span)
    return IndicatorValue.percent(filings.filter(ON_TIME).count(), filings.count())


def _reviewed(agency_ids: Collection[int], span: DateSpan) -> QuerySet[Filing]:
    return Filing.objects.filter(
        span.q("reviewed_on"), document__agency_id__in=list(agency_ids), result__in=FilingResult.values
    ).select_related("document")


CORRECTED = Q(result=FilingResult.CORRECTION)


def correction_rate(agency_ids: Collection[int], span: DateSpan) -> IndicatorValue:
    reviewed = _reviewed(agency_ids, span)
    return IndicatorValue.percent(reviewed.filter(CORRECTED).count(), reviewed.count())


def _stale(agency_ids: Collection[int], span: DateSpan) -> QuerySet[NormativeDocument]:
    today = timezone.localdate()
    on = min(span.end, today) if span.end is not None else today
    return NormativeDocument.objects.filter(
        agency_id__in=list(agency_ids), state__in=list(LIVE_STATES), expires_on__lt=on
    )


def past_validity_still_valid(agency_ids: Collection[int], span: DateSpan) -> IndicatorValue:
    return IndicatorValue.count(_stale(agency_ids, span).count())


def _doc_label(d: NormativeDocument) -> str:
    return f"{d.number} {d.title}".strip()


def _doc_url(d: NormativeDocument) -> str:
    return reverse("normative:detail", args=[d.pk])


def _filing_label(f: Filing) -> str:
    return _doc_label(f.document)


def _filing_url(f: Filing) -> str:
    return reverse("normative:detail", args=[f.document_id])


def register() -> None:
    register_indicator(
        "normative.filing_rate",
        _("Normative documents filed"),
        filing_rate,
        unit=Unit.PERCENT,
        records=queryset_records(
            _published, on="published_on", label=_doc_label, url=_doc_url, counted=FILED
        ),
    )
    register_indicator(
        "normative.filing_on_time_rate",
        _("Normative documents filed in time"),
        filing_on_time_rate,
        unit=Unit.PERCENT,
        records=queryset_records(
            _filings, on="filed_on", label=_filing_label, url=_filing_url, counted=ON_TIME
        ),
    )
    register_indicator(
        "normative.correction_rate",
        _("Filed normative documents needing correction"),
        correction_rate,
        unit=Unit.PERCENT,
        higher_is_better=False,
        records=queryset_records(
            _reviewed, on="reviewed_on", label=_filing_label, url=_filing_url, counted=CORRECTED
        ),
    )
    register_indicator(
        "normative.past_validity_still_valid",
        _("Normative documents past their validity still marked in force"),
        past_validity_still_valid,
        unit=Unit.COUNT,
        higher_is_better=False,
        records=queryset_records(_stale, on="expires_on", label=_doc_label, url=_doc_url),
    )
