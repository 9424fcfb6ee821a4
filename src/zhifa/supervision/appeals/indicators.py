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

from django.utils.translation import gettext_lazy as _

from zhifa.core.indicators import DateSpan, IndicatorValue, Unit, register_indicator
from zhifa.law.litigation import Appearance
from zhifa.supervision.appeals.models import Appeal, Hearing, Kind, State


def head_appearance_rate(agency_ids: Collection[int], span: DateSpan) -> IndicatorValue:
    hearings = Hearing.objects.filter(
        span.q("held_on"), appeal__respondent_id__in=list(agency_ids), appeal__kind=Kind.LITIGATION
    )
    return IndicatorValue.percent(hearings.filter(appearance=Appearance.HEAD).count(), hearings.count())


def correction_rate(agency_ids: Collection[int], span: DateSpan) -> IndicatorValue:
    decided = Appeal.objects.filter(
        span.q("closed_on"),
        respondent_id__in=list(agency_ids),
        kind=Kind.RECONSIDERATION,
        state=State.DECIDED,
    )
    return IndicatorValue.percent(decided.filter(corrected=True).count(), decided.count())


def loss_rate(agency_ids: Collection[int], span: DateSpan) -> IndicatorValue:
    concluded = Appeal.objects.filter(
        span.q("closed_on"), respondent_id__in=list(agency_ids), kind=Kind.LITIGATION, state=State.CONCLUDED
    )
    return IndicatorValue.percent(concluded.filter(lost=True).count(), concluded.count())


def answer_on_time_rate(agency_ids: Collection[int], span: DateSpan) -> IndicatorValue:
    answered = Appeal.objects.filter(
        span.q("answered_on"), respondent_id__in=list(agency_ids), answer_late__isnull=False
    )
    return IndicatorValue.percent(answered.filter(answer_late=False).count(), answered.count())


def register() -> None:
    register_indicator(
        "appeals.head_appearance_rate",
        _("Head of the agency appeared in court"),
        head_appearance_rate,
        unit=Unit.PERCENT,
    )
    register_indicator(
        "appeals.correction_rate",
        _("Reconsideration correction rate"),
        correction_rate,
        unit=Unit.PERCENT,
        higher_is_better=False,
    )
    register_indicator(
        "appeals.loss_rate", _("Lawsuits lost"), loss_rate, unit=Unit.PERCENT, higher_is_better=False
    )
    register_indicator(
        "appeals.answer_on_time_rate",
        _("Answers and defences in time"),
        answer_on_time_rate,
        unit=Unit.PERCENT,
    )
