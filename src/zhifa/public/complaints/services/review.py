"""复查 and 复核: the complainant's statutory review going up a level (信访工作条例第三十五条、第三十六条).

A complainant dissatisfied with the written reply may ask the body one level above the one that
replied for a review (复查) within 30 days of receiving the reply; the reviewing body answers within 30
days. Dissatisfied with that, the next level up may be asked for a re-review (复核), on the same terms;
after it the same request is not accepted again. The rules are
`zhifa.law.complaints.check_review_request`. Re-opening on dissatisfaction with the same unit
(`feedback`) stays available beside this, and is not the statutory review.

Both steps are rows of the complaint workflow table (`review_request`, `review_answer`), applied by the
shared engine: history row (`review_req`, `review_ans`), audit entry, listeners. A request is recorded
by staff of the body asked (a supervisor, approver or administrator granted on that node), with the
day the complainant received the answer, or sent online by the complainant from the progress page
(actor None): then the body is the level above by the org tree, and the 30 days count from the day the
answer appeared on that page.

The answer's 30 days run on the shared deadline engine (kind `complaints.review_answer`, object
`complaints.complaint`, held by the reviewing body); the daily job raises `complaint_review` alerts
for the missed ones (feedback.raise_sla_alerts), which the opinion resolves.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _

from zhifa.core import workflow
from zhifa.core.errors import Forbidden, InvalidInput, NotFound, RuleViolation
from zhifa.foundation.deadlines import services as engine
from zhifa.law import complaints as rules
from zhifa.org.models import OrgNode
from zhifa.org.selectors import granted_nodes
from zhifa.public.complaints.models import Complaint, ComplaintEvent
from zhifa.public.complaints.selectors import review_status
from zhifa.public.complaints.services.common import clean_text, normalise_tracking_code
from zhifa.public.complaints.services.workflow import COMPLAINTS, REVIEWER_ROLES

REVIEW_KIND = "complaints.review_answer"
__all__ = ["REVIEWER_ROLES", "REVIEW_KIND", "complaint_review_answer", "complaint_review_request"]

Ctx = workflow.Ctx[Complaint, workflow.Transition]
handles = COMPLAINTS.handlers.handles


def _subject(complaint_id: int, node_id: int) -> engine.Subject:
    return engine.Subject("complaints.complaint", complaint_id, node_id)


def acts_for(actor: Any, node_id: int) -> bool:
    """Does the actor hold a reviewer role granted on exactly this body?"""
    return any(n == node_id for n, _agency in granted_nodes(actor, roles=REVIEWER_ROLES))


def _date(value: Any, field: str) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise InvalidInput(_("Enter a valid date (YYYY-MM-DD)."), detail={"field": field}) from None


@handles("review_request")
def _review_request(ctx: Ctx) -> None:
    complaint, data = ctx.obj, ctx.data
    request = clean_text(data.get("request"), field="request", label=_("Request"), min_len=2, max_len=4000)
    status = review_status(complaint)
    if status.pending is not None:
        raise InvalidInput(_("A review is already pending."), code="review_pending")
    previous = status.rounds[-1].level if status.rounds else None
    if previous == rules.ReviewLevel.RE_REVIEW:  # 第三十六条第三款, whoever asks and of whom
        rules.check_review_request(
            level=previous,
            previous_level=previous,
            answer_received_on=ctx.act_on,
            requested_on=ctx.act_on,
            body_is_level_above=False,
        )
    level = rules.ReviewLevel.REVIEW if previous is None else rules.ReviewLevel.RE_REVIEW
    answered_by = complaint.agency_id if not status.rounds else status.rounds[-1].node_id
    above = OrgNode.objects.filter(pk=answered_by).values_list("parent_id", flat=True).first()
    if ctx.actor is None:
        # Online from the progress page: the body is the level above, the request is dated today and
        # counts from the day the answer appeared there.
        if data.get("on") not in (None, "") or data.get("reviewing_node_id") not in (None, ""):
            raise InvalidInput(_("The complainant's request is dated the day it is sent."))
        ctx.act_on = ctx.today
        if previous != rules.ReviewLevel.RE_REVIEW and (above is None or status.last_answer_shown_on is None):
            raise RuleViolation(
                _(
                    "There is no body above the one that answered on this platform; ask it directly (%(article)s)."
                )
                % {"article": rules.ARTICLE_REVIEW if previous is None else rules.ARTICLE_RE_REVIEW},
                code="complaint_review_no_body",
                article=rules.ARTICLE_REVIEW if previous is None else rules.ARTICLE_RE_REVIEW,
            )
        reviewing = OrgNode.objects.filter(pk=above).first() if above else None
        received_on = status.last_answer_shown_on or ctx.today
        body_is_level_above = True
    else:
        node_id = data.get("reviewing_node_id")
        reviewing = OrgNode.objects.filter(pk=node_id).first() if isinstance(node_id, int) else None
        if reviewing is None:
            raise NotFound(_("No such body."), detail={"field": "reviewing_node_id"})
        if not acts_for(ctx.actor, reviewing.pk):
            raise Forbidden(_("Only the body asked for the review records it."))
        received = _date(data.get("answer_received_on"), "answer_received_on")
        if received is None:
            raise InvalidInput(
                _("Give the day the complainant received the written answer."),
                detail={"field": "answer_received_on"},
            )
        if status.last_answer_on is not None and received < status.last_answer_on:
            raise InvalidInput(
                _("The answer cannot have been received before it was given (%(date)s).")
                % {"date": status.last_answer_on.isoformat()},
                detail={"field": "answer_received_on"},
            )
        received_on, body_is_level_above = received, above == reviewing.pk
    due = rules.check_review_request(
        level=level,
        previous_level=previous,
        answer_received_on=received_on,
        requested_on=ctx.act_on,
        body_is_level_above=body_is_level_above,
    )
    assert reviewing is not None  # refused above (no level above → not the level above / no body)
    article = rules.ARTICLE_REVIEW if level == rules.ReviewLevel.REVIEW else rules.ARTICLE_RE_REVIEW
    engine.deadline_open(
        _subject(complaint.pk, reviewing.pk),
        kind=REVIEW_KIND,
        period=rules.REVIEW_ANSWER_PERIOD
        if level == rules.ReviewLevel.REVIEW
        else rules.RE_REVIEW_ANSWER_PERIOD,
        start_on=ctx.act_on,
    )
    note = (
        _("Your request for a review (复查) was received by %(body)s; the answer is due by %(date)s.")
        if level == rules.ReviewLevel.REVIEW
        else _("Your request for a re-review (复核) was received by %(body)s; the answer is due by %(date)s.")
    )
    ctx.record.update(
        level=str(level),
        node_id=reviewing.pk,
        received_reply_on=received_on.isoformat(),
        article=article,
        online=ctx.actor is None,
    )
    ctx.extra["event"] = {
        "public_note": note % {"body": reviewing.name, "date": due.isoformat()},
        "internal_note": request,
        "due_on": due,
    }
    ctx.extra["audit"] = {"level": str(level), "node_id": reviewing.pk, "online": ctx.actor is None}


@handles("review_answer")
def _review_answer(ctx: Ctx) -> None:
    complaint, data = ctx.obj, ctx.data
    status = review_status(complaint)
    pending = status.pending
    if pending is None:
        raise InvalidInput(_("No review is pending."), code="no_review_pending")
    if not acts_for(ctx.actor, pending.node_id):
        raise Forbidden(_("Only the body asked for the review answers it."))
    opinion = clean_text(
        data.get("opinion"),
        field="opinion",
        label=_("Opinion of the review (复查/复核)"),
        min_len=2,
        max_len=4000,
    )
    upheld = data.get("upheld")
    if not isinstance(upheld, bool):
        raise InvalidInput(_("Say whether the handling opinion is upheld."), detail={"field": "upheld"})
    if ctx.act_on < pending.requested_on:
        raise InvalidInput(
            _("The date cannot be before %(date)s, the date of the previous step.")
            % {"date": pending.requested_on.isoformat()},
            detail={"field": "on"},
        )
    rows = engine.deadline_resolve(_subject(complaint.pk, pending.node_id), kind=REVIEW_KIND, on=ctx.act_on)
    in_time = (
        not any(r.resolution == "late" for r in rows)
        if rows
        else rules.met_in_time(due_on=pending.due_on, met_on=ctx.act_on)
    )
    ctx.record.update(level=pending.level, node_id=pending.node_id, upheld=upheld)
    ctx.extra["event"] = {"public_note": opinion, "due_on": pending.due_on, "in_time": in_time}
    ctx.extra["audit"] = {"level": pending.level, "in_time": in_time}


def _apply(event: str, complaint_id: int, actor: Any, **data: Any) -> Complaint:
    return workflow.apply_event(COMPLAINTS, obj_id=complaint_id, actor=actor, event=event, data=data)


def _last(complaint_id: int, kind: str) -> ComplaintEvent:
    event: ComplaintEvent = ComplaintEvent.objects.filter(complaint_id=complaint_id, kind=kind).latest("id")
    return event


def complaint_review_request(
    *,
    complaint_id: int,
    actor: Any,
    reviewing_node_id: int,
    answer_received_on: dt.date,
    requested_on: dt.date | None = None,
    request: str,
) -> ComplaintEvent:
    """Record a request for 复查 (after the reply) or 复核 (after a 复查 opinion), made to the body
    `reviewing_node_id` by the complainant; the actor acts for that body."""
    complaint = _apply(
        "review_request",
        complaint_id,
        actor,
        reviewing_node_id=reviewing_node_id,
        answer_received_on=answer_received_on,
        on=requested_on,
        request=request,
    )
    return _last(complaint.pk, "review_req")


def complaint_review_request_public(*, tracking_code: str, request: str) -> ComplaintEvent:
    """The complainant asks online, from the progress page, holding the tracking code."""
    complaint = Complaint.objects.filter(tracking_code=normalise_tracking_code(tracking_code)).first()
    if complaint is None:
        raise NotFound(_("No complaint has this tracking code."))
    _apply("review_request", complaint.pk, None, request=request)
    return _last(complaint.pk, "review_req")


def complaint_review_answer(
    *, complaint_id: int, actor: Any, opinion: str, upheld: bool, answered_on: dt.date | None = None
) -> ComplaintEvent:
    """The reviewing body's written opinion (复查意见 / 复核意见) on the pending request."""
    complaint = _apply("review_answer", complaint_id, actor, opinion=opinion, upheld=upheld, on=answered_on)
    return _last(complaint.pk, "review_ans")
