"""Every write to the portal's publications: schedule (when a decision is made), prepare (an officer
checks and, if needed, edits the masked text), return or publish (the approver, who confirms the
masking — never automatically), withdraw (行政处罚法第四十八条第二款), exempt (政府信息公开条例第十四条、
第十五条), and the daily check that raises an alert for decisions not published by their deadline.

Masking happens once, when the snapshot is scheduled (zhifa.law.disclosure); the published row never
holds a person's full name, ID number, phone or address.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhifa.audit.services import audit_record
from zhifa.core import workflow
from zhifa.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from zhifa.law import disclosure as law
from zhifa.org.models import OrgNode
from zhifa.org.roles import Role
from zhifa.org.selectors import user_can_see_agency
from zhifa.public.portal import cache as portal_cache
from zhifa.public.portal import deadlines as dues
from zhifa.public.portal.deadlines import (  # the portal's share of the provisional job
    recompute_provisional_dues as recompute_provisional_dues,
)
from zhifa.public.portal.models import PublicationEvent, PublishedDecision
from zhifa.public.portal.workflow import TABLE

PUBLISHER_ROLES = (Role.OFFICER, Role.APPROVER, Role.LEGAL_REVIEWER)
APPROVER_ROLES = (Role.APPROVER,)

MEASURE_LABELS = {
    "warning": "警告",
    "circular": "通报批评",
    "fine": "罚款",
    "confiscation": "没收违法所得、没收非法财物",
    "suspension": "责令停产停业、暂扣许可证件",
    "revocation": "吊销许可证件",
    "other": "其他行政处罚",
}


@dataclass
class DecisionSnapshot:
    """What a case gives the portal when its decision is made (built by the cases listener)."""

    case_id: int
    agency: OrgNode
    decision_number: str
    decided_on: dt.date
    party_kind: str  # "person" | "organisation"
    party_name: str
    measures: list[str]
    fine_amount: Decimal = Decimal("0")
    party_id_number: str = ""
    case_number: str = ""
    procedure: str = ""
    facts: str = ""
    violated_provision: str = ""
    penalty_provision: str = ""
    category: str = ""
    other_person_names: list[str] = field(default_factory=list)


def measures_text(measures: list[str], fine_amount: Decimal) -> str:
    """ "警告；罚款人民币500.00元" — legal wording, not UI text, so it is written in Chinese here."""
    parts = []
    for m in measures:
        if m == "fine":
            parts.append(f"罚款人民币{fine_amount:.2f}元")
        else:
            parts.append(MEASURE_LABELS.get(m, m))
    return "；".join(parts)[:300]


def _record(
    decision: PublishedDecision,
    kind: str,
    *,
    actor: Any | None,
    note: str = "",
    due_on: dt.date | None = None,
    in_time: bool | None = None,
    data: dict[str, Any] | None = None,
) -> PublicationEvent:
    now = timezone.now()
    return PublicationEvent.objects.create(
        decision=decision,
        kind=kind,
        at=now,
        on=timezone.localdate(now),
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=(getattr(actor, "display_name", "") or "")[:50],
        due_on=due_on,
        in_time=in_time,
        note=note,
        data=data or {},
    )


def _audit(actor: Any | None, action: str, decision: PublishedDecision, **summary: Any) -> None:
    audit_record(
        actor=actor,
        action=f"portal.{action}",
        obj=decision,
        agency_id=decision.agency_id,
        summary={"case_id": decision.case_id, "state": decision.state, **summary},
    )


def _alert_key(decision: PublishedDecision) -> str:
    return f"decision:{decision.pk}:publication_overdue"


def _locked(decision_id: int) -> PublishedDecision:
    decision = PublishedDecision.objects.select_for_update().filter(id=decision_id).first()
    if decision is None:
        raise NotFound(_("No such publication."))
    return decision


def _require(actor: Any, decision: PublishedDecision, roles: tuple[str, ...] = PUBLISHER_ROLES) -> None:
    if actor is not None and not user_can_see_agency(actor, decision.agency_id, roles=roles):
        raise Forbidden(_("Only the deciding agency's staff may do this."))


def _index(decision: PublishedDecision) -> None:
    from zhifa.core.search import search_index

    search_index(
        kind="decision",
        object_id=decision.pk,
        agency_id=decision.agency_id,
        title=f"{decision.decision_number} {decision.party_public} {decision.measures_public}",
        body="\n".join(
            [
                decision.agency_name,
                decision.facts_public,
                decision.violated_provision,
                decision.penalty_provision,
            ]
        ),
    )


def _unindex(decision: PublishedDecision) -> None:
    from zhifa.core.search import search_remove

    search_remove(kind="decision", object_id=decision.pk)


# --- schedule ------------------------------------------------------------------------------------


def publication_schedule(*, snapshot: DecisionSnapshot, actor: Any | None = None) -> PublishedDecision:
    """Record a decision for publication, masked, with its deadline. Idempotent per decision number."""
    if snapshot.party_kind not in PublishedDecision.PartyKind.values:
        raise InvalidInput(_("Unknown party type."))
    if not snapshot.decision_number:
        raise InvalidInput(_("A decision without a number cannot be published."))
    existing = PublishedDecision.objects.filter(
        case_id=snapshot.case_id, decision_number=snapshot.decision_number
    ).first()
    if existing is not None:
        return existing
    is_person = snapshot.party_kind == PublishedDecision.PartyKind.PERSON
    window = law.publication_window(agency=snapshot.agency)
    window_days = int(window.value)
    names = [snapshot.party_name, *snapshot.other_person_names] if is_person else snapshot.other_person_names
    with transaction.atomic():
        decision = PublishedDecision.objects.create(
            case_id=snapshot.case_id,
            agency=snapshot.agency,
            agency_name=snapshot.agency.name,
            decision_number=snapshot.decision_number[:80],
            case_number=snapshot.case_number[:80],
            procedure=snapshot.procedure[:10],
            party_kind=snapshot.party_kind,
            party_public=law.public_party_name(snapshot.party_name, is_person=is_person)[:200],
            # An organisation's 统一社会信用代码 is public registration data; a person's ID never is.
            party_id_public="" if is_person else snapshot.party_id_number[:18],
            facts_public=law.public_text(snapshot.facts, person_names=names),
            violated_provision=law.public_text(snapshot.violated_provision),
            penalty_provision=law.public_text(snapshot.penalty_provision),
            measures_public=measures_text(snapshot.measures, snapshot.fine_amount),
            fine_amount=snapshot.fine_amount if "fine" in snapshot.measures else Decimal("0"),
            category=snapshot.category[:100],
            decided_on=snapshot.decided_on,
            state=PublishedDecision.State.SCHEDULED,
            window_days=window_days,
            window_source=window.source[:100],
            created_at=timezone.now(),
        )
        # The deadline engine computes the last day. It never blocks on an unpublished calendar (a
        # decision in late December): the weekday rule is used and the date is marked provisional,
        # then recomputed by the one provisional job.
        decision.save(update_fields=dues.open_publication(decision))
        due = decision.publish_due
        _record(
            decision,
            PublicationEvent.Kind.SCHEDULE,
            actor=actor,
            due_on=due,
            data={"window": window.as_dict()},
        )
        _audit(actor, "schedule", decision, publish_due=str(due), window=window.as_dict())
    return decision


# --- publish -------------------------------------------------------------------------------------


class PublicationWorkflow(workflow.Workflow[PublishedDecision, workflow.Transition]):
    """Publication on the shared engine. The actor is None only when the platform withdraws by itself
    (a case's decision was changed); preparing and publishing always need a person."""

    name = "portal"
    table = TABLE
    handlers = workflow.Handlers()

    def load(self, obj_id: int, actor: Any) -> PublishedDecision:
        decision = _locked(obj_id)
        _require(actor, decision)
        return decision

    def may_apply(self, actor: Any, obj: PublishedDecision, t: workflow.Transition) -> bool:
        if actor is None:
            # The platform only withdraws by itself (a decision changed in its case); it never
            # prepares or publishes — publication is the agency's reviewed act.
            return t.event == "withdraw"
        return user_can_see_agency(actor, obj.agency_id, roles=t.roles)

    def forbidden(self, obj: PublishedDecision, t: workflow.Transition) -> Forbidden:
        return Forbidden(_("Only the deciding agency's staff may do this."))

    def conflict(self, obj: PublishedDecision, t: workflow.Transition) -> Conflict:
        if t.event == "publish":
            return Conflict(
                _("This decision is “%(state)s”; only a prepared decision can be published.")
                % {"state": obj.get_state_display()}
            )
        if t.event in ("prepare", "return"):
            return Conflict(
                _("This decision is “%(state)s”; this step does not apply.")
                % {"state": obj.get_state_display()}
            )
        if t.event == "withdraw":
            return Conflict(_("This decision is not (or no longer) published."))
        return Conflict(_("Only a decision awaiting publication can be exempted."))

    def write_event(
        self, obj: PublishedDecision, ctx: Any, *, from_state: str, to_state: str, now: dt.datetime
    ) -> PublicationEvent:
        row: dict[str, Any] = ctx.extra.get("event", {})
        return PublicationEvent.objects.create(
            decision=obj,
            kind=ctx.transition.event,
            at=now,
            on=timezone.localdate(now),
            actor=ctx.actor if getattr(ctx.actor, "pk", None) else None,
            actor_name=(getattr(ctx.actor, "display_name", "") or "")[:50],
            due_on=row.get("due_on"),
            in_time=row.get("in_time"),
            note=row.get("note", ""),
            data=workflow.jsonable(ctx.record),
        )

    def audit(self, obj: PublishedDecision, ctx: Any, row: Any, *, from_state: str, to_state: str) -> None:
        _audit(ctx.actor, ctx.transition.event, obj, **ctx.extra.get("audit", {}))

    def resolved_alerts(self, obj: PublishedDecision, ctx: Any) -> list[str]:
        # Published, withdrawn or exempted: an overdue alert no longer holds (same transaction).
        return [_alert_key(obj)]

    def state_labels(self) -> list[tuple[str, str]]:
        return [(str(v), str(label)) for v, label in PublishedDecision.State.choices]


PUBLICATION = PublicationWorkflow()
PubCtx = workflow.Ctx[PublishedDecision, workflow.Transition]


@PUBLICATION.handlers.handles("prepare")
def _prepare(ctx: PubCtx) -> None:
    """The officer checks what will go public; an edited text is masked again, so an edit cannot bring
    back a name or number (the masking rule runs on whatever is typed)."""
    decision = ctx.obj
    if decision.case_served_on is None:
        law.check_publication_review(served=False, masking_checked=True, actor_present=True)
    facts = ctx.data.get("facts_public")
    if facts is not None:
        names = [decision.party_public] if decision.party_kind == PublishedDecision.PartyKind.PERSON else []
        masked = law.public_text(str(facts)[:5000], person_names=names)
        if masked != decision.facts_public:
            ctx.set(facts_public=masked)
            ctx.record["facts_edited"] = True
    note = str(ctx.data.get("note") or "")[:2000]
    ctx.extra.update(event={"note": note, "due_on": decision.publish_due}, audit={})


@PUBLICATION.handlers.handles("return")
def _return(ctx: PubCtx) -> None:
    note = str(ctx.data.get("note") or "").strip()
    if len(note) < 2:
        raise InvalidInput(_("Say what to correct before publication."), detail={"field": "note"})
    ctx.extra.update(event={"note": note[:2000]}, audit={})


@PUBLICATION.handlers.handles("publish")
def _publish(ctx: PubCtx) -> None:
    decision, now = ctx.obj, timezone.now()
    law.check_publication_review(
        served=decision.case_served_on is not None,
        masking_checked=bool(ctx.data.get("masking_checked")),
        actor_present=ctx.actor is not None,
    )
    ctx.set(published_at=now, published_on=ctx.today)
    ctx.record["masking_checked"] = True
    in_time = decision.publish_due is None or ctx.today <= decision.publish_due
    ctx.changed.update(dues.close_publication(decision, on=ctx.today))
    ctx.extra.update(event={"due_on": decision.publish_due, "in_time": in_time}, audit={"in_time": in_time})
    _index(decision)
    portal_cache.bump_on_commit()


@PUBLICATION.handlers.handles("withdraw")
def _withdraw(ctx: PubCtx) -> None:
    """Withdraw a decision that was changed, revoked, confirmed illegal or void, with the public reason
    (行政处罚法第四十八条第二款). The deadline is 3 working days from the change (第八十五条);
    withdrawing late is still done, and recorded as late."""
    decision, data, today = ctx.obj, ctx.data, ctx.today
    ground, changed_on = data["ground"], data["changed_on"]
    note = data["note"]
    if changed_on < decision.decided_on:
        raise InvalidInput(
            _("The change cannot predate the decision (%(date)s).")
            % {"date": f"{decision.decided_on:%Y-%m-%d}"},
            detail={"field": "changed_on"},
        )
    was_published = decision.state == PublishedDecision.State.PUBLISHED
    if not was_published:  # withdrawn before it was published: the publication period no longer applies
        ctx.changed.update(dues.close_publication(decision, on=today, moot=True))
    row = dues.withdrawal(decision, changed_on=changed_on, withdrawn_on=today)
    ctx.changed.update(dues.sync(decision))
    due, in_time = row.due_on, today <= row.due_on
    ctx.set(
        withdrawal_ground=ground,
        changed_on=changed_on,
        withdrawn_at=timezone.now(),
        withdrawn_on=today,
        withdrawal_note=note[:2000],
    )
    ctx.record.update(
        ground=ground,
        changed_on=str(changed_on),
        was_published=was_published,
        provisional=row.provisional,
    )
    ctx.extra.update(
        event={"note": note, "due_on": due, "in_time": in_time}, audit={"ground": ground, "in_time": in_time}
    )
    if was_published:
        _unindex(decision)
    portal_cache.bump_on_commit()


@PUBLICATION.handlers.handles("exempt")
def _exempt(ctx: PubCtx) -> None:
    ground, note = ctx.data["ground"], ctx.data["note"]
    ctx.set(exemption_ground=ground, exemption_note=note[:2000])
    ctx.changed.update(dues.close_publication(ctx.obj, on=ctx.today, moot=True))
    ctx.record.update(ground=ground)
    ctx.extra.update(event={"note": note}, audit={"ground": ground})


def publication_prepare(
    *, decision_id: int, actor: Any, facts_public: str | None = None, note: str = ""
) -> PublishedDecision:
    """An officer (or the approver) prepares a served decision for publication: the masked text is
    checked and may be edited (masked again)."""
    data: dict[str, Any] = {"note": note}
    if facts_public is not None:
        data["facts_public"] = facts_public
    return workflow.apply_event(PUBLICATION, obj_id=decision_id, actor=actor, event="prepare", data=data)


def publication_return(*, decision_id: int, actor: Any, note: str) -> PublishedDecision:
    """The approver sends a prepared publication back, saying what to correct."""
    return workflow.apply_event(
        PUBLICATION, obj_id=decision_id, actor=actor, event="return", data={"note": note}
    )


def publication_publish(
    *, decision_id: int, actor: Any | None = None, masking_checked: bool = False
) -> PublishedDecision:
    """The approver publishes a prepared decision, confirming the masking was checked. Refused without
    an actor: nothing is published automatically."""
    return workflow.apply_event(
        PUBLICATION,
        obj_id=decision_id,
        actor=actor,
        event="publish",
        data={"masking_checked": masking_checked},
    )


def publication_case_served(*, case_id: int, served_on: dt.date) -> int:
    """The case listener: the decision reached the party, so it may now be prepared for publication."""
    return PublishedDecision.objects.filter(case_id=case_id, case_served_on__isnull=True).update(
        case_served_on=served_on
    )


# --- withdraw ------------------------------------------------------------------------------------


def publication_withdraw(
    *, decision_id: int, actor: Any | None, ground: str, changed_on: dt.date, note: str
) -> PublishedDecision:
    """Withdraw a decision that was changed, revoked, confirmed illegal or void, with the public reason
    (行政处罚法第四十八条第二款). The deadline is 3 working days from the change (第八十五条);
    withdrawing late is still done, and recorded as late."""
    if ground not in {g.value for g in law.WithdrawalGround}:
        raise InvalidInput(_("Choose why the decision is withdrawn."), detail={"field": "ground"})
    note = (note or "").strip()
    if len(note) < 4:
        raise InvalidInput(
            _("Explain publicly why the decision is withdrawn (行政处罚法第四十八条第二款)."),
            detail={"field": "note"},
        )
    today = timezone.localdate()
    if changed_on > today:
        raise InvalidInput(
            _("The date of the change cannot be in the future."), detail={"field": "changed_on"}
        )
    return workflow.apply_event(
        PUBLICATION,
        obj_id=decision_id,
        actor=actor,
        event="withdraw",
        data={"ground": ground, "changed_on": changed_on, "note": note},
    )


def publication_withdraw_for_case(
    *, case_id: int, actor: Any | None, ground: str, changed_on: dt.date, note: str
) -> list[PublishedDecision]:
    ids = list(
        PublishedDecision.objects.filter(
            case_id=case_id,
            state__in=[PublishedDecision.State.PUBLISHED, PublishedDecision.State.SCHEDULED],
        ).values_list("id", flat=True)
    )
    return [
        publication_withdraw(decision_id=i, actor=actor, ground=ground, changed_on=changed_on, note=note)
        for i in ids
    ]


# --- exempt --------------------------------------------------------------------------------------


def publication_exempt(*, decision_id: int, actor: Any, ground: str, note: str) -> PublishedDecision:
    """Not to be published (政府信息公开条例第十四条、第十五条), approved by the agency's approver."""
    if ground not in {g.value for g in law.ExemptionGround}:
        raise InvalidInput(_("Choose the legal ground for not publishing."), detail={"field": "ground"})
    note = (note or "").strip()
    if len(note) < 4:
        raise InvalidInput(_("Say why this decision is not published."), detail={"field": "note"})
    return workflow.apply_event(
        PUBLICATION, obj_id=decision_id, actor=actor, event="exempt", data={"ground": ground, "note": note}
    )


# --- daily check ---------------------------------------------------------------------------------


def raise_overdue_alerts(*, today: dt.date | None = None) -> int:
    """An alert for each decision still awaiting publication after its deadline."""
    from zhifa.foundation.alerts.services import alert_raise

    today = today or timezone.localdate()
    overdue = PublishedDecision.objects.filter(
        state__in=[PublishedDecision.State.SCHEDULED, PublishedDecision.State.PREPARED], publish_due__lt=today
    )
    count = 0
    for decision in overdue.only("id", "agency_id", "decision_number", "publish_due", "window_days"):
        alert_raise(
            kind="publication_overdue",
            key=_alert_key(decision),
            agency_id=decision.agency_id,
            title=_("Decision %(number)s was not published by %(date)s")
            % {"number": decision.decision_number, "date": f"{decision.publish_due:%Y-%m-%d}"},
            message=_(
                "Prepare it and have the approver publish it, or record why it is exempt, on the portal's "
                "publication page."
            ),
            due_on=decision.publish_due,
            object_type="portal.publisheddecision",
            object_id=str(decision.pk),
            article=law.ARTICLE_PUBLISH,
        )
        count += 1
    return count
