"""The normative-document workflow as data: which step moves a document from which state to which,
who may take it, which date it records, what it checks (with the rule) and what it opens.

Applied by the shared engine (`zhifa.core.workflow.apply_event`) with `NormativeWorkflow`; the guards
and effects of each step are its handler in `handlers.py`. `docs/workflow-normative.md` is drawn from
this table.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhifa.core import workflow
from zhifa.core.errors import InvalidInput, NotFound
from zhifa.core.roles import Role
from zhifa.law import normative as rules
from zhifa.org.selectors import user_can_see_agency
from zhifa.supervision.normative.models import (
    LIVE_STATES,
    NormativeDocument,
    NormativeEvent,
    State,
)

DRAFTERS = frozenset({Role.OFFICER, Role.APPROVER})
APPROVERS = frozenset({Role.APPROVER})
LEGAL = frozenset({Role.LEGAL_REVIEWER})
SUPERVISORS = frozenset({Role.SUPERVISOR})
SYSTEM: frozenset[str] = frozenset()  # the daily job; no person applies it
LIVE = frozenset(str(s) for s in LIVE_STATES)

T = workflow.Transition
TABLE = workflow.Table(
    State.values,
    (
        T(
            "submit",
            gettext_lazy("Submit for legality review"),
            frozenset({State.DRAFT, State.RETURNED}),
            State.IN_REVIEW,
            DRAFTERS,
            date_field="on",
            guards=("title, basis and the draft text (a file or the text)",),
            creates=(
                f"deadline: legality review, setting normative.legality_review_working_days ({rules.ART_REVIEW})",
            ),
        ),
        T(
            "review",
            gettext_lazy("Record the legality review"),
            frozenset({State.IN_REVIEW}),
            None,
            LEGAL,
            date_field="on",
            guards=(
                f"every checklist point answered; a pass needs every point satisfied ({rules.ART_REVIEW})",
            ),
            targets=(State.REVIEWED, State.RETURNED),
        ),
        T(
            "deliberate",
            gettext_lazy("Record the collective deliberation"),
            frozenset({State.REVIEWED}),
            State.DELIBERATED,
            APPROVERS,
            date_field="on",
            guards=("meeting and record (国办发〔2018〕37号)",),
        ),
        T(
            "publish",
            gettext_lazy("Publish"),
            frozenset({State.DELIBERATED}),
            State.PUBLISHED,
            APPROVERS,
            date_field="published_on",
            guards=(
                f"number like 海城管规〔2026〕3号, year of publication ({rules.ART_NUMBER})",
                f"passing review and deliberation; effective on or after publication ({rules.ART_PUBLICATION})",
            ),
            creates=(
                f"deadline: filing, setting normative.filing_days ({rules.ART_FILING})",
                "validity: setting normative.validity_years",
            ),
        ),
        T(
            "file",
            gettext_lazy("File with the supervising body"),
            frozenset({State.PUBLISHED}),
            State.FILED,
            DRAFTERS,
            date_field="on",
            guards=(f"not before publication; late filing flagged ({rules.ART_FILING})",),
        ),
        T(
            "receive",
            gettext_lazy("Register receipt of the filing"),
            frozenset({State.FILED}),
            State.FILING_REVIEW,
            SUPERVISORS,
            date_field="on",
            creates=(
                "deadline: filing review, setting normative.filing_review_days (法规规章备案条例第二十一条)",
            ),
        ),
        T(
            "filing_review",
            gettext_lazy("Record the filing review result"),
            frozenset({State.FILING_REVIEW}),
            None,
            SUPERVISORS,
            date_field="on",
            guards=("无异议, or 纠正 listing the problems (法规规章备案条例第十四条)",),
            creates=(
                f"on 纠正: deadline correction, setting normative.correction_days ({rules.ART_CORRECTION})",
            ),
            targets=(State.IN_FORCE, State.CORRECTING),
        ),
        T(
            "correct",
            gettext_lazy("Report the correction"),
            frozenset({State.CORRECTING}),
            State.IN_FORCE,
            DRAFTERS,
            date_field="on",
            guards=(f"the correction made; late correction flagged ({rules.ART_CORRECTION})",),
        ),
        T(
            "amend",
            gettext_lazy("Start an amendment"),
            LIVE,
            None,
            DRAFTERS,
            guards=("one amendment in progress at a time",),
            creates=("a new draft version; the old one stays in force until the new one is published",),
        ),
        T(
            "repeal",
            gettext_lazy("Repeal"),
            LIVE,
            State.REPEALED,
            APPROVERS,
            date_field="on",
            guards=(f"published, on or after publication ({rules.ART_PUBLICATION})",),
        ),
        T(
            "expire",
            gettext_lazy("Expire at the end of the validity period"),
            LIVE,
            State.EXPIRED,
            SYSTEM,
            guards=("the day after the last day of validity (daily job)",),
        ),
    ),
)

# The date of the step a date of the act may not precede (the law's own gates check publication).
NOT_BEFORE: dict[str, str] = {
    "deliberate": "reviewed_on",
    "receive": "filed_on",
    "filing_review": "received_on",
    "correct": "filing_reviewed_on",
}

OBJECT_TYPE = "normative.document"


def parse_day(raw: Any, field: str) -> dt.date | None:
    if raw in (None, ""):
        return None
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    try:
        return dt.date.fromisoformat(str(raw))
    except ValueError:
        raise InvalidInput(_("Enter a valid date (YYYY-MM-DD)."), detail={"field": field}) from None


def step_dates(doc: NormativeDocument) -> dict[str, dt.date | None]:
    review = doc.reviews.order_by("-id").first()
    filing = getattr(doc, "filing", None) if doc.pk else None
    return {
        "reviewed_on": review.reviewed_on if review else None,
        "filed_on": filing.filed_on if filing else None,
        "received_on": filing.received_on if filing else None,
        "filing_reviewed_on": filing.reviewed_on if filing else None,
    }


class NormativeWorkflow(workflow.Workflow[NormativeDocument, workflow.Transition]):
    name = "normative"
    noun = gettext_lazy("normative document")
    table = TABLE
    handlers = workflow.Handlers()

    def load(self, obj_id: int, actor: Any) -> NormativeDocument:
        doc = (
            NormativeDocument.objects.select_for_update(of=("self",))
            .select_related("agency")
            .filter(pk=obj_id)
            .first()
        )
        if doc is None or (actor is not None and not user_can_see_agency(actor, doc.agency_id)):
            raise NotFound(_("Not found, or not visible to you."))
        return doc

    def may_apply(self, actor: Any, obj: NormativeDocument, t: workflow.Transition) -> bool:
        if not t.roles:
            return actor is None  # the daily job only
        return actor is not None and user_can_see_agency(actor, obj.agency_id, roles=t.roles)

    def act_date(
        self, t: workflow.Transition, obj: NormativeDocument, data: dict[str, Any], today: dt.date
    ) -> dt.date:
        if t.event == "expire":
            return obj.expires_on + dt.timedelta(days=1) if obj.expires_on else today
        day = parse_day(data.get(t.date_field or ""), t.date_field or "on") or today
        if day > today:
            raise InvalidInput(_("The date cannot be in the future."), detail={"field": t.date_field or "on"})
        self.check_not_before(t, obj, day)
        return day

    def not_before(self, t: workflow.Transition, obj: NormativeDocument) -> dt.date | None:
        ref = NOT_BEFORE.get(t.event)
        return step_dates(obj).get(ref) if ref else None

    def write_event(
        self, obj: NormativeDocument, ctx: Any, *, from_state: str, to_state: str, now: dt.datetime
    ) -> NormativeEvent:
        row = workflow.event_row(ctx, from_state=from_state, to_state=to_state, now=now)
        return NormativeEvent.objects.create(document=obj, **row)

    def after_save(self, obj: NormativeDocument, ctx: Any, row: Any) -> None:
        for fn in ctx.extra.get("after_save", []):
            fn()

    def resolved_alerts(self, obj: NormativeDocument, ctx: Any) -> list[str]:
        if ctx.transition.event in {"repeal", "expire"}:
            return [expiry_alert_key(obj)]
        return []

    def state_labels(self) -> list[tuple[str, str]]:
        return [(str(v), str(label)) for v, label in State.choices]


def expiry_alert_key(doc: NormativeDocument) -> str:
    return f"{OBJECT_TYPE}:{doc.pk}:expiry"


def pending_amendment(doc: NormativeDocument) -> bool:
    return NormativeDocument.objects.filter(Q(previous=doc)).exists()


NORMATIVE = NormativeWorkflow()
