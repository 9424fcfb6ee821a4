"""The rules of 行政诉讼法 (2017) and of 最高人民法院关于适用《中华人民共和国行政诉讼法》的解释 (2018,
"行诉解释") that an agency defending a suit tracks: when a suit may still be brought, the defence
period, the head of the agency in court (负责人出庭应诉), the judgments and which of them the agency
lost, and the appeal periods.

How days count: 行政诉讼法第一百零一条 applies 民事诉讼法's rules on periods — the triggering day is not
counted and a last day on a statutory holiday moves to the next working day, for day, month and year
periods alike (`law.limits`). The law has no working-day rule: its 十日、十五日 are natural days.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any

from django.utils.translation import gettext_lazy as _

from zhifa.core.errors import InvalidInput, RuleViolation
from zhifa.law.days import DayKind, Due, Period, Timeliness, period_end
from zhifa.law.limits import Limit, Obstacle, add_months, add_years, earliest, ends_on, stopped_end

ART_3 = "行政诉讼法第三条第三款"
ART_45 = "行政诉讼法第四十五条"
ART_46_1 = "行政诉讼法第四十六条第一款"
ART_46_2 = "行政诉讼法第四十六条第二款"
ART_47 = "行政诉讼法第四十七条"
ART_48_1 = "行政诉讼法第四十八条第一款"
ART_48_2 = "行政诉讼法第四十八条第二款"
ART_67 = "行政诉讼法第六十七条"
ART_81 = "行政诉讼法第八十一条"
ART_83 = "行政诉讼法第八十三条"
ART_85 = "行政诉讼法第八十五条"
ART_88 = "行政诉讼法第八十八条"
INTERPRETATION = "最高人民法院关于适用《中华人民共和国行政诉讼法》的解释"
INTERP_64 = f"{INTERPRETATION}第六十四条"
INTERP_65 = f"{INTERPRETATION}第六十五条"
INTERP_66 = f"{INTERPRETATION}第六十六条"
INTERP_128_132 = f"{INTERPRETATION}第一百二十八条至第一百三十二条"
INTERP_129 = f"{INTERPRETATION}第一百二十九条"

# --- When a suit may be brought (arts. 45–48; 行诉解释 arts. 64–66) ------------------------------
SUIT_MONTHS = 6  # 第四十六条第一款：知道或者应当知道作出行政行为之日起六个月内
NOT_INFORMED_CAP_YEARS = 1  # 行诉解释第六十四条：未告知起诉期限，最长不超过一年
MAX_YEARS_REAL_ESTATE = 20  # 第四十六条第二款：不动产二十年
MAX_YEARS_OTHER = 5  # 第四十六条第二款：其他五年
AFTER_RECONSIDERATION_PERIOD = Period(15, DayKind.NATURAL, ART_45)  # 收到复议决定书之日起十五日内
INACTION_WAIT_MONTHS = 2  # 第四十七条：接到申请之日起两个月内不履行
EXTENSION_REQUEST_PERIOD = Period(10, DayKind.NATURAL, ART_48_2)  # 障碍消除后十日内申请延长


@dataclass(frozen=True)
class SuitLimit:
    """The last day to sue and the limits it was the earliest of (each with its article)."""

    limit: Limit
    parts: tuple[Limit, ...]

    def timeliness(self, filed_on: dt.date) -> Timeliness:
        return self.limit.timeliness(filed_on)


def suit_limit(
    *,
    knew_act_on: dt.date,
    informed: bool = True,
    knew_period_on: dt.date | None = None,
    acted_on: dt.date | None = None,
    real_estate: bool = False,
    obstacles: Iterable[Obstacle] = (),
) -> SuitLimit:
    """A direct suit (第四十六条): six months from knowing (or when one should have known) the act.

    - `informed`: whether the act told the party of the period to sue. When it did not, the six
      months run from `knew_period_on`, but never beyond one year from knowing the act's content
      (行诉解释第六十四条); while the party has not learnt the period only that year binds.
    - `acted_on`: with it, the twenty years (real estate) or five years from the act bind
      (第四十六条第二款; 行诉解释第六十五条 for a party that did not know the act's content).
    - `obstacles`: force majeure or another cause not the party's own (第四十八条第一款): the time lost
      is not counted. Other special circumstances only allow the party to ask the court for more time
      within ten days of their end (第四十八条第二款, `extension_request_due`). The outer limits are
      maximum limits and do not stop.
    """
    obstacles = tuple(obstacles)
    parts: list[Limit] = []
    start = knew_act_on if informed else knew_period_on
    if start is not None:
        if start < knew_act_on:
            raise InvalidInput(
                _("The party cannot learn of the period to sue before knowing of the act."),
                detail={"field": "knew_period_on"},
            )
        article = ART_46_1 if informed else f"{ART_46_1}、{INTERP_64}"
        if obstacles:
            article = f"{article}、{ART_48_1}"
        nominal = stopped_end(start, add_months(start, SUIT_MONTHS), obstacles, article)
        parts.append(ends_on(nominal, article))
    if not informed:
        parts.append(ends_on(add_years(knew_act_on, NOT_INFORMED_CAP_YEARS), INTERP_64))
    if acted_on is not None:
        if acted_on > knew_act_on:
            raise InvalidInput(
                _("The party cannot know of the act before it was made."), detail={"field": "acted_on"}
            )
        years = MAX_YEARS_REAL_ESTATE if real_estate else MAX_YEARS_OTHER
        parts.append(ends_on(add_years(acted_on, years), f"{ART_46_2}；{INTERP_65}"))
    return SuitLimit(earliest(*parts), tuple(parts))


def after_reconsideration_due(*, decision_received_on: dt.date) -> Due:
    """第四十五条 (and 行政复议法第三十四条): fifteen days from receiving the reconsideration decision.
    When the organ did not decide in time, pass the last day of its decision period: the fifteen days
    then run from it."""
    return period_end(AFTER_RECONSIDERATION_PERIOD, decision_received_on)


def check_suit_in_time(*, limit: SuitLimit, filed_on: dt.date) -> Timeliness:
    """Whether a suit filed on `filed_on` was in time; a late one is refused naming the article that
    decided (the court would not accept it). Provisional answers favour the party."""
    answer = limit.timeliness(filed_on)
    if not answer.in_time:
        end = limit.limit.on
        raise RuleViolation(
            _("The time to sue ended on %(end)s (%(article)s).")
            % {"end": end.isoformat(), "article": limit.limit.article},
            code="suit_late",
            article=limit.limit.article,
            detail={"period_end": end.isoformat()},
        )
    return answer


def inaction_suit_opens_on(*, applied_on: dt.date, duty_months: int = INACTION_WAIT_MONTHS) -> dt.date:
    """第四十七条第一款: a suit for failing to perform a duty may be brought once the agency has not
    acted within two months of the application (or the period a law or regulation sets): the day after
    that period. Emergencies (第二款) are not bound by it."""
    return add_months(applied_on, duty_months) + dt.timedelta(days=1)


def inaction_suit_limit(*, applied_on: dt.date, duty_months: int = INACTION_WAIT_MONTHS) -> Limit:
    """行诉解释第六十六条: six months from the end of the agency's period to perform."""
    duty_end = add_months(applied_on, duty_months)
    return ends_on(add_months(duty_end, SUIT_MONTHS), f"{ART_47}；{INTERP_66}")


def extension_request_due(*, obstacle_removed_on: dt.date) -> Due:
    """第四十八条第二款: ten days after another special circumstance ends, to ask the court for more time."""
    return period_end(EXTENSION_REQUEST_PERIOD, obstacle_removed_on)


# --- The agency as defendant (arts. 67, 81, 83, 88) ----------------------------------------------
DEFENCE_PERIOD = Period(15, DayKind.NATURAL, ART_67)  # 收到起诉状副本之日起十五日内提交证据和答辩状
FIRST_INSTANCE_MONTHS = 6  # 第八十一条：立案之日起六个月内作出第一审判决
SIMPLE_FIRST_INSTANCE_PERIOD = Period(45, DayKind.NATURAL, ART_83)  # 简易程序：四十五日内审结
APPEAL_TRIAL_MONTHS = 3  # 第八十八条：收到上诉状之日起三个月内作出终审判决


def defence_due(*, complaint_copy_received_on: dt.date) -> Due:
    """第六十七条: the defendant submits the evidence and normative documents behind the act and its
    defence within fifteen days of receiving the copy of the complaint."""
    return period_end(DEFENCE_PERIOD, complaint_copy_received_on)


def first_instance_due(*, filed_on: dt.date, simple: bool = False) -> Limit:
    """The court's own period (第八十一条, 第八十三条); shown to the agency, extended by the court."""
    if simple:
        due = period_end(SIMPLE_FIRST_INSTANCE_PERIOD, filed_on)
        return Limit(due, due.on, ART_83)
    return ends_on(add_months(filed_on, FIRST_INSTANCE_MONTHS), ART_81)


def appeal_trial_due(*, appeal_received_on: dt.date) -> Limit:
    return ends_on(add_months(appeal_received_on, APPEAL_TRIAL_MONTHS), ART_88)


# --- Appeal periods (art. 85) ---------------------------------------------------------------------


class RulingKind(StrEnum):
    JUDGMENT = "judgment"  # 判决：十五日
    RULING = "ruling"  # 裁定：十日


APPEAL_PERIODS: Mapping[RulingKind, Period] = {
    RulingKind.JUDGMENT: Period(15, DayKind.NATURAL, ART_85),
    RulingKind.RULING: Period(10, DayKind.NATURAL, ART_85),
}


def appeal_due(*, kind: RulingKind, served_on: dt.date) -> Due:
    """第八十五条: appeal within fifteen days of service of a first-instance judgment, ten of a ruling."""
    return period_end(APPEAL_PERIODS[kind], served_on)


def final_on(*, kind: RulingKind, served_on: Sequence[dt.date]) -> Due:
    """The last day any party may still appeal, when each was served on its own day: the first-instance
    judgment or ruling takes effect after it if nobody appealed (第八十五条)."""
    if not served_on:
        raise InvalidInput(_("Enter the day the judgment was served."), detail={"field": "served_on"})
    dues = [appeal_due(kind=kind, served_on=day) for day in served_on]
    last = max(d.on for d in dues)
    return Due(last, any(d.provisional for d in dues))


# --- The head of the agency in court (art. 3; 行诉解释 arts. 128–132) ------------------------------


class Appearance(StrEnum):
    """Who appeared for the defendant agency at a hearing."""

    HEAD = "head"  # 负责人：正职、副职或者参与分管的负责人（行诉解释第一百二十八条第一款）
    STAFF = "staff"  # 委托相应的工作人员（第三条第三款；行诉解释第一百三十条）
    LAWYER_ONLY = "lawyer_only"  # 仅委托律师（行诉解释第一百二十八条第二款禁止）
    NONE = "none"  # 无人出庭


@dataclass(frozen=True)
class AppearanceFinding:
    head_appeared: bool
    compliant: bool
    problem: str  # "" when compliant; otherwise a code naming what the law required
    article: str


def assess_appearance(
    *, appearance: Any, head_required: bool = False, absence_explained: bool = False
) -> AppearanceFinding:
    """第三条第三款: the head of the sued agency should appear; one who cannot sends staff of the agency
    (never only a lawyer, 行诉解释第一百二十八条第二款). Where the case concerns a major public interest
    or draws wide attention, or the court asked in writing (`head_required`, 行诉解释第一百二十九条), the
    head must appear, and an absence needs a written explanation with a proper reason."""
    try:
        kind = Appearance(str(appearance))
    except ValueError:
        raise InvalidInput(_("Unknown kind of appearance."), detail={"field": "appearance"}) from None
    if kind == Appearance.HEAD:
        return AppearanceFinding(True, True, "", ART_3)
    if kind in (Appearance.LAWYER_ONLY, Appearance.NONE):
        return AppearanceFinding(False, False, "no_agency_staff_in_court", f"{ART_3}；{INTERP_128_132}")
    if head_required and not absence_explained:
        return AppearanceFinding(False, False, "head_absence_unexplained", f"{ART_3}；{INTERP_129}")
    return AppearanceFinding(False, True, "", ART_3)


def check_appearance_record(
    *,
    appearance: Any,
    delegate_name: str = "",
    head_required: bool = False,
    absence_reason: str = "",
) -> AppearanceFinding:
    """What a hearing record needs: who appeared for the agency (staff by name, 行诉解释第一百三十一条)
    and, when the head had to appear and did not, the written explanation (行诉解释第一百二十九条第三款).
    An appearance that breaks the rule is still recorded — it happened — and the finding says so."""
    finding = assess_appearance(
        appearance=appearance, head_required=head_required, absence_explained=bool(absence_reason.strip())
    )
    if Appearance(str(appearance)) == Appearance.STAFF and not delegate_name.strip():
        raise InvalidInput(
            _("Name the staff member who appeared for the agency."), detail={"field": "delegate_name"}
        )
    if finding.problem == "head_absence_unexplained":
        raise RuleViolation(
            _(
                "The head of the agency had to appear in this case; record the written explanation of "
                "the absence (%(article)s)."
            )
            % {"article": INTERP_129},
            code="head_absence_unexplained",
            article=INTERP_129,
        )
    return finding


def head_appearance_rate(appearances: Iterable[Appearance]) -> Decimal | None:
    """负责人出庭应诉率: hearings the head attended over hearings held, to four places."""
    held = attended = 0
    for appearance in appearances:
        held += 1
        attended += appearance == Appearance.HEAD
    if not held:
        return None
    return (Decimal(attended) / Decimal(held)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


# --- Judgments (arts. 69–78) and the loss rate ----------------------------------------------------


class Judgment(StrEnum):
    """How a first- or second-instance case ended, in the glossary's codes (judgments, then rulings)."""

    DISMISSED = "dismissed"  # 判决驳回诉讼请求（第六十九条；取代旧法的"维持"）
    REVOKED = "revoked"  # 撤销或者部分撤销，可判决重作（第七十条）
    ORDERED_TO_PERFORM = "ordered_to_perform"  # 判决履行法定职责（第七十二条）
    ORDERED_TO_PAY = "ordered_to_pay"  # 判决履行给付义务（第七十三条）
    DECLARED_UNLAWFUL = "declared_unlawful"  # 确认违法（第七十四条）
    DECLARED_VOID = "declared_void"  # 确认无效（第七十五条）
    CHANGED = "changed"  # 变更（第七十七条）
    AGREEMENT_LIABILITY = "agreement_liability"  # 行政协议：继续履行、补救、赔偿、补偿（第七十八条）
    SUIT_REJECTED = "suit_rejected"  # 裁定驳回起诉
    WITHDRAWN = "withdrawn"  # 准予撤诉（第六十二条）
    MEDIATED = "mediated"  # 调解（第六十条）


JUDGMENT_ARTICLES: Mapping[Judgment, str] = {
    Judgment.DISMISSED: "行政诉讼法第六十九条",
    Judgment.REVOKED: "行政诉讼法第七十条",
    Judgment.ORDERED_TO_PERFORM: "行政诉讼法第七十二条",
    Judgment.ORDERED_TO_PAY: "行政诉讼法第七十三条",
    Judgment.DECLARED_UNLAWFUL: "行政诉讼法第七十四条",
    Judgment.DECLARED_VOID: "行政诉讼法第七十五条",
    Judgment.CHANGED: "行政诉讼法第七十七条",
    Judgment.AGREEMENT_LIABILITY: "行政诉讼法第七十八条",
    Judgment.SUIT_REJECTED: f"{INTERPRETATION}第六十九条",
    Judgment.WITHDRAWN: "行政诉讼法第六十二条",
    Judgment.MEDIATED: "行政诉讼法第六十条",
}

# 败诉: the court found against the act or the agency. A dismissed claim, a rejected suit, a withdrawal
# and a mediation are not losses.
LOSING_JUDGMENTS = frozenset(
    {
        Judgment.REVOKED,
        Judgment.ORDERED_TO_PERFORM,
        Judgment.ORDERED_TO_PAY,
        Judgment.DECLARED_UNLAWFUL,
        Judgment.DECLARED_VOID,
        Judgment.CHANGED,
        Judgment.AGREEMENT_LIABILITY,
    }
)
RULING_ENDINGS = frozenset({Judgment.SUIT_REJECTED})  # appealed within ten days, not fifteen


def parse_judgment(value: Any) -> Judgment:
    try:
        return Judgment(str(value))
    except ValueError:
        raise InvalidInput(_("Unknown judgment."), detail={"field": "judgment"}) from None


def is_loss(judgment: Judgment) -> bool:
    return judgment in LOSING_JUDGMENTS


def ruling_kind(judgment: Judgment) -> RulingKind:
    """Which appeal period applies to how a first instance ended (第八十五条)."""
    return RulingKind.RULING if judgment in RULING_ENDINGS else RulingKind.JUDGMENT


def loss_rate(endings: Iterable[Judgment]) -> Decimal | None:
    """败诉率: cases the agency lost over cases concluded (审结, every ending counts), to four places;
    None when none was concluded. Count each case once, by its final ending."""
    concluded = lost = 0
    for ending in endings:
        concluded += 1
        lost += is_loss(ending)
    if not concluded:
        return None
    return (Decimal(lost) / Decimal(concluded)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
