"""The registered indicators against hand counts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

from zhifa.core.indicators import DateSpan, indicator_value
from zhifa.enforcement.inspections import services
from zhifa.enforcement.inspections.factories import make_plan, make_target
from zhifa.enforcement.inspections.models import Task
from zhifa.enforcement.inspections.workflow import task_apply_event
from zhifa.law.services import jurisdiction_setting_set

pytestmark = pytest.mark.django_db
YEAR = DateSpan.year(2025)


def _value(world: Any, code: str, span: DateSpan = YEAR) -> Decimal | None:
    return indicator_value(code, [world.agency_a.pk], span).value


def _inspector(task: Task) -> Any:
    return task.inspectors.order_by("position").first().officer.user  # type: ignore[union-attr]


def test_indicators_match_hand_counts(world, iw) -> None:
    plan = make_plan(world.approver_a, world.agency_a, iw.items, number=4)
    services.plan_draw(actor=world.approver_a, plan_id=plan.pk)
    t1, t2, t3, _t4 = Task.objects.filter(plan=plan).order_by("position")
    for t in (t1, t2, t3):
        task_apply_event(task_id=t.pk, actor=_inspector(t), event="start", data={})
    task_apply_event(
        task_id=t1.pk,
        actor=_inspector(t1),
        event="record_result",
        data={"outcome": "problems_found", "findings": "未按规定设置", "signed_by": "甲"},
    )
    task_apply_event(
        task_id=t2.pk,
        actor=_inspector(t2),
        event="record_result",
        data={"outcome": "no_problem", "signed_by": "乙"},
    )
    task_apply_event(task_id=t1.pk, actor=world.approver_a, event="publish", data={})
    for t, score in ((t1, "satisfied"), (t2, "dissatisfied"), (t3, "basically")):
        services.rating_submit(code=t.code, visit_confirmed=True, score=score)
    assert _value(world, "inspections.plan_completion_rate") == Decimal("50.0")  # 2 of 4
    assert _value(world, "inspections.findings_rate") == Decimal("50.0")  # 1 of 2
    assert _value(world, "inspections.satisfaction_rate") == Decimal("66.7")  # 2 of 3
    assert _value(world, "inspections.publication_on_time_rate") == Decimal("100.0")  # t2 not due yet
    assert _value(world, "inspections.repeated_inspections") == Decimal(0)
    assert indicator_value("inspections.plan_completion_rate", [world.agency_b.pk], YEAR).value is None
    t2.refresh_from_db()
    assert t2.publish_due_on is not None
    later = dt.datetime.combine(
        t2.publish_due_on + dt.timedelta(days=1), dt.time(10), tzinfo=ZoneInfo("Asia/Shanghai")
    )
    with time_machine.travel(later, tick=False):
        assert _value(world, "inspections.publication_on_time_rate") == Decimal("50.0")  # t2 overdue


def test_a_second_visit_in_the_year_counts_as_repeated(world, iw) -> None:
    jurisdiction_setting_set(
        actor=world.admin, node=world.city, key="inspections.inspector_target_max_per_year", value=3
    )
    make_target(world.approver_a, world.agency_a, industry="餐饮")
    tasks = []
    for i in range(2):
        p = make_plan(
            world.approver_a, world.agency_a, iw.items, number=1, filter_industry="餐饮", name=f"专项{i}"
        )
        services.plan_draw(actor=world.approver_a, plan_id=p.pk)
        tasks.append(Task.objects.get(plan=p))
    for t in tasks:
        task_apply_event(task_id=t.pk, actor=_inspector(t), event="start", data={})
    assert _value(world, "inspections.repeated_inspections") == Decimal(1)
    assert _value(world, "inspections.repeated_inspections", DateSpan.year(2024)) == Decimal(0)
