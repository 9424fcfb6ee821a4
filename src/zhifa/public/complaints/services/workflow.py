"""The complaint workflow as data (信访工作条例): which step moves a complaint from which state to
which, who may take it, which date it records, what it checks and what it opens.

The steps are applied by the shared engine (`zhifa.core.workflow.apply_event`) with
`ComplaintWorkflow` below; each step's guards and effects are its handler in
`handling.py` beside it. `docs/workflow-complaints.md` is drawn from this table.

Satisfaction feedback and the re-opening a dissatisfied rating causes are rows too: the complainant
rates without an account (actor None, the tracking code is the credential: pseudo-role
`COMPLAINANT`), staff record a callback; the re-opening is the platform's own step (actor None,
pseudo-role `PLATFORM`), applied by the feedback door in the rating's transaction and guarded by its
handler. The statutory review going up a level (复查/复核, `review_request`, `review_answer`) is applied
by the reviewing body's staff (or asked online by the complainant); it keeps the state. Duplicates, the
link to a case and intake are not rows: they do not move the state.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _

from zhifa.core import workflow
from zhifa.core.errors import Conflict, Forbidden, InvalidInput
from zhifa.core.prepared import insert
from zhifa.law import complaints as rules
from zhifa.org.roles import Role
from zhifa.org.selectors import granted_nodes, user_can_see_agency
from zhifa.public.complaints.models import (
    HANDLING_STATES,
    OPEN_STATES,
    Complaint,
    ComplaintEvent,
    EventKind,
    State,
)
from zhifa.public.complaints.services.common import (
    HANDLER_ROLES,
    act_date,
    audit,
    locked,
    require,
    sla_alert_key,
)


def review_alert_key(complaint: Complaint) -> str:
    """The alert raised when the body asked for 复查/复核 has not answered in its 30 days."""
    return f"complaint:{complaint.pk}:review"


HANDLERS = frozenset(HANDLER_ROLES)
APPROVER = frozenset({Role.APPROVER})
RECEIVED = frozenset({State.RECEIVED})
CONCLUDED = frozenset({State.CONCLUDED})
# Who acts without an account: the complainant holding the tracking code, and the platform itself.
COMPLAINANT = "complainant"
PLATFORM = "platform"
PSEUDO_ROLES = frozenset({COMPLAINANT, PLATFORM})
# The body asked for 复查/复核 acts through its supervisors, approvers (its leadership) or admins.
REVIEWER_ROLES = (Role.SUPERVISOR, Role.APPROVER, Role.ADMIN)
REVIEWERS = frozenset(REVIEWER_ROLES)
REVIEW_EVENTS = frozenset({"review_request", "review_answer"})
# Every staff role that may load a complaint for some row (the row's own roles are checked after).
LOADERS = (Role.OFFICER, Role.APPROVER, Role.SUPERVISOR, Role.ADMIN)

T = workflow.Transition
TABLE = workflow.Table(
    State.values,
    (
        T(
            "accept",
            EventKind.ACCEPT.label,
            RECEIVED,
            State.ACCEPTED,
            HANDLERS,
            date_field="on",
            guards=(f"decided within 15 days of receipt ({rules.ARTICLE_ACCEPTANCE})",),
            creates=(f"deadline: reply within 60 days ({rules.ARTICLE_CONCLUSION})",),
        ),
        T(
            "reject",
            EventKind.REJECT.label,
            RECEIVED,
            State.REJECTED,
            HANDLERS,
            date_field="on",
            guards=("reason told to the complainant (信访工作条例第三十一条)",),
        ),
        T(
            "redirect",
            EventKind.REDIRECT.label,
            RECEIVED,
            State.REDIRECTED,
            HANDLERS,
            date_field="on",
            guards=(f"competent body named ({rules.ARTICLE_ACCEPTANCE}第一款)",),
        ),
        T(
            "refer",
            EventKind.REFER.label,
            RECEIVED,
            None,
            HANDLERS,
            date_field="on",
            guards=("an agency on the platform or a body outside it; reason",),
            creates=(
                f"to an agency on the platform: its own 15 days from the transfer ({rules.ARTICLE_ACCEPTANCE}第三款)",
            ),
            targets=(State.RECEIVED, State.REFERRED),
        ),
        T(
            "assign",
            EventKind.ASSIGN.label,
            frozenset(OPEN_STATES),
            None,
            HANDLERS,
            guards=("a unit of the handling agency",),
        ),
        T(
            "progress",
            EventKind.PROGRESS.label,
            frozenset(OPEN_STATES),
            None,
            HANDLERS,
            guards=("a note",),
        ),
        T(
            "extend",
            EventKind.EXTEND.label,
            frozenset({State.ACCEPTED}),
            None,
            APPROVER,
            date_field="on",
            guards=(
                f"≤ {rules.MAX_EXTENSION_DAYS} days in total, approved before the period ends, reason told ({rules.ARTICLE_CONCLUSION})",
            ),
            creates=("reply deadline moved",),
        ),
        T(
            "reply",
            EventKind.REPLY.label,
            frozenset(HANDLING_STATES),
            State.CONCLUDED,
            HANDLERS,
            date_field="on",
            guards=(f"written reply; on time against the deadline ({rules.ARTICLE_CONCLUSION})",),
            creates=(f"satisfaction feedback window, 30 days ({rules.ARTICLE_REVIEW})",),
        ),
        T(
            "feedback",
            EventKind.FEEDBACK.label,
            CONCLUDED,
            State.CONCLUDED,
            HANDLERS | {COMPLAINANT},
            date_field="on",
            guards=(
                "one rating per reply; the complainant rates online (dated the day sent), staff record a callback",
            ),
            creates=(
                f"a dissatisfied rating within 30 days re-opens the matter, at most {rules.MAX_REOPENINGS} times ({rules.ARTICLE_REVIEW})",
            ),
        ),
        T(
            "reopen",
            EventKind.REOPEN.label,
            CONCLUDED,
            State.REOPENED,
            frozenset({PLATFORM}),
            date_field="on",
            guards=(
                f"the reply's rating is dissatisfied, given within 30 days of the reply, fewer than {rules.MAX_REOPENINGS} re-openings so far ({rules.ARTICLE_REVIEW}); not the statutory review",
            ),
            creates=(f"deadline: a new reply within 30 days ({rules.ARTICLE_REVIEW})",),
        ),
        T(
            "review_request",
            EventKind.REVIEW_REQUEST.label,
            CONCLUDED,
            None,
            REVIEWERS | {COMPLAINANT},
            date_field="on",
            guards=(
                f"复查: asked of the body one level above the one that replied, within 30 days of receiving the reply ({rules.ARTICLE_REVIEW}); "
                f"复核: of the level above the 复查 body, within 30 days of its opinion ({rules.ARTICLE_RE_REVIEW}); "
                f"none after 复核 ({rules.ARTICLE_FINAL}); one pending at a time",
            ),
            creates=(
                f"deadline: the body's opinion within 30 days, held by that body ({rules.ARTICLE_REVIEW}, {rules.ARTICLE_RE_REVIEW})",
            ),
        ),
        T(
            "review_answer",
            EventKind.REVIEW_ANSWER.label,
            CONCLUDED,
            None,
            REVIEWERS,
            date_field="on",
            guards=("the written opinion of the body asked, on the pending request",),
            creates=("the opinion's deadline met or late; a 复核 may follow within 30 days",),
        ),
    ),
)

# Event names whose history rows keep a shorter kind (the column is 12 characters).
ROW_KIND = {"review_request": EventKind.REVIEW_REQUEST.value, "review_answer": EventKind.REVIEW_ANSWER.value}

# The previous step a date of the act may not precede, per event (default: receipt).
NOT_BEFORE: dict[str, tuple[str, ...]] = {
    "extend": ("accepted_on",),
    "reply": ("reopened_on", "accepted_on"),
    "feedback": ("concluded_on",),
    "reopen": ("concluded_on",),
    "review_request": ("concluded_on",),
}

# Steps that answer the deadline an SLA alert may be about: they close it.
RESOLVES_SLA = frozenset({"accept", "reject", "redirect", "refer", "reply"})


class ComplaintWorkflow(workflow.Workflow[Complaint, workflow.Transition]):
    name = "complaints"
    table = TABLE
    handlers = workflow.Handlers()

    def load(self, obj_id: int, actor: Any) -> Complaint:
        complaint = locked(obj_id)
        if actor is not None:
            # Staff who do not see the agency's complaints learn nothing of its state (403 first);
            # the complainant and the platform (actor None) are checked row by row in may_apply.
            require(actor, complaint, roles=LOADERS)
        return complaint

    def may_apply(self, actor: Any, obj: Complaint, t: workflow.Transition) -> bool:
        if actor is None:
            return bool(t.roles & PSEUDO_ROLES)
        staff = t.roles - PSEUDO_ROLES
        if t.event in REVIEW_EVENTS:
            # The body asked is above the handling agency; which body is checked by the handler.
            return bool(staff) and bool(granted_nodes(actor, roles=staff))
        return bool(staff) and user_can_see_agency(actor, obj.agency_id, roles=staff)

    def forbidden(self, obj: Complaint, t: workflow.Transition) -> Forbidden:
        if t.event in REVIEW_EVENTS:
            return Forbidden(_("Only the body asked for the review records it."))
        return Forbidden(_("Only the handling agency's staff may do this."))

    def conflict(self, obj: Complaint, t: workflow.Transition) -> Conflict:
        return Conflict(
            _("The complaint is “%(state)s”; this step is not possible now.")
            % {"state": obj.get_state_display()},
            detail={"state": obj.state},
        )

    def act_date(
        self, t: workflow.Transition, obj: Complaint, data: dict[str, Any], today: dt.date
    ) -> dt.date:
        if t.date_field is None:
            return today
        not_before = next(
            (getattr(obj, f) for f in NOT_BEFORE.get(t.event, ("received_on",)) if getattr(obj, f)), None
        )
        raw = data.get(t.date_field)
        if raw in (None, ""):
            raw = None
        elif isinstance(raw, dt.datetime):
            raw = raw.date()
        elif not isinstance(raw, dt.date):  # an ISO string from a direct caller of the engine
            try:
                raw = dt.date.fromisoformat(str(raw))
            except ValueError:
                raise InvalidInput(
                    _("Enter a valid date (YYYY-MM-DD)."), detail={"field": t.date_field}
                ) from None
        return act_date(raw, not_before=not_before)

    def write_event(
        self, obj: Complaint, ctx: Any, *, from_state: str, to_state: str, now: dt.datetime
    ) -> ComplaintEvent:
        row: dict[str, Any] = ctx.extra.get("event", {})
        agency_id = row.get("agency_id")
        columns = workflow.event_row(ctx, from_state=from_state, to_state=to_state, now=now)
        columns["kind"] = ROW_KIND.get(columns["kind"], columns["kind"])
        event = ComplaintEvent(
            complaint=obj,
            **columns,
            agency_id=agency_id or obj.agency_id,
            unit_id=row.get("unit_id") if agency_id else obj.unit_id,
            public_note=row.get("public_note", ""),
            internal_note=row.get("internal_note", ""),
            due_on=row.get("due_on"),
            in_time=row.get("in_time"),
        )
        insert(event)  # create(), its INSERT built once per process (core.prepared)
        return event

    def audit(self, obj: Complaint, ctx: Any, row: Any, *, from_state: str, to_state: str) -> None:
        # Never the complainant's identity in the audit log (信访工作条例第三十条): the summary is the
        # state and what the handler chose to add.
        audit(ctx.actor, ctx.transition.event, obj, **ctx.extra.get("audit", {}))

    def resolved_alerts(self, obj: Complaint, ctx: Any) -> list[str]:
        if ctx.transition.event == "review_answer":
            return [review_alert_key(obj)]
        return [sla_alert_key(obj)] if ctx.transition.event in RESOLVES_SLA else []

    def state_labels(self) -> list[tuple[str, str]]:
        return [(str(v), str(label)) for v, label in State.choices]


COMPLAINTS = ComplaintWorkflow()
