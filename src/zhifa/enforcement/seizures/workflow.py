"""The lifecycle of a seizure (查封、扣押、暂扣, 先行登记保存) as data, applied by the shared engine
(`zhifa.core.workflow.apply_event`) with `SeizureWorkflow`:

    [*] → active (record) → active (approve, extend, appraisal_start, appraisal_end, dispose of some items)
                          → disposed (dispose of the last items, or the head's refusal of an emergency measure)

The measure is in force until every item on its list has been dealt with (行政强制法第二十七、二十八条);
what happens meanwhile (the afterwards approval, the one extension, testing periods, part dispositions)
leaves it in force and is a row of the table all the same: each step is locked, checked against this
table and its roles, dated, written as one append-only `SeizureEvent`, audited as `seizures.<event>`,
and answers its alerts the same way. The handlers (the guards that are not data, the documents, the
term on the deadline engine) are in `services.py`. `docs/workflow-seizures.md` is drawn from this table.

Recording a measure creates the row (`services.seizure_record`): it is the table's creating row
(drawn from [*]) and writes its event row and audit entry through the same workflow object.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from zhifa.core import workflow
from zhifa.core.errors import NotFound
from zhifa.enforcement.cases.models import Case
from zhifa.enforcement.seizures.models import Seizure, SeizureEvent
from zhifa.law import coercion
from zhifa.law import seizure as law
from zhifa.org.roles import Role
from zhifa.org.selectors import scope_agency_ids, user_can_see_agency

S = Seizure.Status
# The same role rules as evidence: officers and approvers of the agency write, its approvers (the
# head and deputies, 行政机关负责人) approve.
WRITERS = frozenset({Role.OFFICER, Role.APPROVER})
APPROVERS = frozenset({Role.APPROVER})
EMERGENCY_ALERT = "seizure_emergency_unapproved"

T = workflow.Transition
TABLE = workflow.Table(
    S.values,
    (
        T(
            "record",
            pgettext_lazy("seizure step", "Record the measure"),
            frozenset(),
            S.ACTIVE,
            WRITERS,
            date_field="started_at",
            guards=(
                f"the head's approval beforehand ({law.ARTICLE_PROCEDURE}第一项), or an emergency approved "
                f"within 24 hours ({law.ARTICLE_EMERGENCY})",
                f"two officers with valid credentials; the party present or a witness ({law.ARTICLE_PROCEDURE})",
                f"reason, basis, item list and where the property is kept ({law.ARTICLE_DECISION})",
                "not refused at night or on a day off: a measure is not enforcement (行政强制法第二条、第四十三条)",
            ),
            creates=(
                f"deadline: term, 30 days ({law.ARTICLE_TERM}); preservation: 7 working days "
                f"({law.ARTICLE_PRESERVATION})",
                "an on-site action (mandatory video); preservation applies the case's record_preservation",
            ),
            documents=("查封（扣押、暂扣）决定书及清单 / 先行登记保存通知书",),
        ),
        T(
            "approve",
            pgettext_lazy("seizure step", "Approve afterwards"),
            frozenset({S.ACTIVE}),
            None,
            APPROVERS,
            guards=(
                f"an emergency measure not approved yet; approved more than 24 hours after it was taken: "
                f"recorded as late ({law.ARTICLE_EMERGENCY})",
            ),
        ),
        T(
            "refuse_emergency",
            pgettext_lazy("seizure step", "Refuse the emergency measure"),
            frozenset({S.ACTIVE}),
            S.DISPOSED,
            APPROVERS,
            guards=(
                f"an emergency measure awaiting approval; the reason: it is lifted at once ({coercion.ART_19})",
            ),
            creates=("every item returned (a disposition); the term met",),
            documents=("解除查封（扣押）决定书",),
        ),
        T(
            "extend",
            pgettext_lazy("seizure step", "Extend the term"),
            frozenset({S.ACTIVE}),
            None,
            APPROVERS,
            date_field="decided_on",
            guards=(
                f"once, by at most 30 days, before the term ends, with a reason ({law.ARTICLE_TERM})",
                f"never for preserved evidence ({law.ARTICLE_PRESERVATION})",
            ),
            creates=("the term's deadline extended",),
            documents=("延长查封（扣押）期限决定书",),
        ),
        T(
            "appraisal_start",
            pgettext_lazy("seizure step", "Start testing"),
            frozenset({S.ACTIVE}),
            None,
            WRITERS,
            date_field="started_on",
            guards=(
                f"one period at a time, before the term ends, the party told in writing ({law.ARTICLE_TERM}第三款)",
                f"never for preserved evidence ({law.ARTICLE_PRESERVATION})",
            ),
            creates=("the term's deadline suspended",),
        ),
        T(
            "appraisal_end",
            pgettext_lazy("seizure step", "End testing"),
            frozenset({S.ACTIVE}),
            None,
            WRITERS,
            date_field="ended_on",
            guards=("a period under way",),
            creates=(f"the term resumes with the testing days left out ({law.ARTICLE_TERM}第三款)",),
        ),
        T(
            "dispose",
            pgettext_lazy("seizure step", "Deal with items"),
            frozenset({S.ACTIVE}),
            None,
            WRITERS,
            date_field="decided_on",
            targets=(S.ACTIVE, S.DISPOSED),
            guards=(
                f"confiscation only once the case's decision orders it ({law.ARTICLE_OUTCOME})",
                f"a sale with its proceeds ({law.ARTICLE_RELEASE}第二款); destruction with its legal basis",
                "after the term: recorded as late",
            ),
            creates=(
                "the last items end the measure: the term met; preservation applies the case's "
                "resolve_preservation",
            ),
            documents=("解除／没收／拍卖（变卖）／销毁／移送决定书",),
        ),
    ),
)


def term_key(seizure_id: int, status: str) -> str:
    """The key of one of the term's alerts (`seizure_expiring`, raised by `services.seizures_check_terms`)."""
    return f"seizure:{seizure_id}:{status}"


def term_keys(seizure: Seizure) -> list[str]:
    """The keys of all the term's alerts, for the steps that answer them."""
    return [term_key(seizure.pk, status) for status in (law.TermStatus.DUE_SOON, law.TermStatus.OVERDUE)]


def emergency_key(seizure_id: int) -> str:
    return f"seizures.seizure:{seizure_id}:emergency"


class SeizureWorkflow(workflow.Workflow[Seizure, workflow.Transition]):
    name = "seizures"
    noun = gettext_lazy("measure")
    table = TABLE
    handlers = workflow.Handlers()
    state_field = "status"

    def load(self, obj_id: int, actor: Any) -> Seizure:
        """The case row first, then the seizure (the lock order cases.services uses); the locked case
        rides on the seizure (`seizure.case`)."""
        case_id = Seizure.objects.filter(pk=obj_id).values_list("case_id", flat=True).first()
        if case_id is None:
            raise NotFound(_("No such seizure, or it is not visible to you."))
        case = (
            Case.objects.select_for_update(of=("self",)).select_related("agency").filter(pk=case_id).first()
        )
        seizure = Seizure.objects.select_for_update().filter(pk=obj_id).first()
        if case is None or seizure is None or seizure.agency_id not in scope_agency_ids(actor):
            raise NotFound(_("No such seizure, or it is not visible to you."))
        seizure.case = case
        return seizure

    def may_apply(self, actor: Any, obj: Seizure, t: workflow.Transition) -> bool:
        return user_can_see_agency(actor, obj.agency_id, roles=t.roles)

    def forbidden(self, obj: Seizure, t: workflow.Transition) -> Any:
        """The refusals the doors gave before the engine, each naming who may act."""
        from zhifa.core.errors import Forbidden

        messages = {
            "approve": _("The measure must be approved by the agency's head (an approver)."),
            "refuse_emergency": _("The measure must be approved by the agency's head (an approver)."),
            "extend": _("An extension is approved by the agency's head (行政强制法第二十五条)."),
            "appraisal_start": _("Only this agency's officers and approvers record testing."),
            "appraisal_end": _("Only this agency's officers and approvers record testing."),
            "dispose": _("Only this agency's officers and approvers deal with seized property."),
        }
        return Forbidden(messages[t.event], code="event_forbidden", detail={"event": t.event})

    def conflict(self, obj: Seizure, t: workflow.Transition) -> Any:
        from zhifa.core.errors import Conflict

        return Conflict(
            _("The measure has already been dealt with."),
            code="event_not_allowed_in_state",
            detail={"state": obj.status, "event": t.event},
        )

    def not_before(self, t: workflow.Transition, obj: Seizure) -> dt.date | None:
        if t.event == "appraisal_end":
            running = (
                obj.appraisals.filter(ended_on__isnull=True).values_list("started_on", flat=True).first()
            )
            return running or obj.started_on
        return obj.started_on  # nothing about a measure happens before it was taken

    def write_event(
        self, obj: Seizure, ctx: Any, *, from_state: str, to_state: str, now: dt.datetime
    ) -> SeizureEvent:
        row = workflow.event_row(ctx, from_state=from_state, to_state=to_state, now=now)
        return SeizureEvent.objects.create(seizure=obj, **row)

    def audit_summary(
        self, obj: Seizure, ctx: Any, row: Any, *, from_state: str, to_state: str
    ) -> dict[str, Any]:
        # the engine's columns and what the step kept (the same keys the doors audited before)
        return {
            **super().audit_summary(obj, ctx, row, from_state=from_state, to_state=to_state),
            **dict(ctx.extra.get("audit", {})),
        }

    def resolved_alerts(self, obj: Seizure, ctx: Any) -> list[str]:
        return list(ctx.extra.get("resolved_alerts", []))

    def state_labels(self) -> list[tuple[str, str]]:
        return [(str(v), str(label)) for v, label in S.choices]


SEIZURES = SeizureWorkflow()


def record_created(
    seizure: Seizure, *, actor: Any, data: dict[str, Any], audit: dict[str, Any]
) -> SeizureEvent:
    """The creating row of the table (`record`): the event row, the audit entry and the listeners of a
    measure just recorded, through the same workflow object as every later step."""
    from django.utils import timezone

    t = TABLE.get("record")
    assert t is not None
    ctx = SEIZURES.make_ctx(
        seizure, actor, t, data=data, act_on=seizure.started_on, today=timezone.localdate()
    )
    ctx.record = dict(data)
    ctx.extra["audit"] = audit
    row = SEIZURES.write_event(seizure, ctx, from_state="", to_state=seizure.status, now=timezone.now())
    SEIZURES.audit(seizure, ctx, row, from_state="", to_state=seizure.status)
    SEIZURES.notify(seizure, row)
    return row
