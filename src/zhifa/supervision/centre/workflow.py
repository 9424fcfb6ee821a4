"""The handling of a clue as data, applied by the shared engine (`zhifa.core.workflow.apply_event`):
dismiss it with a reason, or issue a supervision notice with a rectification deadline; the agency
responds with materials; the supervisor verifies the rectification, returns it for more, or escalates.
`docs/workflow-centre.md` is drawn from this table; the handlers are in `handlers.py`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from zhifa.core import workflow
from zhifa.core.errors import NotFound
from zhifa.core.roles import Role
from zhifa.law import supervision as law
from zhifa.org.selectors import user_can_see_agency
from zhifa.supervision.centre.models import Clue, ClueEvent, ClueState

T = workflow.Transition
S = ClueState
SUPERVISORS = frozenset({Role.SUPERVISOR})
AGENCY = frozenset({Role.APPROVER})  # the agency's head answers for it
SYSTEM: frozenset[str] = frozenset()  # applied by the platform itself (actor None)

TABLE = workflow.Table(
    S.values,
    (
        T(
            "raise",
            pgettext_lazy("clue step", "Raised by a problem model"),
            frozenset(),
            S.OPEN,
            SYSTEM,
            guards=("one open clue per model and condition",),
        ),
        T(
            "clear",
            pgettext_lazy("clue step", "Condition cleared"),
            frozenset({S.OPEN}),
            S.CLEARED,
            SYSTEM,
            guards=("the model no longer finds the condition (sweep or incremental check)",),
        ),
        T(
            "dismiss",
            pgettext_lazy("clue step", "Dismiss"),
            frozenset({S.OPEN}),
            S.DISMISSED,
            SUPERVISORS,
            date_field="on",
            guards=("a reason of at least 4 characters",),
        ),
        T(
            "issue_notice",
            pgettext_lazy("clue step", "Issue a supervision notice"),
            frozenset({S.OPEN}),
            S.NOTIFIED,
            SUPERVISORS,
            date_field="on",
            guards=("requirements stated; rectification period 1–180 days",),
            creates=(
                f"deadline: rectification, the jurisdiction's period, default 30 days ({law.ART_SUPERVISION})",
            ),
            documents=("执法监督通知书 / 执法监督建议书 / 执法监督决定书",),
        ),
        T(
            "respond",
            pgettext_lazy("clue step", "Agency responds"),
            frozenset({S.NOTIFIED}),
            S.RESPONDED,
            AGENCY,
            date_field="on",
            guards=("a response; materials through core.files", "not before the notice"),
        ),
        T(
            "verify",
            pgettext_lazy("clue step", "Verify the rectification"),
            frozenset({S.RESPONDED}),
            S.VERIFIED,
            SUPERVISORS,
            date_field="on",
            guards=("an opinion",),
        ),
        T(
            "return",
            pgettext_lazy("clue step", "Return for more rectification"),
            frozenset({S.RESPONDED}),
            S.NOTIFIED,
            SUPERVISORS,
            date_field="on",
            guards=("an opinion; a new period 1–180 days",),
            creates=("deadline: rectification again",),
        ),
        T(
            "escalate",
            pgettext_lazy("clue step", "Escalate"),
            frozenset({S.NOTIFIED, S.RESPONDED}),
            S.ESCALATED,
            SUPERVISORS,
            date_field="on",
            guards=("a reason",),
            creates=(
                f"执法监督决定书 with a new deadline; accountability may follow ({law.ART_ACCOUNTABILITY})",
            ),
            documents=("执法监督决定书",),
        ),
    ),
)


class ClueWorkflow(workflow.Workflow[Clue, workflow.Transition]):
    name = "centre"
    noun = _("clue")
    table = TABLE
    handlers = workflow.Handlers()

    def load(self, obj_id: int, actor: Any) -> Clue:
        clue = Clue.objects.select_for_update().filter(pk=obj_id).first()
        if clue is None or (actor is not None and not user_can_see_agency(actor, clue.agency_id)):
            raise NotFound(_("No such clue."))
        return clue

    def may_apply(self, actor: Any, obj: Clue, t: workflow.Transition) -> bool:
        if not t.roles:
            return actor is None
        return actor is not None and user_can_see_agency(actor, obj.agency_id, roles=t.roles)

    def not_before(self, t: workflow.Transition, obj: Clue) -> dt.date | None:
        last = obj.events.order_by("-id").values_list("on", flat=True).first()
        return last or obj.raised_on

    def stamp(self, obj: Clue, ctx: Any, now: dt.datetime) -> set[str]:
        obj.event_count += 1
        return {"event_count"}

    def write_event(
        self, obj: Clue, ctx: Any, *, from_state: str, to_state: str, now: dt.datetime
    ) -> ClueEvent:
        actor = ctx.actor
        return ClueEvent.objects.create(
            clue=obj,
            kind=ctx.transition.event,
            at=now,
            on=ctx.act_on,
            actor=actor,
            actor_name=(getattr(actor, "full_name", "") or getattr(actor, "username", "")) if actor else "",
            from_state=from_state,
            to_state=to_state,
            data=workflow.jsonable(ctx.record),
        )

    def resolved_alerts(self, obj: Clue, ctx: Any) -> list[str]:
        return []


CLUES = ClueWorkflow()
