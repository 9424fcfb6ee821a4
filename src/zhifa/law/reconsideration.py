"""The rules of 行政复议法 (2023, in force 1 January 2024) that a reconsideration must pass: the
application period and its limits, acceptance and amendment, the respondent's answer, the decision
period and its one extension, suspension and termination, mediation and settlement, the outcomes and
which of them correct the act.

How days count (第八十八条): the law's 三日、五日、七日、十日 are working days; its other periods (the
60-day application and decision periods, 30 days of the simple procedure) are natural days under
民事诉讼法 (the triggering day is not counted, a last day on a holiday moves to the next working day).
Years follow 民法典第二百零二条 (`law.limits`).

Functions are pure apart from reading the working-day calendar; gates raise `RuleViolation` (422)
whose Chinese message names the article. Where a party's act is judged against a provisional last day
the party gets the latest day any official calendar could give, and the answer says it is provisional.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any

from django.utils.translation import gettext_lazy as _

from zhifa.core import calendar
from zhifa.core.errors import InvalidInput, RuleViolation
from zhifa.law.days import DayKind, Due, Period, Timeliness, period_elapsed, period_end, timeliness
from zhifa.law.limits import Limit, Obstacle, add_years, earliest, ends_on, stopped_end
from zhifa.law.penalty import Measure, is_heavier

# --- Articles, cited verbatim in refusals and records --------------------------------------------
ART_20_1 = "行政复议法第二十条第一款"
ART_20_2 = "行政复议法第二十条第二款"
ART_20_3 = "行政复议法第二十条第三款"
ART_21 = "行政复议法第二十一条"
ART_30 = "行政复议法第三十条、第八十八条"
ART_30_3 = "行政复议法第三十条第三款"
ART_31_1 = "行政复议法第三十一条第一款、第八十八条"
ART_31_2 = "行政复议法第三十一条第二款、第八十八条"
ART_32 = "行政复议法第三十二条、第八十八条"
ART_39 = "行政复议法第三十九条"
ART_41 = "行政复议法第四十一条"
ART_48 = "行政复议法第四十八条、第八十八条"
ART_51 = "行政复议法第五十一条、第八十八条"
ART_53 = "行政复议法第五十三条"
ART_54 = "行政复议法第五十四条、第八十八条"
ART_55 = "行政复议法第五十五条"
ART_56 = "行政复议法第五十六条、第八十八条"
ART_58 = "行政复议法第五十八条、第八十八条"
ART_60 = "行政复议法第六十条"
ART_62_1 = "行政复议法第六十二条第一款"
ART_62_2 = "行政复议法第六十二条第二款"
ART_63 = "行政复议法第六十三条第二款"
ART_70 = "行政复议法第七十条"
ART_73 = "行政复议法第七十三条"
ART_74 = "行政复议法第七十四条"
ART_5 = "行政复议法第五条第二款"
ART_76 = "行政复议法第七十六条"

# --- Application (arts. 20, 21) --------------------------------------------------------------------
APPLICATION_DAYS = 60  # 第二十条第一款：知道或者应当知道该行政行为之日起六十日内
NOT_INFORMED_CAP_YEARS = 1  # 第二十条第三款：自知道行政行为内容之日起最长不得超过一年
MAX_YEARS_REAL_ESTATE = 20  # 第二十一条：因不动产，自行政行为作出之日起二十年
MAX_YEARS_OTHER = 5  # 第二十一条：其他，五年


@dataclass(frozen=True)
class ApplicationLimit:
    """The last day to apply for reconsideration and how it was reached, so the record can show it.
    `limit` is the earliest of `parts` (each a Limit with its article)."""

    limit: Limit
    parts: tuple[Limit, ...]

    def timeliness(self, applied_on: dt.date) -> Timeliness:
        return self.limit.timeliness(applied_on)


def application_limit(
    *,
    knew_act_on: dt.date,
    informed: bool = True,
    knew_rights_on: dt.date | None = None,
    acted_on: dt.date | None = None,
    real_estate: bool = False,
    obstacles: Iterable[Obstacle] = (),
    statutory_days: int | None = None,
) -> ApplicationLimit:
    """The application period of 第二十条 and the outer limits of 第二十条第三款 and 第二十一条.

    - `knew_act_on`: the day the party knew or should have known the act (its content).
    - `informed`: whether the act told the party of the right to apply, the reconsideration organ and
      the period (第二十条第三款). When it did not, the 60 days run from `knew_rights_on` (the day the
      party learnt all three), but never beyond one year from `knew_act_on`; while the party has not
      learnt them (`knew_rights_on` None) only that one year binds.
    - `acted_on`: the day the act was made; with it, 第二十一条's twenty years (real estate) or five
      years bind. Unknown → not applied (a missing fact never counts against the party).
    - `obstacles`: 不可抗力 or other proper reasons (第二十条第二款): the 60 days stop while one lasts
      and continue after it. The outer limits are maximum limits ("最长不得超过", "超过……不予受理") and
      do not stop.
    - `statutory_days`: a law that gives more than 60 days (第二十条第一款但书).
    """
    days = APPLICATION_DAYS
    if statutory_days is not None:
        if statutory_days < APPLICATION_DAYS:
            raise InvalidInput(
                _("Only a law giving a longer application period replaces the sixty days."),
                detail={"field": "statutory_days"},
            )
        days = statutory_days
    obstacles = tuple(obstacles)
    parts: list[Limit] = []
    start = knew_act_on if informed else knew_rights_on
    if start is not None:
        if start < knew_act_on:
            raise InvalidInput(
                _("The party cannot learn of the right to apply before knowing of the act."),
                detail={"field": "knew_rights_on"},
            )
        article = ART_20_1 if informed else ART_20_3
        if obstacles:
            article = f"{article}、{ART_20_2}"
        nominal = stopped_end(start, start + dt.timedelta(days=days), obstacles, article)
        parts.append(ends_on(nominal, article))
    if not informed:
        parts.append(ends_on(add_years(knew_act_on, NOT_INFORMED_CAP_YEARS), ART_20_3))
    if acted_on is not None:
        if acted_on > knew_act_on:
            raise InvalidInput(
                _("The party cannot know of the act before it was made."), detail={"field": "acted_on"}
            )
        years = MAX_YEARS_REAL_ESTATE if real_estate else MAX_YEARS_OTHER
        parts.append(ends_on(add_years(acted_on, years), ART_21))
    return ApplicationLimit(earliest(*parts), tuple(parts))


def check_application_in_time(*, limit: ApplicationLimit, applied_on: dt.date) -> Timeliness:
    """Refuse an application made after its limit (第三十条第一款第（四）项: only applications in time
    are accepted); returns the answer with its provisional flag."""
    answer = limit.timeliness(applied_on)
    if not answer.in_time:
        end = limit.limit.on
        article = limit.limit.article
        raise RuleViolation(
            _("The application was made after the application period, which ended on %(end)s (%(article)s).")
            % {"end": end.isoformat(), "article": article},
            # 第二十一条 bars the application outright however the party learnt of the act
            code="application_beyond_maximum" if article == ART_21 else "application_late",
            article=article,
            detail={"period_end": end.isoformat()},
        )
    return answer


# --- Acceptance and amendment (arts. 30–32) --------------------------------------------------------
ACCEPTANCE_REVIEW_PERIOD = Period(5, DayKind.WORKING, ART_30)  # 收到申请后五日内审查
AMENDMENT_NOTICE_PERIOD = Period(5, DayKind.WORKING, ART_31_1)  # 五日内书面通知补正
AMENDMENT_PERIOD = Period(10, DayKind.WORKING, ART_31_2)  # 收到补正通知之日起十日内提交补正材料
FORWARD_PERIOD = Period(5, DayKind.WORKING, ART_32)  # 经作出处罚的机关提交：五日内转送复议机关


def acceptance_review_due(received_on: dt.date) -> Due:
    """Last day of the acceptance review (第三十条第一款). After amended materials arrive the review
    runs again from their receipt (第三十一条第三款): pass that day as `received_on`."""
    return period_end(ACCEPTANCE_REVIEW_PERIOD, received_on)


def deemed_accepted(*, received_on: dt.date, on: dt.date, decided: bool) -> bool:
    """第三十条第三款: without a refusal by the end of the review period the application counts as
    accepted from the day the period ended. True once that day has passed without a decision."""
    return not decided and period_elapsed(ACCEPTANCE_REVIEW_PERIOD, received_on, on)


def deemed_acceptance_date(received_on: dt.date) -> Due:
    """The day a deemed acceptance takes effect: the last day of the review period (第三十条第三款)."""
    return acceptance_review_due(received_on)


def check_refusal_in_time(*, received_on: dt.date, refused_on: dt.date) -> None:
    """A refusal to accept (不予受理) must come within the review period (第三十条第二款); after it the
    application is already accepted (第三十条第三款) and only a dismissal after acceptance (第三十三条)
    remains."""
    if period_elapsed(ACCEPTANCE_REVIEW_PERIOD, received_on, refused_on):
        end = acceptance_review_due(received_on).on
        raise RuleViolation(
            _(
                "The review period ended on %(end)s and the application counts as accepted; it can no "
                "longer be refused (%(article)s)."
            )
            % {"end": end.isoformat(), "article": ART_30_3},
            code="refusal_after_review_period",
            article=ART_30_3,
            detail={"review_end": end.isoformat()},
        )


def check_amendment_notice(*, received_on: dt.date, notified_on: dt.date, earlier_notices: int) -> None:
    """第三十一条第一款: one written notice, within five working days of receipt, listing everything
    to amend at once (一次性载明)."""
    if earlier_notices > 0:
        raise RuleViolation(
            _(
                "An amendment notice must list everything to amend at once; a second notice is not "
                "allowed (%(article)s)."
            )
            % {"article": ART_31_1},
            code="amendment_notice_repeated",
            article=ART_31_1,
        )
    if period_elapsed(AMENDMENT_NOTICE_PERIOD, received_on, notified_on):
        end = period_end(AMENDMENT_NOTICE_PERIOD, received_on).on
        raise RuleViolation(
            _("The amendment notice had to be sent by %(end)s (%(article)s).")
            % {"end": end.isoformat(), "article": ART_31_1},
            code="amendment_notice_late",
            article=ART_31_1,
            detail={"notice_end": end.isoformat()},
        )


def amendment_due(*, notice_received_on: dt.date, extension_days: int = 0) -> Due:
    """Last day for the amended materials: ten working days from receiving the notice, plus the
    reasonable extension the organ granted for a proper reason (第三十一条第二款), in working days."""
    if extension_days < 0:
        raise InvalidInput(_("An extension cannot be negative."), detail={"field": "extension_days"})
    return period_end(AMENDMENT_PERIOD, notice_received_on, extra_days=extension_days)


def check_amendment_in_time(
    *, notice_received_on: dt.date, amended_on: dt.date, extension_days: int = 0
) -> Timeliness:
    """Amended materials after the period without a proper reason: the application counts as
    abandoned (第三十一条第二款) — refuse them; the organ may first grant an extension."""
    if extension_days < 0:
        raise InvalidInput(_("An extension cannot be negative."), detail={"field": "extension_days"})
    answer = timeliness(AMENDMENT_PERIOD, notice_received_on, amended_on, extra_days=extension_days)
    if not answer.in_time:
        raise RuleViolation(
            _(
                "The amendment period ended on %(end)s; without a proper reason the application counts "
                "as abandoned (%(article)s)."
            )
            % {"end": answer.due.on.isoformat(), "article": ART_31_2},
            code="amendment_late",
            article=ART_31_2,
            detail={"period_end": answer.due.on.isoformat()},
        )
    return answer


def deemed_abandoned(*, notice_received_on: dt.date, on: dt.date, extension_days: int = 0) -> bool:
    """第三十一条第二款: no amendment by the end of the (extended) period → the application counts as
    abandoned. Over only after the latest day the party could be owed."""
    return period_elapsed(AMENDMENT_PERIOD, notice_received_on, on, extra_days=extension_days)


# --- Procedure: ordinary and simple (arts. 48, 51, 53–55) -----------------------------------------
COPY_PERIOD = Period(7, DayKind.WORKING, ART_48)  # 受理之日起七日内发送申请书副本
ANSWER_PERIOD = Period(10, DayKind.WORKING, ART_48)  # 收到副本之日起十日内书面答复并提交证据
SIMPLE_COPY_PERIOD = Period(3, DayKind.WORKING, ART_54)  # 简易程序：三日内发送
SIMPLE_ANSWER_PERIOD = Period(5, DayKind.WORKING, ART_54)  # 简易程序：五日内答复
HEARING_NOTICE_WORKING_DAYS = 5  # 第五十一条：举行听证的五日前书面通知
SIMPLE_AMOUNT_MAX = Decimal("3000")  # 第五十三条第一款第（三）项：款额三千元以下（含本数）


def copy_due(*, accepted_on: dt.date, simple: bool = False) -> Due:
    """Send the application (or the record of an oral one) to the respondent (第四十八条、第五十四条)."""
    return period_end(SIMPLE_COPY_PERIOD if simple else COPY_PERIOD, accepted_on)


def answer_due(*, copy_received_on: dt.date, simple: bool = False) -> Due:
    """The respondent's written answer with the evidence and basis of the act (第四十八条、第五十四条)."""
    return period_end(SIMPLE_ANSWER_PERIOD if simple else ANSWER_PERIOD, copy_received_on)


def answer_late(
    *, copy_received_on: dt.date, answered_on: dt.date | None, on: dt.date, simple: bool = False
) -> bool:
    """Did the respondent miss its answer period? (the consequence is 第七十条). The respondent is an
    agency: its period ends on its own last day, with no benefit of a provisional calendar."""
    due = answer_due(copy_received_on=copy_received_on, simple=simple).on
    if answered_on is not None:
        return answered_on > due
    return on > due


def simple_procedure_allowed(
    *,
    on_the_spot: bool = False,
    warning_only: bool = False,
    amount: Decimal | None = None,
    government_information: bool = False,
    all_parties_agree: bool = False,
) -> bool:
    """第五十三条: an act made on the spot, a warning or 通报批评, ≤ ¥3,000 at stake, or a government
    information case; any other case when all parties agree. (Clear facts and little dispute are the
    organ's own judgement.)"""
    return (
        on_the_spot
        or warning_only
        or (amount is not None and amount <= SIMPLE_AMOUNT_MAX)
        or government_information
        or all_parties_agree
    )


def check_simple_procedure(
    *,
    on_the_spot: bool = False,
    warning_only: bool = False,
    amount: Decimal | None = None,
    government_information: bool = False,
    all_parties_agree: bool = False,
) -> None:
    if not simple_procedure_allowed(
        on_the_spot=on_the_spot,
        warning_only=warning_only,
        amount=amount,
        government_information=government_information,
        all_parties_agree=all_parties_agree,
    ):
        raise RuleViolation(
            _(
                "The simple procedure applies only to acts made on the spot, warnings, amounts of 3,000 "
                "yuan or less, government information cases, or when all parties agree (%(article)s)."
            )
            % {"article": ART_53},
            code="simple_procedure_not_allowed",
            article=ART_53,
        )


def check_hearing_notice(*, notice_served_on: dt.date, held_on: dt.date) -> None:
    """第五十一条: the parties are told the time, place and matters in writing five (working, 第八十八条)
    days before the hearing; a provisional day that could be a holiday does not count."""
    if (
        calendar.working_days_between(notice_served_on, held_on, party_favour=True)
        < HEARING_NOTICE_WORKING_DAYS
    ):
        raise RuleViolation(
            _(
                "The hearing notice must reach the parties at least five working days before the "
                "hearing (%(article)s)."
            )
            % {"article": ART_51},
            code="hearing_notice_too_late",
            article=ART_51,
        )


# --- Decision period (art. 62) ---------------------------------------------------------------------
DECISION_PERIOD = Period(60, DayKind.NATURAL, ART_62_1)  # 受理之日起六十日内
SIMPLE_DECISION_PERIOD = Period(30, DayKind.NATURAL, ART_62_2)  # 简易程序：三十日内
MAX_EXTENSION_DAYS = 30  # 第六十二条第一款：延长期限最多不得超过三十日


def decision_due(
    *,
    accepted_on: dt.date,
    simple: bool = False,
    extension_days: int = 0,
    suspended_days: int = 0,
    statutory_days: int | None = None,
) -> Due:
    """Last day for the decision (第六十二条): 60 days from acceptance in the ordinary procedure,
    lengthened once by at most 30 days; 30 days in the simple procedure, which cannot be extended (a
    case that needs longer is converted to the ordinary procedure, 第五十五条, and then counts 60 days
    from acceptance). `statutory_days`: a law setting a shorter period (第六十二条第一款但书).

    `suspended_days`: the days the review stood suspended (中止, 第三十九条). The review does not run
    while suspended and resumes when the cause ends, so those days do not count against the period —
    the reading applied in practice; the period is lengthened by them as one period, so the holiday
    rule applies once, at its end."""
    if simple and extension_days:
        raise RuleViolation(
            _(
                "The simple procedure has no extension; convert the case to the ordinary procedure "
                "first (%(article)s)."
            )
            % {"article": f"{ART_62_2}、{ART_55}"},
            code="simple_procedure_no_extension",
            article=f"{ART_62_2}、{ART_55}",
        )
    if not 0 <= extension_days <= MAX_EXTENSION_DAYS:
        raise RuleViolation(
            _("The decision period can be extended by thirty days at most (%(article)s).")
            % {"article": ART_62_1},
            code="extension_too_long",
            article=ART_62_1,
        )
    if suspended_days < 0:
        raise InvalidInput(_("Suspended days cannot be negative."), detail={"field": "suspended_days"})
    period = SIMPLE_DECISION_PERIOD if simple else DECISION_PERIOD
    if statutory_days is not None and not simple:
        if not 0 < statutory_days <= DECISION_PERIOD.days:
            raise InvalidInput(
                _("Only a law giving a shorter decision period replaces the sixty days."),
                detail={"field": "statutory_days"},
            )
        period = Period(statutory_days, DayKind.NATURAL, ART_62_1)
    return period_end(period, accepted_on, extra_days=extension_days + suspended_days)


def check_extension(
    *,
    simple: bool,
    earlier_extensions: int,
    requested_days: int,
    accepted_on: dt.date,
    requested_on: dt.date,
    suspended_days: int = 0,
) -> None:
    """第六十二条第一款: a complex case may be extended once, with the approval of the head of the
    reconsideration office, by 30 days at most, and the parties are told in writing. The extension is
    decided before the period ends: an expired period cannot be revived."""
    if simple:
        raise RuleViolation(
            _(
                "The simple procedure has no extension; convert the case to the ordinary procedure "
                "first (%(article)s)."
            )
            % {"article": f"{ART_62_2}、{ART_55}"},
            code="simple_procedure_no_extension",
            article=f"{ART_62_2}、{ART_55}",
        )
    if earlier_extensions > 0:
        raise RuleViolation(
            _("The decision period can be extended only once (%(article)s).") % {"article": ART_62_1},
            code="extension_repeated",
            article=ART_62_1,
        )
    if not 1 <= requested_days <= MAX_EXTENSION_DAYS:
        raise RuleViolation(
            _("The decision period can be extended by thirty days at most (%(article)s).")
            % {"article": ART_62_1},
            code="extension_too_long",
            article=ART_62_1,
        )
    due = decision_due(accepted_on=accepted_on, suspended_days=suspended_days)
    if requested_on > due.on:
        raise RuleViolation(
            _("The decision period ended on %(end)s and can no longer be extended (%(article)s).")
            % {"end": due.on.isoformat(), "article": ART_62_1},
            code="extension_after_period",
            article=ART_62_1,
            detail={"period_end": due.on.isoformat()},
        )


# --- Suspension (art. 39) and termination (art. 41) -----------------------------------------------


class SuspensionGround(StrEnum):
    """第三十九条第一款: the closed list of grounds for suspending a reconsideration (中止)."""

    APPLICANT_DIED = "applicant_died"  # （一）公民死亡，近亲属尚未确定是否参加
    APPLICANT_INCAPACITATED = "applicant_incapacitated"  # （二）丧失行为能力，尚未确定法定代理人
    APPLICANT_MISSING = "applicant_missing"  # （三）下落不明
    ORGANISATION_ENDED = "organisation_ended"  # （四）法人或其他组织终止，尚未确定权利义务承受人
    FORCE_MAJEURE = "force_majeure"  # （五）不可抗力或者其他正当理由不能参加
    MEDIATION = "mediation"  # （六）调解、和解，申请人和被申请人同意中止
    INTERPRETATION_NEEDED = "interpretation_needed"  # （七）法律适用需要有权机关解释或者确认
    AWAITING_OTHER_CASE = "awaiting_other_case"  # （八）需要以其他案件的审理结果为依据
    NORMATIVE_REVIEW = "normative_review"  # （九）第五十六条、第五十七条（规范性文件附带审查）
    OTHER = "other"  # （十）需要中止的其他情形


SUSPENSION_ITEMS: Mapping[SuspensionGround, str] = {
    ground: f"{ART_39}第一款第（{n}）项"
    for ground, n in zip(
        SuspensionGround, ("一", "二", "三", "四", "五", "六", "七", "八", "九", "十"), strict=True
    )
}

# 第四十一条第（五）项: suspension on grounds (一)(二)(四) that has lasted 60 days ends the review.
LONG_SUSPENSION_GROUNDS = frozenset(
    {
        SuspensionGround.APPLICANT_DIED,
        SuspensionGround.APPLICANT_INCAPACITATED,
        SuspensionGround.ORGANISATION_ENDED,
    }
)
LONG_SUSPENSION_PERIOD = Period(60, DayKind.NATURAL, f"{ART_41}第（五）项")


class TerminationGround(StrEnum):
    """第四十一条: the closed list of grounds for terminating a reconsideration (终止)."""

    WITHDRAWN = "withdrawn"  # （一）申请人撤回申请，行政复议机构准予撤回
    NO_SUCCESSOR_PERSON = "no_successor_person"  # （二）公民死亡，没有近亲属或者近亲属放弃
    NO_SUCCESSOR_ORGANISATION = "no_successor_organisation"  # （三）法人等终止，没有承受人或者放弃
    CRIMINAL_MEASURE = "criminal_measure"  # （四）对行政拘留等不服后，同一行为被采取刑事强制措施
    LONG_SUSPENSION = "long_suspension"  # （五）依第三十九条第（一）（二）（四）项中止满六十日


TERMINATION_ITEMS: Mapping[TerminationGround, str] = {
    ground: f"{ART_41}第（{n}）项"
    for ground, n in zip(TerminationGround, ("一", "二", "三", "四", "五"), strict=True)
}


def parse_suspension_ground(value: Any) -> SuspensionGround:
    try:
        return SuspensionGround(str(value))
    except ValueError:
        raise InvalidInput(_("Unknown ground for suspension."), detail={"field": "ground"}) from None


def parse_termination_ground(value: Any) -> TerminationGround:
    try:
        return TerminationGround(str(value))
    except ValueError:
        raise InvalidInput(_("Unknown ground for termination."), detail={"field": "ground"}) from None


def check_suspension(*, ground: Any, both_parties_agree: bool = False) -> SuspensionGround:
    """第三十九条: only a listed ground suspends; suspension for mediation or settlement needs the
    agreement of the applicant and the respondent (第（六）项)."""
    parsed = parse_suspension_ground(ground)
    if parsed == SuspensionGround.MEDIATION and not both_parties_agree:
        article = SUSPENSION_ITEMS[parsed]
        raise RuleViolation(
            _(
                "Suspension for mediation or settlement needs the agreement of the applicant and the "
                "respondent (%(article)s)."
            )
            % {"article": article},
            code="suspension_needs_agreement",
            article=article,
        )
    return parsed


def long_suspension_ends_review(*, ground: SuspensionGround, suspended_on: dt.date, on: dt.date) -> bool:
    """第四十一条第（五）项: a suspension on ground (一), (二) or (四) that has lasted sixty days while its
    cause remains ends the review."""
    return ground in LONG_SUSPENSION_GROUNDS and period_elapsed(LONG_SUSPENSION_PERIOD, suspended_on, on)


def check_termination(
    *,
    ground: Any,
    on: dt.date,
    suspension_ground: Any = None,
    suspended_on: dt.date | None = None,
) -> TerminationGround:
    """Only a ground of 第四十一条 terminates; (五) needs a qualifying suspension that has lasted 60 days."""
    parsed = parse_termination_ground(ground)
    if parsed != TerminationGround.LONG_SUSPENSION:
        return parsed
    article = TERMINATION_ITEMS[parsed]
    if suspension_ground is None or suspended_on is None:
        raise RuleViolation(
            _("Termination for a long suspension needs the suspension it ends (%(article)s).")
            % {"article": article},
            code="termination_without_suspension",
            article=article,
        )
    if not long_suspension_ends_review(
        ground=parse_suspension_ground(suspension_ground), suspended_on=suspended_on, on=on
    ):
        raise RuleViolation(
            _(
                "Only a suspension for the applicant's death, loss of capacity or the end of an "
                "organisation, lasting sixty days, ends the review (%(article)s)."
            )
            % {"article": article},
            code="termination_too_early",
            article=article,
            detail={"period_end": period_end(LONG_SUSPENSION_PERIOD, suspended_on).on.isoformat()},
        )
    return parsed


# --- Outcomes (arts. 63–69) and the correction rate ------------------------------------------------


class Outcome(StrEnum):
    """Kinds of reconsideration decision (行政复议决定), with the glossary's codes."""

    UPHELD = "upheld"  # 维持（第六十八条）
    REVOKED = "revoked"  # 撤销或者部分撤销，可责令重作（第六十四条）
    CHANGED = "changed"  # 变更（第六十三条）
    DECLARED_UNLAWFUL = "declared_unlawful"  # 确认违法（第六十五条）
    DECLARED_VOID = "declared_void"  # 确认无效（第六十七条）
    ORDERED_TO_PERFORM = "ordered_to_perform"  # 责令履行（第六十六条；行政协议第七十一条）
    DISMISSED = "dismissed"  # 驳回复议请求（第六十九条）或者受理后驳回申请（第三十三条）


OUTCOME_ARTICLES: Mapping[Outcome, str] = {
    Outcome.UPHELD: "行政复议法第六十八条",
    Outcome.REVOKED: "行政复议法第六十四条",
    Outcome.CHANGED: "行政复议法第六十三条",
    Outcome.DECLARED_UNLAWFUL: "行政复议法第六十五条",
    Outcome.DECLARED_VOID: "行政复议法第六十七条",
    Outcome.ORDERED_TO_PERFORM: "行政复议法第六十六条",
    Outcome.DISMISSED: "行政复议法第三十三条、第六十九条",
}

# 纠错: the decision finds the act wrong — revoked, changed, unlawful, void, or the duty unperformed.
CORRECTING_OUTCOMES = frozenset(
    {
        Outcome.REVOKED,
        Outcome.CHANGED,
        Outcome.DECLARED_UNLAWFUL,
        Outcome.DECLARED_VOID,
        Outcome.ORDERED_TO_PERFORM,
    }
)


class Closure(StrEnum):
    """How a reconsideration ends: a decision, a mediation agreement (第七十三条), or termination
    (第四十一条, which covers withdrawal after a settlement, 第七十四条)."""

    DECISION = "decision"
    MEDIATION = "mediation"
    TERMINATION = "termination"


def parse_outcome(value: Any) -> Outcome:
    try:
        return Outcome(str(value))
    except ValueError:
        raise InvalidInput(_("Unknown reconsideration outcome."), detail={"field": "outcome"}) from None


def is_correction(outcome: Outcome) -> bool:
    return outcome in CORRECTING_OUTCOMES


def correction_rate(outcomes: Iterable[Outcome]) -> Decimal | None:
    """纠错率: corrected decisions over all decisions (mediation and termination are not decisions),
    as a fraction to four places; None when nothing was decided."""
    decided = corrected = 0
    for outcome in outcomes:
        decided += 1
        corrected += is_correction(outcome)
    if not decided:
        return None
    return (Decimal(corrected) / Decimal(decided)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def check_change_not_worse(
    *,
    measures: Sequence[Measure],
    fine: Decimal | None,
    original_measures: Sequence[Measure],
    original_fine: Decimal | None,
    third_party_requested: bool = False,
) -> None:
    """第六十三条第二款: a change may not leave the applicant worse off, unless a third party asked for
    the opposite. For a penalty "worse" is a higher fine or an added kind of penalty (as `penalty.is_heavier`)."""
    if third_party_requested:
        return
    if is_heavier(
        measures=list(measures),
        fine=fine,
        notified_measures=list(original_measures),
        notified_fine=original_fine,
    ):
        raise RuleViolation(
            _("A change may not leave the applicant worse off than the original act (%(article)s).")
            % {"article": ART_63},
            code="change_worse_for_applicant",
            article=ART_63,
        )


def check_outcome_after_missing_answer(*, outcome: Any, third_party_evidence: bool = False) -> Outcome:
    """第七十条: a respondent that did not answer with its evidence and basis in time is taken to have
    none: the act is revoked, declared unlawful or void, or performance ordered — not upheld, not
    dismissed — unless a third party's rights are involved and the third party gave evidence."""
    parsed = parse_outcome(outcome)
    if third_party_evidence or parsed not in (Outcome.UPHELD, Outcome.DISMISSED):
        return parsed
    raise RuleViolation(
        _(
            "The respondent did not answer with its evidence in time, so the act is taken to have no "
            "evidence or basis; it cannot be upheld or the claim dismissed (%(article)s)."
        )
        % {"article": ART_70},
        code="no_answer_outcome_not_allowed",
        article=ART_70,
    )


# --- Mediation (arts. 5, 73) and settlement (art. 74) ---------------------------------------------

MEDIATION_CHECKLIST = (
    "voluntary",  # 自愿（第五条第二款）
    "lawful",  # 不得违反法律、法规的强制性规定
    "no_harm_to_public_interest",  # 不得损害国家利益、社会公共利益
    "no_harm_to_others",  # 不得损害他人合法权益
)


def check_mediation_agreement(
    checklist: Mapping[str, Any], *, signed_by_all_parties: bool, sealed: bool
) -> None:
    """第五条第二款、第七十四条第一款: the agreement is voluntary, lawful and harms neither the public
    interest nor others; 第七十三条: it takes effect once every party signed or sealed it and the organ
    sealed the 调解书."""
    missing = [key for key in MEDIATION_CHECKLIST if key not in checklist]
    if missing:
        raise InvalidInput(
            _("Answer every point of the mediation checklist."),
            detail={"field": "checklist", "missing": missing},
        )
    failed = [key for key in MEDIATION_CHECKLIST if not checklist[key]]
    if failed:
        raise RuleViolation(
            _(
                "A mediation or settlement must be voluntary and lawful and may not harm the public "
                "interest or others (%(article)s)."
            )
            % {"article": f"{ART_5}、{ART_74}"},
            code="mediation_not_lawful",
            article=f"{ART_5}、{ART_74}",
            detail={"failed": failed},
        )
    if not (signed_by_all_parties and sealed):
        raise RuleViolation(
            _(
                "A mediation agreement takes effect only when every party has signed it and the organ "
                "has sealed it (%(article)s)."
            )
            % {"article": ART_73},
            code="mediation_not_signed",
            article=ART_73,
        )


def check_reapplication_after_withdrawal(
    *, same_facts_and_reasons: bool, withdrawal_against_will_proven: bool
) -> None:
    """第七十四条第二款: after a withdrawal was allowed and the review terminated, the applicant may not
    apply again on the same facts and reasons, unless it proves the withdrawal was not its true will."""
    if same_facts_and_reasons and not withdrawal_against_will_proven:
        raise RuleViolation(
            _(
                "The applicant withdrew an application on the same facts and reasons and may not apply "
                "again (%(article)s)."
            )
            % {"article": ART_74},
            code="reapplication_after_withdrawal",
            article=ART_74,
        )


# --- Incidental review of normative documents (arts. 56–60) and opinion letters (art. 76) ---------
NORMATIVE_HANDLE_PERIOD = Period(
    30, DayKind.NATURAL, "行政复议法第五十六条、第五十七条"
)  # 有权处理：三十日内
NORMATIVE_FORWARD_PERIOD = Period(7, DayKind.WORKING, ART_56)  # 无权处理：七日内转送
DRAFTER_NOTICE_PERIOD = Period(3, DayKind.WORKING, ART_58)  # 中止之日起三日内通知制定机关
DRAFTER_ANSWER_PERIOD = Period(10, DayKind.WORKING, ART_58)  # 制定机关十日内书面答复
FORWARDED_REPLY_PERIOD = Period(60, DayKind.NATURAL, ART_60)  # 接受转送的机关六十日内回复
OPINION_REPORT_PERIOD = Period(60, DayKind.NATURAL, ART_76)  # 收到行政复议意见书六十日内报送纠正情况


# --- Refusal to accept (art. 30) ------------------------------------------------------------------


class RefusalGround(StrEnum):
    """第三十条第一款: the conditions of acceptance; a refusal (不予受理) names the one not met."""

    NO_PROPER_PARTIES = "no_proper_parties"  # （一）有明确的申请人和符合本法规定的被申请人
    NO_INTEREST = "no_interest"  # （二）申请人与行政行为有利害关系
    NO_CLAIM = "no_claim"  # （三）有具体的行政复议请求和理由
    LATE = "late"  # （四）在法定申请期限内提出
    OUT_OF_SCOPE = "out_of_scope"  # （五）属于本法规定的行政复议范围
    NOT_COMPETENT = "not_competent"  # （六）属于本机关的管辖范围
    ALREADY_BROUGHT = "already_brought"  # （七）未受理过同一申请，法院未受理过同一诉讼


REFUSAL_ITEMS: Mapping[RefusalGround, str] = {
    ground: f"行政复议法第三十条第一款第（{n}）项"
    for ground, n in zip(RefusalGround, ("一", "二", "三", "四", "五", "六", "七"), strict=True)
}


def check_refusal(*, ground: Any, reason: str, competent_organ: str = "") -> tuple[RefusalGround, str]:
    """第三十条第二款: a refusal states its reason, and one for want of jurisdiction names the competent
    organ. Returns the ground and the article the refusal decision cites."""
    try:
        parsed = RefusalGround(str(ground))
    except ValueError:
        raise InvalidInput(
            _("Choose the condition of acceptance that is not met."), detail={"field": "ground"}
        ) from None
    if len(reason.strip()) < 4:
        raise InvalidInput(
            _("State the reason for not accepting the application (行政复议法第三十条第二款)."),
            detail={"field": "reason"},
        )
    if parsed == RefusalGround.NOT_COMPETENT and not competent_organ.strip():
        raise RuleViolation(
            _("A refusal for want of jurisdiction names the competent reconsideration organ (%(article)s).")
            % {"article": "行政复议法第三十条第二款"},
            code="competent_organ_required",
            article="行政复议法第三十条第二款",
        )
    return parsed, REFUSAL_ITEMS[parsed]
