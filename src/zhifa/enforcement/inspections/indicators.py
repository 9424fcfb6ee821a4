"""Inspections as registered indicators (`zhifa.core.indicators`): plan completion, publication on
time, findings rate, enterprise satisfaction, repeated inspections. Each counts the tasks of the given
agencies; the dates that place a task in the span are named per indicator."""

from __future__ import annotations

from collections.abc import Collection

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhifa.core.indicators import DateSpan, IndicatorValue, Unit, queryset_records, register_indicator
from zhifa.enforcement.inspections.models import Outcome, Rating, State, Task


def _drawn(agency_ids: Collection[int], span: DateSpan) -> QuerySet[Task]:
    """Tasks drawn in the span and not cancelled (a cancelled task, with its reason on record, is no
    longer the plan's work)."""
    return Task.objects.filter(span.q("draw__drawn_on"), agency_id__in=list(agency_ids)).exclude(
        state=State.CANCELLED
    )


RESULT_RECORDED = Q(result_on__isnull=False)


def plan_completion_rate(agency_ids: Collection[int], span: DateSpan) -> IndicatorValue:
    """Tasks drawn in the span (date of the draw) whose result has been recorded / tasks drawn."""
    qs = _drawn(agency_ids, span)
    return IndicatorValue.percent(qs.filter(RESULT_RECORDED).count(), qs.count())


def _publication_due(agency_ids: Collection[int], span: DateSpan) -> QuerySet[Task]:
    today = timezone.localdate()
    qs = Task.objects.filter(span.q("publish_due_on"), agency_id__in=list(agency_ids))
    return qs.filter(Q(published_on__isnull=False) | Q(publish_due_on__lt=today))


PUBLISHED_IN_TIME = Q(published_in_time=True)


def publication_on_time_rate(agency_ids: Collection[int], span: DateSpan) -> IndicatorValue:
    """Results whose publication fell due in the span: published in time / those published plus
    those still unpublished after their last day (a result not yet due is not counted)."""
    counted = _publication_due(agency_ids, span)
    return IndicatorValue.percent(counted.filter(PUBLISHED_IN_TIME).count(), counted.count())


def _task_label(t: Task) -> str:
    """The inspection code (涉企检查码): the target may be a sole trader, whose name is personal data."""
    return t.code


def _task_url(t: Task) -> str:
    return reverse("inspections:task", args=[t.pk])


def findings_rate(agency_ids: Collection[int], span: DateSpan) -> IndicatorValue:
    """Results recorded in the span with problems found / results recorded in the span."""
    qs = Task.objects.filter(span.q("result_on"), agency_id__in=list(agency_ids))
    return IndicatorValue.percent(qs.filter(outcome=Outcome.PROBLEMS_FOUND).count(), qs.count())


def satisfaction_rate(agency_ids: Collection[int], span: DateSpan) -> IndicatorValue:
    """(满意 + 基本满意) / ratings given in the span, for the agencies' inspections."""
    qs = Rating.objects.filter(span.q("on"), task__agency_id__in=list(agency_ids))
    good = qs.filter(score__in=[Rating.Score.SATISFIED, Rating.Score.BASICALLY]).count()
    return IndicatorValue.percent(good, qs.count())


def repeated_inspections(agency_ids: Collection[int], span: DateSpan) -> IndicatorValue:
    """Visits in the span (date on site) to an enterprise that any agency had already visited earlier
    in the same calendar year (by credit code; by directory entry for a target without one)."""
    visits = Task.objects.filter(span.q("on_site_on"), agency_id__in=list(agency_ids)).select_related(
        "target"
    )
    count = 0
    for task in visits:
        assert task.on_site_on is not None
        same = (
            Q(target__credit_code=task.target.credit_code)
            if task.target.credit_code
            else Q(target_id=task.target_id)
        )
        earlier = Task.objects.filter(
            same, on_site_on__year=task.on_site_on.year, on_site_on__lte=task.on_site_on
        ).exclude(pk=task.pk)
        # Two visits on one day: only the later-created one is the repeat.
        earlier = earlier.filter(Q(on_site_on__lt=task.on_site_on) | Q(pk__lt=task.pk))
        if earlier.exists():
            count += 1
    return IndicatorValue.count(count)


def register() -> None:
    register_indicator(
        "inspections.plan_completion_rate",
        _("Inspection tasks completed"),
        plan_completion_rate,
        unit=Unit.PERCENT,
        records=queryset_records(
            _drawn, on="draw__drawn_on", label=_task_label, url=_task_url, counted=RESULT_RECORDED
        ),
    )
    register_indicator(
        "inspections.publication_on_time_rate",
        _("Inspection results published on time"),
        publication_on_time_rate,
        unit=Unit.PERCENT,
        records=queryset_records(
            _publication_due,
            on="publish_due_on",
            label=_task_label,
            url=_task_url,
            counted=PUBLISHED_IN_TIME,
        ),
    )
    register_indicator(
        "inspections.findings_rate",
        _("Inspections finding problems"),
        findings_rate,
        unit=Unit.PERCENT,
        higher_is_better=False,
    )
    register_indicator(
        "inspections.satisfaction_rate",
        _("Enterprise satisfaction with inspections"),
        satisfaction_rate,
        unit=Unit.PERCENT,
    )
    register_indicator(
        "inspections.repeated_inspections",
        _("Repeated inspections of one enterprise"),
        repeated_inspections,
        unit=Unit.COUNT,
        higher_is_better=False,
    )
