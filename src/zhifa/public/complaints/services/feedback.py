"""Satisfaction and re-opening (信访工作条例第三十五、三十六条), duplicates, the link to a case, and the
daily jobs (SLA alerts, provisional deadlines)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhifa.core import workflow
from zhifa.core.errors import Conflict, Forbidden, InvalidInput, NotFound, RuleViolation
from zhifa.law import complaints as rules
from zhifa.org.selectors import user_can_see_agency
from zhifa.public.complaints.models import (
    HANDLING_STATES,
    OPEN_STATES,
    Complaint,
    ComplaintFeedback,
    EventKind,
    Rating,
    State,
)
from zhifa.public.complaints.services import deadlines as dues
from zhifa.public.complaints.services.common import (
    audit,
    clean_text,
    local_today,
    locked,
    normalise_tracking_code,
    record,
    require,
    require_state,
    sla_alert_key,
)
from zhifa.public.complaints.services.workflow import COMPLAINTS

# --- satisfaction and re-opening (信访工作条例第三十五、三十六条) -----------------------------------
#
# Two rows of the workflow table, applied by the shared engine: `feedback` (the complainant online,
# actor None, or staff recording a callback) and `reopen` (the platform itself, actor None), which the
# feedback door applies in the same transaction when a dissatisfied rating falls within the window.

Ctx = workflow.Ctx[Complaint, workflow.Transition]
handles = COMPLAINTS.handlers.handles


def _apply(event: str, complaint_id: int, actor: Any, **data: Any) -> Complaint:
    return workflow.apply_event(COMPLAINTS, obj_id=complaint_id, actor=actor, event=event, data=data)


def _check_rating(rating: Any, source: Any) -> None:
    if rating not in Rating.values:
        raise InvalidInput(
            _("Choose satisfied, basically satisfied or dissatisfied."), detail={"field": "rating"}
        )
    if source not in ComplaintFeedback.Source.values:
        raise InvalidInput(_("Unknown feedback source."))


@handles("feedback")
def _feedback(ctx: Ctx) -> None:
    """One rating per reply (per round): the complainant's own, dated the day it is sent, or a
    callback recorded (and dated) by the handling agency's staff."""
    complaint, data = ctx.obj, ctx.data
    rating, source = str(data.get("rating") or ""), data.get("source", ComplaintFeedback.Source.WEB)
    _check_rating(rating, source)
    comment = clean_text(data.get("comment"), field="comment", label=_("Comment"), max_len=1000)
    if source == ComplaintFeedback.Source.CALLBACK:
        if ctx.actor is None:
            raise Forbidden(_("Only the handling agency's staff may do this."))
    else:
        ctx.act_on = ctx.today  # only staff recording a callback may date it
    round_no = complaint.reopen_count
    if ComplaintFeedback.objects.filter(complaint=complaint, round=round_no).exists():
        raise Conflict(_("This reply has already been rated."), code="already_rated")
    ComplaintFeedback.objects.create(
        complaint=complaint,
        round=round_no,
        rating=rating,
        comment=comment,
        source=source,
        at=timezone.now(),
        on=ctx.act_on,
        recorded_by=ctx.actor if getattr(ctx.actor, "pk", None) else None,
        agency_id=complaint.agency_id,
        unit_id=complaint.unit_id,
    )
    ctx.set(last_rating=rating)
    ctx.record.update(rating=rating, round=round_no, source=source)
    ctx.extra["event"] = {
        "public_note": _("Rated: %(rating)s.") % {"rating": Rating(rating).label},
        "internal_note": comment,
    }
    ctx.extra["audit"] = {"rating": rating, "round": round_no}


def _reopening_allowed(complaint: Complaint, on: dt.date) -> bool:
    return complaint.concluded_on is not None and rules.reopening_allowed(
        reopen_count=complaint.reopen_count, replied_on=complaint.concluded_on, today=on
    )


@handles("reopen")
def _reopen(ctx: Ctx) -> None:
    """The matter is handled again by the same unit after a dissatisfied rating given within 30 days
    of the reply, at most twice; the new reply is due in 30 days. Not the statutory review."""
    complaint = ctx.obj
    rated = ComplaintFeedback.objects.filter(complaint=complaint, round=complaint.reopen_count).first()
    if rated is None or rated.rating != Rating.DISSATISFIED:
        raise RuleViolation(
            _("Only a dissatisfied rating of the reply re-opens the matter (%(article)s).")
            % {"article": rules.ARTICLE_REVIEW},
            code="reopen_without_dissatisfaction",
            article=rules.ARTICLE_REVIEW,
        )
    if not _reopening_allowed(complaint, ctx.act_on):
        raise RuleViolation(
            _(
                "A dissatisfied rating re-opens the matter only within 30 days of the reply and at most "
                "%(max)d times (%(article)s)."
            )
            % {"max": rules.MAX_REOPENINGS, "article": rules.ARTICLE_REVIEW},
            code="reopen_not_allowed",
            article=rules.ARTICLE_REVIEW,
        )
    ctx.set(reopen_count=complaint.reopen_count + 1, reopened_on=ctx.act_on, concluded_on=None)
    ctx.changed.update(dues.open_period(complaint, dues.REOPENED, ctx.act_on))
    due = complaint.conclusion_due
    ctx.record.update(round=complaint.reopen_count, provisional=complaint.due_provisional)
    ctx.extra["event"] = {
        "public_note": _(
            "Because you were not satisfied, the matter is being handled again; "
            "a new reply is due by %(date)s."
        )
        % {"date": f"{due:%Y-%m-%d}"}
    }
    ctx.extra["audit"] = {"round": complaint.reopen_count}


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
    Dissatisfaction re-opens the matter within the review window, at most twice (the platform's
    `reopen` step, in the same transaction)."""
    _check_rating(rating, source)
    callback = source == ComplaintFeedback.Source.CALLBACK
    with transaction.atomic():
        complaint = _apply(
            "feedback",
            complaint_id,
            actor,
            rating=rating,
            comment=comment,
            source=source,
            on=on if callback else None,
        )
        if rating == Rating.DISSATISFIED:
            rated_on = (
                ComplaintFeedback.objects.filter(complaint=complaint, round=complaint.reopen_count)
                .values_list("on", flat=True)
                .get()
            )
            if _reopening_allowed(complaint, rated_on):
                complaint = _apply("reopen", complaint.pk, None, on=rated_on)
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
        complaint = locked(complaint_id)
        require(actor, complaint)
        require_state(complaint, OPEN_STATES)
        if original_id == complaint.pk:
            raise InvalidInput(_("A complaint cannot duplicate itself."))
        original = Complaint.objects.filter(id=original_id).first()
        if original is None or not user_can_see_agency(actor, original.agency_id):
            raise NotFound(_("No such complaint."))
        if original.duplicate_of_id == complaint.pk:
            raise InvalidInput(_("That complaint is already marked as a duplicate of this one."))
        complaint.duplicate_of = original
        complaint.save(update_fields=["duplicate_of"])
        record(
            complaint,
            EventKind.DUPLICATE,
            actor=actor,
            from_state=complaint.state,
            internal_note=clean_text(note, field="note", label=_("Note"), max_len=1000),
            data={"original": original.pk, "original_code": original.tracking_code},
        )
        audit(actor, "duplicate", complaint, original=original.pk)
    return complaint


def complaint_link_case(*, complaint_id: int, actor: Any, case_id: int) -> Complaint:
    """Record that the complaint became a case (called by the conversion, inside its transaction)."""
    complaint = locked(complaint_id)
    require_state(complaint, HANDLING_STATES)
    if complaint.case_id:
        raise Conflict(_("This complaint is already linked to a case."), code="already_converted")
    complaint.case_id = case_id
    complaint.save(update_fields=["case_id"])
    record(
        complaint,
        EventKind.CONVERT,
        actor=actor,
        from_state=complaint.state,
        public_note=_("A case has been opened on the facts reported."),
        data={"case_id": case_id},
    )
    audit(actor, "convert", complaint, case_id=case_id)
    return complaint


def raise_sla_alerts(*, today: dt.date | None = None) -> int:
    """Daily: an alert for every open complaint past its current deadline (acceptance or reply)."""
    from zhifa.foundation.alerts.services import alert_raise

    today = today or local_today()
    count = 0
    for complaint in Complaint.objects.filter(state__in=OPEN_STATES, due_on__lt=today).only(
        "id", "tracking_code", "agency_id", "state", "due_on", "title"
    ):
        article = rules.ARTICLE_ACCEPTANCE if complaint.state == State.RECEIVED else rules.ARTICLE_CONCLUSION
        alert_raise(
            kind="complaint_sla",
            key=sla_alert_key(complaint),
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
    return count + _raise_review_alerts(today)


def _raise_review_alerts(today: dt.date) -> int:
    """An alert for every 复查/复核 request whose 30 days for the opinion have passed, to the body asked
    (信访工作条例第三十五条、第三十六条); the opinion resolves it (workflow `review_answer`)."""
    from zhifa.foundation.alerts.services import alert_raise
    from zhifa.foundation.deadlines.models import Deadline
    from zhifa.public.complaints.services.review import REVIEW_KIND
    from zhifa.public.complaints.services.workflow import review_alert_key

    rows = Deadline.objects.filter(
        object_type=dues.OBJECT_TYPE, kind=REVIEW_KIND, resolved_on__isnull=True, due_on__lt=today
    )
    codes = dict(
        Complaint.objects.filter(id__in=[r.object_id for r in rows]).values_list("id", "tracking_code")
    )
    count = 0
    for row in rows:
        if row.object_id not in codes or row.agency_id is None:
            continue
        complaint = Complaint(pk=row.object_id)
        alert_raise(
            kind="complaint_review",
            key=review_alert_key(complaint),
            agency_id=row.agency_id,
            title=_("Complaint %(code)s: the review (复查/复核) opinion was due by %(date)s")
            % {"code": codes[row.object_id], "date": f"{row.due_on:%Y-%m-%d}"},
            message="",
            due_on=row.due_on,
            object_type=dues.OBJECT_TYPE,
            object_id=str(row.object_id),
            article=row.article,
        )
        count += 1
    return count
