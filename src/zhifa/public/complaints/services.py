"""Every write to complaints. One function per step: lock, check who and when (信访工作条例 via
zhifa.law.complaints), append the history row, save the changed fields, audit.

Audit entries never carry the complainant's identity: the audit log is read by supervisors, and
信访工作条例第三十条 forbids passing a reporter's details on.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhifa.audit.services import audit_record
from zhifa.core.calendar import UnknownCalendarYear
from zhifa.core.errors import Conflict, Forbidden, InvalidInput, NotFound, RuleViolation
from zhifa.core.identity import validate_resident_id
from zhifa.law import complaints as rules
from zhifa.org.models import OrgNode
from zhifa.org.roles import Role
from zhifa.org.selectors import user_can_see_agency
from zhifa.public.complaints import attachments as att
from zhifa.public.complaints.models import (
    HANDLING_STATES,
    OPEN_STATES,
    STAFF_CHANNELS,
    Area,
    Category,
    Channel,
    Complaint,
    ComplaintAttachment,
    ComplaintEvent,
    ComplaintFeedback,
    EventKind,
    Rating,
    RoutingRule,
    State,
)

HANDLER_ROLES = (Role.OFFICER, Role.APPROVER)
INTAKE_ROLES = (Role.OFFICER, Role.APPROVER, Role.SUPERVISOR, Role.ADMIN)
APPROVER_ROLES = (Role.APPROVER,)

TRACKING_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: codes are read out on the phone
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}$")


# --- helpers -------------------------------------------------------------------------------------


def _text(value: Any, *, field: str, label: str, min_len: int = 0, max_len: int = 5000) -> str:
    """Trim, drop control characters (PostgreSQL refuses NUL; none belongs in a complaint), check length."""
    text = _CONTROL.sub("", str(value or "")).strip()
    if len(text) < min_len:
        if min_len <= 1:
            message = _("%(label)s is required.") % {"label": label}
        else:
            message = _("%(label)s must be at least %(n)d characters.") % {"label": label, "n": min_len}
        raise InvalidInput(message, code="invalid_input", detail={"field": field})
    if len(text) > max_len:
        raise InvalidInput(
            _("%(label)s must be at most %(n)d characters.") % {"label": label, "n": max_len},
            detail={"field": field},
        )
    return text


def _today() -> dt.date:
    return timezone.localdate()


def _act_date(on: dt.date | None, *, not_before: dt.date | None) -> dt.date:
    """The real-world date of a step (default today): staff may record a step done earlier, e.g. a
    decision phoned through yesterday, but not one in the future or before the step it follows."""
    today = _today()
    if on is None:
        return today
    if on > today:
        raise InvalidInput(_("The date cannot be in the future."), detail={"field": "on"})
    if not_before is not None and on < not_before:
        raise InvalidInput(
            _("The date cannot be before %(date)s, the date of the previous step.")
            % {"date": f"{not_before:%Y-%m-%d}"},
            detail={"field": "on"},
        )
    return on


def _due(fn: Callable[[dt.date], dt.date], start: dt.date, days: int) -> tuple[dt.date, bool]:
    """A deadline from law/, or — for a year whose official calendar is not entered yet — the same
    number of natural days without moving off holidays. That date is never later than the true one,
    so the agency is held to a stricter deadline rather than a complaint being refused."""
    try:
        return fn(start), False
    except UnknownCalendarYear:
        return start + dt.timedelta(days=days), True


def _new_tracking_code(on: dt.date) -> str:
    rand = "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(8))
    return f"TS{on:%Y%m%d}-{rand[:4]}-{rand[4:]}"


def normalise_tracking_code(code: str) -> str:
    code = (code or "").strip().upper().replace(" ", "").replace("－", "-")
    return code[:24]


def _locked(complaint_id: int) -> Complaint:
    complaint = Complaint.objects.select_for_update().filter(id=complaint_id).first()
    if complaint is None:
        raise NotFound(_("No such complaint."))
    return complaint


def _require(actor: Any, complaint: Complaint, roles: Iterable[str] = HANDLER_ROLES) -> None:
    if not user_can_see_agency(actor, complaint.agency_id, roles=roles):
        raise Forbidden(_("Only the handling agency's staff may do this."))


def _require_state(complaint: Complaint, allowed: Iterable[str]) -> None:
    if complaint.state not in allowed:
        raise Conflict(
            _("The complaint is “%(state)s”; this step is not possible now.")
            % {"state": complaint.get_state_display()},
            detail={"state": complaint.state},
        )


def _record(
    complaint: Complaint,
    kind: str,
    *,
    actor: Any | None,
    from_state: str,
    public_note: str = "",
    internal_note: str = "",
    due_on: dt.date | None = None,
    in_time: bool | None = None,
    data: dict[str, Any] | None = None,
    agency_id: int | None = None,
    unit_id: int | None = None,
    on: dt.date | None = None,
) -> ComplaintEvent:
    """Append one history row; `agency_id`/`unit_id` default to who holds the complaint now."""
    return ComplaintEvent.objects.create(
        complaint=complaint,
        kind=kind,
        at=timezone.now(),
        on=on or _today(),
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=(getattr(actor, "display_name", "") or "")[:50],
        from_state=from_state,
        to_state=complaint.state,
        agency_id=agency_id or complaint.agency_id,
        unit_id=unit_id if agency_id else complaint.unit_id,
        public_note=public_note,
        internal_note=internal_note,
        due_on=due_on,
        in_time=in_time,
        data=data or {},
    )


def _audit(actor: Any | None, action: str, complaint: Complaint, **summary: Any) -> None:
    audit_record(
        actor=actor,
        action=f"complaints.{action}",
        obj=complaint,
        agency_id=complaint.agency_id,
        summary={"state": complaint.state, **summary},
    )


def _sla_alert_key(complaint: Complaint) -> str:
    return f"complaint:{complaint.pk}:sla"


def _resolve_sla(complaint: Complaint) -> None:
    """The step answered the deadline an alert may be about: close it in the same transaction."""
    from zhifa.supervision.alerts.services import alert_resolve

    alert_resolve(key=_sla_alert_key(complaint))


# --- intake --------------------------------------------------------------------------------------


@dataclass
class ComplaintInput:
    category_id: int
    location: str
    title: str
    content: str
    area_id: int | None = None
    subject_name: str = ""
    occurred_on: dt.date | None = None
    anonymous: bool = False
    complainant_name: str = ""
    complainant_phone: str = ""
    complainant_id_number: str = ""
    complainant_address: str = ""
    external_ref: str = ""


@dataclass(frozen=True)
class Route:
    agency: OrgNode
    unit: OrgNode | None
    rule: RoutingRule | None


def route(*, category: Category, area: Area | None) -> Route:
    """The most specific routing rule (category + area, then category alone); else the category's
    agency without a unit."""
    rules_qs = RoutingRule.objects.filter(category=category).select_related("node")
    candidates = {r.area_id: r for r in rules_qs if r.area_id is None or (area and r.area_id == area.pk)}
    rule = candidates.get(area.pk if area else None) or candidates.get(None)
    if rule is not None and rule.node.is_active and rule.node.agency_id is not None:
        node = rule.node
        unit = node if node.kind == OrgNode.Kind.UNIT else None
        return Route(agency=node if unit is None else node.agency, unit=unit, rule=rule)  # type: ignore[arg-type]
    return Route(agency=category.agency, unit=None, rule=None)


def _clean_input(data: ComplaintInput) -> dict[str, Any]:
    category = Category.objects.select_related("agency").filter(id=data.category_id, is_active=True).first()
    if category is None:
        raise InvalidInput(_("Choose a category."), detail={"field": "category"})
    area = None
    if data.area_id:
        area = Area.objects.filter(id=data.area_id, is_active=True).first()
        if area is None:
            raise InvalidInput(_("Choose an area from the list."), detail={"field": "area"})
    out: dict[str, Any] = {
        "category": category,
        "area": area,
        "location": _text(data.location, field="location", label=_("Location"), min_len=2, max_len=200),
        "title": _text(data.title, field="title", label=_("Summary"), min_len=2, max_len=100),
        "content": _text(data.content, field="content", label=_("Content"), min_len=10, max_len=5000),
        "subject_name": _text(data.subject_name, field="subject_name", label=_("Party"), max_len=100),
        "external_ref": _text(data.external_ref, field="external_ref", label=_("Ticket number"), max_len=40),
        "anonymous": bool(data.anonymous),
    }
    if data.occurred_on and data.occurred_on > _today():
        raise InvalidInput(
            _("The date it happened cannot be in the future."), detail={"field": "occurred_on"}
        )
    out["occurred_on"] = data.occurred_on
    if out["anonymous"]:
        # Anonymous means nothing identifying is kept, even if a form sent it along.
        out.update(
            complainant_name="", complainant_phone="", complainant_id_number="", complainant_address=""
        )
        return out
    out["complainant_name"] = _text(
        data.complainant_name, field="complainant_name", label=_("Your name"), min_len=1, max_len=50
    )
    phone = re.sub(r"[\s()]", "", str(data.complainant_phone or ""))
    if not (_MOBILE.match(phone) or _LANDLINE.match(phone)):
        raise InvalidInput(
            _("Enter a mobile number (11 digits) or a landline with its area code."),
            detail={"field": "complainant_phone"},
        )
    out["complainant_phone"] = phone
    id_number = str(data.complainant_id_number or "").strip()
    out["complainant_id_number"] = validate_resident_id(id_number) if id_number else ""
    out["complainant_address"] = _text(
        data.complainant_address, field="complainant_address", label=_("Address"), max_len=200
    )
    return out


def complaint_submit(
    *,
    data: ComplaintInput,
    channel: str,
    actor: Any | None = None,
    files: Iterable[UploadedFile[bytes]] = (),
    received_at: dt.datetime | None = None,
) -> Complaint:
    """Register a complaint from any channel and route it. Public channels (web, API) need no actor;
    hotline, letter and visit intake are entered by staff, who give `received_at` when a letter or a
    transferred hotline ticket arrived before it was entered (the 15 days run from receipt). Public
    pages and the public API never pass it."""
    if channel not in Channel.values:
        raise InvalidInput(_("Unknown channel."), detail={"field": "channel"})
    staff = channel in STAFF_CHANNELS
    if staff:
        from zhifa.core.access import user_has_any_role

        if actor is None or not user_has_any_role(actor, frozenset(INTAKE_ROLES)):
            raise Forbidden(_("Hotline, letter and visit complaints are entered by staff."))
    clean = _clean_input(data)
    checked = att.check_files(files)  # before any write: a bad file changes nothing
    now = timezone.now()
    if received_at is not None:
        if received_at > now:
            raise InvalidInput(
                _("The date of receipt cannot be in the future."), detail={"field": "received_at"}
            )
        now = received_at
    today = timezone.localdate(now)
    the_route = route(category=clean["category"], area=clean["area"])
    acceptance_due, estimated = _due(rules.acceptance_due, today, rules.ACCEPTANCE_PERIOD.days)
    stored = [(f, att.store(f)) for f in checked]
    for _attempt in range(5):
        try:
            with transaction.atomic():
                complaint = Complaint.objects.create(
                    tracking_code=_new_tracking_code(today),
                    channel=channel,
                    agency=the_route.agency,
                    unit=the_route.unit,
                    state=State.RECEIVED,
                    received_at=now,
                    received_on=today,
                    acceptance_due=acceptance_due,
                    due_on=acceptance_due,
                    created_by=actor if staff else None,
                    **clean,
                )
                _record(
                    complaint,
                    EventKind.RECEIVE,
                    actor=actor if staff else None,
                    from_state="",
                    public_note=_(
                        "Your complaint has been registered. A decision on accepting it is due by %(date)s."
                    )
                    % {"date": f"{acceptance_due:%Y-%m-%d}"},
                    data={"channel": channel, "calendar_estimated": estimated},
                    on=today,
                )
                where = the_route.unit.name if the_route.unit else the_route.agency.name
                _record(
                    complaint,
                    EventKind.ASSIGN,
                    actor=None,
                    from_state=State.RECEIVED,
                    public_note=_("Passed to %(agency)s.") % {"agency": the_route.agency.name},
                    internal_note=(
                        _("Routed to %(where)s by the rule “%(rule)s”.")
                        % {"where": where, "rule": the_route.rule}
                        if the_route.rule
                        else _("No routing rule matched; sent to the category's agency to assign.")
                    ),
                    data={"rule": the_route.rule.pk if the_route.rule else None},
                    on=today,
                )
                for file, name in stored:
                    ComplaintAttachment.objects.create(
                        complaint=complaint,
                        original_name=file.name,
                        content_type=file.kind.content_type,
                        size=file.size,
                        sha256=file.sha256,
                        sm3=file.sm3,
                        storage_name=name,
                        uploaded_at=timezone.now(),
                    )
                _audit(
                    actor,
                    "submit",
                    complaint,
                    channel=channel,
                    category=clean["category"].code,
                    unit=complaint.unit_id,
                    attachments=[f.sha256 for f, _n in stored],
                )
                _index(complaint)
                return complaint
        except IntegrityError:
            continue  # tracking code collision (40 random bits a day): draw again
    raise Conflict(_("Could not issue a tracking code; please try again."))


def _index(complaint: Complaint) -> None:
    """Staff search over complaints (kind "complaint"): title, place and content, never identity."""
    from zhifa.core.search import search_index

    search_index(
        kind="complaint",
        object_id=complaint.pk,
        agency_id=complaint.agency_id,
        title=complaint.title,
        body=f"{complaint.location}\n{complaint.subject_name}\n{complaint.content}",
    )


# --- deciding on acceptance (信访工作条例第二十三条) ------------------------------------------------


def _decided(complaint: Complaint, today: dt.date) -> tuple[dt.date, bool | None]:
    due = complaint.acceptance_due
    return due, rules.met_in_time(due_on=due, met_on=today)


def complaint_accept(
    *, complaint_id: int, actor: Any, note: str = "", on: dt.date | None = None
) -> Complaint:
    with transaction.atomic():
        complaint = _locked(complaint_id)
        _require(actor, complaint)
        _require_state(complaint, [State.RECEIVED])
        today = _act_date(on, not_before=complaint.received_on)
        due, in_time = _decided(complaint, today)
        conclusion_due, estimated = _due(rules.conclusion_due, today, rules.CONCLUSION_PERIOD.days)
        complaint.state = State.ACCEPTED
        complaint.decided_on = complaint.accepted_on = today
        complaint.conclusion_due = complaint.due_on = conclusion_due
        complaint.save(update_fields=["state", "decided_on", "accepted_on", "conclusion_due", "due_on"])
        _record(
            complaint,
            EventKind.ACCEPT,
            on=today,
            actor=actor,
            from_state=State.RECEIVED,
            public_note=_("Accepted. A reply is due by %(date)s.") % {"date": f"{conclusion_due:%Y-%m-%d}"},
            internal_note=_text(note, field="note", label=_("Note"), max_len=2000),
            due_on=due,
            in_time=in_time,
            data={"calendar_estimated": estimated},
        )
        _audit(actor, "accept", complaint, in_time=in_time)
        _resolve_sla(complaint)
    return complaint


def complaint_reject(*, complaint_id: int, actor: Any, reason: str, on: dt.date | None = None) -> Complaint:
    """不予受理, with the reason told to the complainant (e.g. a matter for court or reconsideration,
    信访工作条例第三十一条第一至四项)."""
    reason = _text(reason, field="reason", label=_("Reason"), min_len=4, max_len=2000)
    with transaction.atomic():
        complaint = _locked(complaint_id)
        _require(actor, complaint)
        _require_state(complaint, [State.RECEIVED])
        today = _act_date(on, not_before=complaint.received_on)
        due, in_time = _decided(complaint, today)
        complaint.state = State.REJECTED
        complaint.decided_on = today
        complaint.due_on = None
        complaint.save(update_fields=["state", "decided_on", "due_on"])
        _record(
            complaint,
            EventKind.REJECT,
            on=today,
            actor=actor,
            from_state=State.RECEIVED,
            public_note=_("Not accepted: %(reason)s") % {"reason": reason},
            due_on=due,
            in_time=in_time,
        )
        _audit(actor, "reject", complaint, in_time=in_time)
        _resolve_sla(complaint)
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
    body = _text(competent_body, field="competent_body", label=_("Competent body"), min_len=2, max_len=100)
    contact = _text(contact, field="contact", label=_("Contact"), max_len=100)
    reason = _text(reason, field="reason", label=_("Reason"), max_len=1000)
    with transaction.atomic():
        complaint = _locked(complaint_id)
        _require(actor, complaint)
        _require_state(complaint, [State.RECEIVED])
        today = _act_date(on, not_before=complaint.received_on)
        due, in_time = _decided(complaint, today)
        complaint.state = State.REDIRECTED
        complaint.decided_on = today
        complaint.due_on = None
        complaint.save(update_fields=["state", "decided_on", "due_on"])
        note = _("This matter is outside our remit. Please raise it with %(body)s.") % {"body": body}
        if contact:
            note += " " + _("Contact: %(contact)s.") % {"contact": contact}
        if reason:
            note += " " + reason
        _record(
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
        _audit(actor, "redirect", complaint, competent_body=body, in_time=in_time)
        _resolve_sla(complaint)
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
    reason = _text(reason, field="reason", label=_("Reason"), min_len=2, max_len=1000)
    external_body = _text(external_body, field="external_body", label=_("Receiving body"), max_len=100)
    if bool(agency_id) == bool(external_body):
        raise InvalidInput(
            _("Choose an agency on the platform or name a body outside it (one of the two)."),
            detail={"field": "agency"},
        )
    with transaction.atomic():
        complaint = _locked(complaint_id)
        _require(actor, complaint)
        _require_state(complaint, [State.RECEIVED])
        today = _act_date(on, not_before=complaint.received_on)
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
            new_due, estimated = _due(rules.acceptance_due, today, rules.ACCEPTANCE_PERIOD.days)
            complaint.agency, complaint.unit = target, unit
            complaint.acceptance_due = complaint.due_on = new_due
            complaint.save(update_fields=["agency", "unit", "acceptance_due", "due_on"])
            public = _("Referred to %(agency)s, which will decide on accepting it by %(date)s.") % {
                "agency": target.name,
                "date": f"{new_due:%Y-%m-%d}",
            }
            target_name = target.name
        else:
            complaint.state = State.REFERRED
            complaint.decided_on = today
            complaint.due_on = None
            complaint.save(update_fields=["state", "decided_on", "due_on"])
            public = _("Referred to %(body)s for handling.") % {"body": external_body}
            target_name, estimated = external_body, False
        # The deadline answered was the referring agency's: the event carries it, for statistics.
        _record(
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
            data={"from_agency": from_agency.pk, "to": target_name, "calendar_estimated": estimated},
        )
        _audit(actor, "refer", complaint, from_agency=from_agency.pk, to=target_name, in_time=in_time)
        _resolve_sla(complaint)
    return complaint


def complaint_assign(*, complaint_id: int, actor: Any, unit_id: int | None, note: str = "") -> Complaint:
    """Move the complaint to another unit of the same agency (or back to the agency's own queue)."""
    with transaction.atomic():
        complaint = _locked(complaint_id)
        _require(actor, complaint)
        _require_state(complaint, OPEN_STATES)
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
        _record(
            complaint,
            EventKind.ASSIGN,
            actor=actor,
            from_state=complaint.state,
            internal_note=_text(note, field="note", label=_("Note"), max_len=2000),
            data={"unit": unit.pk if unit else None},
        )
        _audit(actor, "assign", complaint, unit=unit.pk if unit else None)
    return complaint


# --- handling (信访工作条例第三十四条) -------------------------------------------------------------


def complaint_progress(
    *, complaint_id: int, actor: Any, public_note: str = "", internal_note: str = ""
) -> Complaint:
    public_note = _text(public_note, field="public_note", label=_("Note to the complainant"), max_len=2000)
    internal_note = _text(internal_note, field="internal_note", label=_("Internal note"), max_len=2000)
    if not public_note and not internal_note:
        raise InvalidInput(_("Write a note."), detail={"field": "public_note"})
    with transaction.atomic():
        complaint = _locked(complaint_id)
        _require(actor, complaint)
        _require_state(complaint, OPEN_STATES)
        _record(
            complaint,
            EventKind.PROGRESS,
            actor=actor,
            from_state=complaint.state,
            public_note=public_note,
            internal_note=internal_note,
        )
        _audit(actor, "progress", complaint)
    return complaint


def complaint_extend(
    *, complaint_id: int, actor: Any, days: int, reason: str, on: dt.date | None = None
) -> Complaint:
    """延长办理期限 with the head's approval, ≤ 30 days in total, reason told to the complainant
    (信访工作条例第三十四条). Refused once the deadline has passed: an extension is approved before
    the period ends, not to cover a missed one."""
    reason = _text(reason, field="reason", label=_("Reason"), min_len=4, max_len=1000)
    with transaction.atomic():
        complaint = _locked(complaint_id)
        _require(actor, complaint, roles=APPROVER_ROLES)
        _require_state(complaint, [State.ACCEPTED])
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
        today = _act_date(on, not_before=complaint.accepted_on)
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
        new_due, estimated = _due(
            lambda d: rules.conclusion_due(d, extension_days=total),
            accepted_on,
            rules.CONCLUSION_PERIOD.days + total,
        )
        old_due = complaint.conclusion_due
        complaint.extension_days = total
        complaint.conclusion_due = complaint.due_on = new_due
        complaint.save(update_fields=["extension_days", "conclusion_due", "due_on"])
        _record(
            complaint,
            EventKind.EXTEND,
            on=today,
            actor=actor,
            from_state=complaint.state,
            public_note=_("The handling period was extended by %(days)d days to %(date)s. Reason: %(reason)s")
            % {"days": days, "date": f"{new_due:%Y-%m-%d}", "reason": reason},
            data={"days": days, "old_due": str(old_due), "calendar_estimated": estimated},
        )
        _audit(actor, "extend", complaint, days=days, new_due=str(new_due))
    return complaint


def complaint_reply(*, complaint_id: int, actor: Any, reply: str, on: dt.date | None = None) -> Complaint:
    """办结: the written reply the complainant reads on the progress page."""
    reply = _text(reply, field="reply", label=_("Reply"), min_len=10, max_len=5000)
    with transaction.atomic():
        complaint = _locked(complaint_id)
        _require(actor, complaint)
        _require_state(complaint, HANDLING_STATES)
        today = _act_date(on, not_before=complaint.reopened_on or complaint.accepted_on)
        due = complaint.conclusion_due
        in_time = rules.met_in_time(due_on=due, met_on=today)
        from_state = complaint.state
        complaint.state = State.CONCLUDED
        complaint.concluded_on = today
        complaint.due_on = None
        complaint.save(update_fields=["state", "concluded_on", "due_on"])
        _record(
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
        _audit(actor, "reply", complaint, in_time=in_time, round=complaint.reopen_count)
        _resolve_sla(complaint)
    return complaint


# --- satisfaction and re-opening (信访工作条例第三十五、三十六条) -----------------------------------


def complaint_feedback(
    *,
    complaint_id: int,
    rating: str,
    comment: str = "",
    source: str = ComplaintFeedback.Source.WEB,
    actor: Any | None = None,
    on: dt.date | None = None,
) -> Complaint:
    """The complainant rates the reply (on the progress page, or by phone to staff who record it).
    Dissatisfaction re-opens the matter within the review window, at most twice."""
    if rating not in Rating.values:
        raise InvalidInput(
            _("Choose satisfied, basically satisfied or dissatisfied."), detail={"field": "rating"}
        )
    comment = _text(comment, field="comment", label=_("Comment"), max_len=1000)
    if source not in ComplaintFeedback.Source.values:
        raise InvalidInput(_("Unknown feedback source."))
    with transaction.atomic():
        complaint = _locked(complaint_id)
        if source == ComplaintFeedback.Source.CALLBACK:
            _require(actor, complaint)
        _require_state(complaint, [State.CONCLUDED])
        round_no = complaint.reopen_count
        if ComplaintFeedback.objects.filter(complaint=complaint, round=round_no).exists():
            raise Conflict(_("This reply has already been rated."), code="already_rated")
        # Only staff recording a callback may date it; the complainant's own rating is dated today.
        today = _act_date(
            on if source == ComplaintFeedback.Source.CALLBACK else None, not_before=complaint.concluded_on
        )
        ComplaintFeedback.objects.create(
            complaint=complaint,
            round=round_no,
            rating=rating,
            comment=comment,
            source=source,
            at=timezone.now(),
            on=today,
            recorded_by=actor if getattr(actor, "pk", None) else None,
            agency_id=complaint.agency_id,
            unit_id=complaint.unit_id,
        )
        complaint.last_rating = rating
        fields = ["last_rating"]
        _record(
            complaint,
            EventKind.FEEDBACK,
            on=today,
            actor=actor,
            from_state=complaint.state,
            public_note=_("Rated: %(rating)s.") % {"rating": Rating(rating).label},
            internal_note=comment,
            data={"rating": rating, "round": round_no, "source": source},
        )
        if rating == Rating.DISSATISFIED:
            assert complaint.concluded_on is not None
            if rules.reopening_allowed(
                reopen_count=complaint.reopen_count, replied_on=complaint.concluded_on, today=today
            ):
                due, estimated = _due(rules.reopened_due, today, rules.REOPENED_PERIOD.days)
                complaint.state = State.REOPENED
                complaint.reopen_count += 1
                complaint.reopened_on = today
                complaint.concluded_on = None
                complaint.conclusion_due = complaint.due_on = due
                fields += ["state", "reopen_count", "reopened_on", "concluded_on", "conclusion_due", "due_on"]
                complaint.save(update_fields=fields)
                _record(
                    complaint,
                    EventKind.REOPEN,
                    on=today,
                    actor=None,
                    from_state=State.CONCLUDED,
                    public_note=_(
                        "Because you were not satisfied, the matter is being handled again; "
                        "a new reply is due by %(date)s."
                    )
                    % {"date": f"{due:%Y-%m-%d}"},
                    data={"round": complaint.reopen_count, "calendar_estimated": estimated},
                )
                _audit(actor, "reopen", complaint, round=complaint.reopen_count)
                return complaint
        complaint.save(update_fields=fields)
        _audit(actor, "feedback", complaint, rating=rating, round=round_no)
    return complaint


def complaint_feedback_public(*, tracking_code: str, rating: str, comment: str = "") -> Complaint:
    complaint = Complaint.objects.filter(tracking_code=normalise_tracking_code(tracking_code)).first()
    if complaint is None:
        raise NotFound(_("No complaint has this tracking code."))
    return complaint_feedback(complaint_id=complaint.pk, rating=rating, comment=comment)


# --- links ---------------------------------------------------------------------------------------


def complaint_mark_duplicate(*, complaint_id: int, actor: Any, original_id: int, note: str = "") -> Complaint:
    """Link a complaint to an earlier one about the same thing (the suggestion list offers them).
    Both stay open and are answered; the link lets one visit settle both."""
    with transaction.atomic():
        complaint = _locked(complaint_id)
        _require(actor, complaint)
        _require_state(complaint, OPEN_STATES)
        if original_id == complaint.pk:
            raise InvalidInput(_("A complaint cannot duplicate itself."))
        original = Complaint.objects.filter(id=original_id).first()
        if original is None or not user_can_see_agency(actor, original.agency_id):
            raise NotFound(_("No such complaint."))
        if original.duplicate_of_id == complaint.pk:
            raise InvalidInput(_("That complaint is already marked as a duplicate of this one."))
        complaint.duplicate_of = original
        complaint.save(update_fields=["duplicate_of"])
        _record(
            complaint,
            EventKind.DUPLICATE,
            actor=actor,
            from_state=complaint.state,
            internal_note=_text(note, field="note", label=_("Note"), max_len=1000),
            data={"original": original.pk, "original_code": original.tracking_code},
        )
        _audit(actor, "duplicate", complaint, original=original.pk)
    return complaint


def complaint_link_case(*, complaint_id: int, actor: Any, case_id: int, case_number: str) -> Complaint:
    """Record that the complaint became a case (called by the conversion, inside its transaction)."""
    complaint = _locked(complaint_id)
    _require_state(complaint, HANDLING_STATES)
    if complaint.case_id:
        raise Conflict(_("This complaint is already linked to a case."), code="already_converted")
    complaint.case_id = case_id
    complaint.case_number = case_number
    complaint.save(update_fields=["case_id", "case_number"])
    _record(
        complaint,
        EventKind.CONVERT,
        actor=actor,
        from_state=complaint.state,
        public_note=_("A case has been opened on the facts reported."),
        data={"case_id": case_id, "case_number": case_number},
    )
    _audit(actor, "convert", complaint, case_id=case_id)
    return complaint


def raise_sla_alerts(*, today: dt.date | None = None) -> int:
    """Daily: an alert for every open complaint past its current deadline (acceptance or reply)."""
    from zhifa.supervision.alerts.services import alert_raise

    today = today or _today()
    count = 0
    for complaint in Complaint.objects.filter(state__in=OPEN_STATES, due_on__lt=today).only(
        "id", "tracking_code", "agency_id", "state", "due_on", "title"
    ):
        article = rules.ARTICLE_ACCEPTANCE if complaint.state == State.RECEIVED else rules.ARTICLE_CONCLUSION
        alert_raise(
            kind="complaint_sla",
            key=_sla_alert_key(complaint),
            agency_id=complaint.agency_id,
            title=_("Complaint %(code)s is past its deadline (%(date)s)")
            % {"code": complaint.tracking_code, "date": f"{complaint.due_on:%Y-%m-%d}"},
            message=complaint.title,
            due_on=complaint.due_on,
            object_type="complaints.complaint",
            object_id=str(complaint.pk),
            article=article,
        )
        count += 1
    return count
