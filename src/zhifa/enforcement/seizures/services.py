"""Every write to seizures: the decision with its item list, extension, testing periods, disposition.

The steps of a measure run on the shared workflow engine (`zhifa.core.workflow`, table in
seizures/workflow.py): each door below hands its payload to `apply_event`, and the handlers registered
here do what the table cannot say. Each write is one transaction: the case row is locked first (the
order cases.services uses), then the seizure. The rules are in law.seizure; the documents (决定书/通知书 with 清单, 延长决定, 处理决定) are
rendered by documents.services inside the same transaction; the on-site action is recorded in the
evidence app, which flags it until its video is attached (查封、扣押 are on the mandatory list).

先行登记保存 also moves the case: recording it applies the case's `record_preservation` event (which
opens the case's 7-working-day deadline) and dealing with all its items applies `resolve_preservation`.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhifa.core import workflow
from zhifa.core.errors import Conflict, Forbidden, InvalidInput, NotFound, RuleViolation
from zhifa.enforcement.cases.models import Case
from zhifa.enforcement.cases.selectors import require_case_writable
from zhifa.enforcement.documents.services import document_generate
from zhifa.enforcement.evidence.models import Evidence
from zhifa.enforcement.evidence.services import site_action_record
from zhifa.enforcement.seizures import deadlines as dues
from zhifa.enforcement.seizures.models import (
    AppraisalPeriod,
    Disposition,
    Extension,
    Measure,
    Outcome,
    SeizedItem,
    Seizure,
)
from zhifa.enforcement.seizures.workflow import (
    APPROVERS,
    EMERGENCY_ALERT,
    SEIZURES,
    WRITERS,
    emergency_key,
    record_created,
    term_key,
    term_keys,
)
from zhifa.law import coercion, jurisdiction
from zhifa.law import seizure as law
from zhifa.officers.models import Officer
from zhifa.officers.rules import can_enforce
from zhifa.org.selectors import scope_agency_ids, user_can_see_agency

MAX_ITEMS = 500
OUTCOME_TITLES = {
    Outcome.RETURNED: "解除{measure}决定书",
    Outcome.CONFISCATED: "{measure}物品没收处理决定书",
    Outcome.AUCTIONED: "{measure}物品拍卖（变卖）决定书",
    Outcome.DESTROYED: "{measure}物品销毁决定书",
    Outcome.TRANSFERRED: "{measure}物品移送决定书",
}
OUTCOME_SENTENCES = {
    Outcome.RETURNED: "根据《中华人民共和国行政强制法》第二十八条的规定，本机关决定解除{measure}，下列财物予以退还。",
    Outcome.CONFISCATED: "本案已作出行政处罚决定（{decision}），下列财物依法予以没收（《中华人民共和国行政强制法》第二十七条）。",
    Outcome.AUCTIONED: "下列财物属鲜活物品或者其他不易保管的财物，本机关决定予以拍卖（变卖），所得价款依法处理（《中华人民共和国行政强制法》第二十八条第二款）。",
    Outcome.DESTROYED: "下列财物依法应当销毁，本机关决定予以销毁（《中华人民共和国行政强制法》第二十七条）。",
    Outcome.TRANSFERRED: "本案违法行为涉嫌犯罪，下列财物随案移送司法机关（《中华人民共和国行政强制法》第二十一条）。",
}
OUTCOME_LABELS = {
    Outcome.RETURNED: "退还",
    Outcome.CONFISCATED: "没收",
    Outcome.AUCTIONED: "拍卖（变卖）",
    Outcome.DESTROYED: "销毁",
    Outcome.TRANSFERRED: "随案移送",
}


def _can_write(user: Any, agency_id: int) -> bool:
    """The agency's officers and approvers record measures (the table's WRITERS)."""
    return user_can_see_agency(user, agency_id, roles=WRITERS)


def _is_approver(user: Any, agency_id: int) -> bool:
    """The agency's approvers (its head or deputies, 行政机关负责人) approve (the table's APPROVERS)."""
    return user_can_see_agency(user, agency_id, roles=APPROVERS)


def _lock_case(case_id: int) -> Case:
    case = Case.objects.select_for_update(of=("self",)).select_related("agency").filter(pk=case_id).first()
    if case is None:
        raise NotFound(_("Case not found, or not visible to you."))
    return case


def _items(raw: Any) -> list[dict[str, Any]]:
    """Validate the item list: description, quantity > 0, unit; optional place, condition, value."""
    if not isinstance(raw, list) or not raw:
        raise RuleViolation(
            _("The decision needs an item list naming what is sealed or seized (行政强制法第二十四条)."),
            code="seizure_items_required",
            article=law.ARTICLE_DECISION,
        )
    if len(raw) > MAX_ITEMS:
        raise InvalidInput(_("Too many items in one decision."), detail={"field": "items"})
    items = []
    for n, row in enumerate(raw, start=1):
        if not isinstance(row, dict):
            raise InvalidInput(_("Item %(n)s is not valid.") % {"n": n}, detail={"field": "items", "row": n})
        description = str(row.get("description", "")).strip()
        unit = str(row.get("unit", "")).strip()
        try:
            quantity = Decimal(str(row.get("quantity", "")))
        except InvalidOperation:
            quantity = Decimal(-1)
        value_raw = row.get("estimated_value")
        try:
            value = Decimal(str(value_raw)) if value_raw not in (None, "") else None
        except InvalidOperation:
            value = Decimal(-1)
        if (
            not description
            or len(description) > 200
            or not unit
            or len(unit) > 10
            or not quantity.is_finite()
            or quantity <= 0
            or quantity >= Decimal("1e9")
            or (value is not None and (not value.is_finite() or value < 0 or value >= Decimal("1e12")))
        ):
            raise InvalidInput(
                _("Item %(n)s needs a name, a positive quantity and a unit.") % {"n": n},
                detail={"field": "items", "row": n},
            )
        items.append(
            {
                "description": description,
                "quantity": quantity.quantize(Decimal("0.001")),
                "unit": unit,
                "storage_location": str(row.get("storage_location", "")).strip()[:200],
                "condition": str(row.get("condition", "")).strip()[:200],
                "estimated_value": value.quantize(Decimal("0.01")) if value is not None else None,
                "photo_ids": [int(p) for p in row.get("photo_ids", []) if str(p).isdigit()],
            }
        )
    return items


def _officers(ids: list[int], *, agency_id: int, on: dt.date) -> list[tuple[Officer, str]]:
    officers = list(Officer.objects.filter(pk__in=ids))
    if len(officers) != len(set(ids)):
        raise InvalidInput(_("Unknown officer."), detail={"field": "officer_ids"})
    out = []
    for officer in officers:
        verdict = can_enforce(officer, on=on, agency_id=agency_id)
        if not verdict:
            raise RuleViolation(
                verdict.reason, code="officer_not_qualified", article="行政强制法第十七条第三款"
            )
        out.append((officer, verdict.credential.number if verdict.credential else ""))
    return out


def seizure_context(seizure: Seizure) -> dict[str, Any]:
    items = list(seizure.items.order_by("position"))
    return {
        "seizure": {
            "measure": seizure.measure,
            "measure_label": law.MEASURE_LABELS[law.Measure(seizure.measure)],
            "number": seizure.number,
            "started_on": seizure.started_on.isoformat(),
            "due_on": seizure.due_on.isoformat() if seizure.due_on else "",
            "reason": seizure.reason,
            "basis": seizure.basis,
            "storage_location": seizure.storage_location,
            "items": [
                {
                    "description": i.description,
                    "quantity": f"{i.quantity.normalize():f}",
                    "unit": i.unit,
                    "storage_location": i.storage_location or seizure.storage_location,
                }
                for i in items
            ],
            "officers": [o["name"] for o in seizure.officer_names],
            "party_present": seizure.party_present,
            "witness": seizure.witness,
        }
    }


def seizure_record(
    *,
    actor: Any,
    case_id: int,
    measure: str,
    reason: str,
    basis: str,
    started_at: dt.datetime,
    officer_ids: list[int],
    items: Any,
    storage_location: str,
    location: str = "",
    party_present: bool = True,
    witness: str = "",
    approved_by: Any = None,
    emergency: bool = False,
) -> Seizure:
    """Record a measure carried out on site, with its item list; produce its decision (or notice)."""
    if measure not in Measure.values:
        raise InvalidInput(_("Unknown measure."), detail={"field": "measure"})
    if timezone.is_naive(started_at):
        raise InvalidInput(_("The time needs a time zone."), detail={"field": "started_at"})
    if started_at > timezone.now() + dt.timedelta(minutes=10):
        raise InvalidInput(_("The measure cannot be in the future."), detail={"field": "started_at"})
    reason, basis, storage_location = reason.strip(), basis.strip(), storage_location.strip()
    if not reason or not basis or not storage_location:
        raise InvalidInput(
            _("Give the reason, the legal basis and where the property is kept (行政强制法第二十四条)."),
            detail={
                "fields": [
                    f
                    for f, v in (("reason", reason), ("basis", basis), ("storage_location", storage_location))
                    if not v
                ]
            },
        )
    parsed = _items(items)
    with transaction.atomic():
        case = _lock_case(case_id)
        if case.agency_id not in scope_agency_ids(actor):
            raise NotFound(_("Case not found, or not visible to you."))
        if not _can_write(actor, case.agency_id):
            raise Forbidden(_("Only this agency's officers and approvers record measures."))
        require_case_writable(case)
        if approved_by is None and _is_approver(actor, case.agency_id):
            approved_by = actor
        if approved_by is not None and not _is_approver(approved_by, case.agency_id):
            raise Forbidden(_("The measure must be approved by the agency's head (an approver)."))
        started_on = timezone.localtime(started_at).date()
        law.check_measure(
            measure=measure,
            officer_count=len(set(officer_ids)),
            party_present=party_present,
            witness=witness,
            item_count=len(parsed),
            approved=approved_by is not None,
            emergency=emergency,
        )
        officers = _officers(officer_ids, agency_id=case.agency_id, on=started_on)
        now = timezone.now()
        seizure = Seizure.objects.create(
            agency=case.agency,
            case=case,
            measure=measure,
            number="",
            reason=reason,
            basis=basis[:300],
            started_at=started_at,
            started_on=started_on,
            location=location.strip()[:200],
            officer_names=[{"name": o.name, "credential": c} for o, c in officers],
            party_present=party_present,
            witness=witness.strip()[:100],
            storage_location=storage_location[:200],
            approved_by=approved_by,
            approved_at=now if approved_by is not None else None,
            emergency=emergency,
            recorded_by=actor,
            recorded_at=now,
        )
        seizure.save(update_fields=dues.open_term(seizure))  # the term runs on the deadline engine
        seizure.officers.set([o for o, _c in officers])
        for position, row in enumerate(parsed, start=1):
            item = SeizedItem.objects.create(
                seizure=seizure,
                position=position,
                description=row["description"],
                quantity=row["quantity"],
                unit=row["unit"],
                storage_location=row["storage_location"],
                condition=row["condition"],
                estimated_value=row["estimated_value"],
            )
            if row["photo_ids"]:
                photos = Evidence.objects.filter(pk__in=row["photo_ids"], case=case)
                item.photos.set(photos)
        seizure.site_action = site_action_record(
            actor=actor,
            agency=case.agency,
            case=case,
            kind=measure,
            occurred_at=started_at,
            location=seizure.location,
            description=f"{law.MEASURE_LABELS[law.Measure(measure)]}：{reason}"[:2000],
        )
        if measure == Measure.PRESERVATION:
            _apply_case_event(
                case,
                approved_by or actor,
                "record_preservation",
                {
                    "items": "；".join(
                        f"{r['description']}{r['quantity'].normalize():f}{r['unit']}" for r in parsed
                    )[:2000],
                    "preserved_on": started_on.isoformat(),
                },
            )
        code = "preservation_notice" if measure == Measure.PRESERVATION else "seizure_decision"
        document = document_generate(
            case=case,
            code=code,
            actor=actor,
            extra=seizure_context(seizure),
            authorised=True,
            served_on=started_on,  # handed over on the spot (第二十四条: 当场交付)
        )
        seizure.document = document
        seizure.number = document.number
        seizure.save(update_fields=["site_action", "document", "number"])
        summary = {
            "case": case.pk,
            "measure": measure,
            "items": len(parsed),
            "due_on": str(seizure.due_on),
            "number": seizure.number,
            "emergency": emergency,
        }
        # the table's creating row: its event row, audit entry and listeners through the workflow
        record_created(
            seizure,
            actor=actor,
            data={**summary, "started_at": started_at.isoformat(), "approved": approved_by is not None},
            audit=summary,
        )
    return seizure


def _apply_case_event(case: Case, actor: Any, event: str, data: dict[str, Any]) -> None:
    from zhifa.enforcement.cases.services import case_apply_event

    case_apply_event(case_id=case.pk, actor=actor, event=event, data=data)


# --- The steps of a measure: doors onto the shared engine (seizures/workflow.py) -------------------------
#
# Each door only hands its payload to `core.workflow.apply_event`, which locks the case and the seizure,
# checks the table (409) and the roles (403), dates the act (400), runs the handler below (the rules of
# law.seizure, 422 naming the article), saves the fields the handler changed, appends the SeizureEvent
# row, writes the audit entry `seizures.<event>` and closes the alerts the step answers.

H = SEIZURES.handlers
Ctx = workflow.Ctx[Seizure, workflow.Transition]


def _apply(event: str, seizure_id: int, actor: Any, data: dict[str, Any]) -> Seizure:
    return workflow.apply_event(SEIZURES, obj_id=seizure_id, actor=actor, event=event, data=data)


def _changed(ctx: Ctx, fields: list[str]) -> None:
    """Fields the deadline module (seizures/deadlines.py) set on the seizure: the engine saves them."""
    ctx.changed.update(fields)


def _text(ctx: Ctx, name: str) -> str:
    return str(ctx.data.get(name) or "").strip()


def _day(value: Any) -> dt.date | None:
    """A date of the payload (a date or an ISO string); None when it is not one."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


def seizure_approve(*, actor: Any, seizure_id: int) -> Seizure:
    """The head's approval of a measure taken in an emergency (行政强制法第十九条: within 24 hours)."""
    return _apply("approve", seizure_id, actor, {})


@H.handles("approve")
def _approve(ctx: Ctx) -> None:
    seizure = ctx.obj
    if seizure.approved_by_id is not None:
        raise Conflict(_("This measure is already approved."))
    now = timezone.now()
    ctx.set(approved_by=ctx.actor, approved_at=now)
    late = now > coercion.emergency_report_due(seizure.started_at)  # 行政强制法第十九条: 24 hours
    ctx.record.update(late=late)
    ctx.extra["audit"] = {"late": late}
    ctx.extra["resolved_alerts"] = [emergency_key(seizure.pk)]  # the 第十九条 alert, if raised


def seizure_extend(*, actor: Any, seizure_id: int, days: int, reason: str, decided_on: dt.date) -> Seizure:
    """Extend the term once, by at most 30 days, with the head's approval (行政强制法第二十五条)."""
    return _apply("extend", seizure_id, actor, {"days": days, "reason": reason, "decided_on": decided_on})


@H.handles("extend")
def _extend(ctx: Ctx) -> None:
    seizure = ctx.obj
    case = seizure.case
    reason = _text(ctx, "reason")
    if not reason:
        raise InvalidInput(_("Give the reason for the extension."), detail={"field": "reason"})
    try:
        days = int(ctx.data.get("days"))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise InvalidInput(_("Enter a whole number of days."), detail={"field": "days"}) from None
    require_case_writable(case)
    law.check_extension(
        measure=seizure.measure,
        previous_extensions=Extension.objects.filter(seizure=seizure).count(),
        days=days,
        on=ctx.act_on,
        current_due=seizure.due_on,
    )
    before = seizure.due_on
    ctx.set(extension_days=days)
    _changed(ctx, dues.extend(seizure, days))
    assert before is not None or seizure.due_on is None
    extension = Extension.objects.create(
        seizure=seizure,
        days=days,
        reason=reason,
        approved_by=ctx.actor,
        decided_on=ctx.act_on,
        due_before=before or ctx.act_on,
        due_after=seizure.due_on,
        recorded_at=timezone.now(),
    )
    extension.document = document_generate(
        case=case,
        code="seizure_extension",
        actor=ctx.actor,
        authorised=True,
        extra={**seizure_context(seizure), "extension": {"days": days, "reason": reason}},
    )
    extension.save(update_fields=["document"])
    ctx.record.update(
        days=days,
        reason=reason,
        due_before=before,
        due_after=seizure.due_on,
        document=extension.document.number,
    )
    ctx.extra["audit"] = {"days": days, "due_before": str(before), "due_after": str(seizure.due_on)}
    ctx.extra["resolved_alerts"] = term_keys(seizure)


def appraisal_start(
    *,
    actor: Any,
    seizure_id: int,
    kind: str,
    description: str,
    started_on: dt.date,
    party_notified_on: dt.date,
) -> AppraisalPeriod:
    """Testing begins: the term stops running until it ends (行政强制法第二十五条第三款)."""
    data = {
        "kind": kind,
        "description": description,
        "started_on": started_on,
        "party_notified_on": party_notified_on,
    }
    with transaction.atomic():  # the seizure stays locked until the period is read back
        seizure = _apply("appraisal_start", seizure_id, actor, data)
        period = seizure.appraisals.filter(ended_on__isnull=True).get()
    return period


@H.handles("appraisal_start")
def _appraisal_start(ctx: Ctx) -> None:
    seizure = ctx.obj
    kind, description = _text(ctx, "kind"), _text(ctx, "description")
    if kind not in AppraisalPeriod.Kind.values:
        raise InvalidInput(_("Unknown kind of testing."), detail={"field": "kind"})
    if not description:
        raise InvalidInput(_("Say what is examined and by whom."), detail={"field": "description"})
    require_case_writable(seizure.case)
    if seizure.is_preservation:
        raise RuleViolation(
            _("The 7-day period for preserved evidence has no exclusion for testing (行政处罚法第五十六条)."),
            code="preservation_no_exclusion",
            article=law.ARTICLE_PRESERVATION,
        )
    if seizure.appraisals.filter(ended_on__isnull=True).exists():
        raise Conflict(_("A testing period is already under way."))
    started_on = ctx.act_on
    notified = _day(ctx.data.get("party_notified_on"))
    if notified is None or not started_on <= notified <= ctx.today:
        raise InvalidInput(
            _("Testing starts after the measure, and the party is told in writing once it starts."),
            detail={"fields": ["started_on", "party_notified_on"]},
        )
    if seizure.due_on is not None and started_on > seizure.due_on:
        raise RuleViolation(
            _("The term had already ended; the measure must be lifted (行政强制法第二十八条)."),
            code="seizure_term_expired",
            article=law.ARTICLE_RELEASE,
        )
    AppraisalPeriod.objects.create(
        seizure=seizure,
        kind=kind,
        description=description[:300],
        started_on=started_on,
        party_notified_on=notified,
        recorded_by=ctx.actor,
        recorded_at=timezone.now(),
    )
    _changed(ctx, dues.testing_started(seizure, started_on))
    ctx.record.update(kind=kind, party_notified_on=notified)
    ctx.extra["audit"] = {"kind": kind, "from": started_on.isoformat()}
    ctx.extra["resolved_alerts"] = term_keys(seizure)  # the term is paused


def appraisal_end(*, actor: Any, seizure_id: int, ended_on: dt.date) -> Seizure:
    return _apply("appraisal_end", seizure_id, actor, {"ended_on": ended_on})


@H.handles("appraisal_end")
def _appraisal_end(ctx: Ctx) -> None:
    seizure = ctx.obj
    require_case_writable(seizure.case)
    period = seizure.appraisals.filter(ended_on__isnull=True).first()
    if period is None:
        raise Conflict(_("No testing period is under way."))
    before = [
        law.AppraisalInterval(a.started_on, a.ended_on) for a in seizure.appraisals.exclude(pk=period.pk)
    ]
    period.ended_on = ctx.act_on
    period.save(update_fields=["ended_on"])
    _changed(ctx, dues.testing_ended(seizure, ctx.act_on, before=before))
    ctx.record.update(kind=period.kind, started_on=period.started_on, due_on=seizure.due_on)
    ctx.extra["audit"] = {"to": ctx.act_on.isoformat(), "due_on": str(seizure.due_on)}


def seizure_dispose(
    *,
    actor: Any,
    seizure_id: int,
    outcome: str,
    decided_on: dt.date,
    item_ids: list[int] | None = None,
    basis: str = "",
    proceeds: Decimal | None = None,
    receiver: str = "",
    note: str = "",
) -> Disposition:
    """Deal with some or all items (行政强制法第二十七、二十八条); the last one ends the measure."""
    data = {
        "outcome": outcome,
        "decided_on": decided_on,
        "item_ids": list(item_ids or []),
        "basis": basis,
        "proceeds": proceeds,
        "receiver": receiver,
        "note": note,
    }
    with transaction.atomic():  # the seizure stays locked until its new disposition is read back
        seizure = _apply("dispose", seizure_id, actor, data)
        disposition = seizure.dispositions.order_by("-pk").first()
    assert disposition is not None
    return disposition


@H.handles("dispose")
def _dispose(ctx: Ctx) -> None:
    outcome = _text(ctx, "outcome")
    if outcome not in Outcome.values:
        raise InvalidInput(_("Unknown outcome."), detail={"field": "outcome"})
    raw = ctx.data.get("proceeds")
    try:
        proceeds = None if raw in (None, "") else Decimal(str(raw))
    except InvalidOperation:
        raise InvalidInput(_("Check the dates and amounts entered."), detail={"field": "proceeds"}) from None
    try:
        item_ids = [int(i) for i in ctx.data.get("item_ids") or []]
    except (TypeError, ValueError):
        raise InvalidInput(
            _("Choose items that have not been dealt with yet."), detail={"field": "item_ids"}
        ) from None
    if proceeds is not None and not proceeds.is_finite():
        raise InvalidInput(_("Check the dates and amounts entered."), detail={"field": "proceeds"})
    _deal_with(
        ctx,
        outcome=outcome,
        item_ids=item_ids,
        basis=_text(ctx, "basis"),
        proceeds=proceeds,
        receiver=_text(ctx, "receiver"),
        note=_text(ctx, "note"),
    )


def _deal_with(
    ctx: Ctx,
    *,
    outcome: str,
    item_ids: list[int],
    basis: str,
    proceeds: Decimal | None,
    receiver: str = "",
    note: str = "",
) -> Disposition:
    """The disposition of some or all open items with its decision; the last items end the measure."""
    seizure = ctx.obj
    case = seizure.case
    decided_on = ctx.act_on
    require_case_writable(case)
    open_items = list(seizure.items.filter(disposition__isnull=True).order_by("position"))
    chosen = open_items if not item_ids else [i for i in open_items if i.pk in set(item_ids)]
    if not chosen or (item_ids and len(chosen) != len(set(item_ids))):
        raise InvalidInput(_("Choose items that have not been dealt with yet."), detail={"field": "item_ids"})
    confiscation_decided = case.decided_on is not None and "confiscation" in (case.measures or [])
    law.check_disposition(
        outcome=outcome, basis=basis, proceeds=proceeds, confiscation_decided=confiscation_decided
    )
    late = seizure.due_on is not None and decided_on > seizure.due_on
    disposition = Disposition.objects.create(
        seizure=seizure,
        outcome=outcome,
        decided_on=decided_on,
        basis=basis[:300],
        proceeds=proceeds,
        receiver=receiver[:100],
        note=note,
        late=late,
        decided_by=ctx.actor,
        recorded_at=timezone.now(),
    )
    SeizedItem.objects.filter(pk__in=[i.pk for i in chosen]).update(disposition=disposition)
    measure_label = law.MEASURE_LABELS[law.Measure(seizure.measure)]
    extra = {
        **seizure_context(seizure),
        "disposition": {
            "title": OUTCOME_TITLES[Outcome(outcome)].format(measure=measure_label),
            "sentence": OUTCOME_SENTENCES[Outcome(outcome)].format(
                measure=measure_label, decision=case.decision_number
            ),
            "outcome_label": OUTCOME_LABELS[Outcome(outcome)],
            "basis": basis or _default_basis(outcome),
            "proceeds": str(proceeds) if proceeds is not None else "",
            "items": [
                {"description": i.description, "quantity": f"{i.quantity.normalize():f}", "unit": i.unit}
                for i in chosen
            ],
        },
    }
    disposition.document = document_generate(
        case=case, code="seizure_disposition", actor=ctx.actor, extra=extra, authorised=True
    )
    disposition.save(update_fields=["document"])
    finished = len(chosen) == len(open_items)
    alerts: list[str] = list(ctx.extra.get("resolved_alerts", []))
    if finished:
        ctx.target = Seizure.Status.DISPOSED
        ctx.set(disposed_on=decided_on)
        dues.dealt_with(seizure, decided_on)
        alerts += term_keys(seizure)
        if seizure.is_preservation and _preservation_open(case):
            _apply_case_event(
                case,
                ctx.actor,
                "resolve_preservation",
                {
                    "decision": f"{OUTCOME_LABELS[Outcome(outcome)]}（{disposition.document.number}）",
                    "resolved_on": decided_on.isoformat(),
                },
            )
    else:
        ctx.target = Seizure.Status.ACTIVE
    items = [i.pk for i in chosen]
    proceeds_text = str(proceeds) if proceeds is not None else None
    ctx.record.update(
        outcome=outcome,
        items=items,
        late=late,
        finished=finished,
        proceeds=proceeds_text,
        disposition=disposition.pk,
        document=disposition.document.number,
    )
    ctx.extra["audit"] = {
        "outcome": outcome,
        "items": items,
        "late": late,
        "finished": finished,
        "proceeds": proceeds_text,
    }
    ctx.extra["resolved_alerts"] = alerts
    return disposition


def _preservation_open(case: Case) -> bool:
    from zhifa.enforcement.cases.models import CaseDeadline, DeadlineKind

    return (
        CaseDeadline.objects.of_case(case)
        .filter(kind=DeadlineKind.PRESERVATION, resolved_on__isnull=True)
        .exists()
    )


def _default_basis(outcome: str) -> str:
    return {
        Outcome.RETURNED: "《中华人民共和国行政强制法》第二十八条",
        Outcome.CONFISCATED: "《中华人民共和国行政强制法》第二十七条",
        Outcome.AUCTIONED: "《中华人民共和国行政强制法》第二十八条第二款",
        Outcome.DESTROYED: "《中华人民共和国行政强制法》第二十七条",
        Outcome.TRANSFERRED: "《中华人民共和国行政强制法》第二十一条",
    }[Outcome(outcome)]


# --- Alerts before expiry (huey periodic task) --------------------------------------------------------


_WINDOWS: dict[int, tuple[float, int]] = {}
_WINDOW_SECONDS = 60.0  # like the calendar: a changed setting reaches every process within a minute


def alert_window(agency: Any) -> int:
    """Days before the end of a term at which it turns "due soon" (a jurisdiction setting), cached
    briefly per agency so a register page of fifty measures does not look it up fifty times."""
    import time

    now = time.monotonic()
    hit = _WINDOWS.get(agency.pk)
    if hit is not None and now - hit[0] < _WINDOW_SECONDS:
        return hit[1]
    days = int(jurisdiction.value(law.ALERT_DAYS_BEFORE.key, agency=agency))
    _WINDOWS[agency.pk] = (now, days)
    return days


def seizures_check_terms(*, today: dt.date | None = None) -> int:
    """Raise `seizure_expiring` alerts for terms ending within the jurisdiction's warning window and
    for terms already past without a disposition. Returns how many are due soon or overdue."""
    from zhifa.foundation.alerts.services import alert_raise

    today = today or timezone.localdate()
    count = 0
    for seizure in Seizure.objects.filter(status=Seizure.Status.ACTIVE, due_on__isnull=False).select_related(
        "agency"
    ):
        alert_days = int(jurisdiction.value(law.ALERT_DAYS_BEFORE.key, agency=seizure.agency))  # fresh, daily
        status = law.term_status(seizure.due_on, today=today, alert_days=alert_days)
        if status not in (law.TermStatus.DUE_SOON, law.TermStatus.OVERDUE):
            continue
        count += 1
        label = law.MEASURE_LABELS[law.Measure(seizure.measure)]
        assert seizure.due_on is not None
        if status == law.TermStatus.OVERDUE:
            title = _("%(measure)s %(number)s: the term ended on %(due)s without a decision")
            severity = "critical"
        else:
            title = _("%(measure)s %(number)s: the term ends on %(due)s")
            severity = "warning"
        article = law.ARTICLE_PRESERVATION if seizure.is_preservation else law.ARTICLE_OUTCOME
        alert_raise(
            kind="seizure_expiring",
            key=term_key(seizure.pk, status),
            agency_id=seizure.agency_id,
            title=title % {"measure": label, "number": seizure.number, "due": seizure.due_on.isoformat()},
            message=_(
                "Decide within the term: confiscate, destroy or lift the measure and return the property (%(article)s)."
            )
            % {"article": article},
            due_on=seizure.due_on,
            severity=severity,
            object_type="seizures.seizure",
            object_id=str(seizure.pk),
            article=article,
        )
    return count


# --- Archive check ------------------------------------------------------------------------------------


def archive_check_seizures(case: Case) -> list[str]:
    """No case is archived while property it seized is still held (行政强制法第二十七、二十八条)."""
    held = Seizure.objects.filter(case=case, status=Seizure.Status.ACTIVE).order_by("started_on")
    return [
        _("%(measure)s %(number)s has not been dealt with (行政强制法第二十七条).")
        % {"measure": law.MEASURE_LABELS[law.Measure(s.measure)], "number": s.number}
        for s in held
    ]


# --- 行政强制法第十九条: the emergency measure's afterwards approval ---------------------------------


def seizure_refuse_emergency(*, actor: Any, seizure_id: int, reason: str) -> Any:
    """The head does not approve a measure taken in an emergency: it is lifted at once and the property
    returned (行政强制法第十九条), with the ordinary disposition (its document) in the same step."""
    with transaction.atomic():  # the seizure stays locked until its disposition is read back
        seizure = _apply("refuse_emergency", seizure_id, actor, {"reason": reason})
        disposition = seizure.dispositions.order_by("-pk").first()
    return disposition


@H.handles("refuse_emergency")
def _refuse_emergency(ctx: Ctx) -> None:

    seizure = ctx.obj
    reason = _text(ctx, "reason")
    if len(reason) < 2:
        raise InvalidInput(_("Give the reason for not approving the measure."), detail={"field": "reason"})
    if not seizure.emergency or seizure.approved_by_id is not None:
        raise Conflict(_("Only an emergency measure awaiting approval can be refused."))
    ctx.extra["resolved_alerts"] = [emergency_key(seizure.pk)]
    _deal_with(ctx, outcome=Outcome.RETURNED, item_ids=[], basis=coercion.ART_19, proceeds=None, note=reason)
    ctx.record["reason"] = reason[:200]


def seizures_check_emergencies(*, now: dt.datetime | None = None) -> int:
    """Alert the agency for every emergency measure still unapproved 24 hours after it was taken
    (行政强制法第十九条); the alert is resolved by the approval or the refusal."""
    from zhifa.foundation.alerts.services import alert_raise

    now = now or timezone.now()
    count = 0
    pending = Seizure.objects.filter(
        status=Seizure.Status.ACTIVE, emergency=True, approved_by__isnull=True
    ).select_related("agency")
    for seizure in pending:
        due = coercion.emergency_report_due(seizure.started_at)
        if now <= due:
            continue
        count += 1
        label = law.MEASURE_LABELS[law.Measure(seizure.measure)]
        alert_raise(
            kind=EMERGENCY_ALERT,
            key=emergency_key(seizure.pk),
            agency_id=seizure.agency_id,
            title=str(
                _("%(measure)s %(number)s: taken in an emergency and not approved within 24 hours")
                % {"measure": label, "number": seizure.number}
            ),
            message=str(
                _("The head approves it now or it is lifted at once (%(article)s).")
                % {"article": coercion.ART_19}
            ),
            severity="critical",
            object_type="seizures.seizure",
            object_id=str(seizure.pk),
            article=coercion.ART_19,
        )
    return count
