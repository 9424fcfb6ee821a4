"""One handler per step of the appeal workflow: the guards (from `zhifa.law`, naming the article), the
fields the step sets, the deadlines it opens and meets, what the event row keeps and what the
applicant's tracking page shows."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from zhifa.core.errors import Conflict, InvalidInput, RuleViolation
from zhifa.foundation.deadlines import services as engine
from zhifa.law import litigation as lit
from zhifa.law import reconsideration as rec
from zhifa.supervision.appeals import case_link
from zhifa.supervision.appeals import deadlines as dl
from zhifa.supervision.appeals.models import Appeal, Hearing, State
from zhifa.supervision.appeals.rules import date, flag, integer, text
from zhifa.supervision.appeals.selectors import response_notice_served_on
from zhifa.supervision.appeals.workflow import APPEALS

H = APPEALS.handlers
Ctx = Any


def _note(ctx: Ctx, *, field: str = "note", label: str | None = None, min_len: int = 2) -> str:
    return text(ctx.data.get(field), field=field, label=label or _("Note"), min_len=min_len)


def _close(ctx: Ctx, note: str) -> None:
    engine.deadline_moot(dl.subject(ctx.obj), on=ctx.act_on, note=note[:200])
    ctx.set(closed_on=ctx.act_on)
    # The appeal no longer pends against the case: its surcharge runs again (行政处罚法第七十三条).
    ctx.record["case_appeal_ended"] = case_link.appeal_ended(
        ctx.obj, on=ctx.act_on, actor=ctx.actor, result=note
    )


def _change(ctx: Ctx) -> dict[str, Any]:
    """The penalty as changed, for a `changed` outcome on a linked case (the case's `change` event)."""
    raw = ctx.data.get("changed_measures")
    measures = [str(m) for m in raw] if isinstance(raw, list) else ([str(raw)] if raw else [])
    return {"changed_measures": measures, "changed_fine_amount": ctx.data.get("changed_fine_amount")}


# --- reconsideration ----------------------------------------------------------------------------


@H.handles("accept")
def accept(ctx: Ctx) -> None:
    a: Appeal = ctx.obj
    if not a.in_time:
        raise RuleViolation(
            _("The application was made after the application period, which ended on %(end)s (%(article)s).")
            % {"end": a.period_end.isoformat() if a.period_end else "", "article": a.period_article},
            code="application_late",
            article=a.period_article,
        )
    assert a.review_from is not None
    review = rec.acceptance_review_due(a.review_from)
    # 第三十条第三款: after the review period the application counts as accepted from its last day
    deemed = ctx.act_on > review.on
    _accepted(ctx, a, accepted_on=review.on if deemed else ctx.act_on, deemed=deemed)


@H.handles("deem_accept")
def deem_accept(ctx: Ctx) -> None:
    """The daily job: neither accepted, refused nor sent for amendment within the review period, the
    application counts as accepted from the period's last day (第三十条第三款) — also when it looks
    late: only a refusal within the period could have turned it away."""
    a: Appeal = ctx.obj
    assert a.review_from is not None
    if not rec.deemed_accepted(received_on=a.review_from, on=ctx.act_on, decided=False):
        raise Conflict(
            _("The acceptance review period has not ended (%(article)s).") % {"article": rec.ART_30},
            code="review_period_running",
        )
    _accepted(ctx, a, accepted_on=rec.deemed_acceptance_date(a.review_from).on, deemed=True)


def _accepted(ctx: Ctx, a: Appeal, *, accepted_on: dt.date, deemed: bool) -> None:
    ctx.set(accepted_on=accepted_on, deemed_accepted=deemed)
    dl.resolve(a, dl.ACCEPTANCE_REVIEW, ctx.act_on)
    dl.open_(a, dl.COPY, rec.SIMPLE_COPY_PERIOD if a.simple else rec.COPY_PERIOD, accepted_on)
    dl.open_(a, dl.DECISION, rec.SIMPLE_DECISION_PERIOD if a.simple else rec.DECISION_PERIOD, accepted_on)
    ctx.record.update(accepted_on=accepted_on, deemed=deemed, article=rec.ART_30_3 if deemed else rec.ART_30)
    ctx.extra["public_note"] = _("Accepted on %(date)s.") % {"date": accepted_on.isoformat()}


@H.handles("refuse")
def refuse(ctx: Ctx) -> None:
    a: Appeal = ctx.obj
    assert a.review_from is not None
    rec.check_refusal_in_time(received_on=a.review_from, refused_on=ctx.act_on)
    reason = text(ctx.data.get("reason"), field="reason", label=_("Reason"), max_len=2000)
    organ = text(
        ctx.data.get("competent_organ"), field="competent_organ", label=_("Competent organ"), max_len=100
    )
    ground, article = rec.check_refusal(ground=ctx.data.get("ground"), reason=reason, competent_organ=organ)
    ctx.set(outcome_article=article, outcome_note=reason, outcome=f"refused:{ground}")
    dl.resolve(a, dl.ACCEPTANCE_REVIEW, ctx.act_on)
    _close(ctx, reason)
    ctx.record.update(ground=str(ground), article=article, reason=reason, competent_organ=organ)
    ctx.extra["public_note"] = _("Not accepted (%(article)s): %(reason)s") % {
        "article": article,
        "reason": reason,
    }
    if organ:
        ctx.extra["public_note"] += " " + _("Competent organ: %(organ)s.") % {"organ": organ}


@H.handles("request_amendment")
def request_amendment(ctx: Ctx) -> None:
    a: Appeal = ctx.obj
    assert a.review_from is not None
    rec.check_amendment_notice(
        received_on=a.review_from, notified_on=ctx.act_on, earlier_notices=a.amendment_notices
    )
    items = text(ctx.data.get("items"), field="items", label=_("What to amend"), min_len=2, max_len=2000)
    received = (
        date(ctx.data.get("notice_received_on"), field="notice_received_on", required=False) or ctx.act_on
    )
    if received < ctx.act_on:
        raise InvalidInput(
            _("The notice cannot be received before it was sent."), detail={"field": "notice_received_on"}
        )
    dl.resolve(a, dl.ACCEPTANCE_REVIEW, ctx.act_on, resolution=engine.Resolution.MOOT, explanation="补正")
    dl.open_(a, dl.AMENDMENT, rec.AMENDMENT_PERIOD, received)
    due = rec.amendment_due(notice_received_on=received)
    ctx.set(amendment_notices=a.amendment_notices + 1)
    ctx.record.update(items=items, notice_received_on=received, due_on=due.on, article=rec.ART_31_1)
    ctx.extra["public_note"] = _("Please amend by %(date)s: %(items)s") % {
        "date": due.on.isoformat(),
        "items": items,
    }


def _notice_received_on(a: Appeal) -> dt.date:
    row = a.events.filter(kind="request_amendment").order_by("-id").first()
    assert row is not None
    return dt.date.fromisoformat(str(row.data["notice_received_on"]))


@H.handles("amend")
def amend(ctx: Ctx) -> None:
    a: Appeal = ctx.obj
    extension = integer(ctx.data.get("extension_days"), field="extension_days")
    received = _notice_received_on(a)
    answer = rec.check_amendment_in_time(
        notice_received_on=received, amended_on=ctx.act_on, extension_days=extension
    )
    dl.resolve(a, dl.AMENDMENT, ctx.act_on)
    ctx.set(review_from=ctx.act_on)  # 第三十一条第三款: the review runs again from the receipt
    dl.open_(a, dl.ACCEPTANCE_REVIEW, rec.ACCEPTANCE_REVIEW_PERIOD, ctx.act_on)
    ctx.record.update(extension_days=extension, provisional=answer.provisional)
    ctx.extra["public_note"] = _("Amended materials received on %(date)s.") % {"date": ctx.act_on.isoformat()}


@H.handles("abandon")
def abandon(ctx: Ctx) -> None:
    a: Appeal = ctx.obj
    extension = integer(ctx.data.get("extension_days"), field="extension_days")
    if not rec.deemed_abandoned(
        notice_received_on=_notice_received_on(a), on=ctx.act_on, extension_days=extension
    ):
        raise RuleViolation(
            _("The amendment period has not ended yet (%(article)s).") % {"article": rec.ART_31_2},
            code="amendment_period_running",
            article=rec.ART_31_2,
        )
    ctx.set(outcome="abandoned", outcome_article=rec.ART_31_2)
    _close(ctx, "视为放弃")
    ctx.extra["public_note"] = _(
        "No amendment was received in time; the application counts as abandoned (%(article)s)."
    ) % {"article": rec.ART_31_2}


@H.handles("send_copy")
def send_copy(ctx: Ctx) -> None:
    a: Appeal = ctx.obj
    received = date(ctx.data.get("copy_received_on"), field="copy_received_on", required=False) or ctx.act_on
    if received < ctx.act_on:
        raise InvalidInput(
            _("The copy cannot be received before it was sent."), detail={"field": "copy_received_on"}
        )
    dl.resolve(a, dl.COPY, ctx.act_on)
    dl.open_(a, dl.ANSWER, rec.SIMPLE_ANSWER_PERIOD if a.simple else rec.ANSWER_PERIOD, received)
    ctx.set(copy_received_on=received)
    due = rec.answer_due(copy_received_on=received, simple=a.simple)
    ctx.record.update(copy_received_on=received, answer_due=due.on)
    ctx.extra["public_note"] = _("The application was sent to the respondent for its answer.")


@H.handles("answer")
def answer(ctx: Ctx) -> None:
    a: Appeal = ctx.obj
    summary = _note(ctx, field="summary", label=_("Answer"), min_len=2)
    assert a.copy_received_on is not None
    late = rec.answer_late(
        copy_received_on=a.copy_received_on, answered_on=ctx.act_on, on=ctx.act_on, simple=a.simple
    )
    dl.resolve(a, dl.ANSWER, ctx.act_on)
    ctx.set(answered_on=ctx.act_on, answer_late=late)
    ctx.record.update(
        summary=summary,
        late=late,
        evidence=text(ctx.data.get("evidence"), field="evidence", label=_("Evidence"), max_len=2000),
    )


@H.handles("hold_hearing")
def hold_hearing(ctx: Ctx) -> None:
    notice = date(ctx.data.get("notice_served_on"), field="notice_served_on")
    assert notice is not None
    rec.check_hearing_notice(notice_served_on=notice, held_on=ctx.act_on)
    ctx.record.update(
        notice_served_on=notice, minutes=_note(ctx, field="minutes", label=_("Minutes"), min_len=2)
    )


@H.handles("extend")
def extend(ctx: Ctx) -> None:
    a: Appeal = ctx.obj
    days = integer(ctx.data.get("days"), field="days")
    reason = text(ctx.data.get("reason"), field="reason", label=_("Reason"), min_len=2, max_len=1000)
    assert a.accepted_on is not None
    rec.check_extension(
        simple=a.simple,
        earlier_extensions=a.extensions,
        requested_days=days,
        accepted_on=a.accepted_on,
        requested_on=ctx.act_on,
        suspended_days=a.suspended_days,
    )
    engine.deadline_extend(dl.subject(a), kind=dl.DECISION, days=days, today=ctx.today)
    ctx.set(extension_days=days, extensions=a.extensions + 1)
    due = rec.decision_due(accepted_on=a.accepted_on, extension_days=days, suspended_days=a.suspended_days)
    ctx.record.update(days=days, reason=reason, decision_due=due.on, article=rec.ART_62_1)
    ctx.extra["public_note"] = _("The decision period was extended by %(days)d days to %(date)s.") % {
        "days": days,
        "date": due.on.isoformat(),
    }


@H.handles("suspend")
def suspend(ctx: Ctx) -> None:
    a: Appeal = ctx.obj
    ground = rec.check_suspension(
        ground=ctx.data.get("ground"), both_parties_agree=flag(ctx.data.get("both_parties_agree"))
    )
    reason = text(ctx.data.get("reason"), field="reason", label=_("Reason"), min_len=2, max_len=1000)
    engine.deadline_suspend(dl.subject(a), on=ctx.act_on, kinds=dl.SUSPENDABLE)
    ctx.set(suspended_on=ctx.act_on, suspension_ground=str(ground), resume_state=a.state)
    article = rec.SUSPENSION_ITEMS[ground]
    ctx.record.update(ground=str(ground), article=article, reason=reason)
    ctx.extra["public_note"] = _("Suspended (%(article)s).") % {"article": article}


@H.handles("resume")
def resume(ctx: Ctx) -> None:
    a: Appeal = ctx.obj
    assert a.suspended_on is not None
    engine.deadline_resume(dl.subject(a), on=ctx.act_on, today=ctx.today)
    days = (ctx.act_on - a.suspended_on).days
    ctx.set(suspended_days=a.suspended_days + days, suspended_on=None, suspension_ground="", resume_state="")
    ctx.target = a.resume_state or State.ACCEPTED
    ctx.record.update(suspended_days=days)
    ctx.extra["public_note"] = _("The review resumed.")


@H.handles("terminate")
def terminate(ctx: Ctx) -> None:
    a: Appeal = ctx.obj
    ground = rec.check_termination(
        ground=ctx.data.get("ground"),
        on=ctx.act_on,
        suspension_ground=a.suspension_ground or None,
        suspended_on=a.suspended_on,
    )
    reason = text(ctx.data.get("reason"), field="reason", label=_("Reason"), min_len=2, max_len=1000)
    article = rec.TERMINATION_ITEMS[ground]
    ctx.set(outcome=f"terminated:{ground}", outcome_article=article, outcome_note=reason)
    _close(ctx, reason)
    ctx.record.update(ground=str(ground), article=article, reason=reason)
    ctx.extra["public_note"] = _("Terminated (%(article)s).") % {"article": article}


@H.handles("mediate")
def mediate(ctx: Ctx) -> None:
    checklist = ctx.data.get("checklist")
    if not isinstance(checklist, dict):
        raise InvalidInput(_("Answer every point of the mediation checklist."), detail={"field": "checklist"})
    rec.check_mediation_agreement(
        {k: flag(v) for k, v in checklist.items()},
        signed_by_all_parties=flag(ctx.data.get("signed_by_all_parties")),
        sealed=flag(ctx.data.get("sealed")),
    )
    terms = text(ctx.data.get("terms"), field="terms", label=_("Terms"), min_len=2, max_len=4000)
    ctx.set(outcome="mediated", outcome_article=rec.ART_73, outcome_note=terms)
    _close(ctx, "调解")
    ctx.record.update(terms=terms, article=rec.ART_73)
    ctx.extra["public_note"] = _("Closed by a mediation agreement (%(article)s).") % {"article": rec.ART_73}


@H.handles("decide")
def decide(ctx: Ctx) -> None:
    a: Appeal = ctx.obj
    outcome = rec.parse_outcome(ctx.data.get("outcome"))
    reasons = text(ctx.data.get("reasons"), field="reasons", label=_("Reasons"), min_len=2, max_len=8000)
    missing_answer = a.answered_on is None or bool(a.answer_late)
    if missing_answer:
        rec.check_outcome_after_missing_answer(
            outcome=outcome, third_party_evidence=flag(ctx.data.get("third_party_evidence"))
        )
    article = rec.OUTCOME_ARTICLES[outcome]
    ctx.set(
        outcome=str(outcome),
        outcome_article=article,
        outcome_note=reasons,
        corrected=rec.is_correction(outcome),
    )
    dl.resolve(a, dl.DECISION, ctx.act_on)
    _close(ctx, "决定")
    withdrawn = case_link.apply_outcome(
        a,
        on=ctx.act_on,
        note=_("Reconsideration decision: %(outcome)s (%(article)s).")
        % {"outcome": outcome_label(str(outcome)), "article": article},
        actor=ctx.actor,
        change=_change(ctx),
    )
    ctx.record.update(
        outcome=str(outcome), article=article, reasons=reasons, withdrawn=[d.pk for d in withdrawn]
    )
    ctx.extra["public_note"] = _("Decided: %(outcome)s (%(article)s).") % {
        "outcome": outcome_label(str(outcome)),
        "article": article,
    }


# --- litigation -----------------------------------------------------------------------------------


@H.handles("submit_defence")
def submit_defence(ctx: Ctx) -> None:
    a: Appeal = ctx.obj
    summary = _note(ctx, field="summary", label=_("Defence"), min_len=2)
    # 第六十七条: fifteen days from receipt of the complaint's copy — served with the court's notice
    # of response when that has been uploaded, else the day the suit was registered as received.
    start = response_notice_served_on(a) or a.received_on
    due = lit.defence_due(complaint_copy_received_on=start)
    late = ctx.act_on > due.on
    dl.resolve(a, dl.DEFENCE, ctx.act_on)
    ctx.set(answered_on=ctx.act_on, answer_late=late)
    ctx.record.update(summary=summary, late=late, due_on=due.on, article=lit.ART_67)


@H.handles("record_hearing")
def record_hearing(ctx: Ctx) -> None:
    a: Appeal = ctx.obj
    appearance = ctx.data.get("appearance")
    head_required = flag(ctx.data.get("head_required"))
    delegate = text(
        ctx.data.get("delegate_name"), field="delegate_name", label=_("Who appeared instead"), max_len=100
    )
    reason = text(
        ctx.data.get("absence_reason"),
        field="absence_reason",
        label=_("Reason for the absence"),
        max_len=2000,
    )
    head = text(ctx.data.get("head_name"), field="head_name", label=_("Head who appeared"), max_len=50)
    finding = lit.check_appearance_record(
        appearance=appearance, delegate_name=delegate, head_required=head_required, absence_reason=reason
    )
    if finding.head_appeared and not head:
        raise InvalidInput(_("Name the head of the agency who appeared."), detail={"field": "head_name"})
    Hearing.objects.create(
        appeal=a,
        instance=a.instance,
        held_on=ctx.act_on,
        appearance=str(lit.Appearance(str(appearance))),
        head_name=head,
        delegate_name=delegate,
        head_required=head_required,
        absence_reason=reason,
        compliant=finding.compliant,
        problem=finding.problem,
        article=finding.article,
        recorded_at=timezone.now(),
    )
    ctx.record.update(
        appearance=str(appearance),
        head_appeared=finding.head_appeared,
        compliant=finding.compliant,
        problem=finding.problem,
    )


@H.handles("judge")
def judge(ctx: Ctx) -> None:
    a: Appeal = ctx.obj
    judgment = lit.parse_judgment(ctx.data.get("judgment"))
    if judgment in (lit.Judgment.WITHDRAWN, lit.Judgment.MEDIATED):
        raise InvalidInput(
            _("Record a withdrawal or a mediation with its own step."), detail={"field": "judgment"}
        )
    reasons = text(ctx.data.get("reasons"), field="reasons", label=_("Reasons"), max_len=8000)
    article = lit.JUDGMENT_ARTICLES[judgment]
    ctx.set(
        outcome=str(judgment),
        outcome_article=article,
        outcome_note=reasons,
        lost=lit.is_loss(judgment),
        judgment_served_on=ctx.act_on,
    )
    ctx.record.update(judgment=str(judgment), instance=a.instance, article=article, reasons=reasons)
    ctx.record.update({k: v for k, v in _change(ctx).items() if v})  # applied when the judgment is final
    if a.instance >= 2:  # 第八十五条: a second-instance judgment is final
        ctx.target = State.CONCLUDED
        _conclude(
            ctx,
            note=_("Second-instance judgment: %(j)s (%(article)s).")
            % {"j": outcome_label(str(judgment)), "article": article},
        )
        return
    ctx.target = State.JUDGED
    dl.open_(a, dl.APPEAL_WINDOW, lit.APPEAL_PERIODS[lit.ruling_kind(judgment)], ctx.act_on)


def _conclude(ctx: Ctx, *, note: str) -> None:
    a: Appeal = ctx.obj
    _close(ctx, "结案")
    judged = (
        a.events.filter(kind="judge").order_by("-id").first() if ctx.transition.event != "judge" else None
    )
    change = (
        _change(ctx)
        if judged is None
        else {k: judged.data.get(k) for k in ("changed_measures", "changed_fine_amount")}
    )
    withdrawn = case_link.apply_outcome(a, on=ctx.act_on, note=note, actor=ctx.actor, change=change)
    ctx.record["withdrawn"] = [d.pk for d in withdrawn]


def _final_on(a: Appeal) -> dt.date:
    assert a.judgment_served_on is not None
    return lit.final_on(kind=lit.ruling_kind(lit.Judgment(a.outcome)), served_on=[a.judgment_served_on]).on


@H.handles("appeal")
def appeal(ctx: Ctx) -> None:
    a: Appeal = ctx.obj
    last = _final_on(a)
    if ctx.act_on > last:
        raise RuleViolation(
            _("The appeal period ended on %(end)s (%(article)s).")
            % {"end": last.isoformat(), "article": lit.ART_85},
            code="appeal_late",
            article=lit.ART_85,
        )
    by = text(ctx.data.get("appellant"), field="appellant", label=_("Appellant"), min_len=1, max_len=50)
    dl.resolve(a, dl.APPEAL_WINDOW, ctx.act_on)
    ctx.record.update(first_instance=a.outcome, appellant=by)
    ctx.set(instance=2, outcome="", outcome_article="", lost=None, judgment_served_on=None)


@H.handles("finalise")
def finalise(ctx: Ctx) -> None:
    a: Appeal = ctx.obj
    last = _final_on(a)
    if ctx.act_on <= last:
        raise RuleViolation(
            _("The judgment takes effect only after the appeal period, which ends on %(end)s (%(article)s).")
            % {"end": last.isoformat(), "article": lit.ART_85},
            code="appeal_period_running",
            article=lit.ART_85,
        )
    ctx.record.update(final_on=last)
    _conclude(
        ctx,
        note=_("Judgment in force: %(j)s (%(article)s).")
        % {"j": outcome_label(a.outcome), "article": a.outcome_article},
    )


@H.handles("withdraw")
def withdraw(ctx: Ctx) -> None:
    note = _note(ctx)
    ctx.set(
        outcome=str(lit.Judgment.WITHDRAWN),
        outcome_article=lit.JUDGMENT_ARTICLES[lit.Judgment.WITHDRAWN],
        outcome_note=note,
        lost=False,
    )
    _close(ctx, note)
    ctx.record.update(note=note)


@H.handles("settle")
def settle(ctx: Ctx) -> None:
    note = _note(ctx, field="terms", label=_("Terms"), min_len=2)
    ctx.set(
        outcome=str(lit.Judgment.MEDIATED),
        outcome_article=lit.JUDGMENT_ARTICLES[lit.Judgment.MEDIATED],
        outcome_note=note,
        lost=False,
    )
    _close(ctx, note)
    ctx.record.update(terms=note)


# --- labels ---------------------------------------------------------------------------------------


def outcome_label(value: str) -> str:
    """The outcome for people: a decision or judgment by its label, a refusal or termination by its kind."""
    from zhifa.supervision.appeals.labels import OUTCOME_LABELS

    if not value:
        return ""
    head = value.split(":", 1)[0]
    if head == "refused":
        return str(_("Not accepted"))
    if head == "terminated":
        return str(_("Terminated"))
    return str(OUTCOME_LABELS.get(value, value))
