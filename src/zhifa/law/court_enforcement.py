"""Applying to the people's court for enforcement of an unpaid penalty (非诉执行).

- 行政强制法第五十四条: first a written reminder (催告书); the application may follow once ten days have
  passed since it was served — working days (行政强制法第六十九条: 十日以内 are working days).
- 行政强制法第五十三条 and 最高人民法院关于适用《行政诉讼法》的解释第一百五十六条: the application is made
  within three months after the party's time limit for suing has expired — six months from knowing
  the decision (行政诉讼法第四十六条), which here is the day the decision was served. Before that the
  party may still sue, and the court does not accept the application.
- 行政处罚法第七十二条第二款: after an approved deferral or instalment plan the period counts from its
  end. A pending reconsideration or lawsuit keeps the window shut; it opens after the appeal ends
  (after a reconsideration once the fifteen days to sue have passed, 行政诉讼法第四十五条). A last day
  off work moves to the next working day (民事诉讼法第八十五条).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from zhifa.core.calendar import next_working_day_on_or_after
from zhifa.core.errors import RuleViolation
from zhifa.law.days import DayKind, Period, period_elapsed
from zhifa.law.limits import add_months

ART_REMINDER = "行政强制法第五十四条、第六十九条"
ART_WINDOW = "行政强制法第五十三条；行政诉讼法第四十六条"
REMINDER_PERIOD = Period(10, DayKind.WORKING, ART_REMINDER)
ART_APPEAL_WINDOW = "行政强制法第五十三条；行政处罚法第七十二条第二款；行政诉讼法第四十五条"
LITIGATION_MONTHS = 6
SUE_AFTER_RECONSIDERATION_DAYS = 15  # 行政诉讼法第四十五条
APPLICATION_MONTHS = 3


def litigation_period_end(*, served_on: dt.date) -> dt.date:
    return add_months(served_on, LITIGATION_MONTHS)


@dataclass(frozen=True)
class AppealSpan:
    """A reconsideration or lawsuit against the decision (`ended_on` None while pending)."""

    kind: str  # "reconsideration" or "litigation"
    started_on: dt.date
    ended_on: dt.date | None = None


def window_start_after(
    *, served_on: dt.date, deferral_ends_on: dt.date | None = None, appeals: Sequence[AppealSpan] = ()
) -> dt.date | None:
    """The last day before the window opens: the latest of the end of the party's time to sue
    (行政诉讼法第四十六条), the end of an approved deferral or the last instalment (行政处罚法第七十二条
    第二款), and the end of each appeal — after a reconsideration the party still has fifteen days to
    sue (行政诉讼法第四十五条). None while an appeal is pending: the window is not open at all."""
    base = litigation_period_end(served_on=served_on)
    if deferral_ends_on is not None:
        base = max(base, deferral_ends_on)
    for span in appeals:
        if span.ended_on is None:
            return None
        end = span.ended_on
        if span.kind == "reconsideration":
            end = end + dt.timedelta(days=SUE_AFTER_RECONSIDERATION_DAYS)
        base = max(base, end)
    return base


def application_window(
    *, served_on: dt.date, deferral_ends_on: dt.date | None = None, appeals: Sequence[AppealSpan] = ()
) -> tuple[dt.date, dt.date] | None:
    """(first day, last day) on which the agency may apply to the court: three months after the day of
    `window_start_after`; a last day off work moves to the next working day (民事诉讼法第八十五条).
    None while an appeal is pending."""
    end = window_start_after(served_on=served_on, deferral_ends_on=deferral_ends_on, appeals=appeals)
    if end is None:
        return None
    return end + dt.timedelta(days=1), next_working_day_on_or_after(add_months(end, APPLICATION_MONTHS))


def check_reminder(*, payment_due_on: dt.date, reminder_served_on: dt.date) -> None:
    if reminder_served_on <= payment_due_on:
        raise RuleViolation(
            _("A reminder can be served only after the payment period has ended (%(article)s).")
            % {"article": "行政强制法第三十五条、第五十四条"},
            code="reminder_too_early",
            article="行政强制法第三十五条、第五十四条",
        )


def check_court_application(
    *,
    served_on: dt.date,
    reminder_served_on: dt.date | None,
    applied_on: dt.date,
    deferral_ends_on: dt.date | None = None,
    appeals: Sequence[AppealSpan] = (),
) -> None:
    if reminder_served_on is None or not period_elapsed(REMINDER_PERIOD, reminder_served_on, applied_on):
        raise RuleViolation(
            _(
                "Apply to the court only after a written reminder was served and ten working days "
                "have passed (%(article)s)."
            )
            % {"article": ART_REMINDER},
            code="reminder_period_not_elapsed",
            article=ART_REMINDER,
        )
    window = application_window(served_on=served_on, deferral_ends_on=deferral_ends_on, appeals=appeals)
    if window is None:
        raise RuleViolation(
            _(
                "A reconsideration or lawsuit against the decision is pending; apply to the court only "
                "after it ends (%(article)s)."
            )
            % {"article": ART_APPEAL_WINDOW},
            code="court_application_appeal_pending",
            article=ART_APPEAL_WINDOW,
        )
    first, last = window
    if applied_on < first:
        raise RuleViolation(
            _(
                "The party may still sue until %(end)s; the court accepts the application only after "
                "that (%(article)s)."
            )
            % {"end": (first - dt.timedelta(days=1)).isoformat(), "article": ART_WINDOW},
            code="court_application_too_early",
            article=ART_WINDOW,
            detail={"window_start": first.isoformat()},
        )
    if applied_on > last:
        raise RuleViolation(
            _("The three-month period for applying to the court ended on %(end)s (%(article)s).")
            % {"end": last.isoformat(), "article": ART_WINDOW},
            code="court_application_too_late",
            article=ART_WINDOW,
            detail={"window_end": last.isoformat()},
        )
