"""The appeal workflows as data: reconsideration (行政复议法 2023) and litigation (行政诉讼法), one table
applied by the shared engine (`zhifa.core.workflow.apply_event`). The handlers (guards naming the
article, deadlines on `core.deadlines`) are in `handlers.py`; `docs/workflow-appeals.md` is drawn
from this table.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from zhifa.core import workflow
from zhifa.core.errors import Conflict, Forbidden, NotFound
from zhifa.law import litigation as lit
from zhifa.law import reconsideration as rec
from zhifa.org.selectors import user_can_see_agency
from zhifa.supervision.appeals.models import Appeal, AppealEvent, State
from zhifa.supervision.appeals.rules import LITIGATION_ROLES, ORGAN_ROLES, RESPONDENT_ROLES

T = workflow.Transition
S = State
REVIEW_STATES = frozenset({S.ACCEPTED, S.ANSWERING, S.REVIEWING})

SYSTEM: frozenset[str] = frozenset()  # the daily job; no person applies it

TABLE = workflow.Table(
    State.values,
    (
        T(
            "receive",
            pgettext_lazy("appeal step", "Receive the application"),
            frozenset(),
            S.RECEIVED,
            ORGAN_ROLES,
            guards=(f"application period ({rec.ART_20_1}, {rec.ART_20_3}, {rec.ART_21})",),
            creates=(f"deadline: acceptance review, 5 working days ({rec.ART_30})",),
        ),
        T(
            "accept",
            pgettext_lazy("appeal step", "Accept"),
            frozenset({S.RECEIVED}),
            S.ACCEPTED,
            ORGAN_ROLES,
            date_field="on",
            guards=(
                f"applied in time ({rec.ART_20_1})",
                f"after the review period: accepted from its last day ({rec.ART_30_3})",
            ),
            creates=(
                f"deadline: copy to the respondent, 7 working days ({rec.ART_48})",
                f"deadline: decision, 60 days / simple 30 ({rec.ART_62_1})",
            ),
            documents=(pgettext_lazy("appeal step", "Acceptance notice"),),
        ),
        T(
            "deem_accept",
            pgettext_lazy("appeal step", "Accepted by silence"),
            frozenset({S.RECEIVED}),
            S.ACCEPTED,
            SYSTEM,
            guards=(
                f"the review period ended without acceptance, refusal or amendment notice ({rec.ART_30_3})",
                "the daily job only",
            ),
            creates=(
                f"deadline: copy to the respondent, 7 working days ({rec.ART_48})",
                f"deadline: decision, 60 days / simple 30 ({rec.ART_62_1})",
            ),
        ),
        T(
            "refuse",
            pgettext_lazy("appeal step", "Refuse to accept"),
            frozenset({S.RECEIVED}),
            S.REFUSED,
            ORGAN_ROLES,
            date_field="on",
            guards=(
                f"within the review period ({rec.ART_30_3})",
                "a condition of 行政复议法第三十条第一款 named; competent organ named",
            ),
            documents=(pgettext_lazy("appeal step", "Decision not to accept"),),
        ),
        T(
            "request_amendment",
            pgettext_lazy("appeal step", "Notify to amend"),
            frozenset({S.RECEIVED}),
            S.AMENDING,
            ORGAN_ROLES,
            date_field="on",
            guards=(f"one notice within 5 working days listing everything ({rec.ART_31_1})",),
            creates=(f"party's window: 10 working days to amend ({rec.ART_31_2})",),
        ),
        T(
            "amend",
            pgettext_lazy("appeal step", "Amended materials received"),
            frozenset({S.AMENDING}),
            S.RECEIVED,
            ORGAN_ROLES,
            date_field="on",
            guards=(f"within the amendment period ({rec.ART_31_2})",),
            creates=(f"deadline: acceptance review again from receipt ({rec.ART_30})",),
        ),
        T(
            "abandon",
            pgettext_lazy("appeal step", "Record the application as abandoned"),
            frozenset({S.AMENDING}),
            S.TERMINATED,
            ORGAN_ROLES,
            date_field="on",
            guards=(f"the amendment period has passed ({rec.ART_31_2})",),
        ),
        T(
            "send_copy",
            pgettext_lazy("appeal step", "Send the copy to the respondent"),
            frozenset({S.ACCEPTED}),
            S.ANSWERING,
            ORGAN_ROLES,
            date_field="on",
            creates=(f"deadline: the respondent's answer, 10 working days / simple 5 ({rec.ART_48})",),
            documents=(pgettext_lazy("appeal step", "Notice to answer"),),
        ),
        T(
            "answer",
            pgettext_lazy("appeal step", "Answer with evidence"),
            frozenset({S.ANSWERING}),
            S.REVIEWING,
            RESPONDENT_ROLES,
            date_field="on",
            guards=(f"late answers recorded as late ({rec.ART_48}, {rec.ART_70})",),
        ),
        T(
            "hold_hearing",
            pgettext_lazy("appeal step", "Hold a hearing"),
            frozenset({S.REVIEWING}),
            None,
            ORGAN_ROLES,
            date_field="on",
            guards=(f"notice 5 working days before ({rec.ART_51})",),
        ),
        T(
            "extend",
            pgettext_lazy("appeal step", "Extend the decision period"),
            REVIEW_STATES,
            None,
            ORGAN_ROLES,
            date_field="on",
            guards=(
                f"once, at most 30 days, before the period ends, not in the simple procedure ({rec.ART_62_1})",
            ),
            creates=("decision deadline moved",),
        ),
        T(
            "suspend",
            pgettext_lazy("appeal step", "Suspend"),
            REVIEW_STATES,
            S.SUSPENDED,
            ORGAN_ROLES,
            date_field="on",
            guards=(f"a ground of {rec.ART_39}第一款; mediation needs both sides",),
            creates=("the copy, answer and decision periods stop",),
        ),
        T(
            "resume",
            pgettext_lazy("appeal step", "Resume"),
            frozenset({S.SUSPENDED}),
            None,
            ORGAN_ROLES,
            date_field="on",
            targets=(S.ACCEPTED, S.ANSWERING, S.REVIEWING),
            creates=("the stopped periods run again",),
        ),
        T(
            "terminate",
            pgettext_lazy("appeal step", "Terminate"),
            frozenset({S.RECEIVED, S.AMENDING, S.SUSPENDED}) | REVIEW_STATES,
            S.TERMINATED,
            ORGAN_ROLES,
            date_field="on",
            guards=(f"a ground of {rec.ART_41}",),
        ),
        T(
            "mediate",
            pgettext_lazy("appeal step", "Close by mediation"),
            REVIEW_STATES | {S.SUSPENDED},
            S.MEDIATED,
            ORGAN_ROLES,
            date_field="on",
            guards=(f"voluntary, lawful, signed and sealed ({rec.ART_5}, {rec.ART_73})",),
        ),
        T(
            "decide",
            pgettext_lazy("appeal step", "Decide"),
            frozenset({S.ANSWERING, S.REVIEWING}),
            S.DECIDED,
            ORGAN_ROLES,
            date_field="on",
            guards=(f"no upholding without the respondent's timely answer ({rec.ART_70})",),
            creates=(
                "a revoked or changed penalty is withdrawn from the portal within 3 working days (行政处罚法第四十八条)",
            ),
            documents=(pgettext_lazy("appeal step", "Reconsideration decision"),),
        ),
        # litigation
        T(
            "register",
            pgettext_lazy("appeal step", "Register the suit"),
            frozenset(),
            S.FILED,
            LITIGATION_ROLES,
            creates=(f"deadline: defence and evidence, 15 days ({lit.ART_67})",),
        ),
        T(
            "submit_defence",
            pgettext_lazy("appeal step", "Submit the defence"),
            frozenset({S.FILED}),
            S.TRIAL,
            LITIGATION_ROLES,
            date_field="on",
            guards=(f"late defences recorded as late ({lit.ART_67})",),
        ),
        T(
            "record_hearing",
            pgettext_lazy("appeal step", "Record a hearing"),
            frozenset({S.TRIAL}),
            None,
            LITIGATION_ROLES,
            date_field="on",
            guards=(f"who appeared for the agency ({lit.ART_3}; {lit.INTERP_128_132})",),
        ),
        T(
            "judge",
            pgettext_lazy("appeal step", "Record the judgment"),
            frozenset({S.TRIAL}),
            None,
            LITIGATION_ROLES,
            date_field="on",
            targets=(S.JUDGED, S.CONCLUDED),
            creates=(
                f"party's window: appeal, 15 days (judgment) / 10 (ruling) ({lit.ART_85})",
                "second instance: final; a revoked or changed penalty is withdrawn from the portal",
            ),
        ),
        T(
            "appeal",
            pgettext_lazy("appeal step", "Appeal to the second instance"),
            frozenset({S.JUDGED}),
            S.TRIAL,
            LITIGATION_ROLES,
            date_field="on",
            guards=(f"within the appeal period ({lit.ART_85})",),
        ),
        T(
            "finalise",
            pgettext_lazy("appeal step", "Judgment took effect"),
            frozenset({S.JUDGED}),
            S.CONCLUDED,
            LITIGATION_ROLES,
            date_field="on",
            guards=(f"the appeal period has passed ({lit.ART_85})",),
            creates=("a revoked or changed penalty is withdrawn from the portal within 3 working days",),
        ),
        T(
            "withdraw",
            pgettext_lazy("appeal step", "Suit withdrawn"),
            frozenset({S.FILED, S.TRIAL}),
            S.CONCLUDED,
            LITIGATION_ROLES,
            date_field="on",
            guards=("行政诉讼法第六十二条",),
        ),
        T(
            "settle",
            pgettext_lazy("appeal step", "Settled by mediation"),
            frozenset({S.FILED, S.TRIAL}),
            S.CONCLUDED,
            LITIGATION_ROLES,
            date_field="on",
            guards=("行政诉讼法第六十条",),
        ),
    ),
)

RECONSIDERATION_EVENTS = frozenset(
    {
        "receive",
        "accept",
        "deem_accept",
        "refuse",
        "request_amendment",
        "amend",
        "abandon",
        "send_copy",
        "answer",
        "hold_hearing",
        "extend",
        "suspend",
        "resume",
        "terminate",
        "mediate",
        "decide",
    }
)
LITIGATION_EVENTS = frozenset(TABLE.events) - RECONSIDERATION_EVENTS
# Events shown on the applicant's tracking page (the rest are internal steps).
PUBLIC_EVENTS = frozenset(
    {
        "receive",
        "accept",
        "deem_accept",
        "refuse",
        "request_amendment",
        "amend",
        "abandon",
        "send_copy",
        "extend",
        "suspend",
        "resume",
        "terminate",
        "mediate",
        "decide",
    }
)


class AppealWorkflow(workflow.Workflow[Appeal, workflow.Transition]):
    name = "appeals"
    noun = gettext_lazy("appeal")
    table = TABLE
    handlers = workflow.Handlers()

    def load(self, obj_id: int, actor: Any) -> Appeal:
        appeal = Appeal.objects.select_for_update().filter(pk=obj_id).first()
        # actor None: the daily job (deem_accept); may_apply lets it take system steps only
        if appeal is None or (actor is not None and not user_can_see_agency(actor, appeal.respondent_id)):
            raise NotFound(_("Not found, or not visible to you."))
        return appeal

    def applicable(self, t: workflow.Transition, obj: Appeal) -> bool:
        events = RECONSIDERATION_EVENTS if obj.kind == "reconsideration" else LITIGATION_EVENTS
        return t.event in events and obj.state in t.sources

    def may_apply(self, actor: Any, obj: Appeal, t: workflow.Transition) -> bool:
        if not t.roles:
            return actor is None  # the daily job only
        return actor is not None and user_can_see_agency(actor, obj.respondent_id, roles=t.roles)

    def forbidden(self, obj: Appeal, t: workflow.Transition) -> Forbidden:
        return Forbidden(
            _("You may not apply “%(event)s” to this appeal.") % {"event": t.label},
            code="event_forbidden",
            detail={"event": t.event},
        )

    def conflict(self, obj: Appeal, t: workflow.Transition) -> Conflict:
        return Conflict(
            _("“%(event)s” is not possible while the appeal is “%(state)s”.")
            % {"event": t.label, "state": obj.get_state_display()},
            code="event_not_allowed_in_state",
            detail={"state": obj.state, "event": t.event},
        )

    def not_before(self, t: workflow.Transition, obj: Appeal) -> dt.date | None:
        return obj.received_on

    def write_event(
        self, obj: Appeal, ctx: Any, *, from_state: str, to_state: str, now: dt.datetime
    ) -> AppealEvent:
        row = workflow.event_row(
            ctx, from_state=from_state, to_state=to_state, now=now, name_attrs=("full_name", "username")
        )
        return AppealEvent.objects.create(
            appeal=obj, public_note=str(ctx.extra.get("public_note", ""))[:500], **row
        )

    def audit_summary(
        self, obj: Appeal, ctx: Any, row: Any, *, from_state: str, to_state: str
    ) -> dict[str, Any]:
        # never the applicant's identity in the audit log: state, date and the step's own record keys
        return {
            "event": ctx.transition.event,
            "from": from_state,
            "to": to_state,
            "on": ctx.act_on.isoformat(),
        }

    def resolved_alerts(self, obj: Appeal, ctx: Any) -> list[str]:
        return list(ctx.extra.get("resolved_alerts", []))

    def state_labels(self) -> list[tuple[str, str]]:
        return [(str(v), str(label)) for v, label in State.choices]


APPEALS = AppealWorkflow()
