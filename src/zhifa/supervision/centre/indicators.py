"""The centre's figures as registered indicators (`centre.*`, docs/interfaces.md): clues, supervision
notices and fault-accountability records, over exactly the agencies given and the span."""

from __future__ import annotations

from collections.abc import Collection

from django.db.models import Count, F, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from zhifa.core.indicators import DateSpan, IndicatorValue, Unit, register_indicator
from zhifa.supervision.centre.models import HANDLED_STATES, Clue, ClueState, FaultRecord, SupervisionNotice


def clues_in(agency_ids: Collection[int], span: DateSpan) -> QuerySet[Clue]:
    return Clue.objects.filter(span.q("raised_on"), agency_id__in=agency_ids)


def clues_raised(agency_ids: Collection[int], span: DateSpan) -> IndicatorValue:
    return IndicatorValue.count(clues_in(agency_ids, span).count())


def clues_pending(agency_ids: Collection[int], span: DateSpan) -> IndicatorValue:
    return IndicatorValue.count(clues_in(agency_ids, span).filter(state=ClueState.OPEN).count())


def clue_handling_rate(agency_ids: Collection[int], span: DateSpan) -> IndicatorValue:
    c = (
        clues_in(agency_ids, span)
        .exclude(state=ClueState.CLEARED)
        .aggregate(all=Count("id"), handled=Count("id", filter=Q(state__in=list(HANDLED_STATES))))
    )
    return IndicatorValue.percent(c["handled"] or 0, c["all"] or 0)


def notices_in(agency_ids: Collection[int], span: DateSpan) -> QuerySet[SupervisionNotice]:
    return SupervisionNotice.objects.filter(span.q("issued_on"), agency_id__in=agency_ids)


def notices_issued(agency_ids: Collection[int], span: DateSpan) -> IndicatorValue:
    return IndicatorValue.count(notices_in(agency_ids, span).count())


def rectification_on_time_rate(agency_ids: Collection[int], span: DateSpan) -> IndicatorValue:
    rows = SupervisionNotice.objects.filter(span.q("due_on"), agency_id__in=agency_ids)
    c = rows.aggregate(
        all=Count("id"),
        met=Count("id", filter=Q(responded_on__isnull=False, responded_on__lte=F("due_on"))),
    )
    return IndicatorValue.percent(c["met"] or 0, c["all"] or 0)


def faults_in(agency_ids: Collection[int], span: DateSpan) -> QuerySet[FaultRecord]:
    return FaultRecord.objects.filter(span.q("decided_on"), agency_id__in=agency_ids)


def faults_recorded(agency_ids: Collection[int], span: DateSpan) -> IndicatorValue:
    return IndicatorValue.count(faults_in(agency_ids, span).count())


def register() -> None:
    register_indicator(
        "centre.clues_raised", _("Clues raised"), clues_raised, unit=Unit.COUNT, higher_is_better=False
    )
    register_indicator(
        "centre.clues_pending",
        _("Clues awaiting handling"),
        clues_pending,
        unit=Unit.COUNT,
        higher_is_better=False,
    )
    register_indicator("centre.clue_handling_rate", _("Clues handled"), clue_handling_rate, unit=Unit.PERCENT)
    register_indicator(
        "centre.notices_issued",
        _("Supervision notices issued"),
        notices_issued,
        unit=Unit.COUNT,
        higher_is_better=False,
    )
    register_indicator(
        "centre.rectification_on_time_rate",
        _("Rectifications reported in time"),
        rectification_on_time_rate,
        unit=Unit.PERCENT,
    )
    register_indicator(
        "centre.faults_recorded",
        _("Faults held to account"),
        faults_recorded,
        unit=Unit.COUNT,
        higher_is_better=False,
    )
