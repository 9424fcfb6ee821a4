"""Satisfaction and re-opening (信访工作条例第三十五、三十六条), duplicates, the link to a case, and the
daily jobs (SLA alerts, provisional deadlines)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhifa.core.errors import Conflict, InvalidInput, NotFound
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
    act_date,
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
    comment = clean_text(comment, field="comment", label=_("Comment"), max_len=1000)
    if source not in ComplaintFeedback.Source.values:
        raise InvalidInput(_("Unknown feedback source."))
    with transaction.atomic():
        complaint = locked(complaint_id)
        if source == ComplaintFeedback.Source.CALLBACK:
            require(actor, complaint)
        require_state(complaint, [State.CONCLUDED])
        round_no = complaint.reopen_count
        if ComplaintFeedback.objects.filter(complaint=complaint, round=round_no).exists():
            raise Conflict(_("This reply has already been rated."), code="already_rated")
        # Only staff recording a callback may date it; the complainant's own rating is dated today.
        today = act_date(
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
        record(
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
                complaint.state = State.REOPENED
                complaint.reopen_count += 1
                complaint.reopened_on = today
                complaint.concluded_on = None
                fields += ["state", "reopen_count", "reopened_on", "concluded_on"]
                fields += dues.open_period(complaint, dues.REOPENED, today)
                due, provisional = complaint.conclusion_due, complaint.due_provisional
                complaint.save(update_fields=fields)
                record(
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
                    data={"round": complaint.reopen_count, "provisional": provisional},
                )
                audit(actor, "reopen", complaint, round=complaint.reopen_count)
                return complaint
        complaint.save(update_fields=fields)
        audit(actor, "feedback", complaint, rating=rating, round=round_no)
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
    return count
