"""The dashboard from its monthly parts (`centre.figures`): the same figures as computed live, for whole
and partial months and any set of agencies; a constant number of queries whatever the number of
agencies, months and cases."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from zhifa.core.indicators import DateSpan
from zhifa.enforcement.cases import rollup
from zhifa.enforcement.cases.factories import CaseKit
from zhifa.enforcement.cases.models import Case
from zhifa.supervision.centre import dashboard, figures
from zhifa.supervision.centre.models import FigureMonth, MonthlyFigure
from zhifa.supervision.centre.tests.builders import D, decided

pytestmark = pytest.mark.django_db
TODAY = D(2025, 6, 30)


def _registered(c: Case, day: dt.date) -> None:
    at = timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0)))
    rollup.retallied(c.pk, registered_at=at)  # outside the doors: the statistics' roll-up moves with it


def spread(kit: CaseKit, per_month: int = 2) -> None:
    """Decisions from January to June 2025 in both agencies (with fines, a hearing, the power item),
    each case registered in the month before its decision."""
    for month in range(1, 7):
        for i in range(per_month):
            on = D(2025, month, 3 + 7 * i)
            c = decided(
                kit,
                on=on,
                fine=f"{1000 * (i + 1)}.00",
                procedure="simple" if i % 2 else "ordinary",
                hearing_held_on=on - dt.timedelta(days=1) if i == 0 else None,
            )
            _registered(c, on - dt.timedelta(days=20))


def values(agency_ids: list[int], span: DateSpan) -> dict[str, Any]:
    d = dashboard.dashboard(agency_ids, span, trend_end=span.end or TODAY)
    return {
        "tiles": {t.code: t.value for _title, row in d["groups"] for t in row},
        "trend": d["trend"],
        "top": d["top_violations"],
    }


def test_the_parts_give_the_figures_computed_live(kit: CaseKit) -> None:
    spread(kit)
    w = kit.world
    both = [w.agency_a.pk, w.agency_b.pk]
    spans = [
        DateSpan(D(2025, 1, 1), TODAY),  # the default: this year up to today
        DateSpan(D(2025, 2, 10), D(2025, 5, 20)),  # partial months at both ends
        DateSpan(D(2025, 3, 1), D(2025, 3, 31)),  # one whole month
        DateSpan(None, None),
    ]
    live = {(tuple(ids), s): values(ids, s) for ids in (both, [w.agency_a.pk]) for s in spans}
    assert live[(tuple(both), spans[0])]["tiles"]["cases.decided"].value == 12
    assert live[(tuple(both), spans[0])]["top"], "the power item's decisions are listed"
    written = figures.refresh(today=TODAY)
    assert written > 0 and FigureMonth.objects.filter(month=D(2025, 5, 1)).exists()
    assert not FigureMonth.objects.filter(month=D(2025, 6, 1)).exists()  # the current month is live
    for (ids, s), expected in live.items():
        assert values(list(ids), s) == expected, (ids, s)


def test_a_refresh_replaces_a_month_and_the_current_month_is_always_live(kit: CaseKit) -> None:
    spread(kit, per_month=1)
    both = [kit.world.agency_a.pk, kit.world.agency_b.pk]
    figures.refresh(today=TODAY)
    before = MonthlyFigure.objects.count()
    assert figures.refresh(today=TODAY) == before  # the same parts, not added twice
    decided(kit, on=D(2025, 6, 20))  # today's month: shows at once
    assert values(both, DateSpan(D(2025, 1, 1), TODAY))["tiles"]["cases.decided"].value == 7
    late = decided(kit, on=D(2025, 3, 20))  # recorded now with an older date: the next refresh
    assert values(both, DateSpan(D(2025, 1, 1), TODAY))["tiles"]["cases.decided"].value == 7
    figures.refresh([D(2025, 3, 1)], today=TODAY)
    assert values(both, DateSpan(D(2025, 1, 1), TODAY))["tiles"]["cases.decided"].value == 8
    assert late.pk


def test_the_plan_splits_a_period_into_refreshed_months_and_live_days() -> None:
    covered = {D(2025, m, 1) for m in range(1, 6)}
    p = figures.plan(DateSpan(D(2025, 2, 10), D(2025, 6, 15)), covered, TODAY)
    assert p.months == (D(2025, 3, 1), D(2025, 4, 1), D(2025, 5, 1))
    assert p.live == (DateSpan(D(2025, 2, 10), D(2025, 2, 28)), DateSpan(D(2025, 6, 1), D(2025, 6, 15)))
    assert figures.plan(DateSpan(D(2025, 6, 1), TODAY), covered, TODAY).months == ()  # current month
    gap = covered - {D(2025, 2, 1)}  # the longest run of refreshed months; the rest live
    p = figures.plan(DateSpan(D(2025, 1, 1), D(2025, 5, 31)), gap, TODAY)
    assert p.months == (D(2025, 3, 1), D(2025, 4, 1), D(2025, 5, 1))
    assert p.live == (DateSpan(D(2025, 1, 1), D(2025, 2, 28)),)
    assert figures.plan(DateSpan(D(2025, 1, 1), D(2025, 5, 31)), set(), TODAY).months == ()


def _queries(agency_ids: list[int], span: DateSpan) -> int:
    with CaptureQueriesContext(connection) as ctx:
        dashboard.dashboard(agency_ids, span, trend_end=TODAY)
    return len(ctx.captured_queries)


def test_the_dashboard_runs_a_constant_number_of_queries(kit: CaseKit) -> None:
    """The same number of queries for one agency or two, one month or six, few cases or many — with
    the monthly parts and without."""
    w = kit.world
    one, both = [w.agency_a.pk], [w.agency_a.pk, w.agency_b.pk]
    year, june = DateSpan(D(2025, 1, 1), TODAY), DateSpan(D(2025, 6, 1), TODAY)
    spread(kit, per_month=1)
    figures.refresh(today=TODAY)
    small = {_queries(one, year), _queries(both, year), _queries(both, DateSpan(D(2025, 2, 10), TODAY))}
    spread(kit, per_month=3)
    figures.refresh(today=TODAY)
    large = {_queries(one, year), _queries(both, year), _queries(both, DateSpan(D(2025, 2, 10), TODAY))}
    assert small == large and len(large) <= 2, (small, large)  # a partial first month adds its live days
    assert _queries(both, june) <= max(large)
    assert max(large) < 70
