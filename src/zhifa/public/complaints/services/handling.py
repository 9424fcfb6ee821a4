"""Deciding on acceptance (信访工作条例第二十三条) and handling to the reply (第三十四条)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from zhifa.core.errors import InvalidInput, RuleViolation
from zhifa.law import complaints as rules
from zhifa.org.models import OrgNode
from zhifa.public.complaints.models import (
    HANDLING_STATES,
    OPEN_STATES,
    Complaint,
    EventKind,
    RoutingRule,
    State,
)
from zhifa.public.complaints.services.common import (
    APPROVER_ROLES,
    act_date,
    audit,
    clean_text,
    clear_due,
    locked,
    period_due,
    record,
    require,
    require_state,
    resolve_sla,
    set_due,
)
from zhifa.public.complaints.services.intake import index_complaint

# --- deciding on acceptance (信访工作条例第二十三条) ------------------------------------------------


def _decided(complaint: Complaint, today: dt.date) -> tuple[dt.date, bool | None]:
    due = complaint.acceptance_due
    return due, rules.met_in_time(due_on=due, met_on=today)


def complaint_accept(
    *, complaint_id: int, actor: Any, note: str = "", on: dt.date | None = None
) -> Complaint:
    with transaction.atomic():
        complaint = locked(complaint_id)
        require(actor, complaint)
        require_state(complaint, [State.RECEIVED])
        today = act_date(on, not_before=complaint.received_on)
        due, in_time = _decided(complaint, today)
        conclusion = period_due(rules.CONCLUSION_PERIOD, today)
        conclusion_due, provisional = conclusion
        complaint.state = State.ACCEPTED
        complaint.decided_on = complaint.accepted_on = today
        complaint.conclusion_due = conclusion_due
        fields = set_due(complaint, conclusion, today)
        complaint.save(update_fields=["state", "decided_on", "accepted_on", "conclusion_due", *fields])
        record(
            complaint,
            EventKind.ACCEPT,
            on=today,
            actor=actor,
            from_state=State.RECEIVED,
            public_note=_("Accepted. A reply is due by %(date)s.") % {"date": f"{conclusion_due:%Y-%m-%d}"},
            internal_note=clean_text(note, field="note", label=_("Note"), max_len=2000),
            due_on=due,
            in_time=in_time,
            data={"provisional": provisional},
        )
        audit(actor, "accept", complaint, in_time=in_time)
        resolve_sla(complaint)
    return complaint


def complaint_reject(*, complaint_id: int, actor: Any, reason: str, on: dt.date | None = None) -> Complaint:
    """不予受理, with the reason told to the complainant (e.g. a matter for court or reconsideration,
    信访工作条例第三十一条第一至四项)."""
    reason = clean_text(reason, field="reason", label=_("Reason"), min_len=4, max_len=2000)
    with transaction.atomic():
        complaint = locked(complaint_id)
        require(actor, complaint)
        require_state(complaint, [State.RECEIVED])
        today = act_date(on, not_before=complaint.received_on)
        due, in_time = _decided(complaint, today)
        complaint.state = State.REJECTED
        complaint.decided_on = today
        complaint.save(update_fields=["state", "decided_on", *clear_due(complaint)])
        record(
            complaint,
            EventKind.REJECT,
            on=today,
            actor=actor,
            from_state=State.RECEIVED,
            public_note=_("Not accepted: %(reason)s") % {"reason": reason},
            due_on=due,
            in_time=in_time,
        )
        audit(actor, "reject", complaint, in_time=in_time)
        resolve_sla(complaint)
    return complaint


def complaint_redirect(
    *,
    complaint_id: int,
    actor: Any,
    competent_body: str,
    contact: str = "",
    reason: str = "",
    on: dt.date | None = None,
) -> Complaint:
    """Not for this agency or its system: tell the complainant which body to apply to
    (告知向有权处理的机关提出, 信访工作条例第二十三条第一款)."""
    body = clean_text(
        competent_body, field="competent_body", label=_("Competent body"), min_len=2, max_len=100
    )
    contact = clean_text(contact, field="contact", label=_("Contact"), max_len=100)
    reason = clean_text(reason, field="reason", label=_("Reason"), max_len=1000)
    with transaction.atomic():
        complaint = locked(complaint_id)
        require(actor, complaint)
        require_state(complaint, [State.RECEIVED])
        today = act_date(on, not_before=complaint.received_on)
        due, in_time = _decided(complaint, today)
        complaint.state = State.REDIRECTED
        complaint.decided_on = today
        complaint.save(update_fields=["state", "decided_on", *clear_due(complaint)])
        note = _("This matter is outside our remit. Please raise it with %(body)s.") % {"body": body}
        if contact:
            note += " " + _("Contact: %(contact)s.") % {"contact": contact}
        if reason:
            note += " " + reason
        record(
            complaint,
            EventKind.REDIRECT,
            on=today,
            actor=actor,
            from_state=State.RECEIVED,
            public_note=note,
            due_on=due,
            in_time=in_time,
            data={"competent_body": body, "contact": contact},
        )
        audit(actor, "redirect", complaint, competent_body=body, in_time=in_time)
        resolve_sla(complaint)
    return complaint


def complaint_refer(
    *,
    complaint_id: int,
    actor: Any,
    reason: str,
    agency_id: int | None = None,
    external_body: str = "",
    on: dt.date | None = None,
) -> Complaint:
    """转送 to the competent agency and tell the complainant where it went (信访工作条例第二十三条).

    To an agency on this platform the complaint moves there and that agency's own 15 days start
    (第二十三条第三款: from the day it receives the transfer); to a body outside the platform it ends
    here as "referred"."""
    reason = clean_text(reason, field="reason", label=_("Reason"), min_len=2, max_len=1000)
    external_body = clean_text(external_body, field="external_body", label=_("Receiving body"), max_len=100)
    if bool(agency_id) == bool(external_body):
        raise InvalidInput(
            _("Choose an agency on the platform or name a body outside it (one of the two)."),
            detail={"field": "agency"},
        )
    with transaction.atomic():
        complaint = locked(complaint_id)
        require(actor, complaint)
        require_state(complaint, [State.RECEIVED])
        today = act_date(on, not_before=complaint.received_on)
        due, in_time = _decided(complaint, today)
        from_agency, from_unit_id = complaint.agency, complaint.unit_id
        if agency_id:
            target = OrgNode.objects.filter(id=agency_id, kind=OrgNode.Kind.AGENCY, is_active=True).first()
            if target is None:
                raise InvalidInput(_("Choose an agency from the list."), detail={"field": "agency"})
            if target.pk == complaint.agency_id:
                raise InvalidInput(
                    _("The complaint is already with this agency."), detail={"field": "agency"}
                )
            unit = None
            rule = RoutingRule.objects.filter(category_id=complaint.category_id, node__agency=target).first()
            if rule is not None and rule.node.kind == OrgNode.Kind.UNIT:
                unit = rule.node
            acceptance = period_due(rules.ACCEPTANCE_PERIOD, today)
            new_due, provisional = acceptance
            complaint.agency, complaint.unit = target, unit
            complaint.acceptance_due = new_due
            fields = set_due(complaint, acceptance, today)
            complaint.save(update_fields=["agency", "unit", "acceptance_due", *fields])
            index_complaint(complaint)  # the search index carries the agency for scoped searches
            public = _("Referred to %(agency)s, which will decide on accepting it by %(date)s.") % {
                "agency": target.name,
                "date": f"{new_due:%Y-%m-%d}",
            }
            target_name = target.name
        else:
            complaint.state = State.REFERRED
            complaint.decided_on = today
            complaint.save(update_fields=["state", "decided_on", *clear_due(complaint)])
            public = _("Referred to %(body)s for handling.") % {"body": external_body}
            target_name, provisional = external_body, False
        # The deadline answered was the referring agency's: the event carries it, for statistics.
        record(
            complaint,
            EventKind.REFER,
            on=today,
            agency_id=from_agency.pk,
            unit_id=from_unit_id,
            actor=actor,
            from_state=State.RECEIVED,
            public_note=f"{public} {reason}",
            due_on=due,
            in_time=in_time,
            data={"from_agency": from_agency.pk, "to": target_name, "provisional": provisional},
        )
        audit(actor, "refer", complaint, from_agency=from_agency.pk, to=target_name, in_time=in_time)
        resolve_sla(complaint)
    return complaint


def complaint_assign(*, complaint_id: int, actor: Any, unit_id: int | None, note: str = "") -> Complaint:
    """Move the complaint to another unit of the same agency (or back to the agency's own queue)."""
    with transaction.atomic():
        complaint = locked(complaint_id)
        require(actor, complaint)
        require_state(complaint, OPEN_STATES)
        unit = None
        if unit_id:
            unit = OrgNode.objects.filter(
                id=unit_id, kind=OrgNode.Kind.UNIT, agency_id=complaint.agency_id, is_active=True
            ).first()
            if unit is None:
                raise InvalidInput(_("Choose a unit of the handling agency."), detail={"field": "unit"})
        if unit == complaint.unit:
            raise InvalidInput(_("The complaint is already in this queue."), detail={"field": "unit"})
        complaint.unit = unit
        complaint.save(update_fields=["unit"])
        record(
            complaint,
            EventKind.ASSIGN,
            actor=actor,
            from_state=complaint.state,
            internal_note=clean_text(note, field="note", label=_("Note"), max_len=2000),
            data={"unit": unit.pk if unit else None},
        )
        audit(actor, "assign", complaint, unit=unit.pk if unit else None)
    return complaint


# --- handling (信访工作条例第三十四条) -------------------------------------------------------------


def complaint_progress(
    *, complaint_id: int, actor: Any, public_note: str = "", internal_note: str = ""
) -> Complaint:
    public_note = clean_text(
        public_note, field="public_note", label=_("Note to the complainant"), max_len=2000
    )
    internal_note = clean_text(internal_note, field="internal_note", label=_("Internal note"), max_len=2000)
    if not public_note and not internal_note:
        raise InvalidInput(_("Write a note."), detail={"field": "public_note"})
    with transaction.atomic():
        complaint = locked(complaint_id)
        require(actor, complaint)
        require_state(complaint, OPEN_STATES)
        record(
            complaint,
            EventKind.PROGRESS,
            actor=actor,
            from_state=complaint.state,
            public_note=public_note,
            internal_note=internal_note,
        )
        audit(actor, "progress", complaint)
    return complaint


def complaint_extend(
    *, complaint_id: int, actor: Any, days: int, reason: str, on: dt.date | None = None
) -> Complaint:
    """延长办理期限 with the head's approval, ≤ 30 days in total, reason told to the complainant
    (信访工作条例第三十四条). Refused once the deadline has passed: an extension is approved before
    the period ends, not to cover a missed one."""
    reason = clean_text(reason, field="reason", label=_("Reason"), min_len=4, max_len=1000)
    with transaction.atomic():
        complaint = locked(complaint_id)
        require(actor, complaint, roles=APPROVER_ROLES)
        require_state(complaint, [State.ACCEPTED])
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
        today = act_date(on, not_before=complaint.accepted_on)
        if today > complaint.conclusion_due:
            raise RuleViolation(
                _(
                    "The handling period ended on %(date)s; it can no longer be extended (信访工作条例第三十四条)."
                )
                % {"date": f"{complaint.conclusion_due:%Y-%m-%d}"},
                code="extension_too_late",
                article=rules.ARTICLE_CONCLUSION,
            )
        total = complaint.extension_days + days
        accepted_on = complaint.accepted_on
        extended = period_due(rules.CONCLUSION_PERIOD, accepted_on, total)
        new_due, provisional = extended
        old_due = complaint.conclusion_due
        complaint.extension_days = total
        complaint.conclusion_due = new_due
        fields = set_due(complaint, extended, accepted_on)
        complaint.save(update_fields=["extension_days", "conclusion_due", *fields])
        record(
            complaint,
            EventKind.EXTEND,
            on=today,
            actor=actor,
            from_state=complaint.state,
            public_note=_("The handling period was extended by %(days)d days to %(date)s. Reason: %(reason)s")
            % {"days": days, "date": f"{new_due:%Y-%m-%d}", "reason": reason},
            data={"days": days, "old_due": str(old_due), "provisional": provisional},
        )
        audit(actor, "extend", complaint, days=days, new_due=str(new_due))
    return complaint


def complaint_reply(*, complaint_id: int, actor: Any, reply: str, on: dt.date | None = None) -> Complaint:
    """办结: the written reply the complainant reads on the progress page."""
    reply = clean_text(reply, field="reply", label=_("Reply"), min_len=10, max_len=5000)
    with transaction.atomic():
        complaint = locked(complaint_id)
        require(actor, complaint)
        require_state(complaint, HANDLING_STATES)
        today = act_date(on, not_before=complaint.reopened_on or complaint.accepted_on)
        due = complaint.conclusion_due
        in_time = rules.met_in_time(due_on=due, met_on=today)
        from_state = complaint.state
        complaint.state = State.CONCLUDED
        complaint.concluded_on = today
        complaint.save(update_fields=["state", "concluded_on", *clear_due(complaint)])
        record(
            complaint,
            EventKind.REPLY,
            on=today,
            actor=actor,
            from_state=from_state,
            public_note=reply,
            due_on=due,
            in_time=in_time,
            data={"round": complaint.reopen_count},
        )
        audit(actor, "reply", complaint, in_time=in_time, round=complaint.reopen_count)
        resolve_sla(complaint)
    return complaint
