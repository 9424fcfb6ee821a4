"""Deciding on acceptance (信访工作条例第二十三条) and handling to the reply (第三十四条).

Each step is a row of the complaint workflow table (`workflow.py`) applied by the shared engine;
this module holds the handlers (the guards and effects that are not data) and the service functions
the views, the API and the demo call, which only hand their arguments to the engine.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _

from zhifa.core import workflow
from zhifa.core.errors import InvalidInput, RuleViolation
from zhifa.law import complaints as rules
from zhifa.org.models import OrgNode
from zhifa.public.complaints.models import Complaint, RoutingRule, State
from zhifa.public.complaints.services import deadlines as dues
from zhifa.public.complaints.services.common import clean_text
from zhifa.public.complaints.services.intake import index_complaint
from zhifa.public.complaints.services.workflow import COMPLAINTS

Ctx = workflow.Ctx[Complaint, workflow.Transition]
handles = COMPLAINTS.handlers.handles


def _apply(event: str, complaint_id: int, actor: Any, **data: Any) -> Complaint:
    return workflow.apply_event(COMPLAINTS, obj_id=complaint_id, actor=actor, event=event, data=data)


def _event(ctx: Ctx, **row: Any) -> None:
    """What the history row shows (notes, the deadline answered); `ctx.record` is its `data`."""
    ctx.extra["event"] = row


def _audit(ctx: Ctx, **summary: Any) -> None:
    ctx.extra["audit"] = summary


def _decided(ctx: Ctx) -> tuple[dt.date | None, bool | None]:
    """The acceptance deadline a deciding step answers, and whether it was met."""
    due = ctx.obj.acceptance_due
    return due, rules.met_in_time(due_on=due, met_on=ctx.act_on)


# --- deciding on acceptance (信访工作条例第二十三条) ------------------------------------------------


@handles("accept")
def _accept(ctx: Ctx) -> None:
    note = clean_text(ctx.data.get("note"), field="note", label=_("Note"), max_len=2000)
    due, in_time = _decided(ctx)
    ctx.set(decided_on=ctx.act_on, accepted_on=ctx.act_on)
    ctx.changed.update(dues.resolve(ctx.obj, (dues.ACCEPTANCE,), ctx.act_on))
    ctx.changed.update(dues.open_period(ctx.obj, dues.CONCLUSION, ctx.act_on))
    conclusion_due = ctx.obj.conclusion_due
    ctx.record.update(provisional=ctx.obj.due_provisional)
    _event(
        ctx,
        public_note=_("Accepted. A reply is due by %(date)s.") % {"date": f"{conclusion_due:%Y-%m-%d}"},
        internal_note=note,
        due_on=due,
        in_time=in_time,
    )
    _audit(ctx, in_time=in_time)


@handles("reject")
def _reject(ctx: Ctx) -> None:
    """不予受理, with the reason told to the complainant (e.g. a matter for court or reconsideration,
    信访工作条例第三十一条第一至四项)."""
    reason = clean_text(ctx.data.get("reason"), field="reason", label=_("Reason"), min_len=4, max_len=2000)
    due, in_time = _decided(ctx)
    ctx.set(decided_on=ctx.act_on)
    ctx.changed.update(dues.resolve(ctx.obj, (dues.ACCEPTANCE,), ctx.act_on))
    _event(ctx, public_note=_("Not accepted: %(reason)s") % {"reason": reason}, due_on=due, in_time=in_time)
    _audit(ctx, in_time=in_time)


@handles("redirect")
def _redirect(ctx: Ctx) -> None:
    """Not for this agency or its system: tell the complainant which body to apply to
    (告知向有权处理的机关提出, 信访工作条例第二十三条第一款)."""
    data = ctx.data
    body = clean_text(
        data.get("competent_body"), field="competent_body", label=_("Competent body"), min_len=2, max_len=100
    )
    contact = clean_text(data.get("contact"), field="contact", label=_("Contact"), max_len=100)
    reason = clean_text(data.get("reason"), field="reason", label=_("Reason"), max_len=1000)
    due, in_time = _decided(ctx)
    ctx.set(decided_on=ctx.act_on)
    ctx.changed.update(dues.resolve(ctx.obj, (dues.ACCEPTANCE,), ctx.act_on))
    note = _("This matter is outside our remit. Please raise it with %(body)s.") % {"body": body}
    if contact:
        note += " " + _("Contact: %(contact)s.") % {"contact": contact}
    if reason:
        note += " " + reason
    ctx.record.update(competent_body=body, contact=contact)
    _event(ctx, public_note=note, due_on=due, in_time=in_time)
    _audit(ctx, competent_body=body, in_time=in_time)


@handles("refer")
def _refer(ctx: Ctx) -> None:
    """转送 to the competent agency and tell the complainant where it went (信访工作条例第二十三条).

    To an agency on this platform the complaint moves there and that agency's own 15 days start
    (第二十三条第三款: from the day it receives the transfer); to a body outside the platform it ends
    here as "referred"."""
    complaint, data = ctx.obj, ctx.data
    reason = clean_text(data.get("reason"), field="reason", label=_("Reason"), min_len=2, max_len=1000)
    external_body = clean_text(
        data.get("external_body"), field="external_body", label=_("Receiving body"), max_len=100
    )
    agency_id = data.get("agency_id")
    if bool(agency_id) == bool(external_body):
        raise InvalidInput(
            _("Choose an agency on the platform or name a body outside it (one of the two)."),
            detail={"field": "agency"},
        )
    due, in_time = _decided(ctx)
    from_agency, from_unit_id = complaint.agency, complaint.unit_id
    if agency_id:
        target = OrgNode.objects.filter(id=agency_id, kind=OrgNode.Kind.AGENCY, is_active=True).first()
        if target is None:
            raise InvalidInput(_("Choose an agency from the list."), detail={"field": "agency"})
        if target.pk == complaint.agency_id:
            raise InvalidInput(_("The complaint is already with this agency."), detail={"field": "agency"})
        unit = None
        rule = RoutingRule.objects.filter(category_id=complaint.category_id, node__agency=target).first()
        if rule is not None and rule.node.kind == OrgNode.Kind.UNIT:
            unit = rule.node
        # The referring agency's period is answered; the receiving agency's own starts.
        ctx.changed.update(dues.resolve(complaint, (dues.ACCEPTANCE,), ctx.act_on))
        ctx.set(agency=target, unit=unit)
        ctx.changed.update(dues.open_period(complaint, dues.ACCEPTANCE, ctx.act_on))
        new_due, provisional = complaint.acceptance_due, complaint.due_provisional
        ctx.target = State.RECEIVED
        public = _("Referred to %(agency)s, which will decide on accepting it by %(date)s.") % {
            "agency": target.name,
            "date": f"{new_due:%Y-%m-%d}",
        }
        target_name = target.name
    else:
        ctx.set(decided_on=ctx.act_on)
        ctx.changed.update(dues.resolve(complaint, (dues.ACCEPTANCE,), ctx.act_on))
        ctx.target = State.REFERRED
        public = _("Referred to %(body)s for handling.") % {"body": external_body}
        target_name, provisional = external_body, False
    # The deadline answered was the referring agency's: the event carries it, for statistics.
    ctx.record.update(from_agency=from_agency.pk, to=target_name, provisional=provisional)
    _event(
        ctx,
        public_note=f"{public} {reason}",
        due_on=due,
        in_time=in_time,
        agency_id=from_agency.pk,
        unit_id=from_unit_id,
    )
    _audit(ctx, from_agency=from_agency.pk, to=target_name, in_time=in_time)


@handles("assign")
def _assign(ctx: Ctx) -> None:
    """Move the complaint to another unit of the same agency (or back to the agency's own queue)."""
    complaint, unit_id = ctx.obj, ctx.data.get("unit_id")
    unit = None
    if unit_id:
        unit = OrgNode.objects.filter(
            id=unit_id, kind=OrgNode.Kind.UNIT, agency_id=complaint.agency_id, is_active=True
        ).first()
        if unit is None:
            raise InvalidInput(_("Choose a unit of the handling agency."), detail={"field": "unit"})
    if unit == complaint.unit:
        raise InvalidInput(_("The complaint is already in this queue."), detail={"field": "unit"})
    note = clean_text(ctx.data.get("note"), field="note", label=_("Note"), max_len=2000)
    ctx.set(unit=unit)
    ctx.record.update(unit=unit.pk if unit else None)
    _event(ctx, internal_note=note)
    _audit(ctx, unit=unit.pk if unit else None)


# --- handling (信访工作条例第三十四条) -------------------------------------------------------------


@handles("progress")
def _progress(ctx: Ctx) -> None:
    public_note = clean_text(
        ctx.data.get("public_note"), field="public_note", label=_("Note to the complainant"), max_len=2000
    )
    internal_note = clean_text(
        ctx.data.get("internal_note"), field="internal_note", label=_("Internal note"), max_len=2000
    )
    if not public_note and not internal_note:
        raise InvalidInput(_("Write a note."), detail={"field": "public_note"})
    _event(ctx, public_note=public_note, internal_note=internal_note)


@handles("extend")
def _extend(ctx: Ctx) -> None:
    """延长办理期限 with the head's approval, ≤ 30 days in total, reason told to the complainant
    (信访工作条例第三十四条). Refused once the deadline has passed: an extension is approved before
    the period ends, not to cover a missed one."""
    complaint = ctx.obj
    reason = clean_text(ctx.data.get("reason"), field="reason", label=_("Reason"), min_len=4, max_len=1000)
    days = int(ctx.data["days"])
    if not rules.extension_allowed(already_extended_days=complaint.extension_days, requested_days=days):
        raise RuleViolation(
            _(
                "The handling period can be extended by at most %(max)d days in total; "
                "%(used)d are already used (信访工作条例第三十四条)."
            )
            % {"max": rules.MAX_EXTENSION_DAYS, "used": complaint.extension_days},
            code="extension_too_long",
            article=rules.ARTICLE_CONCLUSION,
        )
    assert complaint.accepted_on is not None and complaint.conclusion_due is not None
    if ctx.act_on > complaint.conclusion_due:
        raise RuleViolation(
            _("The handling period ended on %(date)s; it can no longer be extended (信访工作条例第三十四条).")
            % {"date": f"{complaint.conclusion_due:%Y-%m-%d}"},
            code="extension_too_late",
            article=rules.ARTICLE_CONCLUSION,
        )
    total = complaint.extension_days + days
    old_due = complaint.conclusion_due
    ctx.set(extension_days=total)
    ctx.changed.update(dues.extend(complaint, days))
    new_due, provisional = complaint.conclusion_due, complaint.due_provisional
    ctx.record.update(days=days, old_due=str(old_due), provisional=provisional)
    _event(
        ctx,
        public_note=_("The handling period was extended by %(days)d days to %(date)s. Reason: %(reason)s")
        % {"days": days, "date": f"{new_due:%Y-%m-%d}", "reason": reason},
    )
    _audit(ctx, days=days, new_due=str(new_due))


@handles("reply")
def _reply(ctx: Ctx) -> None:
    """办结: the written reply the complainant reads on the progress page."""
    complaint = ctx.obj
    reply = clean_text(ctx.data.get("reply"), field="reply", label=_("Reply"), min_len=10, max_len=5000)
    due = complaint.conclusion_due
    in_time = rules.met_in_time(due_on=due, met_on=ctx.act_on)
    ctx.set(concluded_on=ctx.act_on)
    ctx.changed.update(dues.resolve(complaint, dues.REPLY_KINDS, ctx.act_on))
    ctx.record.update(round=complaint.reopen_count)
    _event(ctx, public_note=reply, due_on=due, in_time=in_time)
    _audit(ctx, in_time=in_time, round=complaint.reopen_count)


@COMPLAINTS.register_listener
def _reindex(complaint: Complaint, row: Any) -> None:
    """A referral moved the complaint to another agency: the search index carries the agency."""
    if row.kind == "refer" and row.to_state == State.RECEIVED:
        index_complaint(complaint)


# --- the doors the views, the API and the demo call -----------------------------------------------


def complaint_accept(
    *, complaint_id: int, actor: Any, note: str = "", on: dt.date | None = None
) -> Complaint:
    return _apply("accept", complaint_id, actor, note=note, on=on)


def complaint_reject(*, complaint_id: int, actor: Any, reason: str, on: dt.date | None = None) -> Complaint:
    return _apply("reject", complaint_id, actor, reason=reason, on=on)


def complaint_redirect(
    *,
    complaint_id: int,
    actor: Any,
    competent_body: str,
    contact: str = "",
    reason: str = "",
    on: dt.date | None = None,
) -> Complaint:
    return _apply(
        "redirect", complaint_id, actor, competent_body=competent_body, contact=contact, reason=reason, on=on
    )


def complaint_refer(
    *,
    complaint_id: int,
    actor: Any,
    reason: str,
    agency_id: int | None = None,
    external_body: str = "",
    on: dt.date | None = None,
) -> Complaint:
    return _apply(
        "refer", complaint_id, actor, reason=reason, agency_id=agency_id, external_body=external_body, on=on
    )


def complaint_assign(*, complaint_id: int, actor: Any, unit_id: int | None, note: str = "") -> Complaint:
    return _apply("assign", complaint_id, actor, unit_id=unit_id, note=note)


def complaint_progress(
    *, complaint_id: int, actor: Any, public_note: str = "", internal_note: str = ""
) -> Complaint:
    return _apply("progress", complaint_id, actor, public_note=public_note, internal_note=internal_note)


def complaint_extend(
    *, complaint_id: int, actor: Any, days: int, reason: str, on: dt.date | None = None
) -> Complaint:
    return _apply("extend", complaint_id, actor, days=days, reason=reason, on=on)


def complaint_reply(*, complaint_id: int, actor: Any, reply: str, on: dt.date | None = None) -> Complaint:
    return _apply("reply", complaint_id, actor, reply=reply, on=on)
