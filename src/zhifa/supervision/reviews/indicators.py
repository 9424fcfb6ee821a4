"""Indicators of dossier reviews (core.indicators), by the date a file was scored (average score, pass
rate) and the due date of a rectification notice (on time)."""

from __future__ import annotations

from collections.abc import Collection
from decimal import Decimal

from django.db.models import Count, F, Q, QuerySet, Sum
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from zhifa.core.indicators import DateSpan, IndicatorValue, Unit, queryset_records, register_indicator
from zhifa.supervision.reviews.models import RectificationNotice, SampledFile
from zhifa.supervision.reviews.scoring import Grade


def _scored(agency_ids: Collection[int], span: DateSpan) -> QuerySet[SampledFile]:
    return SampledFile.objects.filter(agency_id__in=list(agency_ids), state=SampledFile.State.SCORED).filter(
        span.q("current_sheet__scored_at__date")
    )


PASSED = ~Q(grade=Grade.FAIL)


def average_score(agency_ids: Collection[int], span: DateSpan) -> IndicatorValue:
    agg = _scored(agency_ids, span).aggregate(total=Sum("score"), n=Count("id"))
    return IndicatorValue.average(agg["total"] or Decimal(0), agg["n"])


def pass_rate(agency_ids: Collection[int], span: DateSpan) -> IndicatorValue:
    agg = _scored(agency_ids, span).aggregate(passed=Count("id", filter=PASSED), n=Count("id"))
    return IndicatorValue.percent(agg["passed"], agg["n"])


def _scored_rows(agency_ids: Collection[int], span: DateSpan) -> QuerySet[SampledFile]:
    return _scored(agency_ids, span).select_related("case", "campaign")


def _file_label(f: SampledFile) -> str:
    """The campaign and the case number, with the score: what a reader checks against the figure."""
    return f"{f.campaign.name} · {f.case.number or f.case_id} · {f.score}"


def _file_url(f: SampledFile) -> str:
    return reverse("reviews:file", args=[f.pk])


RESPONDED_ON_TIME = Q(responded_on__isnull=False, responded_on__lte=F("due_on"))


def _notices(agency_ids: Collection[int], span: DateSpan) -> QuerySet[RectificationNotice]:
    return (
        RectificationNotice.objects.filter(agency_id__in=list(agency_ids))
        .filter(span.q("due_on"))
        .select_related("campaign")
    )


def rectification_on_time(agency_ids: Collection[int], span: DateSpan) -> IndicatorValue:
    """Notices due in the span: responded by the due date / all (one unanswered counts as late once its
    due date has passed; one due in the span and still open before its date is counted as not on time
    only after the date — the span's due dates are in the past for a closed span)."""
    agg = _notices(agency_ids, span).aggregate(on_time=Count("id", filter=RESPONDED_ON_TIME), n=Count("id"))
    return IndicatorValue.percent(agg["on_time"], agg["n"])


def _notice_label(n: RectificationNotice) -> str:
    return str(n.campaign.name)


def _notice_url(n: RectificationNotice) -> str:
    return reverse("reviews:notice", args=[n.pk])


def register() -> None:
    register_indicator(
        "reviews.average_score",
        _("Average dossier review score"),
        average_score,
        unit=Unit.POINTS,
        records=queryset_records(
            _scored_rows, on="current_sheet__scored_at", label=_file_label, url=_file_url
        ),
    )
    register_indicator(
        "reviews.pass_rate",
        _("Dossier review pass rate"),
        pass_rate,
        unit=Unit.PERCENT,
        records=queryset_records(
            _scored_rows, on="current_sheet__scored_at", label=_file_label, url=_file_url, counted=PASSED
        ),
    )
    register_indicator(
        "reviews.rectification_on_time_rate",
        _("Rectifications reported on time"),
        rectification_on_time,
        unit=Unit.PERCENT,
        records=queryset_records(
            _notices, on="due_on", label=_notice_label, url=_notice_url, counted=RESPONDED_ON_TIME
        ),
    )
