"""What can happen to a decision after it is made: an appeal against it (行政处罚法第七十三条), its
revocation or change (第四十八条), the transfer of a case suspected of a crime (第二十七条), and cash
collected on the spot reaching the agency (第七十一条). The rules are in `zhifa.law.execution` and
`zhifa.law.judicial_transfer`; the portal withdraws a published decision on `revoke` and `change`
(its listener, inside the same transaction)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from zhifa.core.errors import InvalidInput
from zhifa.enforcement.cases import deadlines as case_deadlines
from zhifa.enforcement.cases import fields
from zhifa.enforcement.cases.deadlines import deadline_close, deadline_resolve, open_rows
from zhifa.enforcement.cases.events.base import CASH_KIND, Ctx, cash_subject, handles
from zhifa.enforcement.cases.models import DeadlineKind, Resolution, State
from zhifa.foundation.deadlines import services as engine
from zhifa.law import execution as ex
from zhifa.law import judicial_transfer as jt
from zhifa.law import penalty as law

APPEAL_KINDS = ("reconsideration", "litigation")
OUTCOMES_REVOKING = ("revoked", "confirmed_void")  # the decision is gone
OUTCOMES_DECLARING = ("confirmed_illegal",)  # unlawful but left standing (e.g. 行政复议法第六十五条)
OPEN_DECISION_STATES = frozenset({State.DECIDED, State.SERVED, State.EXECUTED})


# --- Appeals (第七十三条) ---------------------------------------------------------------------------


@handles("record_appeal")
def record_appeal(ctx: Ctx) -> None:
    """A reconsideration or lawsuit against the decision: the surcharge stops running (第七十三条第三款)
    and the court window stays shut until it ends (行政强制法第五十三条)."""
    case = ctx.case
    kind = fields.choice(ctx.data, "kind", list(APPEAL_KINDS))
    organ = fields.text(ctx.data, "organ", max_length=100)
    reference = fields.text(ctx.data, "reference", max_length=80)
    if any(s.get("ref") == reference for s in case.appeal_spans):
        raise InvalidInput(_("This appeal is already recorded on the case."), code="appeal_already_recorded")
    span = {"ref": reference, "kind": kind, "organ": organ, "from": ctx.act_on.isoformat(), "to": None}
    ctx.set(appeal_spans=[*case.appeal_spans, span])
    ctx.record.update(span, article=ex.ART_APPEAL_PAUSE)


@handles("end_appeal")
def end_appeal(ctx: Ctx) -> None:
    case = ctx.case
    reference = fields.text(ctx.data, "reference", max_length=80)
    result = fields.text(ctx.data, "result", max_length=200)
    spans = [dict(s) for s in case.appeal_spans]
    span = next((s for s in spans if s.get("ref") == reference and not s.get("to")), None)
    if span is None:
        raise InvalidInput(_("No pending appeal with this reference."), code="no_pending_appeal")
    if ctx.act_on.isoformat() < str(span["from"]):
        raise InvalidInput(
            _("An appeal cannot end before it was made (%(date)s).") % {"date": span["from"]},
            detail={"field": "ended_on"},
        )
    span["to"] = ctx.act_on.isoformat()
    span["result"] = result
    ctx.set(appeal_spans=spans)
    ctx.record.update(ref=reference, kind=span["kind"], result=result, paused_from=span["from"])


# --- Revocation and change (第四十八条) -------------------------------------------------------------


def _who(ctx: Ctx) -> tuple[str, str, str, str]:
    by = fields.choice(ctx.data, "by", list(ex.BY_VALUES))
    reason = fields.text(ctx.data, "reason", max_length=4000)
    basis = fields.text(ctx.data, "basis", required=by == ex.By.AGENCY, max_length=200)
    # An organ's or court's act is known by its number (复议决定书、判决书); the agency's own by its basis.
    reference = fields.text(ctx.data, "reference", required=by != ex.By.AGENCY, max_length=80)
    return by, reason, basis, reference


def _entry(ctx: Ctx, *, kind: str, by: str, reason: str, basis: str, reference: str) -> dict[str, object]:
    return {
        "kind": kind,
        "by": by,
        "on": ctx.act_on.isoformat(),
        "reason": reason,
        "basis": basis,
        "reference": reference,
        "fine_before": str(ctx.case.fine_amount) if ctx.case.fine_amount is not None else None,
        "measures_before": list(ctx.case.measures or []),
    }


@handles("revoke")
def revoke(ctx: Ctx) -> None:
    """撤销 (or 确认无效) ends the decision: what was still to be paid is no longer owed, what was paid is
    to be refunded, and the case is closed; 确认违法 leaves the decision standing but on the record. In
    every case the published decision is withdrawn (the portal's listener)."""
    case = ctx.case
    if case.revoked_on is not None:
        raise InvalidInput(_("The decision has already been revoked."), code="already_revoked")
    by, reason, basis, reference = _who(ctx)
    outcome = fields.choice(ctx.data, "outcome", [*OUTCOMES_REVOKING, *OUTCOMES_DECLARING], required=False)
    outcome = outcome or "revoked"
    entry = _entry(ctx, kind=outcome, by=by, reason=reason, basis=basis, reference=reference)
    ctx.target = case.state
    refund = Decimal("0.00")
    if outcome in OUTCOMES_REVOKING:
        note = str(_("Decision revoked on %(date)s.") % {"date": ctx.act_on.isoformat()})
        for row in open_rows(case, [DeadlineKind.SERVICE, DeadlineKind.PAYMENT]):
            deadline_close(row, on=ctx.act_on, resolution=Resolution.MOOT, explanation=note)
        refund = case.paid_amount
        ctx.set(revoked_on=ctx.act_on)
        if case.suspended_since is not None:  # nothing is left to resume: the suspension ends here
            end = max(ctx.act_on, case.suspended_since)
            interval = {"from": case.suspended_since.isoformat(), "to": end.isoformat()}
            ctx.set(suspensions=[*case.suspensions, interval], suspended_since=None)
        if case.state in OPEN_DECISION_STATES:
            ctx.target = State.CLOSED
            ctx.set(closed_on=ctx.act_on)
    entry["refund"] = str(refund)
    ctx.set(decision_changes=[*case.decision_changes, entry])
    ctx.record.update(entry, withdrawal_article=ex.ART_WITHDRAW)


@handles("change")
def change(ctx: Ctx) -> None:
    """变更: the new penalty replaces the old one, never heavier (`law.execution.check_change_not_heavier`);
    paid beyond the new amount is to be refunded; a changed fine already paid in full executes the case."""
    case = ctx.case
    if case.revoked_on is not None:
        raise InvalidInput(_("The decision has already been revoked."), code="already_revoked")
    by, reason, basis, reference = _who(ctx)
    raw_measures = fields.string_list(ctx.data, "measures")
    measures = law.parse_measures(raw_measures) if raw_measures else law.parse_measures(case.measures or [])
    fine = fields.money(ctx.data, "fine_amount", required=False)
    if law.Measure.FINE not in measures:
        fine = None
    elif fine is None:
        raise InvalidInput(_("Enter the fine amount."), detail={"field": "fine_amount"})
    old = law.parse_measures(case.measures or [])
    heavier = law.is_heavier(
        measures=measures, fine=fine, notified_measures=old, notified_fine=case.fine_amount
    )
    ex.check_change_not_heavier(by=by, heavier=heavier)
    entry = _entry(ctx, kind="changed", by=by, reason=reason, basis=basis, reference=reference)
    new_fine = fine or Decimal("0.00")
    refund = max(Decimal("0.00"), case.paid_amount - new_fine)
    entry.update(
        fine_after=str(fine) if fine is not None else None, measures_after=[str(m) for m in measures]
    )
    entry["refund"] = str(refund)
    ctx.set(
        fine_amount=fine,
        measures=[str(m) for m in measures],
        decision_changes=[*case.decision_changes, entry],
    )
    ctx.target = case.state
    if case.state == State.SERVED and case.paid_amount >= new_fine + case.surcharge:
        deadline_resolve(case=case, kind=DeadlineKind.PAYMENT, on=ctx.act_on)
        ctx.target = State.EXECUTED
    ctx.record.update(entry, withdrawal_article=ex.ART_WITHDRAW)


# --- Transfer to the judicial organs (第二十七条) ----------------------------------------------------


@handles("transfer_to_judicial")
def transfer_to_judicial(ctx: Ctx) -> None:
    """The case goes to the judicial organ with its 移送书 and stands suspended until the answer; what
    the party already paid is recorded for the court to credit (第三十五条第二款)."""
    case = ctx.case
    if case.transfer and not case.transfer.get("answer"):
        raise InvalidInput(_("The case has already been transferred."), code="already_transferred")
    organ = fields.text(ctx.data, "organ", max_length=100)
    number = fields.text(ctx.data, "document_number", max_length=60)
    suspicion = fields.text(ctx.data, "suspicion", required=False, max_length=4000)
    jt.check_transfer(document_number=number, organ=organ, suspicion=suspicion)
    credited = jt.credit_on_transfer(paid_amount=case.paid_amount)
    transfer = {
        "organ": organ,
        "document_number": number,
        "suspicion": suspicion,
        "transferred_on": ctx.act_on.isoformat(),
        "credited": str(credited),
        "receipt_on": None,
        "answer": None,
        "answered_on": None,
    }
    ctx.set(transfer=transfer, suspended_since=ctx.act_on)
    case_deadlines.suspend(ctx.case, on=ctx.act_on)  # the decision period is paused (第二十七条)
    ctx.record.update(transfer, article=jt.ART_27, credit_article=jt.ART_35)


def _pending_transfer(ctx: Ctx) -> dict[str, object]:
    if not ctx.case.transfer_pending:
        raise InvalidInput(_("The case has no pending transfer."), code="no_pending_transfer")
    return dict(ctx.case.transfer)


@handles("record_judicial_receipt")
def record_judicial_receipt(ctx: Ctx) -> None:
    transfer = _pending_transfer(ctx)
    if ctx.act_on.isoformat() < str(transfer["transferred_on"]):
        raise InvalidInput(_("The receipt cannot be before the transfer."), detail={"field": "received_on"})
    transfer["receipt_on"] = ctx.act_on.isoformat()
    transfer["received_by"] = fields.text(ctx.data, "received_by", max_length=100)
    ctx.set(transfer=transfer)
    ctx.record.update(receipt_on=transfer["receipt_on"], received_by=transfer["received_by"])


@handles("record_judicial_answer")
def record_judicial_answer(ctx: Ctx) -> None:
    """Accepted (立案): the case ends here, its periods moot. Declined or sent back: the case resumes
    where it stood, its decision period lengthened by the time it stood still."""
    case = ctx.case
    transfer = _pending_transfer(ctx)
    answer = jt.parse_answer(ctx.data.get("answer"))
    receipt = transfer.get("receipt_on")
    jt.check_answer(
        transferred_on=dt.date.fromisoformat(str(transfer["transferred_on"])),
        receipt_on=dt.date.fromisoformat(str(receipt)) if receipt else None,
        answered_on=ctx.act_on,
    )
    note = fields.text(ctx.data, "note", required=False, max_length=2000)
    transfer.update(answer=str(answer), answered_on=ctx.act_on.isoformat(), answer_note=note)
    ctx.set(transfer=transfer)
    since = case.suspended_since or dt.date.fromisoformat(str(transfer["transferred_on"]))
    interval = {"from": since.isoformat(), "to": ctx.act_on.isoformat()}
    ctx.set(suspensions=[*case.suspensions, interval], suspended_since=None)
    if answer in jt.ENDS_CASE:
        explanation = str(
            _("Transferred to %(organ)s, which accepted the case.") % {"organ": transfer["organ"]}
        )
        for row in open_rows(case):
            deadline_close(row, on=ctx.act_on, resolution=Resolution.MOOT, explanation=explanation)
        ctx.set(closed_on=ctx.act_on)
        ctx.target = State.TERMINATED
    else:
        case_deadlines.resume(case, on=ctx.act_on)  # the suspended days are added to the decision period
        ctx.target = case.state
    ctx.record.update(answer=str(answer), note=note, suspended=interval, article=jt.ART_27)


# --- Cash collected on the spot (第七十一条) ----------------------------------------------------------


@handles("hand_in_cash")
def hand_in_cash(ctx: Ctx) -> None:
    subject = cash_subject(ctx.case)
    if not engine.open_rows(subject, [CASH_KIND]):
        raise InvalidInput(
            _("No cash collected on the spot is waiting to be handed in."), code="nothing_to_hand_in"
        )
    rows = engine.deadline_resolve(subject, kind=CASH_KIND, on=ctx.act_on)
    late = any(r.resolution == "late" for r in rows)
    ctx.record.update(
        handed_in_to=fields.text(ctx.data, "handed_in_to", max_length=100),
        late=late,
        due_on=[r.due_on.isoformat() for r in rows],
        article=ex.ART_CASH,
    )
