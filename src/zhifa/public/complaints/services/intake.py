"""Intake from every channel: validation, routing, tracking code, attachments, search index."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from zhifa.core.errors import Conflict, Forbidden, InvalidInput
from zhifa.core.identity import validate_resident_id
from zhifa.org.models import OrgNode
from zhifa.public.complaints import attachments as att
from zhifa.public.complaints.models import (
    STAFF_CHANNELS,
    Area,
    Category,
    Channel,
    Complaint,
    ComplaintAttachment,
    EventKind,
    RoutingRule,
    State,
)
from zhifa.public.complaints.services import deadlines as dues
from zhifa.public.complaints.services.common import (
    _LANDLINE,
    _MOBILE,
    INTAKE_ROLES,
    audit,
    clean_text,
    local_today,
    new_tracking_code,
    record,
)

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
        "location": clean_text(data.location, field="location", label=_("Location"), min_len=2, max_len=200),
        "title": clean_text(
            data.title, field="title", label=pgettext("complaint", "Summary"), min_len=2, max_len=100
        ),
        "content": clean_text(data.content, field="content", label=_("Content"), min_len=10, max_len=5000),
        "subject_name": clean_text(
            data.subject_name, field="subject_name", label=_("Complained-about party"), max_len=100
        ),
        "external_ref": clean_text(
            data.external_ref, field="external_ref", label=_("Ticket number"), max_len=40
        ),
        "anonymous": bool(data.anonymous),
    }
    if data.occurred_on and data.occurred_on > local_today():
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
    out["complainant_name"] = clean_text(
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
    out["complainant_address"] = clean_text(
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
    stored = [(f, att.store(f)) for f in checked]
    for _attempt in range(5):
        try:
            with transaction.atomic():
                complaint = Complaint.objects.create(
                    tracking_code=new_tracking_code(today),
                    channel=channel,
                    agency=the_route.agency,
                    unit=the_route.unit,
                    state=State.RECEIVED,
                    received_at=now,
                    received_on=today,
                    created_by=actor if staff else None,
                    **clean,
                )
                # The 15 days to decide on acceptance run from receipt (信访工作条例第二十三条).
                complaint.save(update_fields=dues.open_period(complaint, dues.ACCEPTANCE, today))
                acceptance_due, provisional = complaint.acceptance_due, complaint.due_provisional
                record(
                    complaint,
                    EventKind.RECEIVE,
                    actor=actor if staff else None,
                    from_state="",
                    public_note=_(
                        "Your complaint has been registered. A decision on accepting it is due by %(date)s."
                    )
                    % {"date": f"{acceptance_due:%Y-%m-%d}"},
                    data={"channel": channel, "provisional": provisional},
                    on=today,
                )
                where = the_route.unit.name if the_route.unit else the_route.agency.name
                record(
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
                for file, blob in stored:
                    ComplaintAttachment.objects.create(
                        complaint=complaint,
                        original_name=file.name,
                        content_type=file.kind.content_type,
                        size=file.size,
                        sha256=file.sha256,
                        sm3=file.sm3,
                        storage_name=blob.name,
                        blob=blob,
                        uploaded_at=timezone.now(),
                    )
                audit(
                    actor,
                    "submit",
                    complaint,
                    channel=channel,
                    category=clean["category"].code,
                    unit=complaint.unit_id,
                    attachments=[f.sha256 for f, _b in stored],
                )
                index_complaint(complaint)
                return complaint
        except IntegrityError:
            continue  # tracking code collision (40 random bits a day): draw again
    raise Conflict(_("Could not issue a tracking code; please try again."))


def index_complaint(complaint: Complaint) -> None:
    """Staff search over complaints (kind "complaint"): title, place and content, never identity.
    Indexed under the handling agency, so re-indexed when a referral moves the complaint."""
    from zhifa.core.search import search_index

    search_index(
        kind="complaint",
        object_id=complaint.pk,
        agency_id=complaint.agency_id,
        title=complaint.title,
        body=f"{complaint.location}\n{complaint.subject_name}\n{complaint.content}",
    )
