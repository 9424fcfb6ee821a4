"""Cancelling a task and reassigning its inspectors: rows of the task's workflow table (reason, event
row, audit entry), the team checked as the draw checks one; through the engine, the page and the API."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from zhifa.audit.models import AuditEntry
from zhifa.core.errors import Conflict, Forbidden, InvalidInput, RuleViolation
from zhifa.enforcement.inspections import services
from zhifa.enforcement.inspections.factories import make_plan
from zhifa.enforcement.inspections.models import Task, TaskEvent
from zhifa.enforcement.inspections.workflow import task_apply_event
from zhifa.law.services import jurisdiction_setting_set

pytestmark = pytest.mark.django_db


def _task(world: Any, iw: Any, **plan: Any) -> Task:
    p = make_plan(world.approver_a, world.agency_a, iw.items, **({"number": 1} | plan))
    services.plan_draw(actor=world.approver_a, plan_id=p.pk)
    return Task.objects.get(plan=p)


def _team(task: Task) -> list[int]:
    return list(task.inspectors.order_by("position").values_list("officer_id", flat=True))


def _others(iw: Any, task: Task) -> list[int]:
    return [o.pk for o in iw.inspectors if o.pk not in _team(task)]


def _reassign(task: Task, actor: Any, ids: Any, reason: str = "原检查人员出差") -> Task:
    return task_apply_event(
        task_id=task.pk, actor=actor, event="reassign", data={"officer_ids": ids, "reason": reason}
    )


def test_the_approver_reassigns_a_team_with_a_reason(world, iw) -> None:
    task = _task(world, iw)
    before, new = _team(task), _others(iw, task)
    task = _reassign(task, world.approver_a, new)
    assert task.state == "assigned" and _team(task) == new
    row = TaskEvent.objects.get(task=task, kind="reassign")
    assert row.data["reason"] == "原检查人员出差"
    assert [m["officer_id"] for m in row.data["before"]] == before
    assert [m["officer_id"] for m in row.data["after"]] == new
    entry = AuditEntry.objects.filter(action="inspections.reassign").latest("id")
    assert entry.summary["reason"] == "原检查人员出差"
    # the new inspectors now hold the task; the old ones no longer may start it
    old_user = iw.inspectors[[o.pk for o in iw.inspectors].index(before[0])].user
    with pytest.raises(Forbidden):
        task_apply_event(task_id=task.pk, actor=old_user, event="start", data={})
    new_user = iw.inspectors[[o.pk for o in iw.inspectors].index(new[0])].user
    assert task_apply_event(task_id=task.pk, actor=new_user, event="start", data={}).state == "on_site"
    with pytest.raises(Conflict):  # on site: the team has acted, no reassignment
        _reassign(task, world.approver_a, before)


def test_a_reassignment_is_checked_as_the_draw_checks_a_team(world, iw) -> None:
    task = _task(world, iw)
    new = _others(iw, task)
    with pytest.raises(InvalidInput) as exc:
        _reassign(task, world.approver_a, new, reason="  ")
    assert exc.value.detail["field"] == "reason"
    with pytest.raises(RuleViolation) as rv:
        _reassign(task, world.approver_a, new[:1])
    assert rv.value.code == "team_too_small" and "第四十二条" in str(rv.value.message)
    with pytest.raises(InvalidInput) as exc:
        _reassign(task, world.approver_a, _team(task))
    assert exc.value.code == "same_team"
    for bad in ("x", [], ["1", "2"], [True, False]):
        with pytest.raises(InvalidInput):
            _reassign(task, world.approver_a, bad)
    from zhifa.officers.factories import make_officer

    uncredentialed = make_officer(agency=world.agency_a)
    with pytest.raises(RuleViolation) as rv:
        _reassign(task, world.approver_a, [new[0], uncredentialed.pk])
    assert rv.value.code == "inspector_not_qualified"
    task.target.conflicted_officers.add(new[0])
    with pytest.raises(RuleViolation) as rv:
        _reassign(task, world.approver_a, new)
    assert rv.value.code == "inspector_conflict" and "第四十三条" in str(rv.value.message)
    assert not TaskEvent.objects.filter(task=task, kind="reassign").exists()  # nothing changed


def test_a_reassignment_keeps_the_rotation_limits(world, iw) -> None:
    jurisdiction_setting_set(
        actor=world.admin, node=world.city, key="inspections.team_pair_max_per_year", value=1
    )
    first = _task(world, iw, name="专项一")
    second = _task(world, iw, name="专项二")
    pair = _team(first)
    if sorted(_team(second)) == sorted(pair):
        pytest.skip("the draw gave both tasks the same pair")  # cannot happen: the pair limit is 1
    with pytest.raises(RuleViolation) as rv:  # pair already teamed once this year, the limit is 1
        _reassign(second, world.approver_a, pair)
    assert rv.value.code in ("team_pair_limit", "inspector_target_limit")
    task_apply_event(task_id=first.pk, actor=world.approver_a, event="cancel", data={"reason": "企业已注销"})
    if first.target_id != second.target_id:  # a cancelled task's team no longer counts
        assert sorted(_team(_reassign(second, world.approver_a, pair))) == sorted(pair)


def test_a_task_is_cancelled_with_a_reason_and_stays_cancelled(world, iw) -> None:
    task = _task(world, iw)
    inspector = iw.inspectors[[o.pk for o in iw.inspectors].index(_team(task)[0])].user
    with pytest.raises(Forbidden):  # inspectors do not cancel their own tasks
        task_apply_event(task_id=task.pk, actor=inspector, event="cancel", data={"reason": "x"})
    with pytest.raises(InvalidInput):
        task_apply_event(task_id=task.pk, actor=world.approver_a, event="cancel", data={})
    task_apply_event(task_id=task.pk, actor=inspector, event="start", data={})
    task = task_apply_event(
        task_id=task.pk, actor=world.approver_a, event="cancel", data={"reason": "企业已注销"}
    )
    assert task.state == "cancelled"
    row = TaskEvent.objects.get(task=task, kind="cancel")
    assert (row.from_state, row.to_state, row.data["reason"]) == ("on_site", "cancelled", "企业已注销")
    assert AuditEntry.objects.filter(action="inspections.cancel").exists()
    for event in ("start", "record_result", "cancel", "reassign"):
        with pytest.raises(Conflict):
            task_apply_event(task_id=task.pk, actor=world.approver_a, event=event, data={"reason": "x"})


def test_a_task_cancelled_before_the_visit_cannot_be_rated(world, iw) -> None:
    task = _task(world, iw)
    task_apply_event(task_id=task.pk, actor=world.approver_a, event="cancel", data={"reason": "合并检查"})
    r = Client().post(
        f"/api/v1/public/inspection-codes/{task.code}/rating",
        {"visit_confirmed": True, "score": "satisfied"},
        content_type="application/json",
    )
    assert r.status_code == 409 and r.json()["code"] == "task_cancelled"
    page = Client().get(f"/api/v1/public/inspection-codes/{task.code}").json()
    assert page["state"] == "cancelled" and page["can_rate"] is False


def test_reassign_and_cancel_on_the_task_page(world, iw, login_as) -> None:
    task = _task(world, iw)
    client = login_as(world.approver_a)
    page = client.get(f"/inspections/tasks/{task.pk}/").content.decode()
    assert 'id="reassign"' in page and 'id="cancel"' in page
    new = _others(iw, task)
    url = f"/inspections/tasks/{task.pk}/act/reassign/"
    r = client.post(url, {"officer_ids": [str(new[0])], "reason": "出差"})
    assert r.status_code == 422 and "第四十二条" in r.content.decode()  # in place, nothing changed
    assert _team(task) != new
    r = client.post(url, {"officer_ids": [str(i) for i in new], "reason": ""})
    assert r.status_code == 400
    r = client.post(url, {"officer_ids": [str(i) for i in new], "reason": "出差"})
    assert r.status_code == 302 and _team(task) == new
    assert "出差" in client.get(f"/inspections/tasks/{task.pk}/").content.decode()
    r = client.post(f"/inspections/tasks/{task.pk}/act/cancel/", {"reason": "企业已注销"})
    assert r.status_code == 302
    task.refresh_from_db()
    assert task.state == "cancelled"
    page = client.get(f"/inspections/tasks/{task.pk}/").content.decode()
    assert 'id="cancel"' not in page and "企业已注销" in page
    officer_page = login_as(world.officer_a).post(
        f"/inspections/tasks/{task.pk}/act/cancel/", {"reason": "x"}
    )
    assert officer_page.status_code in (403, 404, 409)


def test_reassign_and_cancel_through_the_api(world, iw, api_token) -> None:
    task = _task(world, iw)
    client, auth = Client(), api_token(world.approver_a)
    url = f"/api/v1/inspections/tasks/{task.pk}/events"
    detail = client.get(f"/api/v1/inspections/tasks/{task.pk}", **auth).json()
    assert {"reassign", "cancel"} <= set(detail["allowed_events"])
    post = lambda body: client.post(url, body, content_type="application/json", **auth)  # noqa: E731
    for bad in (
        {"event": "reassign", "officer_ids": "x", "reason": "r"},
        {"event": "reassign", "officer_ids": [1, 2]},  # no reason
        {"event": "reassign", "officer_ids": [], "reason": "r"},
        {"event": "cancel", "reason": "r", "on": "2025-13-01"},
        {"event": "cancel", "reason": "r", "on": "2099-01-01"},
        {"event": "cancel", "reason": ""},
    ):
        assert post(bad).status_code in (400, 422), bad
    assert Task.objects.get(pk=task.pk).state == "assigned"
    new = _others(iw, task)
    r = post({"event": "reassign", "officer_ids": new, "reason": "出差"})
    assert r.status_code == 200, r.content
    assert sorted(m["name"] for m in r.json()["inspectors"]) == sorted(
        o.name for o in iw.inspectors if o.pk in new
    )
    r = post({"event": "cancel", "reason": "企业已注销"})
    assert r.status_code == 200 and r.json()["state"] == "cancelled"
    assert post({"event": "cancel", "reason": "again"}).status_code == 409


def test_a_cancelled_task_leaves_the_plan_completion_rate(world, iw) -> None:
    import datetime as dt

    from zhifa.core.indicators import DateSpan
    from zhifa.enforcement.inspections.indicators import plan_completion_rate

    tasks = [_task(world, iw, name=f"计划{i}") for i in range(2)]
    span = DateSpan(dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    assert plan_completion_rate([world.agency_a.pk], span).denominator == 2
    task_apply_event(
        task_id=tasks[0].pk, actor=world.approver_a, event="cancel", data={"reason": "企业已注销"}
    )
    assert plan_completion_rate([world.agency_a.pk], span).denominator == 1
