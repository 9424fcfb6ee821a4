"""After the decision: service, payment, the pause an appeal brings, and the court-enforcement window.

- 行政处罚法第六十一条 sends service of a decision to 民事诉讼法 (2021): 留置送达 needs a witness or a
  photo/video record of the service (第八十九条); 邮寄送达 counts from the date on the return receipt
  (第九十一条); 公告送达 only when the party cannot be found or every other method failed, and the
  decision counts as served thirty days after the announcement (第九十五条). Everything that runs "from
  receipt of the decision" — the 15 days to pay (第六十七条), the surcharge (第七十二条), the time to
  apply for reconsideration or sue and so the court window — runs from that deemed date.
- 行政处罚法第六十六条第二款: deferral (暂缓) or instalments (分期) only on the party's application and
  the agency's approval; an instalment plan is a schedule of amounts and dates.
- 第七十条: money collected on the spot is acknowledged with the official receipt (专用票据), whose
  number the record keeps; 第七十一条: cash collected on the spot reaches the agency within two
  (working, 第八十五条) days.
- 第七十三条第三款: while reconsideration or litigation is pending the surcharge does not run.
- 第七十二条第二款 and 行政强制法第五十三条: the court-enforcement window counts from the end of an
  approved deferral or the last instalment, and from the end of the party's time to appeal or of the
  appeal (see `court_enforcement.application_window`).

Readings where the text is silent, each in the party's favour:
- A deemed service date (+30 days) falling on a day off moves to the next working day (民事诉讼法
  第八十五条 applied to the period of 第九十五条); where that day lies in a year whose calendar is not
  known yet, the latest date any official arrangement could give is used.
- The days of a pending appeal are excluded from the surcharge from the day the application or suit
  was made to the day it ended, both included.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext_lazy as _

from zhifa.core.errors import InvalidInput, RuleViolation
from zhifa.law import penalty
from zhifa.law.days import DayKind, Period, latest_end, period_end

ART_SERVICE = "行政处罚法第六十一条"
ART_ANNOUNCEMENT = "行政处罚法第六十一条；民事诉讼法第九十五条"
ART_LEFT = "行政处罚法第六十一条；民事诉讼法第八十九条"
ART_POST = "行政处罚法第六十一条；民事诉讼法第九十一条"
ART_DEFERRAL = "行政处罚法第六十六条第二款"
ART_RECEIPT = "行政处罚法第七十条"
ART_CASH = "行政处罚法第七十一条、第八十五条"
ART_APPEAL_PAUSE = "行政处罚法第七十三条第三款"

ANNOUNCEMENT_PERIOD = Period(30, DayKind.NATURAL, ART_ANNOUNCEMENT)  # 经过三十日，即视为送达
CASH_HAND_IN_PERIOD = penalty.CASH_HAND_IN_PERIOD  # 自收缴罚款之日起二日内交至行政机关（工作日）
MIN_RECORD_CHARS = 4  # a record of why other methods failed is a sentence, not a tick


# --- Service (第六十一条; 民事诉讼法第八十九条、第九十一条、第九十五条) -------------------------------


class Method:
    DIRECT = "direct"
    LEFT = "left"
    POST = "post"
    PUBLIC = "public"
    ELECTRONIC = "electronic"


@dataclass(frozen=True)
class Service:
    """When the decision counts as received (`served_on`), and why."""

    served_on: dt.date
    deemed: bool  # 公告送达: a legal fiction, not a real receipt
    provisional: bool  # the date rests on a year whose official calendar is unknown
    article: str


def announcement_served_on(announced_on: dt.date) -> Service:
    """公告送达: served thirty days after the announcement (民事诉讼法第九十五条); a last day off work
    moves to the next working day, and an unknown year gives the party the latest possible day."""
    due = period_end(ANNOUNCEMENT_PERIOD, announced_on)
    on = latest_end(ANNOUNCEMENT_PERIOD, announced_on) if due.provisional else due.on
    return Service(on, True, due.provisional, ART_ANNOUNCEMENT)


def check_service(
    *,
    method: str,
    act_on: dt.date,
    decided_on: dt.date | None,
    failed_attempts: str = "",
    witnesses: Sequence[str] = (),
    video_record: bool = False,
    received_on: dt.date | None = None,
) -> Service:
    """The date the decision counts as served by `method`, entered on `act_on` (the day of the act:
    handing over, leaving, posting or announcing), or a refusal naming the rule."""
    if method == Method.PUBLIC:
        if len(failed_attempts.strip()) < MIN_RECORD_CHARS:
            raise RuleViolation(
                _(
                    "Service by public announcement is allowed only when the party cannot be found or "
                    "the other methods failed; record what was tried and why it failed (%(article)s)."
                )
                % {"article": ART_ANNOUNCEMENT},
                code="announcement_without_failed_attempts",
                article=ART_ANNOUNCEMENT,
                detail={"field": "failed_attempts"},
            )
        return announcement_served_on(act_on)
    if method == Method.LEFT:
        named = [w.strip() for w in witnesses if w and w.strip()]
        if not named and not video_record:
            raise RuleViolation(
                _(
                    "Leaving the decision at the residence needs a witness who signs the proof of "
                    "service, or a photo or video record of the service (%(article)s)."
                )
                % {"article": ART_LEFT},
                code="left_service_without_witness",
                article=ART_LEFT,
                detail={"field": "witnesses"},
            )
        return Service(act_on, False, False, ART_LEFT)
    if method == Method.POST:
        if received_on is None:
            raise RuleViolation(
                _(
                    "Service by post counts from the date of receipt on the return receipt; enter that "
                    "date (%(article)s)."
                )
                % {"article": ART_POST},
                code="post_without_receipt_date",
                article=ART_POST,
                detail={"field": "received_on"},
            )
        if decided_on is not None and received_on < decided_on:
            raise InvalidInput(
                _("The receipt date cannot be before the decision (%(date)s).")
                % {"date": decided_on.isoformat()},
                detail={"field": "received_on"},
            )
        return Service(received_on, False, False, ART_POST)
    return Service(act_on, False, False, ART_SERVICE)


# --- Deferral and instalments (第六十六条第二款) ---------------------------------------------------


@dataclass(frozen=True)
class Instalment:
    due_on: dt.date
    amount: Decimal

    def as_dict(self) -> dict[str, str]:
        return {"due_on": self.due_on.isoformat(), "amount": str(self.amount)}


_LINE = re.compile(
    r"^\s*(\d{4}-\d{2}-\d{2})[\s,，;；:：]+(?:¥|￥)?\s*([0-9]+(?:\.[0-9]{1,2})?)\s*(?:元)?\s*$"
)


def parse_schedule(raw: Any) -> list[Instalment]:
    """An instalment schedule from the API (a list of {"due_on", "amount"}) or from the page (one
    "YYYY-MM-DD amount" per line). Malformed input is a 400 naming the line."""
    if raw in (None, "", []):
        return []
    items: list[tuple[Any, Any]] = []
    if isinstance(raw, str):
        for n, line in enumerate(raw.splitlines(), start=1):
            if not line.strip():
                continue
            m = _LINE.match(line)
            if m is None:
                raise InvalidInput(
                    _("Line %(n)s of the schedule is not “YYYY-MM-DD amount”.") % {"n": n},
                    detail={"field": "schedule", "line": n},
                )
            items.append((m.group(1), m.group(2)))
    elif isinstance(raw, list):
        for entry in raw:
            if not isinstance(entry, dict):
                raise InvalidInput(
                    _("Each instalment needs a date and an amount."), detail={"field": "schedule"}
                )
            items.append((entry.get("due_on"), entry.get("amount")))
    else:
        raise InvalidInput(_("Each instalment needs a date and an amount."), detail={"field": "schedule"})
    out: list[Instalment] = []
    for n, (day, amount) in enumerate(items, start=1):
        try:
            due_on = dt.date.fromisoformat(str(day))
            value = Decimal(str(amount)).quantize(Decimal("0.01"))
        except (ValueError, InvalidOperation):
            raise InvalidInput(
                _("Instalment %(n)s needs a date (YYYY-MM-DD) and an amount in yuan.") % {"n": n},
                detail={"field": "schedule", "line": n},
            ) from None
        out.append(Instalment(due_on, value))
    return out


def check_deferral(
    *,
    applied_on: dt.date | None,
    application: str,
    approved_on: dt.date,
    payment_due_on: dt.date,
    outstanding: Decimal,
    deferred_to: dt.date | None,
    schedule: Sequence[Instalment],
) -> dt.date:
    """A deferral or instalment plan (第六十六条第二款): the party's recorded application (its date and
    what it says) comes first; a deferral names the new last day, an instalment plan lists at least two
    instalments on increasing dates after the approval, each more than zero, adding up to what is
    outstanding. Returns the last day of the deferral or the last instalment."""
    if applied_on is None or len(application.strip()) < MIN_RECORD_CHARS:
        raise RuleViolation(
            _(
                "Deferral or instalments are approved only on the party's application; record the "
                "application's date and content (%(article)s)."
            )
            % {"article": ART_DEFERRAL},
            code="deferral_without_application",
            article=ART_DEFERRAL,
            detail={"field": "applied_on"},
        )
    if applied_on > approved_on:
        raise InvalidInput(
            _("The application cannot be dated after the approval."), detail={"field": "applied_on"}
        )
    if schedule and deferred_to is not None:
        raise InvalidInput(
            _("Give either a new last day (deferral) or an instalment schedule, not both."),
            detail={"field": "schedule"},
        )
    if not schedule:
        if deferred_to is None:
            raise InvalidInput(
                _("Give the new last day of payment, or the instalment schedule."),
                detail={"field": "deferred_to"},
            )
        if deferred_to <= payment_due_on:
            raise InvalidInput(
                _("The new last day must be after the current one (%(date)s).")
                % {"date": payment_due_on.isoformat()},
                detail={"field": "deferred_to"},
            )
        return deferred_to
    if len(schedule) < 2:
        raise RuleViolation(
            _("An instalment plan has at least two instalments; for one, approve a deferral (%(article)s).")
            % {"article": ART_DEFERRAL},
            code="instalments_too_few",
            article=ART_DEFERRAL,
            detail={"field": "schedule"},
        )
    previous = approved_on
    for n, item in enumerate(schedule, start=1):
        if item.amount <= 0:
            raise InvalidInput(
                _("Instalment %(n)s must be more than zero.") % {"n": n},
                detail={"field": "schedule", "line": n},
            )
        if item.due_on <= previous:
            raise InvalidInput(
                _("Instalment %(n)s must fall after the approval and after the instalment before it.")
                % {"n": n},
                detail={"field": "schedule", "line": n},
            )
        previous = item.due_on
    total = sum((i.amount for i in schedule), Decimal("0"))
    if total != outstanding:
        raise RuleViolation(
            _(
                "The instalments add up to %(total)s yuan, but %(outstanding)s yuan is outstanding; the "
                "schedule must cover exactly what is owed (%(article)s)."
            )
            % {"total": total, "outstanding": outstanding, "article": ART_DEFERRAL},
            code="instalments_do_not_add_up",
            article=ART_DEFERRAL,
            detail={"field": "schedule", "total": str(total), "outstanding": str(outstanding)},
        )
    return schedule[-1].due_on


# --- Receipts and cash (第七十条、第七十一条) -------------------------------------------------------

_RECEIPT = re.compile(r"^[0-9A-Za-z][0-9A-Za-z.\-/_]{0,59}$")


def check_receipt_number(receipt_no: str, *, on_the_spot: bool, used_before: bool) -> str:
    """The number of the official receipt (财政部门统一制发的专用票据, 第七十条) or of the bank's or
    payment system's voucher: letters, digits and . - _ / only, and never one already recorded for
    another payment (one receipt acknowledges one payment)."""
    value = receipt_no.strip()
    if not _RECEIPT.match(value):
        raise InvalidInput(
            _(
                "Enter the receipt number as printed: letters, digits, “.”, “-”, “_” or “/”, at most 60 characters."
            ),
            detail={"field": "receipt_no"},
        )
    if used_before:
        article = ART_RECEIPT if on_the_spot else "行政处罚法第六十七条"
        raise RuleViolation(
            _("Receipt %(number)s is already recorded for another payment (%(article)s).")
            % {"number": value, "article": article},
            code="receipt_number_reused",
            article=article,
            detail={"field": "receipt_no"},
        )
    return value


def cash_hand_in_start(*, collected_on: dt.date, landed_on: dt.date | None = None) -> dt.date:
    """The day the two working days to hand in cash run from: the collection, or for money collected
    on the water the day the officer reached the shore (第七十一条)."""
    if landed_on is not None and landed_on > collected_on:
        return landed_on
    return collected_on


# --- The appeal pause (第七十三条第三款) -------------------------------------------------------------


@dataclass(frozen=True)
class Pause:
    """A reconsideration or lawsuit against the decision: from the day it was made to the day it
    ended (`end` None: still pending)."""

    start: dt.date
    end: dt.date | None = None


def pauses_from(rows: Iterable[dict[str, Any]]) -> list[Pause]:
    """The case's stored appeal spans ({"from": iso, "to": iso|None, …}) as pauses."""
    out: list[Pause] = []
    for row in rows:
        start = dt.date.fromisoformat(str(row["from"]))
        end = row.get("to")
        out.append(Pause(start, dt.date.fromisoformat(str(end)) if end else None))
    return out


def paused(day: dt.date, pauses: Iterable[Pause]) -> bool:
    return any(p.start <= day and (p.end is None or day <= p.end) for p in pauses)


def surcharge_days(*, due_on: dt.date, on: dt.date, pauses: Sequence[Pause] = ()) -> int:
    """Days of 加处罚款 (第七十二条第（一）项) after the last day of payment up to `on`, leaving out every
    day on which an appeal was pending (第七十三条第三款)."""
    days, current = 0, due_on
    while current < on:
        current += dt.timedelta(days=1)
        if not paused(current, pauses):
            days += 1
    return days


# --- A missed instalment (第六十六条第二款、第七十二条; 行政强制法第四十五条) ------------------------------

ART_INSTALMENT_SURCHARGE = "行政处罚法第六十六条第二款、第七十二条第（一）项；行政强制法第四十五条"


@dataclass(frozen=True)
class InstalmentStatus:
    """One instalment of an approved plan as of a day: what was paid towards it, whether it is late,
    and the surcharge it carries on its own."""

    seq: int
    due_on: dt.date
    amount: Decimal
    paid: Decimal
    paid_on: dt.date | None  # the day it was paid in full
    days_late: int  # surcharge days counted (appeal days left out)
    surcharge: Decimal
    as_of: dt.date

    @property
    def status(self) -> str:
        """`paid` (in time), `paid_late`, `overdue` (past its day, not paid in full) or `open`."""
        if self.paid_on is not None:
            return "paid_late" if self.paid_on > self.due_on else "paid"
        return "overdue" if self.as_of > self.due_on else "open"

    def as_dict(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "due_on": self.due_on.isoformat(),
            "amount": f"{self.amount:.2f}",
            "paid": f"{self.paid:.2f}",
            "paid_on": self.paid_on.isoformat() if self.paid_on else None,
            "status": self.status,
            "days_late": self.days_late,
            "surcharge": f"{self.surcharge:.2f}",
        }


def instalment_surcharges(
    *,
    schedule: Sequence[Instalment],
    payments: Iterable[tuple[dt.date, Decimal]],
    on: dt.date,
    pauses: Sequence[Pause] = (),
) -> list[InstalmentStatus]:
    """Each instalment of an approved plan is a payment term of its own (第六十六条第二款): one missed
    is surcharged on its own — 3 % of the instalment's unpaid amount for each day after its due day
    (第七十二条第（一）项), never more than the instalment itself (行政强制法第四十五条第二款: not beyond
    the amount of the obligation), days of a pending appeal left out (第七十三条第三款).

    Readings, each stated: payments made after the plan was approved (`payments`, any order) pay the
    instalments in the order they fall due, principal first; a day's surcharge is on what was still
    unpaid at the start of that day, so paying on the due day is in time and paying the day after
    costs one day; the sum is rounded to the fen (half up) per instalment. Pure: no database."""
    pool = sorted(((d, Decimal(a)) for d, a in payments if Decimal(a) > 0), key=lambda p: p[0])
    allocations: list[list[tuple[dt.date, Decimal]]] = [[] for _ in schedule]
    index = 0
    for day, amount in pool:
        if day > on:
            continue
        left = amount
        while left > 0 and index < len(schedule):
            owed = schedule[index].amount - sum((a for _d, a in allocations[index]), Decimal(0))
            part = min(owed, left)
            if part > 0:
                allocations[index].append((day, part))
                left -= part
            if schedule[index].amount - sum((a for _d, a in allocations[index]), Decimal(0)) <= 0:
                index += 1
    out: list[InstalmentStatus] = []
    for seq, (item, allocated) in enumerate(zip(schedule, allocations, strict=True), start=1):
        paid = sum((a for _d, a in allocated), Decimal(0))
        paid_on = allocated[-1][0] if allocated and paid >= item.amount else None
        raw, days, current = Decimal(0), 0, item.due_on
        cap = item.amount
        while current < on and raw < cap:
            current += dt.timedelta(days=1)
            unpaid = item.amount - sum((a for d, a in allocated if d < current), Decimal(0))
            if unpaid <= 0:
                break
            if paused(current, pauses):
                continue
            days += 1
            raw += unpaid * penalty.SURCHARGE_RATE_PER_DAY
        surcharge = min(raw, cap).quantize(penalty.CENT, rounding=ROUND_HALF_UP)
        out.append(InstalmentStatus(seq, item.due_on, item.amount, paid, paid_on, days, surcharge, on))
    return out


# --- Revocation and change of a decision (第四十八条) ------------------------------------------------


class By:
    """Who revoked or changed the decision."""

    AGENCY = "agency"  # the agency itself (自行纠错)
    RECONSIDERATION = "reconsideration"  # the reconsideration organ (行政复议决定)
    COURT = "court"  # a court's judgment in force


BY_VALUES = (By.AGENCY, By.RECONSIDERATION, By.COURT)
ART_WITHDRAW = "行政处罚法第四十八条第二款"
NOT_HEAVIER_ARTICLES = {
    By.AGENCY: "行政处罚法第四十四条、第四十五条",
    By.RECONSIDERATION: "行政复议法第六十三条第二款",
    By.COURT: "行政诉讼法第七十七条第二款",
}


def check_change_not_heavier(*, by: str, heavier: bool) -> None:
    """A change leaves the party no worse off: a reconsideration organ may not (行政复议法第六十三条
    第二款), nor may a court (行政诉讼法第七十七条第二款), and an agency that wants a heavier penalty
    starts again with a new notice and the party's right to be heard (行政处罚法第四十四条、第四十五条)."""
    if not heavier:
        return
    article = NOT_HEAVIER_ARTICLES.get(by, NOT_HEAVIER_ARTICLES[By.AGENCY])
    raise RuleViolation(
        _("A change may not make the penalty heavier (%(article)s).") % {"article": article},
        code="change_heavier",
        article=article,
        detail={"field": "fine_amount"},
    )
