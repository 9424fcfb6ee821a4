"""Service, payment, enforcement, closing and archiving, and the events that apply in any open state
(suspend, resume, extend, explain, terminate)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from zhifa.core import workflow as core_workflow
from zhifa.core.errors import InvalidInput, RuleViolation
from zhifa.enforcement.cases import deadlines as case_deadlines
from zhifa.enforcement.cases import fields, hooks, penalty_rules, selectors
from zhifa.enforcement.cases.deadlines import (
    archive_blockers,
    deadline_close,
    deadline_open,
    deadline_resolve,
    effective_due,
    open_rows,
)
from zhifa.enforcement.cases.events.base import CASH_KIND, Ctx, appeal_spans, cash_subject, handles
from zhifa.enforcement.cases.models import (
    CaseDeadline,
    DeadlineKind,
    PaymentChannel,
    Resolution,
    ServiceMethod,
    State,
)
from zhifa.foundation.deadlines import services as engine
from zhifa.law import casefile, deliberation
from zhifa.law import court_enforcement as court_law
from zhifa.law import execution as execution_law
from zhifa.law import penalty as law

MAX_EXTENSION_DAYS = 365  # a sanity bound on one approval; each extension is its own audited event


@handles("serve")
def serve(ctx: Ctx) -> None:
    case = ctx.case
    method = fields.choice(ctx.data, "method", list(ServiceMethod.values))
    receipt = fields.text(ctx.data, "receipt", required=False, max_length=200)
    if case.is_simple and ctx.act_on != case.decided_on:
        raise RuleViolation(
            _("An on-the-spot decision is handed to the party at once, on the day it is made (%(article)s).")
            % {"article": law.ART_52},
            code="on_spot_not_handed_over",
            article=law.ART_52,
        )
    if method == ServiceMethod.ELECTRONIC and not fields.boolean(ctx.data, "consent"):
        article = "行政处罚法第六十一条第二款"
        raise RuleViolation(
            _("Electronic service needs the party's signed consent (%(article)s).") % {"article": article},
            code="electronic_service_without_consent",
            article=article,
        )
    # 第六十一条 with 民事诉讼法: the day the decision counts as received — the payment term, the
    # surcharge, the time to appeal and so the court window all run from it (zhifa.law.execution).
    service = execution_law.check_service(
        method=method,
        act_on=ctx.act_on,
        decided_on=case.decided_on,
        failed_attempts=fields.text(ctx.data, "failed_attempts", required=False, max_length=2000),
        witnesses=_names(fields.text(ctx.data, "witnesses", required=False, max_length=200)),
        video_record=fields.boolean(ctx.data, "video_record"),
        received_on=fields.date(ctx.data, "received_on"),
    )
    if service.served_on > ctx.today and not service.deemed:
        raise InvalidInput(
            _("The date of %(field)s cannot be in the future.") % {"field": "received_on"},
            detail={"field": "received_on"},
        )
    rows = deadline_resolve(case=case, kind=DeadlineKind.SERVICE, on=ctx.act_on)
    late = any(r.resolution == Resolution.LATE for r in rows)
    ctx.set(served_on=service.served_on, service_method=method)
    if (case.fine_amount or Decimal(0)) > 0:
        deadline_open(
            case=case, kind=DeadlineKind.PAYMENT, period=law.PAYMENT_PERIOD, start_on=service.served_on
        )
        ctx.target = State.SERVED
    else:
        ctx.target = State.EXECUTED  # a warning or a non-monetary measure is carried out by service
    ctx.record.update(
        method=method,
        receipt=receipt,
        late=late,
        served_on=service.served_on,
        deemed=service.deemed,
        provisional=service.provisional,
        article=service.article,
        failed_attempts=fields.text(ctx.data, "failed_attempts", required=False, max_length=2000) or None,
        witnesses=_names(fields.text(ctx.data, "witnesses", required=False, max_length=200)) or None,
        video_record=fields.boolean(ctx.data, "video_record") or None,
    )
    if late:
        ctx.after_commit.append(lambda: _alert_late_service(case.pk, case.agency_id, str(case)))


def _names(raw: str) -> list[str]:
    """Witnesses typed as "王某、李某" or "王某, 李某"."""
    return [n.strip() for n in raw.replace("、", ",").replace("，", ",").split(",") if n.strip()]


def _alert_late_service(case_id: int, agency_id: int, label: str) -> None:
    from zhifa.foundation.alerts.services import alert_raise

    alert_raise(
        kind="service_late",
        key=f"case:{case_id}:service_late",
        agency_id=agency_id,
        title=str(_("Decision %(case)s served late") % {"case": label}),
        object_type="cases.case",
        object_id=str(case_id),
        article=law.ART_61,
    )


def payment_row(ctx: Ctx) -> CaseDeadline | None:
    return CaseDeadline.objects.of_case(ctx.case).filter(kind=DeadlineKind.PAYMENT).order_by("-id").first()


def surcharge_on(ctx: Ctx, on: dt.date) -> Decimal:
    """加处罚款 as of `on` (第七十二条), from the payment period's (possibly deferred) last day, leaving
    out the days an appeal was pending (第七十三条第三款)."""
    row = payment_row(ctx)
    fine = ctx.case.fine_amount or Decimal(0)
    if row is None:
        return Decimal("0.00")
    plan = penalty_rules.instalments(ctx.case, on=on)
    if plan:  # each instalment is surcharged on its own when missed (第六十六条第二款、第七十二条)
        return sum((i.surcharge for i in plan), Decimal("0.00"))
    days = execution_law.surcharge_days(
        due_on=row.due_on, on=on, pauses=execution_law.pauses_from(ctx.case.appeal_spans)
    )
    return law.late_surcharge(fine=fine, days=days)


@handles("record_payment")
def record_payment(ctx: Ctx) -> None:
    case = ctx.case
    amount = fields.money(ctx.data, "amount", allow_zero=False)
    assert amount is not None
    channel = fields.choice(ctx.data, "channel", list(PaymentChannel.values))
    on_the_spot = channel == PaymentChannel.ON_THE_SPOT
    raw_receipt = fields.text(ctx.data, "receipt_no", max_length=60)
    receipt_no = execution_law.check_receipt_number(
        raw_receipt, on_the_spot=on_the_spot, used_before=selectors.receipt_number_used(raw_receipt.strip())
    )
    ground = None
    if on_the_spot:
        ground = law.check_on_spot_collection(
            simple_procedure=case.is_simple,
            fine=case.fine_amount or Decimal(0),
            ground=fields.text(ctx.data, "cash_ground", required=False, max_length=30) or None,
        )
        # 第七十一条: the cash reaches the agency within two working days (of landing, on the water)
        landed_on = fields.date(ctx.data, "landed_on")
        engine.deadline_open(
            cash_subject(case),
            kind=CASH_KIND,
            period=execution_law.CASH_HAND_IN_PERIOD,
            start_on=execution_law.cash_hand_in_start(collected_on=ctx.act_on, landed_on=landed_on),
            today=ctx.today,
        )
    surcharge = surcharge_on(ctx, ctx.act_on)
    due = (case.fine_amount or Decimal(0)) + surcharge
    outstanding = due - case.paid_amount
    if amount > outstanding:
        raise InvalidInput(
            _("The payment is more than what is due (%(due)s yuan).") % {"due": outstanding},
            detail={"field": "amount", "outstanding": str(outstanding)},
        )
    paid = case.paid_amount + amount
    ctx.set(paid_amount=paid, paid_on=ctx.act_on, surcharge=surcharge)
    if paid >= due:
        # A late payment is met late; the surcharge paid with it is the statutory answer (第七十二条),
        # so the row carries that explanation and does not hold up the archive.
        note = (
            str(_("Paid with a late surcharge of %(amount)s yuan.") % {"amount": surcharge})
            if surcharge
            else ""
        )
        deadline_resolve(case=case, kind=DeadlineKind.PAYMENT, on=ctx.act_on, explanation=note)
        ctx.target = State.EXECUTED
    else:
        ctx.target = State.SERVED
    ctx.record.update(
        amount=str(amount),
        channel=channel,
        receipt_no=receipt_no,
        cash_ground=str(ground) if ground else None,
        surcharge=str(surcharge),
        outstanding=str(due - paid),
        article=law.ART_72 if surcharge else law.ART_67,
    )


@handles("approve_deferral")
def approve_deferral(ctx: Ctx) -> None:
    """第六十六条第二款: on the party's recorded application, a new last day or an instalment schedule;
    the payment deadline moves to the deferral's end or the last instalment, and so does the start of
    the court window (第七十二条第二款)."""
    case = ctx.case
    reason = fields.text(ctx.data, "reason")
    row = next(iter(open_rows(case, [DeadlineKind.PAYMENT])), None)
    if row is None:
        raise InvalidInput(_("Nothing is left to pay."), code="nothing_to_pay")
    schedule = execution_law.parse_schedule(ctx.data.get("schedule"))
    outstanding = case.amount_due - case.paid_amount
    ends_on = execution_law.check_deferral(
        applied_on=fields.date(ctx.data, "applied_on"),
        application=fields.text(ctx.data, "application", required=False, max_length=2000),
        approved_on=ctx.act_on,
        payment_due_on=row.due_on,
        outstanding=outstanding,
        deferred_to=fields.date(ctx.data, "deferred_to"),
        schedule=schedule,
    )
    if (ends_on - row.start_on).days - law.PAYMENT_PERIOD.days > MAX_EXTENSION_DAYS * 3:
        raise InvalidInput(_("This date is out of range."), detail={"field": "deferred_to"})
    extra = max(0, (ends_on - row.start_on).days - law.PAYMENT_PERIOD.days)
    deferral = {
        "applied_on": fields.date(ctx.data, "applied_on"),
        "application": fields.text(ctx.data, "application", max_length=2000),
        "approved_on": ctx.act_on,
        "ends_on": ends_on,
        "schedule": [i.as_dict() for i in schedule],
        "reason": reason,
    }
    ctx.set(payment_deferral_days=extra, deferral=core_workflow.jsonable(deferral))
    if extra > row.extra_days:  # the payment period's last day moves to the deferral's end
        case_deadlines.extend(case, kind=DeadlineKind.PAYMENT, days=extra - row.extra_days)
    ctx.record.update(
        core_workflow.jsonable(deferral)
        | {"instalments": bool(schedule), "article": execution_law.ART_DEFERRAL}
    )


@handles("serve_reminder")
def serve_reminder(ctx: Ctx) -> None:
    row = payment_row(ctx)
    if row is None or row.resolved_on is not None:
        raise InvalidInput(_("Nothing is left to pay."), code="nothing_to_pay")
    court_law.check_reminder(payment_due_on=row.due_on, reminder_served_on=ctx.act_on)
    ctx.set(reminder_served_on=ctx.act_on, surcharge=surcharge_on(ctx, ctx.act_on))
    ctx.record["surcharge"] = str(ctx.case.surcharge)


@handles("apply_court_enforcement")
def apply_court_enforcement(ctx: Ctx) -> None:
    case = ctx.case
    assert case.served_on is not None
    ends = case.deferral.get("ends_on") if case.deferral else None
    court_law.check_court_application(
        served_on=case.served_on,
        reminder_served_on=case.reminder_served_on,
        applied_on=ctx.act_on,
        deferral_ends_on=dt.date.fromisoformat(ends) if ends else None,
        appeals=appeal_spans(case),
    )
    court = fields.text(ctx.data, "court", max_length=100)
    ctx.set(court_applied_on=ctx.act_on, court=court, surcharge=surcharge_on(ctx, ctx.act_on))
    deadline_resolve(
        case=case,
        kind=DeadlineKind.PAYMENT,
        on=ctx.act_on,
        resolution=Resolution.EXPLAINED,
        explanation=str(_("Applied to %(court)s for enforcement.") % {"court": court}),
    )
    ctx.record.update(court=court, surcharge=str(case.surcharge), article=court_law.ART_WINDOW)


@handles("report_to_agency")
def report_to_agency(ctx: Ctx) -> None:
    if ctx.case.reported_on is not None:
        raise InvalidInput(_("This decision has already been reported."), code="already_reported")
    ctx.set(reported_on=ctx.act_on)
    deadline_resolve(case=ctx.case, kind=DeadlineKind.ON_SPOT_REPORT, on=ctx.act_on)


@handles("report_closing")
def report_closing(ctx: Ctx) -> None:
    """结案报告: the handling officers sum up the case and its execution for the head's approval."""
    ctx.set(closing_reported_on=ctx.act_on)
    ctx.record["summary"] = fields.text(ctx.data, "summary")


@handles("close")
def close(ctx: Ctx) -> None:
    """结案审批表: the head approves closing on the officers' report (行政处罚法第五十七条、第四十七条)."""
    casefile.check_closing_reported(reported=ctx.case.closing_reported_on is not None)
    if ctx.case.is_simple and ctx.case.reported_on is None:
        raise RuleViolation(
            _("Report the on-the-spot decision to the agency before closing (%(article)s).")
            % {"article": law.ART_52},
            code="on_spot_not_reported",
            article=law.ART_52,
        )
    ctx.set(closed_on=ctx.act_on)
    ctx.record["opinion"] = fields.text(ctx.data, "opinion", required=False, max_length=2000)


@handles("archive")
def archive(ctx: Ctx) -> None:
    blockers = archive_blockers(ctx.case, today=ctx.today)
    problems = [
        str(
            _("Deadline “%(kind)s” (due %(due)s) is not met or explained.")
            % {"kind": row.get_kind_display(), "due": row.due_on.isoformat()}
        )
        for row in blockers
    ]
    problems += hooks.archive_problems(ctx.case)
    cited = _decision_cited(ctx)
    late = (
        casefile.late_entries(hooks.file_items(ctx.case), decided_on=ctx.case.decided_on, cited_refs=cited)
        if cited is not None
        else []
    )
    explanation = fields.text(ctx.data, "late_entries_explanation", required=False, max_length=2000)
    if not problems:
        casefile.check_late_entries(late, explanation=explanation)
    if late:
        # Flagged, never silently accepted: the event keeps what came late and why.
        ctx.record.update(late_entries=[i.as_dict() for i in late], late_entries_explanation=explanation)
    if problems:
        article = "行政处罚法第四十七条"
        raise RuleViolation(
            _("The file cannot be archived yet: %(problems)s") % {"problems": "；".join(problems)},
            code="archive_blocked",
            article=article,
            detail={"problems": problems},
        )
    ctx.set(archived_on=ctx.act_on)


def _decision_cited(ctx: Ctx) -> list[str] | None:
    """The refs the last decision cited (everything in the file when it was recorded); None when no
    decision recorded them (no decision, or one made before decisions recorded their citations)."""
    from zhifa.enforcement.cases.models import CaseEvent

    event = (
        CaseEvent.objects.filter(case=ctx.case, name__in=("decide", "decide_on_spot"))
        .order_by("-seq")
        .first()
    )
    cited = event.payload.get("cited") if event is not None else None
    if not isinstance(cited, list):
        return None
    return [str(c.get("ref", "")) for c in cited if isinstance(c, dict)]


@handles("suspend")
def suspend(ctx: Ctx) -> None:
    ctx.set(suspended_since=ctx.act_on)
    case_deadlines.suspend(ctx.case, on=ctx.act_on)
    ctx.record["reason"] = fields.text(ctx.data, "reason")


@handles("resume")
def resume(ctx: Ctx) -> None:
    case = ctx.case
    assert case.suspended_since is not None
    interval = {"from": case.suspended_since.isoformat(), "to": ctx.act_on.isoformat()}
    ctx.set(suspensions=[*case.suspensions, interval], suspended_since=None)
    moved = case_deadlines.resume(case, on=ctx.act_on)
    ctx.record.update(
        reason=fields.text(ctx.data, "reason", required=False),
        suspended=interval,
        moved={r.kind: r.due_on.isoformat() for r in moved},
    )


@handles("extend_deadline")
def extend_deadline(ctx: Ctx) -> None:
    """第六十条 (法律、法规、规章另有规定的，从其规定): an extension approved by the head before the period
    runs out; an expired period cannot be revived by a later approval."""
    case = ctx.case
    days = fields.integer(ctx.data, "days")
    assert days is not None
    if days > MAX_EXTENSION_DAYS:
        raise InvalidInput(_("This number is out of range."), detail={"field": "days"})
    reason = fields.text(ctx.data, "reason")
    rule = fields.text(ctx.data, "rule", required=False, max_length=200)
    deliberated_on = fields.date(ctx.data, "deliberated_on")
    minutes = fields.text(ctx.data, "deliberation_minutes", required=False)
    if deliberated_on is not None and (deliberated_on > ctx.act_on or not minutes):
        raise InvalidInput(
            _("A deliberation is recorded with its minutes, on or before the approval."),
            detail={"field": "deliberation_minutes" if not minutes else "deliberated_on"},
        )
    row = next(iter(open_rows(case, [DeadlineKind.DECISION])), None)
    if row is None:
        raise InvalidInput(_("The case has no running decision period."), code="no_decision_period")
    due = effective_due(row, today=ctx.act_on)
    if ctx.act_on > due:
        raise RuleViolation(
            _("The decision period already ended on %(due)s; it can no longer be extended (%(article)s).")
            % {"due": due.isoformat(), "article": law.ART_60},
            code="extension_too_late",
            article=law.ART_60,
        )
    answer = deliberation.check_extension(
        previous=case.extensions, days=days, rule=rule, deliberated_on=deliberated_on, agency=case.agency
    )
    entry = {
        "number": answer.number,
        "days": days,
        "rule": rule,
        "cap": answer.cap,
        "on": ctx.act_on.isoformat(),
        "deliberated_on": deliberated_on.isoformat() if deliberated_on else None,
    }
    case.extensions = [*case.extensions, entry]
    ctx.set(extension_days=case.extension_days + days, extensions=case.extensions)
    moved = case_deadlines.extend(case, kind=DeadlineKind.DECISION, days=days)
    ctx.record.update(
        days=days,
        reason=reason,
        rule=rule,
        extension=answer.number,
        setting=answer.applied,
        deliberated_on=entry["deliberated_on"],
        deliberation_minutes=minutes,
        due_on={r.kind: r.due_on.isoformat() for r in moved},
    )


@handles("explain_deadline")
def explain_deadline(ctx: Ctx) -> None:
    kind = fields.choice(ctx.data, "kind", list(DeadlineKind.values))
    explanation = fields.text(ctx.data, "explanation", max_length=2000)
    rows = CaseDeadline.objects.of_case(ctx.case).filter(kind=kind).order_by("id")
    touched = 0
    for row in rows:
        if row.resolved_on is None and ctx.today > effective_due(row, today=ctx.today):
            deadline_close(row, on=ctx.today, resolution=Resolution.EXPLAINED, explanation=explanation)
            touched += 1
        elif row.resolution == Resolution.LATE and not row.explanation:
            row.explanation = explanation
            row.save(update_fields=["explanation"])
            touched += 1
    if not touched:
        raise InvalidInput(
            _("No missed deadline of this kind needs an explanation."), code="nothing_to_explain"
        )
    ctx.record.update(kind=kind, explanation=explanation)


@handles("terminate")
def terminate(ctx: Ctx) -> None:
    reason = fields.text(ctx.data, "reason")
    for row in open_rows(ctx.case):
        deadline_close(row, on=ctx.act_on, resolution=Resolution.MOOT, explanation=reason)
    if ctx.case.suspended_since is not None:
        interval = {"from": ctx.case.suspended_since.isoformat(), "to": ctx.act_on.isoformat()}
        ctx.set(suspensions=[*ctx.case.suspensions, interval], suspended_since=None)
    ctx.set(closed_on=ctx.act_on)
    ctx.record["reason"] = reason
