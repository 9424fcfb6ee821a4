"""The appeal indicators for the dashboard and the assessment (`zhifa.core.indicators`), by respondent
agency and span:

- `appeals.head_appearance_rate` 负责人出庭应诉率: court hearings held in the span at which the
  agency's head appeared, over hearings held (行政诉讼法第三条第三款; `law.litigation.head_appearance_rate`);
- `appeals.correction_rate` 复议纠错率: reconsideration decisions made in the span that revoked, changed,
  declared unlawful or void, or ordered performance, over all decisions (mediations, terminations and
  refusals are not decisions; `law.reconsideration.correction_rate`);
- `appeals.loss_rate` 败诉率: lawsuits concluded in the span (the final ending) that the agency lost, over
  suits concluded (every ending counts; `law.litigation.loss_rate`);
- `appeals.answer_on_time_rate`: answers to reconsiderations and defences in court given in the span
  within their period, over answers and defences given.
"""

from __future__ import annotations

from collections.abc import Collection

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from zhifa.core.indicators import DateSpan, IndicatorValue, Unit, queryset_records, register_indicator
from zhifa.law.litigation import Appearance
from zhifa.supervision.appeals.models import Appeal, Hearing, Kind, State


def _hearings(agency_ids: Collection[int], span: DateSpan) -> QuerySet[Hearing]:
    return Hearing.objects.filter(
        span.q("held_on"), appeal__respondent_id__in=list(agency_ids), appeal__kind=Kind.LITIGATION
    ).select_related("appeal")


HEAD_APPEARED = Q(appearance=Appearance.HEAD)


def head_appearance_rate(agency_ids: Collection[int], span: DateSpan) -> IndicatorValue:
    hearings = _hearings(agency_ids, span)
    return IndicatorValue.percent(hearings.filter(HEAD_APPEARED).count(), hearings.count())


def _decided(agency_ids: Collection[int], span: DateSpan) -> QuerySet[Appeal]:
    return Appeal.objects.filter(
        span.q("closed_on"),
        respondent_id__in=list(agency_ids),
        kind=Kind.RECONSIDERATION,
        state=State.DECIDED,
    )


CORRECTED = Q(corrected=True)


def correction_rate(agency_ids: Collection[int], span: DateSpan) -> IndicatorValue:
    decided = _decided(agency_ids, span)
    return IndicatorValue.percent(decided.filter(CORRECTED).count(), decided.count())


def _concluded(agency_ids: Collection[int], span: DateSpan) -> QuerySet[Appeal]:
    return Appeal.objects.filter(
        span.q("closed_on"), respondent_id__in=list(agency_ids), kind=Kind.LITIGATION, state=State.CONCLUDED
    )


LOST = Q(lost=True)


def loss_rate(agency_ids: Collection[int], span: DateSpan) -> IndicatorValue:
    concluded = _concluded(agency_ids, span)
    return IndicatorValue.percent(concluded.filter(LOST).count(), concluded.count())


def _answered(agency_ids: Collection[int], span: DateSpan) -> QuerySet[Appeal]:
    return Appeal.objects.filter(
        span.q("answered_on"), respondent_id__in=list(agency_ids), answer_late__isnull=False
    )


IN_TIME = Q(answer_late=False)


def answer_on_time_rate(agency_ids: Collection[int], span: DateSpan) -> IndicatorValue:
    answered = _answered(agency_ids, span)
    return IndicatorValue.percent(answered.filter(IN_TIME).count(), answered.count())


def _label(a: Appeal) -> str:
    """The appeal's kind, number and the court's case number: never the applicant's name."""
    return f"{a} {a.court_case_number}".strip()


def _url(a: Appeal) -> str:
    return reverse("appeals:detail", args=[a.pk])


def _hearing_label(h: Hearing) -> str:
    return _label(h.appeal)


def _hearing_url(h: Hearing) -> str:
    return reverse("appeals:detail", args=[h.appeal_id])


def register() -> None:
    register_indicator(
        "appeals.head_appearance_rate",
        _("Head of the agency appeared in court"),
        head_appearance_rate,
        unit=Unit.PERCENT,
        records=queryset_records(
            _hearings, on="held_on", label=_hearing_label, url=_hearing_url, counted=HEAD_APPEARED
        ),
    )
    register_indicator(
        "appeals.correction_rate",
        _("Reconsideration correction rate"),
        correction_rate,
        unit=Unit.PERCENT,
        higher_is_better=False,
        records=queryset_records(_decided, on="closed_on", label=_label, url=_url, counted=CORRECTED),
    )
    register_indicator(
        "appeals.loss_rate",
        _("Lawsuits lost"),
        loss_rate,
        unit=Unit.PERCENT,
        higher_is_better=False,
        records=queryset_records(_concluded, on="closed_on", label=_label, url=_url, counted=LOST),
    )
    register_indicator(
        "appeals.answer_on_time_rate",
        _("Answers and defences in time"),
        answer_on_time_rate,
        unit=Unit.PERCENT,
        records=queryset_records(_answered, on="answered_on", label=_label, url=_url, counted=IN_TIME),
    )
