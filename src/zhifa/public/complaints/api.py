"""Complaints API.

Public (no auth, rate limited): `POST /public/complaints` (intake; attachments go through the web form),
`GET /public/complaints/{tracking_code}` (status and replies only), `POST .../feedback`.
Staff (token): `GET /complaints`, `POST /complaints` (hotline/letter/visit intake), `GET /complaints/{id}`,
`POST /complaints/{id}/events` `{"event": ..., ...}` — the same services as the pages.
"""

# No `from __future__ import annotations`: ninja reads the handlers' annotations at runtime, through
# the access decorators' wrappers, whose globals are not this module's.
import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate
from pydantic import Field

from zhifa.core import access
from zhifa.core.api import ErrorOut, Page
from zhifa.core.errors import InvalidInput
from zhifa.public.complaints import ratelimit
from zhifa.public.complaints import selectors as sel
from zhifa.public.complaints import services as svc
from zhifa.public.complaints.models import (
    Channel,
    Complaint,
    ComplaintEvent,
    ComplaintFeedback,
    Rating,
    State,
)

router = Router(tags=["complaints"])

ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut, 429: ErrorOut}


class ComplaintIn(Schema):
    category_id: int
    area_id: int | None = None
    location: str = Field(max_length=200)
    title: str = Field(max_length=100)
    content: str = Field(max_length=5000)
    subject_name: str = Field("", max_length=100)
    occurred_on: dt.date | None = None
    anonymous: bool = False
    complainant_name: str = Field("", max_length=50)
    complainant_phone: str = Field("", max_length=20)


class StaffComplaintIn(ComplaintIn):
    channel: str = Channel.HOTLINE_12345
    external_ref: str = Field("", max_length=40)
    complainant_id_number: str = Field("", max_length=18)
    complainant_address: str = Field("", max_length=200)


class PublicEventOut(Schema):
    kind: str
    on: dt.date
    note: str

    @staticmethod
    def resolve_note(obj: ComplaintEvent) -> str:
        return obj.public_note


class ComplaintPublicReviewRoundOut(Schema):
    level: str
    level_label: str
    body: str
    requested_on: dt.date
    due_on: dt.date | None
    answered_on: dt.date | None


class ComplaintPublicReviewOut(Schema):
    """复查/复核 as the complainant sees it: the rounds (the opinions are in `events`) and whether a
    request may be sent online now, to which body, until when."""

    rounds: list[ComplaintPublicReviewRoundOut]
    can_request: bool
    next_level: str | None
    next_body: str
    request_until: dt.date | None
    article: str
    final: bool


def _public_review(complaint: Complaint) -> dict[str, Any]:
    status = sel.review_status(complaint)
    return {
        "rounds": [
            {
                "level": r.level,
                "level_label": r.level_label,
                "body": r.body,
                "requested_on": r.requested_on,
                "due_on": r.due_on,
                "answered_on": r.answered_on,
            }
            for r in status.rounds
        ],
        "can_request": status.can_request_online(timezone.localdate()),
        "next_level": status.next_level,
        "next_body": status.next_body,
        "request_until": status.request_until,
        "article": status.next_article if status.next_level else "",
        "final": status.final,
    }


class ProgressOut(Schema):
    """What anyone holding the tracking code may see: never who complained, nor the content."""

    tracking_code: str
    category: str
    agency: str
    state: str
    state_label: str
    received_on: dt.date
    due_on: dt.date | None
    due_provisional: bool
    last_rating: str
    can_rate: bool
    events: list[PublicEventOut]
    review: ComplaintPublicReviewOut


def _progress(complaint: Complaint) -> dict[str, Any]:
    return {
        "tracking_code": complaint.tracking_code,
        "category": complaint.category.name,
        "agency": complaint.agency.name,
        "state": complaint.state,
        "state_label": str(complaint.get_state_display()),
        "received_on": complaint.received_on,
        "due_on": complaint.due_on,
        "due_provisional": complaint.due_provisional,
        "last_rating": complaint.last_rating,
        "can_rate": sel.feedback_open(complaint),
        "events": sel.complaint_public_timeline(complaint),
        "review": _public_review(complaint),
    }


def _limit(request: HttpRequest, limits: tuple[ratelimit.Limit, ...]) -> None:
    if not ratelimit.allow(request, limits):
        raise HttpError(429, "rate limited")


def _input(payload: ComplaintIn) -> svc.ComplaintInput:
    data = payload.dict()
    return svc.ComplaintInput(**{k: v for k, v in data.items() if k != "channel"})


class CategoryOut(Schema):
    id: int
    name: str
    description: str


@router.get("/public/complaint-categories", auth=None, response=list[CategoryOut])
@access.public
def public_complaint_categories(request: HttpRequest) -> Any:
    """The categories a public client may file under (`category_id` of POST /public/complaints)."""
    from zhifa.public.complaints.models import Category

    return list(Category.objects.filter(is_active=True).order_by("order", "code"))


@router.post("/public/complaints", auth=None, response={201: ProgressOut, **ERRORS})
@access.public
def public_complaint_submit(request: HttpRequest, payload: ComplaintIn) -> Status[dict[str, Any]]:
    _limit(request, ratelimit.SUBMIT_LIMITS)
    complaint = svc.complaint_submit(data=_input(payload), channel=Channel.API)
    return Status(201, _progress(complaint))


@router.get("/public/complaints/{tracking_code}", auth=None, response={200: ProgressOut, **ERRORS})
@access.public
def public_complaint_progress(request: HttpRequest, tracking_code: str) -> dict[str, Any]:
    _limit(request, ratelimit.LOOKUP_LIMITS)
    complaint = sel.complaint_public_get(tracking_code=tracking_code)
    if complaint is None:
        raise Http404
    return _progress(complaint)


class FeedbackIn(Schema):
    rating: str = Field(description=" / ".join(Rating.values))
    comment: str = Field("", max_length=1000)


@router.post("/public/complaints/{tracking_code}/feedback", auth=None, response={200: ProgressOut, **ERRORS})
@access.public
def public_complaint_feedback(
    request: HttpRequest, tracking_code: str, payload: FeedbackIn
) -> dict[str, Any]:
    _limit(request, ratelimit.FEEDBACK_LIMITS)
    complaint = sel.complaint_public_get(tracking_code=tracking_code)
    if complaint is None:
        raise Http404
    complaint = svc.complaint_feedback(
        complaint_id=complaint.pk,
        rating=payload.rating,
        comment=payload.comment,
        source=ComplaintFeedback.Source.API,
    )
    return _progress(complaint)


class ComplaintPublicReviewIn(Schema):
    request: str = Field(max_length=4000, description="why the complainant is not satisfied, what is asked")


@router.post("/public/complaints/{tracking_code}/review", auth=None, response={201: ProgressOut, **ERRORS})
@access.public
def public_complaint_review(
    request: HttpRequest, tracking_code: str, payload: ComplaintPublicReviewIn
) -> Status[dict[str, Any]]:
    """The complainant asks for 复查 (after the reply) or 复核 (after the 复查 opinion) of the body one
    level above, within 30 days of the answer appearing on the progress page (信访工作条例第三十五条、
    第三十六条); late: 422 `complaint_review_late` with `detail.article`."""
    _limit(request, ratelimit.REVIEW_LIMITS)
    complaint = sel.complaint_public_get(tracking_code=tracking_code)
    if complaint is None:
        raise Http404
    svc.complaint_review_request_public(tracking_code=complaint.tracking_code, request=payload.request)
    complaint.refresh_from_db()
    return Status(201, _progress(complaint))


# --- staff ---------------------------------------------------------------------------------------


class ComplaintOut(Schema):
    id: int
    tracking_code: str
    channel: str
    external_ref: str
    category: str
    area: str
    location: str
    title: str
    agency: int
    unit: int | None
    state: str
    received_on: dt.date
    acceptance_due: dt.date
    conclusion_due: dt.date | None
    due_on: dt.date | None
    due_provisional: bool
    sla: str
    reopen_count: int
    last_rating: str
    case_id: int | None

    @staticmethod
    def resolve_category(obj: Complaint) -> str:
        return obj.category.name

    @staticmethod
    def resolve_area(obj: Complaint) -> str:
        return obj.area.name if obj.area else ""

    @staticmethod
    def resolve_agency(obj: Complaint) -> int:
        return obj.agency_id

    @staticmethod
    def resolve_unit(obj: Complaint) -> int | None:
        return obj.unit_id

    @staticmethod
    def resolve_sla(obj: Complaint) -> str:
        return str(sel.sla(obj))


class EventOut(Schema):
    kind: str
    at: dt.datetime
    actor: str
    from_state: str
    to_state: str
    public_note: str
    internal_note: str
    due_on: dt.date | None
    in_time: bool | None

    @staticmethod
    def resolve_actor(obj: ComplaintEvent) -> str:
        return obj.actor_name


class ComplaintDetailOut(ComplaintOut):
    content: str
    subject_name: str
    anonymous: bool
    complainant: dict[str, str] | None
    events: list[EventOut]

    @staticmethod
    def resolve_complainant(obj: Complaint) -> dict[str, str] | None:
        return getattr(obj, "complainant_out", None)

    @staticmethod
    def resolve_events(obj: Complaint) -> list[ComplaintEvent]:
        return getattr(obj, "events_out", [])


@router.get("/complaints", response=list[ComplaintOut])
@paginate(Page)
@access.roles(*sel.STAFF_ROLES)
def complaint_list(
    request: HttpRequest,
    *,
    state: str = "open",
    agency: int | None = None,
    unit: int | None = None,
    category: int | None = None,
    overdue: bool = False,
    q: str = "",
) -> Any:
    """The queue: `state` is "open" (default), "all" or a state; `q` searches words or a tracking code."""
    if state not in ("open", "all", *State.values):
        raise InvalidInput(_("Unknown status filter."), detail={"field": "state"})
    return sel.complaint_list_for(
        user=request.user,
        filters=sel.QueueFilters(
            state=state, agency_id=agency, unit_id=unit, category_id=category, overdue=overdue, q=q[:100]
        ),
    )


def _detail(request: HttpRequest, complaint: Complaint) -> Complaint:
    """The complaint for ComplaintDetailOut: identity only for the handling unit, the timeline."""
    show = sel.can_see_identity(request.user, complaint) and not complaint.anonymous
    complaint.complainant_out = (  # type: ignore[attr-defined]
        {
            "name": complaint.complainant_name,
            "phone": complaint.complainant_phone,
            "id_number": complaint.complainant_id_number,
            "address": complaint.complainant_address,
        }
        if show
        else None
    )
    complaint.events_out = sel.complaint_timeline_for(request.user, complaint)  # type: ignore[attr-defined]
    return complaint


class IntakeOut(Schema):
    id: int
    tracking_code: str
    state: str
    agency: int
    unit: int | None
    acceptance_due: dt.date
    visible_to_you: bool


@router.post("/complaints", response={201: IntakeOut, **ERRORS})
@access.roles(*svc.INTAKE_ROLES)
def complaint_intake(request: HttpRequest, payload: StaffComplaintIn) -> Status[dict[str, Any]]:
    """Hotline, letter or visit intake. The complaint is routed by its category and area, possibly to
    another agency's queue: the caller gets the tracking code to read out either way."""
    complaint = svc.complaint_submit(data=_input(payload), channel=payload.channel, actor=request.user)
    return Status(
        201,
        {
            "id": complaint.pk,
            "tracking_code": complaint.tracking_code,
            "state": complaint.state,
            "agency": complaint.agency_id,
            "unit": complaint.unit_id,
            "acceptance_due": complaint.acceptance_due,
            "visible_to_you": sel.complaint_get_for(user=request.user, complaint_id=complaint.pk) is not None,
        },
    )


@router.get("/complaints/{complaint_id}", response={200: ComplaintDetailOut, **ERRORS})
@access.roles(*sel.STAFF_ROLES)
def complaint_detail(request: HttpRequest, complaint_id: int) -> Complaint:
    complaint = sel.complaint_get_for(user=request.user, complaint_id=complaint_id)
    if complaint is None:
        raise Http404
    return _detail(request, complaint)


class ComplaintEventIn(Schema):
    event: str
    note: str = ""
    reason: str = ""
    reply: str = ""
    public_note: str = ""
    internal_note: str = ""
    days: int = 0
    unit_id: int | None = None
    agency_id: int | None = None
    external_body: str = ""
    competent_body: str = ""
    contact: str = ""
    rating: str = ""
    comment: str = ""
    original_id: int | None = None
    party: dict[str, str] | None = None
    facts: str = ""
    occurred_on: dt.date | None = None
    location: str = ""
    power_item_id: int | None = None


EVENTS = (
    "accept",
    "reject",
    "redirect",
    "refer",
    "assign",
    "progress",
    "extend",
    "reply",
    "feedback",
    "duplicate",
)


@router.post("/complaints/{complaint_id}/events", response={200: ComplaintDetailOut, **ERRORS})
@access.roles(*svc.HANDLER_ROLES)
def complaint_event(request: HttpRequest, complaint_id: int, payload: ComplaintEventIn) -> Complaint:
    complaint = sel.complaint_get_for(user=request.user, complaint_id=complaint_id)
    if complaint is None:
        raise Http404
    u, p, cid = request.user, payload, complaint.pk
    if p.event == "accept":
        svc.complaint_accept(complaint_id=cid, actor=u, note=p.note)
    elif p.event == "reject":
        svc.complaint_reject(complaint_id=cid, actor=u, reason=p.reason)
    elif p.event == "redirect":
        svc.complaint_redirect(
            complaint_id=cid, actor=u, competent_body=p.competent_body, contact=p.contact, reason=p.reason
        )
    elif p.event == "refer":
        svc.complaint_refer(
            complaint_id=cid, actor=u, agency_id=p.agency_id, external_body=p.external_body, reason=p.reason
        )
    elif p.event == "assign":
        svc.complaint_assign(complaint_id=cid, actor=u, unit_id=p.unit_id, note=p.note)
    elif p.event == "progress":
        svc.complaint_progress(
            complaint_id=cid, actor=u, public_note=p.public_note, internal_note=p.internal_note
        )
    elif p.event == "extend":
        svc.complaint_extend(complaint_id=cid, actor=u, days=p.days, reason=p.reason)
    elif p.event == "reply":
        svc.complaint_reply(complaint_id=cid, actor=u, reply=p.reply)
    elif p.event == "feedback":
        svc.complaint_feedback(
            complaint_id=cid,
            rating=p.rating,
            comment=p.comment,
            source=ComplaintFeedback.Source.CALLBACK,
            actor=u,
        )
    elif p.event == "duplicate":
        if p.original_id is None:
            raise InvalidInput(_("Choose the earlier complaint."), detail={"field": "original_id"})
        svc.complaint_mark_duplicate(complaint_id=cid, actor=u, original_id=p.original_id, note=p.note)
    elif p.event == "convert":
        if p.party is None or p.occurred_on is None:
            raise InvalidInput(_("Give the party and the date of the act."), detail={"field": "party"})
        svc.complaint_convert_to_case(
            complaint_id=cid,
            actor=u,
            party=p.party,
            facts=p.facts or complaint.content,
            occurred_on=p.occurred_on,
            location=p.location,
            power_item_id=p.power_item_id,
        )
    else:
        raise InvalidInput(
            _("Unknown event."), code="unknown_event", detail={"event": p.event, "allowed": list(EVENTS)}
        )
    # After a referral the complaint belongs to another agency: the caller still gets the result of
    # their own step (identity hidden, as they are no longer the handling unit), not a 404.
    refreshed = sel.complaint_get_for(user=u, complaint_id=cid) or Complaint.objects.select_related(
        "category", "area", "agency", "unit"
    ).get(id=cid)
    return _detail(request, refreshed)


# --- 复查 and 复核 (信访工作条例第三十五条、第三十六条) ------------------------------------------------


class ComplaintReviewRoundOut(Schema):
    level: str
    level_label: str
    article: str
    body_id: int
    body: str
    requested_on: dt.date
    received_reply_on: dt.date | None
    due_on: dt.date | None
    status: str
    request: str
    answered_on: dt.date | None
    in_time: bool | None
    upheld: bool | None
    opinion: str


class ComplaintReviewsOut(Schema):
    complaint_id: int
    tracking_code: str
    rounds: list[ComplaintReviewRoundOut]
    pending: bool
    next_level: str | None
    next_body_id: int | None
    next_body: str
    last_answer_on: dt.date | None
    request_until: dt.date | None
    final: bool
    can_answer: bool


def _reviews(request: HttpRequest, complaint: Complaint) -> dict[str, Any]:
    """The rounds for staff; the complainant's words without personal data for non-handlers."""
    status = sel.review_status(complaint)
    today = timezone.localdate()
    pending = status.pending
    return {
        "complaint_id": complaint.pk,
        "tracking_code": complaint.tracking_code,
        "rounds": [
            {
                "level": r.level,
                "level_label": r.level_label,
                "article": r.article,
                "body_id": r.node_id,
                "body": r.body,
                "requested_on": r.requested_on,
                "received_reply_on": r.received_reply_on,
                "due_on": r.due_on,
                "status": str(r.status(today)),
                "request": sel.masked_request(request.user, complaint, r.request),
                "answered_on": r.answered_on,
                "in_time": r.in_time,
                "upheld": r.upheld,
                "opinion": r.opinion,
            }
            for r in status.rounds
        ],
        "pending": pending is not None,
        "next_level": status.next_level,
        "next_body_id": status.next_body_id,
        "next_body": status.next_body,
        "last_answer_on": status.last_answer_on,
        "request_until": status.request_until,
        "final": status.final,
        "can_answer": pending is not None and svc.review_acts_for(request.user, pending.node_id),
    }


def _visible(request: HttpRequest, complaint_id: int) -> Complaint:
    complaint = sel.complaint_get_for(user=request.user, complaint_id=complaint_id)
    if complaint is None:
        raise Http404
    return complaint


@router.get("/complaints/{complaint_id}/reviews", response={200: ComplaintReviewsOut, **ERRORS})
@access.roles(*sel.STAFF_ROLES)
def complaint_reviews(request: HttpRequest, complaint_id: int) -> dict[str, Any]:
    """The 复查/复核 rounds of a complaint, their deadlines and what may follow."""
    return _reviews(request, _visible(request, complaint_id))


class ComplaintReviewRequestIn(Schema):
    reviewing_node_id: int
    answer_received_on: dt.date
    requested_on: dt.date | None = None
    request: str = Field(max_length=4000)


@router.post("/complaints/{complaint_id}/reviews", response={201: ComplaintReviewsOut, **ERRORS})
@access.roles(*svc.REVIEWER_ROLES)
def complaint_review_request(
    request: HttpRequest, complaint_id: int, payload: ComplaintReviewRequestIn
) -> Status[dict[str, Any]]:
    """Staff of the body asked record a request for 复查/复核 (422 `complaint_review_late`,
    `complaint_review_not_level_above`, `complaint_review_final` with `detail.article`)."""
    complaint = _visible(request, complaint_id)
    svc.complaint_review_request(
        complaint_id=complaint.pk,
        actor=request.user,
        reviewing_node_id=payload.reviewing_node_id,
        answer_received_on=payload.answer_received_on,
        requested_on=payload.requested_on,
        request=payload.request,
    )
    complaint.refresh_from_db()
    return Status(201, _reviews(request, complaint))


class ComplaintReviewAnswerIn(Schema):
    opinion: str = Field(max_length=4000)
    upheld: bool
    answered_on: dt.date | None = None


@router.post("/complaints/{complaint_id}/reviews/answer", response={200: ComplaintReviewsOut, **ERRORS})
@access.roles(*svc.REVIEWER_ROLES)
def complaint_review_answer(
    request: HttpRequest, complaint_id: int, payload: ComplaintReviewAnswerIn
) -> dict[str, Any]:
    """The body asked gives its written opinion on the pending request."""
    complaint = _visible(request, complaint_id)
    svc.complaint_review_answer(
        complaint_id=complaint.pk,
        actor=request.user,
        opinion=payload.opinion,
        upheld=payload.upheld,
        answered_on=payload.answered_on,
    )
    complaint.refresh_from_db()
    return _reviews(request, complaint)


class ComplaintReviewQueueOut(Schema):
    complaint_id: int
    tracking_code: str
    category: str
    agency: str
    level: str
    body_id: int
    body: str
    requested_on: dt.date
    due_on: dt.date | None
    status: str


@router.get("/complaint-reviews", response=list[ComplaintReviewQueueOut])
@access.roles(*svc.REVIEWER_ROLES)
def complaint_reviews_pending(request: HttpRequest) -> list[dict[str, Any]]:
    """Requests for 复查/复核 waiting for an opinion of a body the caller acts for, soonest due first."""
    today = timezone.localdate()
    return [
        {
            "complaint_id": c.pk,
            "tracking_code": c.tracking_code,
            "category": c.category.name,
            "agency": c.agency.name,
            "level": r.level,
            "body_id": r.node_id,
            "body": r.body,
            "requested_on": r.requested_on,
            "due_on": r.due_on,
            "status": str(r.status(today)),
        }
        for c, r in sel.reviews_pending_for(user=request.user)
    ]
