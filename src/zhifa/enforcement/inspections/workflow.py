"""The inspection task's workflow on the shared engine (`zhifa.core.workflow`):

    assigned → on_site → result_recorded → published
       │  │       │                └── convert (a finding becomes a case; the state stays)
       │  └───────┴── cancel (with a reason) → cancelled
       └── reassign (a new team, checked as the draw checks one; with a reason)

The inspectors of the task go on site, record the result (outcome, findings, the enterprise's
signature or its refusal) and may convert a finding into a case registration (source `inspection`);
the agency publishes the result within the jurisdiction's window (20 working days by default,
国办发〔2018〕118号), a deadline on `core.deadlines` whose daily refresh raises the overdue alert.
Going on site raises the supervision alerts on frequency and repeated items (alerts, not refusals).
`docs/workflow-inspections.md` is drawn from this table.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhifa.core import workflow
from zhifa.core.errors import Conflict, InvalidInput, NotFound, RuleViolation
from zhifa.enforcement.inspections import services
from zhifa.enforcement.inspections.common import INSPECTOR_ROLES, PLAN_ROLES, PUBLISH_ROLES, text
from zhifa.enforcement.inspections.models import Outcome, State, Task, TaskEvent, TaskInspector
from zhifa.enforcement.inspections.selectors import is_inspector
from zhifa.foundation.deadlines import services as deadlines
from zhifa.law import inspection as rules
from zhifa.law import jurisdiction
from zhifa.officers.rules import can_enforce
from zhifa.org.selectors import user_can_see_agency

DEADLINE_KIND = "inspection_result_publication"
OBJECT_TYPE = "inspections.task"
FREQUENCY_ALERT = "inspection_frequency"
REPEATED_ITEM_ALERT = "inspection_repeated_item"
INSPECTOR_EVENTS = frozenset({"start", "record_result", "convert"})

T = workflow.Transition
TABLE = workflow.Table(
    State.values,
    (
        T(
            "start",
            gettext_lazy("Arrive on site"),
            frozenset({State.ASSIGNED}),
            State.ON_SITE,
            INSPECTOR_ROLES,
            date_field="on",
            guards=(
                f"one of the task's inspectors; every inspector's credential valid for the plan's area ({rules.ARTICLE_TEAM})",
                f"alerts: more than the yearly number of inspections of the enterprise ({rules.ARTICLE_FREQUENCY}); the same item twice in a year ({rules.ARTICLE_SAME_ITEM})",
            ),
        ),
        T(
            "record_result",
            gettext_lazy("Record the result"),
            frozenset({State.ON_SITE}),
            State.RESULT_RECORDED,
            INSPECTOR_ROLES,
            date_field="on",
            guards=(
                "outcome; findings when problems were found; the enterprise's signature or its refusal noted",
            ),
            creates=(
                f"deadline: publish the result within 20 working days (setting; {rules.ARTICLE_PUBLISH})",
            ),
        ),
        T(
            "publish",
            gettext_lazy("Publish the result"),
            frozenset({State.RESULT_RECORDED}),
            State.PUBLISHED,
            PUBLISH_ROLES,
            date_field="on",
            guards=(f"on time against the publication deadline ({rules.ARTICLE_PUBLISH})",),
        ),
        T(
            "convert",
            gettext_lazy("Convert the finding into a case"),
            frozenset({State.RESULT_RECORDED, State.PUBLISHED}),
            None,
            INSPECTOR_ROLES,
            guards=("problems were found; not converted before",),
            creates=("a case registered with source “inspection” (cases.services.case_register)",),
        ),
        T(
            "reassign",
            gettext_lazy("Reassign the inspectors"),
            frozenset({State.ASSIGNED}),
            None,
            PLAN_ROLES,
            guards=(
                "a reason; a different team of the plan's size (at least two) from the directory of inspectors on the day "
                f"({rules.ARTICLE_TEAM}); nobody on the target's conflict list ({rules.ARTICLE_RECUSAL}); "
                f"the rotation limits of the year ({rules.ARTICLE_ROTATION})",
            ),
            creates=("the old and new teams and the reason on the event row",),
        ),
        T(
            "cancel",
            gettext_lazy("Cancel the task"),
            frozenset({State.ASSIGNED, State.ON_SITE}),
            State.CANCELLED,
            PLAN_ROLES,
            date_field="on",
            guards=("a reason (e.g. the enterprise deregistered, merged into another inspection)",),
        ),
    ),
)


def subject(task: Task) -> deadlines.Subject:
    return deadlines.Subject(OBJECT_TYPE, task.pk, task.agency_id)


class TaskWorkflow(workflow.Workflow[Task, workflow.Transition]):
    name = "inspections"
    noun = gettext_lazy("inspection task")
    table = TABLE
    handlers = workflow.Handlers()

    def load(self, obj_id: int, actor: Any) -> Task:
        from zhifa.enforcement.inspections.common import READ_ROLES

        task = Task.objects.select_for_update().filter(pk=obj_id).first()
        if task is None or not user_can_see_agency(actor, task.agency_id, roles=READ_ROLES):
            raise NotFound(_("Unknown task, or not visible to you."))
        return task

    def may_apply(self, actor: Any, obj: Task, t: workflow.Transition) -> bool:
        if not user_can_see_agency(actor, obj.agency_id, roles=t.roles):
            return False
        return t.event not in INSPECTOR_EVENTS or is_inspector(actor, obj)

    def not_before(self, t: workflow.Transition, obj: Task) -> dt.date | None:
        steps = {
            "start": obj.draw.drawn_on,
            "record_result": obj.on_site_on,
            "publish": obj.result_on,
            "cancel": obj.on_site_on or obj.draw.drawn_on,
        }
        return steps.get(t.event)

    def write_event(
        self, obj: Task, ctx: Any, *, from_state: str, to_state: str, now: dt.datetime
    ) -> TaskEvent:
        row = workflow.event_row(
            ctx, from_state=from_state, to_state=to_state, now=now, name_attrs=("display_name", "username")
        )
        return TaskEvent.objects.create(task=obj, **row)

    def audit_summary(
        self, obj: Task, ctx: Any, row: Any, *, from_state: str, to_state: str
    ) -> dict[str, Any]:
        summary = super().audit_summary(obj, ctx, row, from_state=from_state, to_state=to_state)
        for key in ("reason", "before", "after"):
            if key in ctx.record:
                summary[key] = workflow.jsonable({key: ctx.record[key]})[key]
        return summary

    def resolved_alerts(self, obj: Task, ctx: Any) -> list[str]:
        if ctx.transition.event == "publish":
            return [f"{OBJECT_TYPE}:{obj.pk}:{DEADLINE_KIND}"]
        return []

    def state_labels(self) -> list[tuple[str, str]]:
        return [(str(v), str(label)) for v, label in State.choices]


TASKS = TaskWorkflow()
H = TaskWorkflow.handlers


def _same_enterprise(task: Task) -> Q:
    """Inspections of the same enterprise: by credit code across agencies (an enterprise sits in several
    directories), by the directory entry for a target without one."""
    target = task.target
    if target.credit_code:
        return Q(target__credit_code=target.credit_code)
    return Q(target_id=target.pk)


def inspections_this_year(task: Task, year: int) -> int:
    """Visits on site of the task's enterprise in `year`, by every agency."""
    return Task.objects.filter(_same_enterprise(task), on_site_on__year=year).count()


@H.handles("start")
def _start(ctx: Any) -> None:
    task: Task = ctx.obj
    for member in task.inspectors.select_related("officer").order_by("position"):
        ok = can_enforce(member.officer, on=ctx.act_on, area=task.plan.enforcement_area)
        if not ok:
            raise RuleViolation(ok.reason, code="inspector_not_qualified", article=rules.ARTICLE_TEAM)
    ctx.set(on_site_on=ctx.act_on)
    ctx.record["on"] = ctx.act_on
    _raise_frequency_alerts(task, ctx.act_on)


def _raise_frequency_alerts(task: Task, on: dt.date) -> None:
    from zhifa.foundation.alerts.services import alert_raise

    others = Task.objects.filter(_same_enterprise(task), on_site_on__year=on.year).exclude(pk=task.pk)
    dates = [d for d in others.values_list("on_site_on", flat=True) if d is not None] + [on]
    limit = jurisdiction.applied(rules.ENTERPRISE_MAX_PER_YEAR.key, agency=task.agency).value
    freq = rules.frequency_alert(inspection_dates=dates, year=on.year, limit=limit)
    if freq is not None:
        alert_raise(
            kind=FREQUENCY_ALERT,
            key=f"inspections.enterprise:{task.target.draw_id}:{on.year}:frequency",
            agency_id=task.agency_id,
            title=_("%(name)s inspected %(count)d times in %(year)d (more than %(limit)d)")
            % {"name": task.target.name, "count": freq.count, "year": freq.year, "limit": freq.limit},
            object_type=OBJECT_TYPE,
            object_id=str(task.pk),
            article=freq.article,
        )
    earlier = [
        (day, code)
        for day, code in others.filter(on_site_on__lte=on).values_list("on_site_on", "plan__items__code")
        if code and day is not None
    ]
    for code in task.plan.items.values_list("code", flat=True):
        repeated = rules.repeated_item_alert(item=code, on=on, earlier=earlier)
        if repeated is not None:
            alert_raise(
                kind=REPEATED_ITEM_ALERT,
                key=f"{OBJECT_TYPE}:{task.pk}:repeated_item:{code}",
                agency_id=task.agency_id,
                title=_("%(name)s inspected again on item %(item)s (last on %(earlier)s)")
                % {"name": task.target.name, "item": code, "earlier": repeated.earlier_on.isoformat()},
                object_type=OBJECT_TYPE,
                object_id=str(task.pk),
                article=repeated.article,
            )


@H.handles("record_result")
def _record_result(ctx: Any) -> None:
    task: Task = ctx.obj
    data = ctx.data
    outcome = str(data.get("outcome") or "")
    if outcome not in Outcome.values:
        raise InvalidInput(
            _("outcome must be one of: %(choices)s.") % {"choices": ", ".join(Outcome.values)},
            detail={"field": "outcome"},
        )
    findings = text(data, "findings", required=outcome == Outcome.PROBLEMS_FOUND, max_length=5000)
    signed_by = text(data, "signed_by", required=False, max_length=50)
    refusal = text(data, "refusal_note", required=False, max_length=300)
    if outcome != Outcome.NOT_LOCATED and bool(signed_by) == bool(refusal):
        raise InvalidInput(
            _(
                "Give the name of the person who signed the record, or note that the enterprise refused to sign."
            ),
            code="signature_or_refusal",
            detail={"field": "signed_by"},
        )
    window = rules.result_publication_window(agency=task.agency)
    due = rules.result_publication_due(ctx.act_on, window_days=window.value)
    ctx.set(
        outcome=outcome,
        findings=findings,
        signed_by=signed_by,
        refusal_note=refusal,
        result_on=ctx.act_on,
        publish_due_on=due.on,
        publish_due_provisional=due.provisional,
    )
    ctx.record.update(outcome=outcome, signed=bool(signed_by), refused=bool(refusal), publish_due_on=due.on)
    deadlines.deadline_open(
        subject(task),
        kind=DEADLINE_KIND,
        period=rules.result_publication_period(window.value),
        start_on=ctx.act_on,
        setting={"key": rules.RESULT_PUBLISH_WORKING_DAYS.key, "value": window.value},
        today=ctx.today,
    )


@H.handles("publish")
def _publish(ctx: Any) -> None:
    task: Task = ctx.obj
    assert task.result_on is not None
    rows = deadlines.open_rows(subject(task), [DEADLINE_KIND])
    window = rows[0].days if rows else rules.result_publication_window(agency=task.agency).value
    in_time = not rules.result_publication_overdue(task.result_on, on=ctx.act_on, window_days=window)
    deadlines.deadline_resolve(subject(task), kind=DEADLINE_KIND, on=ctx.act_on)
    ctx.set(published_on=ctx.act_on, published_in_time=in_time)
    ctx.record.update(in_time=in_time)


@H.handles("convert")
def _convert(ctx: Any) -> None:
    from zhifa.enforcement.cases.services import case_register

    task: Task = ctx.obj
    if task.outcome != Outcome.PROBLEMS_FOUND:
        raise RuleViolation(
            _("Only a result with problems found can be converted into a case."),
            code="nothing_to_convert",
        )
    if task.case_id is not None:
        raise Conflict(_("This finding has already been converted into a case."), code="already_converted")
    target = task.target
    party = ctx.data.get("party") or {}
    if not isinstance(party, dict):
        raise InvalidInput(_("party must be an object."), detail={"field": "party"})
    data = {
        "agency_id": task.agency_id,
        "procedure": ctx.data.get("procedure") or "ordinary",
        "source": "inspection",
        "source_ref": task.code,
        "party": {
            "kind": party.get("kind") or "organisation",
            "name": party.get("name") or target.name,
            "id_number": party.get("id_number") or target.credit_code,
            "phone": party.get("phone") or "",
            "address": party.get("address") or target.address,
        },
        "facts": ctx.data.get("facts") or task.findings,
        "occurred_on": ctx.data.get("occurred_on") or task.on_site_on,
        "location": target.address,
    }
    if ctx.data.get("power_item_id") is not None:
        data["power_item_id"] = ctx.data["power_item_id"]
    case = case_register(actor=ctx.actor, data=data)
    ctx.set(case_id=case.pk, case_number=case.number or "")
    ctx.record.update(case_id=case.pk)


def task_apply_event(*, task_id: int, actor: Any, event: str, data: dict[str, Any]) -> Task:
    """The only door that changes a task's state."""
    return workflow.apply_event(TASKS, obj_id=task_id, actor=actor, event=event, data=data)


def _reason(ctx: Any) -> str:
    return text(ctx.data, "reason", max_length=500)


@H.handles("reassign")
def _reassign(ctx: Any) -> None:
    task: Task = ctx.obj
    reason = _reason(ctx)
    before = [
        (m.officer_id, m.officer.name) for m in task.inspectors.select_related("officer").order_by("position")
    ]
    team = services.team_for_reassignment(task, ctx.data.get("officer_ids"), on=ctx.today)
    TaskInspector.objects.filter(task=task).delete()
    TaskInspector.objects.bulk_create(
        TaskInspector(task=task, officer=o, position=i) for i, o in enumerate(team, start=1)
    )
    ctx.record.update(
        reason=reason,
        before=[{"officer_id": i, "name": n} for i, n in before],
        after=[{"officer_id": o.pk, "name": o.name} for o in team],
    )


@H.handles("cancel")
def _cancel(ctx: Any) -> None:
    ctx.record.update(reason=_reason(ctx))
