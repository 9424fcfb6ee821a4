"""Seized and sealed property (查封、扣押、暂扣) and evidence registered for preservation (先行登记保存).

Statutes (shared/data/laws/行政强制法(2011-06-30).md, 行政处罚法(2021-01-22).md):
- 行政强制法第十八条: a measure is approved beforehand by the agency head, carried out by two or more
  officers, with an on-site record; a witness signs when the party is absent. 第十九条: in an
  emergency the approval follows within 24 hours.
- 行政强制法第二十四条: a decision and an item list (清单) are made and handed over on the spot.
- 行政强制法第二十五条: the term is at most 30 days; in complex situations the agency head may approve
  one extension of at most 30 days, told to the party in writing with reasons; time spent on testing,
  inspection, quarantine or technical appraisal (检测、检验、检疫、技术鉴定) is not counted, and its
  length must be stated and told to the party in writing.
- 行政强制法第二十六条: safekeeping; storage costs are borne by the agency.
- 行政强制法第二十七条: within the term the agency decides: confiscate illegal property, destroy what
  a law says must be destroyed, or lift the measure. 第二十八条: lift it (and return the property
  at once, or the proceeds of a sale of perishables) when there was no violation, the property is
  unrelated, a decision has been made, or the term has expired.
- 行政强制法第二十一条: when the violation is a suspected crime, the property goes with the referral to
  the judicial organs and the party is told in writing.
- 行政处罚法第五十六条: evidence registered for preservation (先行登记保存, with the head's approval)
  must be dealt with by a decision within 7 days; 第八十五条 makes that 7 working days. The law gives no
  extension.

Day counting (shared/LAW.md): the 30-day term is in natural days (行政强制法第六十九条 only turns
periods of ten days or less into working days); the triggering day is not counted and a last day on a
holiday moves to the next working day (民事诉讼法第八十五条, law.days). The extension and the excluded
testing days lengthen the one term, so the holiday rule is applied once, to its end.

暂扣 (detention of tools or goods under urban-management rules) is a 扣押 in the sense of 行政强制法
第九条第三项 and follows the same term; local rules that set another term are not modelled.

No hours: 行政强制法第四十三条 (no enforcement at night or on statutory holidays, law.coercion) governs
行政强制执行 (第四章; 第二条第三款), not the 行政强制措施 of 第三章 that a seizure is (第二条第二款) — a
seizure before enforcement is also done under 第三章 (第四十六条第二款) — and 先行登记保存 is an
evidence measure (行政处罚法第五十六条). A measure may be taken at any hour; only selling seized property
to pay a fine (拍卖抵缴罚款, 第四十六条第三款, not modelled) would be enforcement.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from zhifa.core.errors import RuleViolation
from zhifa.law.days import DayKind, Due, Period
from zhifa.law.jurisdiction import SettingSpec, register

ARTICLE_PROCEDURE = "行政强制法第十八条"
ARTICLE_EMERGENCY = "行政强制法第十九条"
ARTICLE_DECISION = "行政强制法第二十四条"
ARTICLE_TERM = "行政强制法第二十五条"
ARTICLE_OUTCOME = "行政强制法第二十七条"
ARTICLE_RELEASE = "行政强制法第二十八条"
ARTICLE_REFERRAL = "行政强制法第二十一条"
ARTICLE_PRESERVATION = "行政处罚法第五十六条"

SEIZURE_TERM = Period(days=30, kind=DayKind.NATURAL, article=ARTICLE_TERM)
"""行政强制法第二十五条第一款: 查封、扣押的期限不得超过三十日."""

MAX_EXTENSION_DAYS = 30
"""行政强制法第二十五条第一款: 延长期限不得超过三十日."""

MAX_EXTENSIONS = 1
"""行政强制法第二十五条第一款 allows "可以延长" once: a second extension would be a new measure."""

PRESERVATION_TERM = Period(days=7, kind=DayKind.WORKING, article="行政处罚法第五十六条、第八十五条")
"""行政处罚法第五十六条: 七日内及时作出处理决定; 第八十五条: 七日 are working days."""

MIN_OFFICERS = 2
"""行政强制法第十八条第二项: 由两名以上行政执法人员实施."""

# 行政强制法第十九条 (the 24 hours to report an emergency measure and obtain approval) is
# `law.coercion.EMERGENCY_REPORT_HOURS`, shared with the other coercive measures.


class Measure(StrEnum):
    SEALING = "sealing"  # 查封
    SEIZURE = "seizure"  # 扣押
    DETENTION = "detention"  # 暂扣
    PRESERVATION = "preservation"  # 先行登记保存


MEASURE_LABELS = {
    Measure.SEALING: "查封",
    Measure.SEIZURE: "扣押",
    Measure.DETENTION: "暂扣",
    Measure.PRESERVATION: "先行登记保存",
}


class Outcome(StrEnum):
    """How seized property ends (行政强制法第二十一、二十七、二十八条)."""

    RETURNED = "returned"  # 解除并退还
    CONFISCATED = "confiscated"  # 没收
    AUCTIONED = "auctioned"  # 拍卖、变卖（鲜活、不易保管）
    DESTROYED = "destroyed"  # 销毁
    TRANSFERRED = "transferred"  # 随案移送司法机关


class TermStatus(StrEnum):
    OK = "ok"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    MET = "met"  # disposed of within the term
    PAUSED = "paused"  # testing under way: the term does not run (第二十五条第三款)


ALERT_DAYS_BEFORE = register(
    SettingSpec(
        key="seizure.alert_days_before",
        default=5,
        kind=int,
        label=_("Warn this many days before a seizure term ends"),
        basis="行政强制法第二十七条（期限内作出处理决定）；预警提前量由地方确定",
    )
)


@dataclass(frozen=True)
class AppraisalInterval:
    """A period of testing/appraisal (第二十五条第三款). `end` None: still under way."""

    start: dt.date
    end: dt.date | None = None


def excluded_days(intervals: Iterable[AppraisalInterval]) -> int:
    """Days not counted towards the term: the calendar days covered by finished testing intervals,
    both ends included, overlapping intervals counted once (行政强制法第二十五条第三款)."""
    days: set[dt.date] = set()
    for interval in intervals:
        if interval.end is None:
            continue
        current = interval.start
        while current <= interval.end:
            days.add(current)
            current += dt.timedelta(days=1)
    return len(days)


def term_end(
    measure: str,
    started_on: dt.date,
    *,
    extension_days: int = 0,
    testing: Iterable[AppraisalInterval] = (),
) -> dt.date | None:
    """The last day of the term (see `term_due`), without the provisional flag."""
    due = term_due(measure, started_on, extension_days=extension_days, testing=testing)
    return None if due is None else due.on


def term_due(
    measure: str,
    started_on: dt.date,
    *,
    extension_days: int = 0,
    testing: Iterable[AppraisalInterval] = (),
) -> Due | None:
    """The last day of the term, or None while testing is under way (the clock is stopped);
    provisional where it rests on a year whose holidays are not published yet.

    - 查封/扣押/暂扣: 30 natural days plus an approved extension plus excluded testing days
      (行政强制法第二十五条), one holiday adjustment at the end.
    - 先行登记保存: 7 working days (行政处罚法第五十六条、第八十五条); no extension, no exclusion.
    """
    if measure == Measure.PRESERVATION:
        if extension_days:
            raise ValueError("preservation has no extension")
        return PRESERVATION_TERM.due(started_on)
    intervals = list(testing)
    if any(i.end is None for i in intervals):
        return None
    if not 0 <= extension_days <= MAX_EXTENSION_DAYS:
        raise ValueError("extension out of range")
    total = SEIZURE_TERM.days + extension_days + excluded_days(intervals)
    return Period(days=total, kind=DayKind.NATURAL, article=ARTICLE_TERM).due(started_on)


def term_status(
    due_on: dt.date | None, *, today: dt.date, alert_days: int, disposed_on: dt.date | None = None
) -> TermStatus:
    """Colour of the term: met when disposed of by the last day, overdue after it, due soon within
    `alert_days` (ALERT_DAYS_BEFORE) of it."""
    if disposed_on is not None:
        if due_on is None or disposed_on <= due_on:
            return TermStatus.MET
        return TermStatus.OVERDUE
    if due_on is None:
        return TermStatus.PAUSED
    if today > due_on:
        return TermStatus.OVERDUE
    if (due_on - today).days <= alert_days:
        return TermStatus.DUE_SOON
    return TermStatus.OK


def check_measure(
    *,
    measure: str,
    officer_count: int,
    party_present: bool,
    witness: str,
    item_count: int,
    approved: bool,
    emergency: bool,
) -> None:
    """Gates before a measure is recorded (行政强制法第十八、十九、二十四条; 行政处罚法第五十六条)."""
    if measure not in Measure.__members__.values():
        raise ValueError(measure)
    if officer_count < MIN_OFFICERS:
        raise RuleViolation(
            _("A measure is carried out by at least two officers (行政强制法第十八条第二项)."),
            code="seizure_two_officers",
            article="行政强制法第十八条第二项",
        )
    if not party_present and not witness.strip():
        raise RuleViolation(
            _(
                "The party is absent: a witness must be invited and named in the on-site record "
                "(行政强制法第十八条第九项)."
            ),
            code="seizure_witness_required",
            article="行政强制法第十八条第九项",
        )
    if item_count < 1:
        raise RuleViolation(
            _("The decision needs an item list naming what is sealed or seized (行政强制法第二十四条)."),
            code="seizure_items_required",
            article=ARTICLE_DECISION,
        )
    if not approved and not emergency:
        article = ARTICLE_PRESERVATION if measure == Measure.PRESERVATION else "行政强制法第十八条第一项"
        raise RuleViolation(
            _(
                "The agency head must approve the measure beforehand, or within 24 hours in an "
                "emergency (%(article)s, 行政强制法第十九条)."
            )
            % {"article": article},
            code="seizure_approval_required",
            article=article,
        )


def check_extension(
    *, measure: str, previous_extensions: int, days: int, on: dt.date, current_due: dt.date | None
) -> None:
    """Gates for extending a term (行政强制法第二十五条; 行政处罚法第五十六条)."""
    if measure == Measure.PRESERVATION:
        raise RuleViolation(
            _(
                "Evidence registered for preservation must be dealt with within 7 working days; the law "
                "allows no extension (行政处罚法第五十六条)."
            ),
            code="preservation_no_extension",
            article=ARTICLE_PRESERVATION,
        )
    if previous_extensions >= MAX_EXTENSIONS:
        raise RuleViolation(
            _("A sealing or seizure term can be extended only once (行政强制法第二十五条)."),
            code="seizure_extension_once",
            article=ARTICLE_TERM,
        )
    if not 1 <= days <= MAX_EXTENSION_DAYS:
        raise RuleViolation(
            _("An extension may not exceed 30 days (行政强制法第二十五条)."),
            code="seizure_extension_too_long",
            article=ARTICLE_TERM,
        )
    if current_due is not None and on > current_due:
        raise RuleViolation(
            _(
                "The term has already expired: the measure must be lifted, not extended "
                "(行政强制法第二十五条、第二十八条第一款第四项)."
            ),
            code="seizure_term_expired",
            article=ARTICLE_RELEASE,
        )


def check_disposition(
    *,
    outcome: str,
    basis: str,
    proceeds: Decimal | None,
    confiscation_decided: bool,
) -> None:
    """Gates for the disposal of seized property (行政强制法第二十一、二十七、二十八条)."""
    if outcome not in Outcome.__members__.values():
        raise ValueError(outcome)
    if outcome == Outcome.CONFISCATED and not confiscation_decided:
        raise RuleViolation(
            _(
                "Property is confiscated only by a penalty decision that orders confiscation "
                "(行政强制法第二十七条)."
            ),
            code="confiscation_needs_decision",
            article=ARTICLE_OUTCOME,
        )
    if outcome == Outcome.DESTROYED and not basis.strip():
        raise RuleViolation(
            _(
                "Destruction needs the provision of a law or administrative regulation that requires it "
                "(行政强制法第二十七条)."
            ),
            code="destruction_needs_basis",
            article=ARTICLE_OUTCOME,
        )
    if outcome == Outcome.AUCTIONED and (proceeds is None or proceeds < 0):
        raise RuleViolation(
            _(
                "A sale must record its proceeds, which are returned if the measure is lifted "
                "(行政强制法第二十八条第二款)."
            ),
            code="auction_needs_proceeds",
            article=ARTICLE_RELEASE,
        )
