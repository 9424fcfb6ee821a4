"""复查 and 复核: the complainant's statutory review going up a level (信访工作条例第三十五条、第三十六条).

A complainant dissatisfied with the written reply may ask the body one level above the one that
replied for a review (复查) within 30 days of receiving the reply; the reviewing body answers within 30
days. Dissatisfied with that, the next level up may be asked for a re-review (复核), on the same terms;
after it the same request is not accepted again. Staff of the body asked record the request and its
answer here; the rules are `zhifa.law.complaints.check_review_request`. Re-opening on dissatisfaction
with the same unit (`feedback`) stays available beside this, and is not the statutory review.

The answer's 30 days run on the shared deadline engine (kind `complaints.review_answer`, object
`complaints.complaint`, held by the reviewing body), which alerts when they are missed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from zhifa.core.errors import Forbidden, InvalidInput, NotFound
from zhifa.foundation.deadlines import services as engine
from zhifa.law import complaints as rules
from zhifa.org.models import OrgNode
from zhifa.org.roles import Role
from zhifa.org.selectors import granted_nodes
from zhifa.public.complaints.models import ComplaintEvent, EventKind, State
from zhifa.public.complaints.services.common import act_date, audit, clean_text, locked, record, require_state

REVIEW_KIND = "complaints.review_answer"
REVIEWER_ROLES = (Role.SUPERVISOR, Role.APPROVER, Role.ADMIN)


def _subject(complaint_id: int, node_id: int) -> engine.Subject:
    return engine.Subject("complaints.complaint", complaint_id, node_id)


def _requests(complaint: Any) -> list[ComplaintEvent]:
    return list(
        ComplaintEvent.objects.filter(complaint=complaint, kind=EventKind.REVIEW_REQUEST).order_by("id")
    )


def _answers(complaint: Any) -> list[ComplaintEvent]:
    return list(
        ComplaintEvent.objects.filter(complaint=complaint, kind=EventKind.REVIEW_ANSWER).order_by("id")
    )


def _acts_for(actor: Any, node: OrgNode) -> bool:
    return any(node_id == node.pk for node_id, _agency in granted_nodes(actor, roles=REVIEWER_ROLES))


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
    request = clean_text(request, field="request", label=_("Request"), min_len=2, max_len=4000)
    with transaction.atomic():
        complaint = locked(complaint_id)
        require_state(complaint, [State.CONCLUDED])
        reviewing = OrgNode.objects.filter(pk=reviewing_node_id).first()
        if reviewing is None:
            raise NotFound(_("No such body."), detail={"field": "reviewing_node_id"})
        if not _acts_for(actor, reviewing):
            raise Forbidden(_("Only the body asked for the review records it."))
        requests, answers = _requests(complaint), _answers(complaint)
        if len(requests) > len(answers):
            raise InvalidInput(_("A review is already pending."), code="review_pending")
        previous = str(requests[-1].data.get("level")) if requests else None
        answered_by = complaint.agency_id if previous is None else int(requests[-1].data["node_id"])
        level = rules.ReviewLevel.REVIEW if previous is None else rules.ReviewLevel.RE_REVIEW
        above = OrgNode.objects.filter(pk=answered_by).values_list("parent_id", flat=True).first()
        on = act_date(requested_on, not_before=complaint.concluded_on)
        due = rules.check_review_request(
            level=level,
            previous_level=previous,
            answer_received_on=answer_received_on,
            requested_on=on,
            body_is_level_above=above == reviewing.pk,
        )
        article = rules.ARTICLE_REVIEW if level == rules.ReviewLevel.REVIEW else rules.ARTICLE_RE_REVIEW
        engine.deadline_open(
            _subject(complaint.pk, reviewing.pk),
            kind=REVIEW_KIND,
            period=rules.REVIEW_ANSWER_PERIOD
            if level == rules.ReviewLevel.REVIEW
            else rules.RE_REVIEW_ANSWER_PERIOD,
            start_on=on,
        )
        event = record(
            complaint,
            EventKind.REVIEW_REQUEST,
            actor=actor,
            from_state=complaint.state,
            on=on,
            public_note=(
                _("Your request for a review (复查) was received by %(body)s; the answer is due by %(date)s.")
                if level == rules.ReviewLevel.REVIEW
                else _(
                    "Your request for a re-review (复核) was received by %(body)s; the answer is due by %(date)s."
                )
            )
            % {"body": reviewing.name, "date": due.isoformat()},
            internal_note=request,
            due_on=due,
            data={
                "level": str(level),
                "node_id": reviewing.pk,
                "received_reply_on": answer_received_on.isoformat(),
                "article": article,
            },
        )
        audit(actor, "review_request", complaint, level=str(level), node_id=reviewing.pk)
    return event


def complaint_review_answer(
    *, complaint_id: int, actor: Any, opinion: str, upheld: bool, answered_on: dt.date | None = None
) -> ComplaintEvent:
    """The reviewing body's written opinion (复查意见 / 复核意见) on the pending request."""
    opinion = clean_text(
        opinion, field="opinion", label=_("Opinion of the review (复查/复核)"), min_len=2, max_len=4000
    )
    with transaction.atomic():
        complaint = locked(complaint_id)
        requests, answers = _requests(complaint), _answers(complaint)
        if len(requests) <= len(answers):
            raise InvalidInput(_("No review is pending."), code="no_review_pending")
        pending = requests[-1]
        node = OrgNode.objects.get(pk=int(pending.data["node_id"]))
        if not _acts_for(actor, node):
            raise Forbidden(_("Only the body asked for the review answers it."))
        on = act_date(answered_on, not_before=pending.on)
        rows = engine.deadline_resolve(_subject(complaint.pk, node.pk), kind=REVIEW_KIND, on=on)
        in_time = not any(r.resolution == "late" for r in rows)
        level = str(pending.data.get("level"))
        event = record(
            complaint,
            EventKind.REVIEW_ANSWER,
            actor=actor,
            from_state=complaint.state,
            on=on,
            public_note=opinion,
            due_on=pending.due_on,
            in_time=in_time,
            data={"level": level, "node_id": node.pk, "upheld": bool(upheld)},
        )
        audit(actor, "review_answer", complaint, level=level, in_time=in_time)
    return event
