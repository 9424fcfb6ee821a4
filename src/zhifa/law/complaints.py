"""Deadlines for complaints and reports (投诉举报), from 信访工作条例 (2022).

A complaint made to an enforcement agency is a 信访事项 raised directly with a body other than the
petition office, so the agency's duties are those of 第二十三条 (register, decide how to handle and tell
the complainant within 15 days) and, once accepted, 第三十四条 (conclude within 60 days, extendable with
the head's approval by at most 30 days, telling the complainant why). 第三十五条 gives the complainant
30 days from the written reply to ask for a review, and the reviewing body 30 days to answer; we model
a re-opening on dissatisfaction on that window.

Day counting: the regulation's "15日", "60日" and "30日" are natural days; it says "工作日" where it means
working days (第二十三条第三款 "5个工作日"). Natural periods follow 民事诉讼法第八十五条 (law.days): the
triggering day is not counted and a last day on a holiday moves to the next working day.

The functions here are pure: they take dates and return dates or statuses. Services store the results
on the complaint and recompute them on extension or re-opening.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from zhifa.core.errors import InvalidInput, RuleViolation
from zhifa.law.days import DayKind, Period, timeliness

ARTICLE_ACCEPTANCE = "信访工作条例第二十三条"
ARTICLE_CONCLUSION = "信访工作条例第三十四条"
ARTICLE_REVIEW = "信访工作条例第三十五条"
ARTICLE_RE_REVIEW = "信访工作条例第三十六条"
ARTICLE_OBJECTION = "信访工作条例第二十三条第三款"
ARTICLE_WHISTLEBLOWER = "信访工作条例第三十条"

# 第二十三条第二款: decide how to handle a directly raised matter and tell the complainant in writing
# within 15 days of receiving it. 第二十三条第三款 gives the same 15 days from receipt for a matter
# transferred (转送、交办) from elsewhere, so a referral into another agency restarts the period.
ACCEPTANCE_PERIOD = Period(days=15, kind=DayKind.NATURAL, article=ARTICLE_ACCEPTANCE)

# 第二十三条第三款: a transferred matter outside the receiving body's remit must be objected to within
# 5 working days of receipt, with reasons.
OBJECTION_PERIOD = Period(days=5, kind=DayKind.WORKING, article=ARTICLE_OBJECTION)

# 第三十四条: conclude within 60 days of acceptance.
CONCLUSION_PERIOD = Period(days=60, kind=DayKind.NATURAL, article=ARTICLE_CONCLUSION)

# 第三十四条: complex matters may be extended with the head's approval, by no more than 30 days.
MAX_EXTENSION_DAYS = 30

# 第三十五条: the complainant may ask for a review within 30 days of receiving the written reply, and
# the review is answered within 30 days. We use the first window for satisfaction feedback that can
# re-open the matter, and the second as the deadline of the re-opened handling.
FEEDBACK_PERIOD = Period(days=30, kind=DayKind.NATURAL, article=ARTICLE_REVIEW)
REOPENED_PERIOD = Period(days=30, kind=DayKind.NATURAL, article=ARTICLE_REVIEW)

# 第三十五条 (复查) and 第三十六条 (复核): dissatisfaction can lead to at most two further rounds.
MAX_REOPENINGS = 2

# How many days before a deadline the queue turns yellow. A working convention, not a legal number.
DUE_SOON_DAYS = 3


class SlaStatus(StrEnum):
    """Colours of a deadline, as cases use them: ok / due_soon / overdue / met."""

    OK = "ok"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    MET = "met"


def acceptance_due(received_on: dt.date) -> dt.date:
    """Last day to accept, refer, redirect or reject (信访工作条例第二十三条第二、三款)."""
    return ACCEPTANCE_PERIOD.end(received_on)


def conclusion_due(accepted_on: dt.date, *, extension_days: int = 0) -> dt.date:
    """Last day to conclude (reply) after acceptance, with approved extensions (信访工作条例第三十四条).

    The extension lengthens the 60-day period; the holiday rule is applied once, to the end of the
    whole period, as it is one period that was lengthened and not two periods in a row.
    """
    if not 0 <= extension_days <= MAX_EXTENSION_DAYS:
        raise ValueError("extension_days must be within 0..MAX_EXTENSION_DAYS")
    return Period(
        days=CONCLUSION_PERIOD.days + extension_days, kind=DayKind.NATURAL, article=ARTICLE_CONCLUSION
    ).end(accepted_on)


def extension_allowed(*, already_extended_days: int, requested_days: int) -> bool:
    """第三十四条: the total extension may not exceed 30 days; a request must add at least one day."""
    return requested_days >= 1 and already_extended_days + requested_days <= MAX_EXTENSION_DAYS


def reopened_due(reopened_on: dt.date) -> dt.date:
    """Deadline of handling re-opened on dissatisfaction (modelled on 信访工作条例第三十五条)."""
    return REOPENED_PERIOD.end(reopened_on)


def feedback_open_until(replied_on: dt.date) -> dt.date:
    """Last day on which the complainant's rating can re-open the matter (信访工作条例第三十五条)."""
    return FEEDBACK_PERIOD.end(replied_on)


def reopening_allowed(*, reopen_count: int, replied_on: dt.date, today: dt.date) -> bool:
    """Dissatisfaction re-opens the matter within the review window and at most MAX_REOPENINGS times
    (第三十五条 review, 第三十六条 re-review)."""
    return reopen_count < MAX_REOPENINGS and today <= feedback_open_until(replied_on)


def sla_status(*, due_on: dt.date | None, today: dt.date, met_on: dt.date | None = None) -> SlaStatus:
    """Colour of one deadline: met (done, whenever), overdue, due soon (≤ DUE_SOON_DAYS left) or ok.

    A deadline met late is still "met" here; whether it was met in time is `met_in_time`, which is what
    the on-time statistics count.
    """
    if met_on is not None:
        return SlaStatus.MET
    if due_on is None:
        return SlaStatus.OK
    if today > due_on:
        return SlaStatus.OVERDUE
    if (due_on - today).days <= DUE_SOON_DAYS:
        return SlaStatus.DUE_SOON
    return SlaStatus.OK


def met_in_time(*, due_on: dt.date | None, met_on: dt.date | None) -> bool | None:
    """True/False once the step is done (on or before the last day counts as in time); None before."""
    if met_on is None or due_on is None:
        return None
    return met_on <= due_on


# --- 复查 and 复核: review going up a level (信访工作条例第三十五条、第三十六条) ----------------------------
#
# A dissatisfied complainant may ask the body one level above the one that handled the matter for a
# review (复查) within 30 days of receiving the written reply; the reviewing body answers within 30
# days. Dissatisfied with the review, the complainant may ask the next level up for a re-review (复核)
# within 30 days of receiving the review opinion, answered within 30 days (hearing time not counted).
# After a re-review the same request on the same facts is not accepted again (第三十六条第三款).
# Re-opening the matter with the same unit (the satisfaction feedback above) stays available, but it
# is not the statutory review and does not use up or replace it.

REVIEW_REQUEST_PERIOD = Period(days=30, kind=DayKind.NATURAL, article=ARTICLE_REVIEW)
REVIEW_ANSWER_PERIOD = Period(days=30, kind=DayKind.NATURAL, article=ARTICLE_REVIEW)
RE_REVIEW_REQUEST_PERIOD = Period(days=30, kind=DayKind.NATURAL, article=ARTICLE_RE_REVIEW)
RE_REVIEW_ANSWER_PERIOD = Period(days=30, kind=DayKind.NATURAL, article=ARTICLE_RE_REVIEW)
ARTICLE_FINAL = "信访工作条例第三十六条第三款"


class ReviewLevel(StrEnum):
    REVIEW = "review"  # 复查
    RE_REVIEW = "re_review"  # 复核


def check_review_request(
    *,
    level: str,
    previous_level: str | None,
    answer_received_on: dt.date,
    requested_on: dt.date,
    body_is_level_above: bool,
) -> dt.date:
    """A request for 复查 (after the original reply, `previous_level` None) or 复核 (after a 复查):
    made to the body one level above the one that answered, within 30 days of receiving its written
    answer (the party's favour where the calendar is unknown). Returns the last day of the answer."""
    if previous_level == ReviewLevel.RE_REVIEW:
        raise RuleViolation(
            _("After a re-review the same request is not accepted again (%(article)s).")
            % {"article": ARTICLE_FINAL},
            code="complaint_review_final",
            article=ARTICLE_FINAL,
        )
    expected = ReviewLevel.REVIEW if previous_level is None else ReviewLevel.RE_REVIEW
    if level != expected:
        article = ARTICLE_REVIEW if expected == ReviewLevel.REVIEW else ARTICLE_RE_REVIEW
        raise RuleViolation(
            _("The next step is a %(level)s (%(article)s).")
            % {
                "level": _("review (复查)") if expected == ReviewLevel.REVIEW else _("re-review (复核)"),
                "article": article,
            },
            code="complaint_review_wrong_level",
            article=article,
        )
    request_period = REVIEW_REQUEST_PERIOD if level == ReviewLevel.REVIEW else RE_REVIEW_REQUEST_PERIOD
    answer_period = REVIEW_ANSWER_PERIOD if level == ReviewLevel.REVIEW else RE_REVIEW_ANSWER_PERIOD
    if not body_is_level_above:
        raise RuleViolation(
            _(
                "A review or re-review is asked of the body one level above the one that answered; "
                "re-opening with the same unit is not the statutory review (%(article)s)."
            )
            % {"article": request_period.article},
            code="complaint_review_not_level_above",
            article=request_period.article,
        )
    if requested_on < answer_received_on:
        raise InvalidInput(
            _("The request cannot be before the answer was received."), detail={"field": "requested_on"}
        )
    timely = timeliness(request_period, answer_received_on, requested_on)
    if not timely.in_time:
        raise RuleViolation(
            _("The request was due within 30 days of receiving the answer, by %(end)s (%(article)s).")
            % {"end": timely.due.on.isoformat(), "article": request_period.article},
            code="complaint_review_late",
            article=request_period.article,
            detail={"due_on": timely.due.on.isoformat()},
        )
    return answer_period.end(requested_on)
