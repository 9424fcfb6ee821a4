"""The officers' yearly figures as registered indicators (持证率, study hours, exam rates).

Computed by `stats.year_stats_for_agencies`, the same code as the statistics page, and combined across
agencies by summing numerators and denominators. Training and exams count by their `year`: the year of
the span's end (a span is meant to be a calendar year, `DateSpan.year(y)`); credentials count as valid
on the span's end, or today if that is earlier (the page's rule: 31 December for a past year).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection
from decimal import Decimal

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhifa.core.indicators import (
    DateSpan,
    IndicatorValue,
    RecordPage,
    RecordRow,
    Records,
    Unit,
    queryset_records,
    register_indicator,
)
from zhifa.law import officers as law
from zhifa.officers.models import ExamResult
from zhifa.officers.stats import AgencyYearStats, OfficerYear, year_stats_for_agencies


def _rows(
    agency_ids: Collection[int], span: DateSpan, per_officer: list[OfficerYear] | None = None
) -> list[AgencyYearStats]:
    year, on = _as_of(span)
    return year_stats_for_agencies(agency_ids, year=year, on=on, per_officer=per_officer)


def _as_of(span: DateSpan) -> tuple[int, dt.date]:
    """The year whose training and exams count (that of the span's end) and the day credentials are
    checked on (the span's end, never after today)."""
    today = timezone.localdate()
    end = span.end or today
    return end.year, min(end, today)


def _officer_records(flag: str) -> Records:
    """The officers counted (every officer in service), each marked by the rule that counts them; the
    same pass as the figure (`year_stats_for_agencies(per_officer=...)`), by name."""

    def page(agency_ids: Collection[int], span: DateSpan, offset: int, limit: int) -> RecordPage:
        parts: list[OfficerYear] = []
        _rows(agency_ids, span, per_officer=parts)
        _year, on = _as_of(span)
        rows = [
            RecordRow(
                label=p.officer.name,
                url=reverse("officers:detail", args=[p.officer.pk]),
                on=on,
                counted=bool(getattr(p, flag)),
                note=f"{p.hours.normalize():f}" if flag == "meets_hours" else "",
            )
            for p in parts[offset : offset + limit]
        ]
        return RecordPage(len(parts), sum(1 for p in parts if getattr(p, flag)), rows)

    return page


def _exams(agency_ids: Collection[int], span: DateSpan) -> QuerySet[ExamResult]:
    """The results `year_stats_for_agencies` counts: the year of the span's end, officers in service."""
    year, _on = _as_of(span)
    return ExamResult.objects.filter(
        year=year,
        officer__agency_id__in=list(agency_ids),
        officer__agency__kind="agency",
        officer__is_active=True,
    ).select_related("officer", "session")


def _exam_label(r: ExamResult) -> str:
    return f"{r.officer.name} · {r.session} · {r.score if r.score is not None else '—'}"


def _exam_url(r: ExamResult) -> str:
    return reverse("officers:detail", args=[r.officer_id])


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
        records=_officer_records("credentialed"),
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
        records=_officer_records("meets_hours"),
    )
    register_indicator(
        "officers.legal_training_rate",
        _("Officers meeting the legal-training target"),
        _rate("meeting_days", "officers"),
        unit=Unit.PERCENT,
        records=_officer_records("meets_days"),
    )
    register_indicator(
        "officers.exam_pass_rate",
        _("Exam pass rate"),
        _rate("passed", "examined"),
        unit=Unit.PERCENT,
        target_setting=law.EXAM_PASS_RATE_TARGET.key,
        records=queryset_records(
            _exams, on="session__held_on", label=_exam_label, url=_exam_url, counted=Q(passed=True)
        ),
    )
    register_indicator(
        "officers.exam_excellent_rate",
        _("Exam excellent rate"),
        _rate("excellent", "examined"),
        unit=Unit.PERCENT,
        target_setting=law.EXAM_EXCELLENT_RATE_TARGET.key,
        records=queryset_records(
            _exams, on="session__held_on", label=_exam_label, url=_exam_url, counted=Q(excellent=True)
        ),
    )
