"""The task workflow, driven through the engine: every step, its refusals, the publication deadline
across a holiday, the frequency and repeated-item alerts, conversion into a case."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

from zhifa.core.errors import Conflict, Forbidden, InvalidInput, NotFound, RuleViolation
from zhifa.enforcement.inspections import services
from zhifa.enforcement.inspections.factories import make_plan, make_target
from zhifa.enforcement.inspections.models import Task, TaskEvent
from zhifa.enforcement.inspections.workflow import DEADLINE_KIND, task_apply_event
from zhifa.foundation.alerts.models import Alert
from zhifa.foundation.deadlines import services as deadlines
from zhifa.law.services import jurisdiction_setting_set

pytestmark = pytest.mark.django_db


def _tasks(world: Any, iw: Any, **plan: Any) -> list[Task]:
    p = make_plan(world.approver_a, world.agency_a, iw.items, **({"number": 2} | plan))
    row = services.plan_draw(actor=world.approver_a, plan_id=p.pk)
    return list(Task.objects.filter(draw=row).order_by("position"))


def _inspector(task: Task) -> Any:
    return task.inspectors.order_by("position").first().officer.user  # type: ignore[union-attr]


def _outsider_officer(world: Any, task: Task) -> Any:
    mine = set(task.inspectors.values_list("officer__user_id", flat=True))
    for name in ("officer_a", "officer_a2", "inspector_3", "inspector_4"):
        if world.users[name].pk not in mine:
            return world.users[name]
    raise AssertionError


def _record(task: Task, user: Any, **data: Any) -> Task:
    payload = {"outcome": "no_problem", "signed_by": "王经理"} | data
    return task_apply_event(task_id=task.pk, actor=user, event="record_result", data=payload)


def test_a_task_goes_from_assigned_to_published(world, iw) -> None:
    task = _tasks(world, iw)[0]
    user = _inspector(task)
    task = task_apply_event(task_id=task.pk, actor=user, event="start", data={})
    assert task.state == "on_site" and task.on_site_on == dt.date(2025, 6, 3)
    task = _record(task, user)
    assert task.state == "result_recorded" and task.publish_due_on is not None
    row = deadlines.open_rows(deadlines.Subject("inspections.task", task.pk), [DEADLINE_KIND])[0]
    assert row.due_on == task.publish_due_on and row.days == 20
    task = task_apply_event(task_id=task.pk, actor=world.approver_a, event="publish", data={})
    assert task.state == "published" and task.published_in_time is True
    assert list(TaskEvent.objects.filter(task=task).order_by("id").values_list("kind", flat=True)) == [
        "start",
        "record_result",
        "publish",
    ]
    assert not deadlines.open_rows(deadlines.Subject("inspections.task", task.pk))


def test_only_the_tasks_inspectors_go_on_site_and_record(world, iw) -> None:
    task = _tasks(world, iw)[0]
    with pytest.raises(Forbidden):
        task_apply_event(task_id=task.pk, actor=_outsider_officer(world, task), event="start", data={})
    with pytest.raises(NotFound):
        task_apply_event(task_id=task.pk, actor=world.officer_b, event="start", data={})
    with pytest.raises(Forbidden):  # an approver publishes but does not inspect
        task_apply_event(task_id=task.pk, actor=world.approver_a, event="start", data={})


def test_steps_out_of_order_are_refused(world, iw) -> None:
    task = _tasks(world, iw)[0]
    user = _inspector(task)
    with pytest.raises(Conflict):
        _record(task, user)
    with pytest.raises(Conflict):
        task_apply_event(task_id=task.pk, actor=world.approver_a, event="publish", data={})
    with pytest.raises(InvalidInput):
        task_apply_event(task_id=task.pk, actor=user, event="fly", data={})


def test_the_result_needs_a_signature_or_a_noted_refusal(world, iw) -> None:
    task = _tasks(world, iw)[0]
    user = _inspector(task)
    task_apply_event(task_id=task.pk, actor=user, event="start", data={})
    with pytest.raises(InvalidInput) as exc:
        _record(task, user, signed_by="")
    assert exc.value.code == "signature_or_refusal"
    with pytest.raises(InvalidInput):
        _record(task, user, outcome="problems_found", findings="")
    task = _record(task, user, signed_by="", refusal_note="负责人拒绝签字，两名执法人员在场见证")
    assert task.refusal_note and not task.signed_by


def test_an_inspector_whose_credential_lapsed_cannot_start(world, iw) -> None:
    task = _tasks(world, iw)[0]
    officer = task.inspectors.order_by("position").last().officer  # type: ignore[union-attr]
    officer.credentials.update(status="revoked")
    with pytest.raises(RuleViolation) as exc:
        task_apply_event(task_id=task.pk, actor=_inspector(task), event="start", data={})
    assert exc.value.code == "inspector_not_qualified" and "第四十二条" in exc.value.detail["article"]
    assert Task.objects.get(pk=task.pk).state == "assigned"


def test_publication_deadline_at_its_edge_across_national_day(world, iw) -> None:
    first, second = _tasks(world, iw)
    with time_machine.travel(dt.datetime(2025, 10, 24, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        for task in (first, second):
            user = _inspector(task)
            task_apply_event(task_id=task.pk, actor=user, event="start", data={"on": "2025-09-19"})
            _record(task, user, on="2025-09-19")
        first.refresh_from_db()
        # 20 working days after Fri 19 Sep: the 国庆 holiday (1–8 Oct) is skipped, the make-up working
        # days Sun 28 Sep and Sat 11 Oct count.
        assert first.publish_due_on == dt.date(2025, 10, 23)
        on_time = task_apply_event(
            task_id=first.pk, actor=world.approver_a, event="publish", data={"on": "2025-10-23"}
        )
        assert on_time.published_in_time is True
        counts = deadlines.deadlines_refresh(today=dt.date(2025, 10, 24))
        assert counts["overdue"] == 1
        key = f"inspections.task:{second.pk}:{DEADLINE_KIND}"
        assert Alert.objects.filter(key=key, resolved_at__isnull=True).exists()
        late = task_apply_event(
            task_id=second.pk, actor=world.approver_a, event="publish", data={"on": "2025-10-24"}
        )
        assert late.published_in_time is False
        assert not Alert.objects.filter(key=key, resolved_at__isnull=True).exists()


def test_the_frequency_alert_fires_above_the_yearly_number(world, iw) -> None:
    jurisdiction_setting_set(
        actor=world.admin, node=world.city, key="inspections.inspector_target_max_per_year", value=5
    )
    target = make_target(world.approver_a, world.agency_a, industry="餐饮")
    tasks = [_tasks(world, iw, number=1, filter_industry="餐饮", name=f"专项{i}")[0] for i in range(3)]
    assert {t.target_id for t in tasks} == {target.pk}
    frequency = Alert.objects.filter(kind="inspection_frequency")
    task_apply_event(task_id=tasks[0].pk, actor=_inspector(tasks[0]), event="start", data={})
    assert not Alert.objects.filter(kind="inspection_repeated_item").exists()
    task_apply_event(task_id=tasks[1].pk, actor=_inspector(tasks[1]), event="start", data={})
    assert not frequency.exists()  # two a year is the default limit: within it
    assert Alert.objects.filter(kind="inspection_repeated_item").count() == 2  # both items again
    task_apply_event(task_id=tasks[2].pk, actor=_inspector(tasks[2]), event="start", data={})
    alert = frequency.get()
    assert "3" in alert.title and "国办发" in alert.article
    from django.test import Client

    code = Client().get(f"/api/v1/public/inspection-codes/{tasks[2].code}").json()
    assert code["inspections_this_year"] == 3 and code["yearly_limit"] == 2 and code["too_often"] is True


def test_a_finding_is_converted_into_a_case_once(world, iw) -> None:
    task = _tasks(world, iw)[0]
    user = _inspector(task)
    task_apply_event(task_id=task.pk, actor=user, event="start", data={})
    _record(task, user, outcome="problems_found", findings="擅自设置大型户外广告")
    task = task_apply_event(task_id=task.pk, actor=user, event="convert", data={})
    from zhifa.enforcement.cases.models import Case

    case = Case.objects.get(pk=task.case_id)
    assert case.source == "inspection" and case.source_ref == task.code
    assert case.party_id_number == task.target.credit_code and case.facts == "擅自设置大型户外广告"
    assert task.state == "result_recorded"
    with pytest.raises(Conflict):
        task_apply_event(task_id=task.pk, actor=user, event="convert", data={})


def test_a_result_without_problems_cannot_be_converted(world, iw) -> None:
    task = _tasks(world, iw)[0]
    user = _inspector(task)
    task_apply_event(task_id=task.pk, actor=user, event="start", data={})
    _record(task, user)
    with pytest.raises(RuleViolation):
        task_apply_event(task_id=task.pk, actor=user, event="convert", data={})


def test_the_enterprise_rates_once_after_the_visit(world, iw) -> None:
    task = _tasks(world, iw)[0]
    with pytest.raises(Conflict):
        services.rating_submit(code=task.code, visit_confirmed=True, score="satisfied")
    task_apply_event(task_id=task.pk, actor=_inspector(task), event="start", data={})
    rating = services.rating_submit(code=task.code.lower(), visit_confirmed=True, score="satisfied")
    assert rating.task_id == task.pk
    with pytest.raises(Conflict):
        services.rating_submit(code=task.code, visit_confirmed=True, score="dissatisfied")
    with pytest.raises(NotFound):
        services.rating_submit(code="JCNOPE", visit_confirmed=True, score="satisfied")


def test_an_enterprise_denying_the_visit_alerts_supervision(world, iw) -> None:
    task = _tasks(world, iw)[0]
    task_apply_event(task_id=task.pk, actor=_inspector(task), event="start", data={})
    services.rating_submit(code=task.code, visit_confirmed=False, score="dissatisfied")
    alert = Alert.objects.get(kind="inspection_visit_denied")
    assert alert.agency_id == task.agency_id and task.code in alert.title
