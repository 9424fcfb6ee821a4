"""The officers' yearly figures as registered indicators (持证率, study hours, exam rates).

Computed by `stats.year_stats_for_agencies`, the same code as the statistics page, and combined across
agencies by summing numerators and denominators. Training and exams count by their `year`: the year of
the span's end (a span is meant to be a calendar year, `DateSpan.year(y)`); credentials count as valid
on the span's end, or today if that is earlier (the page's rule: 31 December for a past year).
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhifa.core.indicators import DateSpan, IndicatorValue, Unit, register_indicator
from zhifa.law import officers as law
from zhifa.officers.stats import AgencyYearStats, year_stats_for_agencies


def _rows(agency_ids: Collection[int], span: DateSpan) -> list[AgencyYearStats]:
    today = timezone.localdate()
    end = span.end or today
    return year_stats_for_agencies(agency_ids, year=end.year, on=min(end, today))


def _rate(numerator: str, denominator: str) -> Callable[[Collection[int], DateSpan], IndicatorValue]:
    def compute(agency_ids: Collection[int], span: DateSpan) -> IndicatorValue:
        rows = _rows(agency_ids, span)
        return IndicatorValue.percent(
            sum(getattr(r, numerator) for r in rows), sum(getattr(r, denominator) for r in rows)
        )

    return compute


def study_hours_average(agency_ids: Collection[int], span: DateSpan) -> IndicatorValue:
    rows = _rows(agency_ids, span)
    return IndicatorValue.average(
        sum((r.hours_total for r in rows), Decimal(0)), sum(r.officers for r in rows)
    )


def register() -> None:
    register_indicator(
        "officers.credential_rate",
        _("Officers holding a valid credential"),
        _rate("credentialed", "officers"),
        unit=Unit.PERCENT,
        target_setting=law.CREDENTIAL_RATE_TARGET.key,
    )
    register_indicator(
        "officers.study_hours_average",
        _("Average study hours per officer"),
        study_hours_average,
        unit=Unit.HOURS,
        target_setting=law.STUDY_HOURS_TARGET.key,
    )
    register_indicator(
        "officers.study_hours_rate",
        _("Officers meeting the study-hours target"),
        _rate("meeting_hours", "officers"),
        unit=Unit.PERCENT,
    )
    register_indicator(
        "officers.legal_training_rate",
        _("Officers meeting the legal-training target"),
        _rate("meeting_days", "officers"),
        unit=Unit.PERCENT,
    )
    register_indicator(
        "officers.exam_pass_rate",
        _("Exam pass rate"),
        _rate("passed", "examined"),
        unit=Unit.PERCENT,
        target_setting=law.EXAM_PASS_RATE_TARGET.key,
    )
    register_indicator(
        "officers.exam_excellent_rate",
        _("Exam excellent rate"),
        _rate("excellent", "examined"),
        unit=Unit.PERCENT,
        target_setting=law.EXAM_EXCELLENT_RATE_TARGET.key,
    )
