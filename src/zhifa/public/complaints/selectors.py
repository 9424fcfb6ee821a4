"""Reads of complaints. Staff see the complaints of the agencies in their scope; the complainant's
identity only when they belong to the handling unit; the public sees progress by tracking code only."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from zhifa.law import complaints as rules
from zhifa.org.roles import Role
from zhifa.org.selectors import granted_nodes, node_names, restrict_to_scope, scope_agency_ids
from zhifa.public.complaints.models import (
    OPEN_STATES,
    Complaint,
    ComplaintEvent,
    ComplaintFeedback,
    EventKind,
    Rating,
    State,
)
from zhifa.public.complaints.services import normalise_tracking_code

STAFF_ROLES = (Role.OFFICER, Role.APPROVER, Role.LEGAL_REVIEWER, Role.SUPERVISOR, Role.ADMIN)
IDENTITY_ROLES = (Role.OFFICER, Role.APPROVER)
DUPLICATE_WINDOW_DAYS = 7  # "same place and category within days": a week covers repeated reports


@dataclass
class QueueFilters:
    state: str = ""  # a State value, "open" (default) or "all"
    unit_id: int | None = None
    agency_id: int | None = None
    category_id: int | None = None
    channel: str = ""
    overdue: bool = False
    q: str = ""


def complaint_list_for(*, user: Any, filters: QueueFilters | None = None) -> QuerySet[Complaint]:
    f = filters or QueueFilters()
    qs = restrict_to_scope(Complaint.objects.all(), user, roles=STAFF_ROLES)
    if f.state in ("", "open"):
        qs = qs.filter(state__in=OPEN_STATES)
    elif f.state != "all":
        qs = qs.filter(state=f.state)
    if f.agency_id:
        qs = qs.filter(agency_id=f.agency_id)
    if f.unit_id:
        qs = qs.filter(unit_id=f.unit_id)
    if f.category_id:
        qs = qs.filter(category_id=f.category_id)
    if f.channel:
        qs = qs.filter(channel=f.channel)
    if f.overdue:
        qs = qs.filter(state__in=OPEN_STATES, due_on__lt=timezone.localdate())
    q = (f.q or "").strip()
    if q:
        code = normalise_tracking_code(q)
        if code.startswith("TS") and len(code) >= 10:
            qs = qs.filter(tracking_code__startswith=code)
        else:
            from zhifa.core.search import search_ids

            qs = qs.filter(id__in=search_ids(kind="complaint", q=q, agency_ids=scope_agency_ids(user)))
    # Open ones by how soon they are due, then the rest (no deadline: NULLS LAST on both databases,
    # SQLite would put them first), newest first.
    return qs.select_related("category", "area", "agency", "unit").order_by(
        F("due_on").asc(nulls_last=True), "-received_at", "-id"
    )


def complaint_get_for(*, user: Any, complaint_id: int) -> Complaint | None:
    return (
        restrict_to_scope(Complaint.objects.all(), user, roles=STAFF_ROLES)
        .select_related("category", "area", "agency", "unit", "duplicate_of", "created_by")
        .filter(id=complaint_id)
        .first()
    )


def can_see_identity(user: Any, complaint: Complaint) -> bool:
    """The handling unit (and the agency's own leadership, granted on the agency node) sees who
    complained; other units, supervisors and administrators do not (信访工作条例第三十条)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    for node_id, node_agency_id in granted_nodes(user, roles=IDENTITY_ROLES):
        if node_id == complaint.agency_id:
            return True
        if complaint.unit_id is None and node_agency_id == complaint.agency_id:
            return True  # not yet in a unit's queue: any unit of the agency may pick it up
        if complaint.unit_id is not None and node_id == complaint.unit_id:
            return True
    return False


def complaint_timeline(complaint: Complaint) -> QuerySet[ComplaintEvent]:
    return complaint.events.select_related("actor", "agency", "unit").order_by("at", "id")


def complaint_timeline_for(user: Any, complaint: Complaint) -> list[ComplaintEvent]:
    """The staff timeline for a reader: a 复查/复核 request is the complainant's own words, shown
    without personal data to whoever is not the handling unit (the reviewing body included)."""
    rows = list(complaint_timeline(complaint))
    if can_see_identity(user, complaint):
        return rows
    for row in rows:
        if row.kind == EventKind.REVIEW_REQUEST and row.internal_note:
            row.internal_note = masked_request(user, complaint, row.internal_note)
    return rows


def complaint_public_get(*, tracking_code: str) -> Complaint | None:
    code = normalise_tracking_code(tracking_code)
    if not code:
        return None
    return Complaint.objects.select_related("category", "agency").filter(tracking_code=code).first()


def complaint_public_timeline(complaint: Complaint) -> list[ComplaintEvent]:
    """Only steps with a note meant for the complainant; no names of staff, no internal notes."""
    return list(
        complaint.events.exclude(public_note="").only("kind", "at", "on", "public_note").order_by("at", "id")
    )


def feedback_open(complaint: Complaint) -> bool:
    """Whether the progress page offers the rating form now."""
    if complaint.state != State.CONCLUDED:
        return False
    return not ComplaintFeedback.objects.filter(complaint=complaint, round=complaint.reopen_count).exists()


def sla(complaint: Complaint, today: dt.date | None = None) -> rules.SlaStatus:
    today = today or timezone.localdate()
    if complaint.state in OPEN_STATES:
        return rules.sla_status(due_on=complaint.due_on, today=today)
    return rules.SlaStatus.MET


# --- duplicates ----------------------------------------------------------------------------------


def _bigrams(text: str) -> set[str]:
    t = "".join(ch for ch in (text or "") if ch.isalnum())
    return {t[i : i + 2] for i in range(len(t) - 1)} or ({t} if t else set())


def similarity(a: str, b: str) -> float:
    """Dice coefficient of character bigrams: robust to 号/路 variations in addresses typed by hand."""
    x, y = _bigrams(a), _bigrams(b)
    if not x or not y:
        return 0.0
    return 2 * len(x & y) / (len(x) + len(y))


@dataclass(frozen=True)
class DuplicateSuggestion:
    complaint: Complaint
    score: float
    same_party: bool


def duplicate_suggestions(
    *, user: Any, complaint: Complaint, days: int = DUPLICATE_WINDOW_DAYS, min_score: float = 0.5
) -> list[DuplicateSuggestion]:
    """Earlier or later complaints of the same category and area within `days`, at a similar place
    (or about the same party). Suggestions only: staff decide."""
    lo = complaint.received_on - dt.timedelta(days=days)
    hi = complaint.received_on + dt.timedelta(days=days)
    candidates = (
        restrict_to_scope(Complaint.objects.all(), user, roles=STAFF_ROLES)
        .filter(category_id=complaint.category_id, received_on__range=(lo, hi))
        .filter(Q(area_id=complaint.area_id) if complaint.area_id else Q(area__isnull=True))
        .exclude(id=complaint.pk)
        .only("id", "tracking_code", "location", "subject_name", "title", "received_on", "state")
        .order_by("-received_on")[:200]
    )
    out = []
    for other in candidates:
        score = similarity(complaint.location, other.location)
        same_party = bool(complaint.subject_name) and complaint.subject_name == other.subject_name
        if score >= min_score or same_party:
            out.append(DuplicateSuggestion(other, round(score, 2), same_party))
    out.sort(key=lambda s: (s.same_party, s.score), reverse=True)
    return out[:10]


# --- statistics ----------------------------------------------------------------------------------


def _rate(num: int, den: int) -> Decimal | None:
    if not den:
        return None
    return (Decimal(num) * 100 / Decimal(den)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass
class UnitStats:
    agency_id: int
    unit_id: int | None
    name: str = ""
    received: int = 0
    open: int = 0
    overdue: int = 0
    decided: int = 0
    decided_in_time: int = 0
    replied: int = 0
    replied_in_time: int = 0
    rated: int = 0
    satisfied: int = 0
    basically_satisfied: int = 0
    dissatisfied: int = 0
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def acceptance_on_time_rate(self) -> Decimal | None:
        return _rate(self.decided_in_time, self.decided)

    @property
    def on_time_rate(self) -> Decimal | None:
        return _rate(self.replied_in_time, self.replied)

    @property
    def satisfaction_rate(self) -> Decimal | None:
        """(满意 + 基本满意) / 参评数, the usual 12345 formula."""
        return _rate(self.satisfied + self.basically_satisfied, self.rated)


def complaint_stats_for(*, user: Any, date_from: dt.date, date_to: dt.date) -> list[UnitStats]:
    """Per agency and unit, for [date_from, date_to]: volume received, decisions on acceptance and
    replies (and how many in time), ratings. Four grouped queries whatever the number of units."""
    return unit_stats_for_agencies(scope_agency_ids(user, roles=STAFF_ROLES), date_from, date_to)


def unit_stats_for_agencies(
    agencies: Collection[int], date_from: dt.date, date_to: dt.date
) -> list[UnitStats]:
    """`complaint_stats_for` over exactly these agencies (the scope already applied); also what the
    complaints' indicators sum (`complaints.indicators`)."""
    today = timezone.localdate()
    rows: dict[tuple[int, int | None], UnitStats] = {}

    def row(agency_id: int, unit_id: int | None) -> UnitStats:
        return rows.setdefault((agency_id, unit_id), UnitStats(agency_id, unit_id))

    received = (
        Complaint.objects.filter(agency_id__in=agencies, received_on__range=(date_from, date_to))
        .values("agency_id", "unit_id")
        .annotate(
            n=Count("id"),
            open=Count("id", filter=Q(state__in=OPEN_STATES)),
            overdue=Count("id", filter=Q(state__in=OPEN_STATES, due_on__lt=today)),
        )
    )
    for r in received:
        s = row(r["agency_id"], r["unit_id"])
        s.received, s.open, s.overdue = r["n"], r["open"], r["overdue"]
    deciding = [EventKind.ACCEPT, EventKind.REJECT, EventKind.REDIRECT, EventKind.REFER]
    events = (
        ComplaintEvent.objects.filter(
            agency_id__in=agencies, on__range=(date_from, date_to), kind__in=[*deciding, EventKind.REPLY]
        )
        .exclude(in_time__isnull=True)
        .values("agency_id", "unit_id")
        .annotate(
            decided=Count("id", filter=Q(kind__in=deciding)),
            decided_in_time=Count("id", filter=Q(kind__in=deciding, in_time=True)),
            replied=Count("id", filter=Q(kind=EventKind.REPLY)),
            replied_in_time=Count("id", filter=Q(kind=EventKind.REPLY, in_time=True)),
        )
    )
    for r in events:
        s = row(r["agency_id"], r["unit_id"])
        s.decided, s.decided_in_time = r["decided"], r["decided_in_time"]
        s.replied, s.replied_in_time = r["replied"], r["replied_in_time"]
    ratings = (
        ComplaintFeedback.objects.filter(agency_id__in=agencies, on__range=(date_from, date_to))
        .values("agency_id", "unit_id")
        .annotate(
            n=Count("id"),
            sat=Count("id", filter=Q(rating=Rating.SATISFIED)),
            basic=Count("id", filter=Q(rating=Rating.BASICALLY_SATISFIED)),
            dis=Count("id", filter=Q(rating=Rating.DISSATISFIED)),
        )
    )
    for r in ratings:
        s = row(r["agency_id"], r["unit_id"])
        s.rated, s.satisfied, s.basically_satisfied, s.dissatisfied = r["n"], r["sat"], r["basic"], r["dis"]
    ids = {a for a, _u in rows} | {u for _a, u in rows if u}
    names = node_names(ids)
    for (agency_id, unit_id), s in rows.items():
        s.name = names.get(agency_id, "") + (f" · {names.get(unit_id, '')}" if unit_id else "")
    return sorted(rows.values(), key=lambda s: s.name)


def stats_total(rows: list[UnitStats]) -> UnitStats:
    total = UnitStats(0, None)
    for r in rows:
        for f in (
            "received",
            "open",
            "overdue",
            "decided",
            "decided_in_time",
            "replied",
            "replied_in_time",
            "rated",
            "satisfied",
            "basically_satisfied",
            "dissatisfied",
        ):
            setattr(total, f, getattr(total, f) + getattr(r, f))
    return total


# --- 复查 and 复核 (信访工作条例第三十五条、第三十六条) ------------------------------------------------


@dataclass
class ReviewRound:
    """One request going up a level and its opinion (from the two history rows)."""

    level: str  # rules.ReviewLevel
    node_id: int
    body: str
    requested_on: dt.date
    received_reply_on: dt.date | None
    due_on: dt.date | None
    request: str  # the complainant's words (personal data: `masked_request` for non-handlers)
    request_event_id: int
    answered_on: dt.date | None = None
    in_time: bool | None = None
    upheld: bool | None = None
    opinion: str = ""

    @property
    def level_label(self) -> str:
        from django.utils.translation import gettext as _

        return _("review (复查)") if self.level == rules.ReviewLevel.REVIEW else _("re-review (复核)")

    @property
    def article(self) -> str:
        return rules.ARTICLE_REVIEW if self.level == rules.ReviewLevel.REVIEW else rules.ARTICLE_RE_REVIEW

    @property
    def pending(self) -> bool:
        return self.answered_on is None

    def status(self, today: dt.date) -> rules.SlaStatus:
        return rules.sla_status(due_on=self.due_on, today=today, met_on=self.answered_on)


@dataclass
class ReviewStatus:
    """Where a complaint stands on the way up: the rounds so far, and what may come next.

    `next_level`/`next_body_id` are the step the complainant may still ask for (None while one is
    pending, after 复核, before the reply, or when the answering body has no level above on the
    platform); `last_answer_on` is the date of the answer the next request counts from (the reply or
    the last opinion, as dated by the body), `last_answer_shown_on` the day it appeared on the
    progress page (the online request counts from then, in the complainant's favour), and
    `request_until` the last day of the online request (30 days, 第三十五条 / 第三十六条)."""

    rounds: list[ReviewRound]
    next_level: str | None = None
    next_body_id: int | None = None
    next_body: str = ""
    last_answer_on: dt.date | None = None
    last_answer_shown_on: dt.date | None = None
    request_until: dt.date | None = None
    final: bool = False

    @property
    def pending(self) -> ReviewRound | None:
        return self.rounds[-1] if self.rounds and self.rounds[-1].pending else None

    def can_request_online(self, today: dt.date) -> bool:
        return bool(self.next_level and self.request_until and today <= self.request_until)

    @property
    def next_article(self) -> str:
        return (
            rules.ARTICLE_RE_REVIEW
            if self.next_level == rules.ReviewLevel.RE_REVIEW
            else rules.ARTICLE_REVIEW
        )


def _parse_date(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


REVIEW_EVENT_KINDS = (EventKind.REVIEW_REQUEST, EventKind.REVIEW_ANSWER, EventKind.REPLY)


def _review_node_ids(rows: list[ComplaintEvent]) -> set[int]:
    return {int(r.data["node_id"]) for r in rows if r.kind != EventKind.REPLY and "node_id" in r.data}


def review_status(
    complaint: Complaint,
    *,
    rows: list[ComplaintEvent] | None = None,
    names: dict[int, str] | None = None,
) -> ReviewStatus:
    """The 复查/复核 rounds of a complaint and the step that may follow. Two queries, none for what a
    caller reading many complaints passes in: `rows` (the complaint's events of REVIEW_EVENT_KINDS in
    ("at", "id") order) and `names` (the bodies' names, `_review_node_ids`)."""
    from django.utils import timezone as tz

    if rows is None:
        rows = list(complaint.events.filter(kind__in=REVIEW_EVENT_KINDS).order_by("at", "id"))
    rounds: list[ReviewRound] = []
    if names is None:
        names = node_names(_review_node_ids(rows))
    last_answer: ComplaintEvent | None = None
    for r in rows:
        if r.kind == EventKind.REPLY:
            last_answer = r
        elif r.kind == EventKind.REVIEW_REQUEST:
            node_id = int(r.data.get("node_id", 0))
            rounds.append(
                ReviewRound(
                    level=str(r.data.get("level", "")),
                    node_id=node_id,
                    body=names.get(node_id, ""),
                    requested_on=r.on,
                    received_reply_on=_parse_date(r.data.get("received_reply_on")),
                    due_on=r.due_on,
                    request=r.internal_note,
                    request_event_id=r.pk,
                )
            )
        elif rounds and rounds[-1].pending:
            rounds[-1].answered_on, rounds[-1].in_time = r.on, r.in_time
            rounds[-1].upheld = bool(r.data.get("upheld")) if "upheld" in r.data else None
            rounds[-1].opinion = r.public_note
            last_answer = r
    status = ReviewStatus(rounds=rounds)
    if complaint.state != State.CONCLUDED or last_answer is None:
        return status
    status.last_answer_on = last_answer.on
    status.last_answer_shown_on = max(last_answer.on, tz.localdate(last_answer.at))
    if rounds and rounds[-1].pending:
        return status
    if rounds and rounds[-1].level == rules.ReviewLevel.RE_REVIEW:
        status.final = True
        return status
    answered_by = rounds[-1].node_id if rounds else complaint.agency_id
    from zhifa.org.selectors import agency_get

    node = agency_get(node_id=answered_by)
    parent = node.parent if node is not None else None
    if parent is None or not parent.is_active:
        return status
    status.next_level = rules.ReviewLevel.RE_REVIEW if rounds else rules.ReviewLevel.REVIEW
    status.next_body_id, status.next_body = parent.pk, parent.name
    period = rules.RE_REVIEW_REQUEST_PERIOD if rounds else rules.REVIEW_REQUEST_PERIOD
    status.request_until = period.end(status.last_answer_shown_on)
    return status


def masked_request(user: Any, complaint: Complaint, text: str) -> str:
    """The complainant's own words for a reader: whole for the handling unit, without personal
    data (names, phone and ID numbers, addresses) for everyone else (信访工作条例第三十条)."""
    if can_see_identity(user, complaint):
        return text
    from zhifa.core.masking import redact_text

    names = [complaint.complainant_name] if complaint.complainant_name else []
    return redact_text(text, names=names)


def reviews_pending_for(*, user: Any) -> list[tuple[Complaint, ReviewRound]]:
    """The 复查/复核 requests waiting for an opinion of a body the user acts for, soonest due first."""
    from zhifa.org.selectors import granted_nodes
    from zhifa.public.complaints.services.workflow import REVIEWER_ROLES

    nodes = {node_id for node_id, _agency in granted_nodes(user, roles=REVIEWER_ROLES)}
    if not nodes:
        return []
    requests = (
        ComplaintEvent.objects.filter(
            kind=EventKind.REVIEW_REQUEST, complaint__state=State.CONCLUDED, data__node_id__in=sorted(nodes)
        )
        .select_related("complaint", "complaint__category", "complaint__agency")
        .order_by("due_on", "id")
    )
    candidates = [r for r in requests if int(r.data.get("node_id", 0)) in nodes]
    # the review events of all the candidates and their bodies' names in two queries, not two each
    events: dict[int, list[ComplaintEvent]] = {}
    for e in ComplaintEvent.objects.filter(
        complaint_id__in={r.complaint_id for r in candidates}, kind__in=REVIEW_EVENT_KINDS
    ).order_by("at", "id"):
        events.setdefault(e.complaint_id, []).append(e)
    names = node_names(set().union(*(_review_node_ids(rows) for rows in events.values())))
    out: list[tuple[Complaint, ReviewRound]] = []
    seen: set[int] = set()
    for r in candidates:
        rows = events.get(r.complaint_id, [])
        steps = [e for e in rows if e.kind != EventKind.REPLY]
        if r.complaint_id in seen or not steps or steps[-1].pk != r.pk:
            continue  # answered already (a request is pending while no opinion follows it)
        status = review_status(r.complaint, rows=rows, names=names)
        pending = status.pending
        if pending is not None and pending.request_event_id == r.pk:
            seen.add(r.complaint_id)
            out.append((r.complaint, pending))
    return out
