"""The rules of 行政处罚法 (2021) that a penalty case must pass: procedure thresholds, periods, the
hearing right, legal review, discretion, the ban on a heavier decision, collection and surcharges.

Every number here is either the statute's own (a constant naming its article) or a jurisdiction
setting with the national default (`law.jurisdiction`). "以上/以下" include the number itself (民法典
第一千二百五十九条), so ¥200 is still "二百元以下" and ¥10,000 is "一万元以上".

Functions are pure apart from reading the working-day calendar and the jurisdiction settings; gates
raise `RuleViolation` (422) whose Chinese message names the rule and its article.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any

from django.utils.translation import gettext_lazy as _

from zhifa.core import calendar
from zhifa.core.errors import InvalidInput, RuleViolation
from zhifa.law import jurisdiction

# Period arithmetic lives in law.days; re-exported because the case workflow reads every rule of the
# penalty law from this module.
from zhifa.law.days import DayKind as DayKind
from zhifa.law.days import Due as Due
from zhifa.law.days import Period as Period
from zhifa.law.days import latest_end as latest_end
from zhifa.law.days import period_elapsed as period_elapsed
from zhifa.law.days import period_end as period_end
from zhifa.law.days import timeliness as timeliness
from zhifa.law.days import within_period as within_period
from zhifa.law.discretion import AmountClass
from zhifa.law.jurisdiction import SettingSpec

CENT = Decimal("0.01")

# --- Articles, cited verbatim in refusals and records --------------------------------------------
ART_4 = "行政处罚法第四条"
ART_32 = "行政处罚法第三十二条"
ART_33 = "行政处罚法第三十三条"
ART_34 = "行政处罚法第三十四条"
ART_42 = "行政处罚法第四十二条"
ART_43 = "行政处罚法第四十三条"
ART_44_62 = "行政处罚法第四十四条、第六十二条"
ART_45 = "行政处罚法第四十五条"
ART_51 = "行政处罚法第五十一条"
ART_52 = "行政处罚法第五十二条"
ART_56 = "行政处罚法第五十六条、第八十五条"
ART_57 = "行政处罚法第五十七条"
ART_58 = "行政处罚法第五十八条"
ART_60 = "行政处罚法第六十条"
ART_61 = "行政处罚法第六十一条、第八十五条"
ART_63 = "行政处罚法第六十三条"
ART_64_WINDOW = "行政处罚法第六十四条、第八十五条"
ART_64_NOTICE = "行政处罚法第六十四条第（二）项、第八十五条"
ART_64_PRESIDER = "行政处罚法第六十四条第（四）项"
ART_67 = "行政处罚法第六十七条"
ART_68 = "行政处罚法第六十八条"
ART_69 = "行政处罚法第六十九条"
ART_72 = "行政处罚法第七十二条"


class PartyKind(StrEnum):
    PERSON = "person"  # 公民
    ORGANISATION = "organisation"  # 法人或者其他组织


class Measure(StrEnum):
    """Kinds of penalty (行政处罚法第九条), grouped as the API names them. 警告 and 通报批评 share
    第九条第（一）项 but are two kinds: a warning is addressed to the party alone, a 通报批评 makes the
    reprimand known to others (and only a warning may be decided on the spot, 第五十一条)."""

    WARNING = "warning"  # 警告
    CIRCULAR = "circular"  # 通报批评
    FINE = "fine"  # 罚款
    CONFISCATION = "confiscation"  # 没收违法所得、没收非法财物
    SUSPENSION = "suspension"  # 暂扣许可证件、降低资质等级、责令停产停业、责令关闭、限制开展生产经营活动
    REVOCATION = "revocation"  # 吊销许可证件
    OTHER = "other"


# Heavier kinds rank higher (第四十五条: "no heavier penalty"), in the order of 第九条. Within its
# 第（一）项, 通报批评 ranks above 警告: the same reprimand, but made known beyond the party (声誉罚
# with publicity) — so a 通报批评 replacing a notified warning is heavier, a warning replacing a
# notified 通报批评 lighter. Both rank below every penalty on property (第（二）项 onwards).
MEASURE_RANK = {
    Measure.WARNING: 1,
    Measure.CIRCULAR: 2,
    Measure.FINE: 3,
    Measure.CONFISCATION: 4,
    Measure.OTHER: 4,
    Measure.SUSPENSION: 5,
    Measure.REVOCATION: 6,
}

# How each kind is named in 文书, on the portal and in statistics (行政处罚法第九条's words).
MEASURE_NAMES = {
    Measure.WARNING: "警告",
    Measure.CIRCULAR: "通报批评",
    Measure.FINE: "罚款",
    Measure.CONFISCATION: "没收违法所得、没收非法财物",
    Measure.SUSPENSION: "暂扣许可证件、责令停产停业",
    Measure.REVOCATION: "吊销许可证件",
    Measure.OTHER: "其他行政处罚",
}


def parse_measures(values: Iterable[Any]) -> list[Measure]:
    out: list[Measure] = []
    for v in values:
        try:
            m = Measure(str(v))
        except ValueError:
            raise InvalidInput(
                _("Unknown penalty measure: %(value)s.") % {"value": v}, detail={"field": "measures"}
            ) from None
        if m not in out:
            out.append(m)
    return out


# --- Periods (how each is counted: shared/LAW.md "How days are counted") -------------------------
DECISION_PERIOD = Period(90, DayKind.NATURAL, ART_60)  # 立案之日起九十日内作出决定
SERVICE_PERIOD = Period(7, DayKind.WORKING, ART_61)  # 七日内送达（第八十五条：工作日）
PAYMENT_PERIOD = Period(15, DayKind.NATURAL, ART_67)  # 收到决定书之日起十五日内缴纳
HEARING_REQUEST_PERIOD = Period(5, DayKind.WORKING, ART_64_WINDOW)  # 告知后五日内提出
HEARING_NOTICE_WORKING_DAYS = 7  # 举行听证的七日前通知（第八十五条：工作日）
PRESERVATION_PERIOD = Period(7, DayKind.WORKING, ART_56)  # 先行登记保存后七日内作出处理决定
CASH_HAND_IN_PERIOD = Period(2, DayKind.WORKING, "行政处罚法第七十一条、第八十五条")

# --- Settings provinces and departments set --------------------------------------------------------
STATEMENT_DAYS = jurisdiction.register(
    SettingSpec(
        key="penalty.statement_working_days",
        default=5,
        kind=int,
        label=_("Statement period after the notice (working days)"),
        basis="行政处罚法第四十四条、第四十五条（陈述申辩期限由部门或地方规定）",
    )
)
ON_SPOT_REPORT_DAYS = jurisdiction.register(
    SettingSpec(
        key="penalty.on_spot_report_working_days",
        default=5,
        kind=int,
        label=_("Report an on-the-spot decision to the agency within (working days)"),
        basis="行政处罚法第五十二条第三款（备案期限由部门或地方规定）",
    )
)
LARGE_CONFISCATION_PERSON = jurisdiction.register(
    SettingSpec(
        key="penalty.hearing_large_confiscation_person",
        default=Decimal("10000"),
        label=_("Hearing threshold: large confiscation from a person (yuan)"),
        basis="行政处罚法第六十三条（较大数额、较大价值由省级规定）",
    )
)
LARGE_CONFISCATION_ORGANISATION = jurisdiction.register(
    SettingSpec(
        key="penalty.hearing_large_confiscation_organisation",
        default=Decimal("100000"),
        label=_("Hearing threshold: large confiscation from an organisation (yuan)"),
        basis="行政处罚法第六十三条（较大数额、较大价值由省级规定）",
    )
)


def statement_period(*, agency: Any | None) -> tuple[Period, jurisdiction.Applied]:
    applied = jurisdiction.applied(STATEMENT_DAYS.key, agency=agency)
    return Period(int(applied.value), DayKind.WORKING, "行政处罚法第四十四条、第四十五条"), applied


def on_spot_report_period(*, agency: Any | None) -> tuple[Period, jurisdiction.Applied]:
    applied = jurisdiction.applied(ON_SPOT_REPORT_DAYS.key, agency=agency)
    return Period(int(applied.value), DayKind.WORKING, ART_52), applied


# Period arithmetic lives in law.days (Due, period_end, within_period, period_elapsed): re-exported
# here because the case workflow reads every rule of the penalty law from this module.

# --- 简易程序 (arts. 51, 52) ----------------------------------------------------------------------
ON_SPOT_FINE_MAX = {PartyKind.PERSON: Decimal("200"), PartyKind.ORGANISATION: Decimal("3000")}


def check_on_spot_decision(*, party_kind: str, measures: list[Measure], fine: Decimal | None) -> None:
    """行政处罚法第五十一条: on the spot only a warning, or a fine of ≤ ¥200 (citizen) / ≤ ¥3,000
    (organisation)."""
    if not measures:
        raise InvalidInput(_("Choose at least one measure."), detail={"field": "measures"})
    if Measure.CIRCULAR in measures:
        raise RuleViolation(
            _(
                "A public reprimand (通报批评) cannot be decided on the spot: only a warning or a small "
                "fine can; use the ordinary procedure (%(article)s)."
            )
            % {"article": ART_51},
            code="on_spot_measure_not_allowed",
            article=ART_51,
            detail={"field": "measures", "measure": str(Measure.CIRCULAR)},
        )
    if any(m not in (Measure.WARNING, Measure.FINE) for m in measures):
        raise RuleViolation(
            _(
                "Only a warning or a fine may be decided on the spot; other penalties need the ordinary "
                "procedure (%(article)s)."
            )
            % {"article": ART_51},
            code="on_spot_measure_not_allowed",
            article=ART_51,
        )
    if Measure.FINE in measures:
        limit = ON_SPOT_FINE_MAX[PartyKind(party_kind)]
        if fine is None or fine <= 0:
            raise InvalidInput(_("Enter the fine amount."), detail={"field": "fine_amount"})
        if fine > limit:
            raise RuleViolation(
                _(
                    "A fine of %(amount)s yuan exceeds the on-the-spot limit of %(limit)s yuan for this "
                    "party; use the ordinary procedure (%(article)s)."
                )
                % {"amount": fine, "limit": limit, "article": ART_51},
                code="on_spot_limit_exceeded",
                article=ART_51,
                detail={"limit": str(limit)},
            )


# --- Collection (arts. 67–69) and late surcharge (art. 72) ---------------------------------------
ON_SPOT_CASH_MAX = Decimal("100")  # 第六十八条第（一）项：一百元以下


class CashGround(StrEnum):
    SMALL_FINE = "small_fine"  # 第六十八条第（一）项
    HARD_TO_ENFORCE = "hard_to_enforce"  # 第六十八条第（二）项：不当场收缴事后难以执行
    REMOTE_AREA = "remote_area"  # 第六十九条：边远、水上、交通不便地区


def check_on_spot_collection(*, simple_procedure: bool, fine: Decimal, ground: str | None) -> CashGround:
    """Fining and collecting are separate (第六十七条); an officer may take the money only in the cases
    of 第六十八条 (simple procedure: ≤ ¥100, or hard to enforce later) and 第六十九条 (remote areas)."""
    if ground in (None, "", CashGround.SMALL_FINE):
        if simple_procedure and fine <= ON_SPOT_CASH_MAX:
            return CashGround.SMALL_FINE
        raise RuleViolation(
            _(
                "Officers may collect a fine on the spot only when an on-the-spot decision imposed "
                "100 yuan or less; otherwise the party pays at the bank or electronically (%(article)s)."
            )
            % {"article": f"{ART_67}、{ART_68}"},
            code="on_spot_collection_not_allowed",
            article=f"{ART_67}、{ART_68}",
        )
    if ground == CashGround.HARD_TO_ENFORCE:
        if simple_procedure:
            return CashGround.HARD_TO_ENFORCE
        raise RuleViolation(
            _(
                "Collection because enforcement would be hard later applies only to on-the-spot decisions (%(article)s)."
            )
            % {"article": ART_68},
            code="on_spot_collection_not_allowed",
            article=ART_68,
        )
    if ground == CashGround.REMOTE_AREA:
        return CashGround.REMOTE_AREA
    raise InvalidInput(_("Unknown ground for on-the-spot collection."), detail={"field": "cash_ground"})


SURCHARGE_RATE_PER_DAY = Decimal("0.03")  # 第七十二条第（一）项：每日按罚款数额的百分之三


def days_late(*, due_on: dt.date, paid_on: dt.date) -> int:
    """Whole days after the last day of the payment period (paying on the last day is in time)."""
    return max(0, (paid_on - due_on).days)


def late_surcharge(*, fine: Decimal, days: int) -> Decimal:
    """加处罚款: 3 % of the fine for each day late, never more than the fine itself (第七十二条)."""
    if fine <= 0 or days <= 0:
        return Decimal("0.00")
    raw = (fine * SURCHARGE_RATE_PER_DAY * days).quantize(CENT, rounding=ROUND_HALF_UP)
    return min(raw, fine.quantize(CENT))


# --- Hearing (arts. 63, 64) ------------------------------------------------------------------------


@dataclass(frozen=True)
class HearingEligibility:
    eligible: bool
    grounds: tuple[str, ...]
    thresholds: tuple[dict[str, str], ...]  # the settings applied, so the record shows them


def hearing_eligibility(
    *,
    party_kind: str,
    measures: list[Measure],
    fine: Decimal | None,
    confiscation_value: Decimal | None = None,
    agency: Any | None = None,
    offered: bool = False,
) -> HearingEligibility:
    """行政处罚法第六十三条: large fines, large confiscations, lowering a qualification or revoking a
    licence, ordering suspension/closure/restricting practice, other heavy penalties. "Large" is set by
    the province (jurisdiction settings); `offered` covers 第（五）（六）项, which only the agency can
    judge."""
    person = party_kind == PartyKind.PERSON
    fine_key = "penalty.hearing_large_fine_person" if person else "penalty.hearing_large_fine_organisation"
    conf_key = LARGE_CONFISCATION_PERSON.key if person else LARGE_CONFISCATION_ORGANISATION.key
    fine_applied = jurisdiction.applied(fine_key, agency=agency)
    conf_applied = jurisdiction.applied(conf_key, agency=agency)
    grounds: list[str] = []
    if Measure.FINE in measures and fine is not None and fine >= Decimal(str(fine_applied.value)):
        grounds.append("large_fine")
    if (
        Measure.CONFISCATION in measures
        and confiscation_value is not None
        and confiscation_value >= Decimal(str(conf_applied.value))
    ):
        grounds.append("large_confiscation")
    if Measure.REVOCATION in measures:
        grounds.append("revocation")
    if Measure.SUSPENSION in measures:
        grounds.append("suspension")
    if offered:
        grounds.append("other_heavy_penalty")
    return HearingEligibility(bool(grounds), tuple(grounds), (fine_applied.as_dict(), conf_applied.as_dict()))


def check_hearing_request_in_time(*, notified_on: dt.date, requested_on: dt.date) -> bool:
    """第六十四条第（一）项: the party asks within five (working, 第八十五条) days of the notice.
    Returns whether the answer was provisional (the window reaches a year not known yet: the party
    then has the latest date any official arrangement could give, and the record says so)."""
    answer = timeliness(HEARING_REQUEST_PERIOD, notified_on, requested_on)
    if not answer.in_time:
        end = answer.due.on
        raise RuleViolation(
            _(
                "The hearing request came after the five-working-day window that ended on %(end)s "
                "(%(article)s)."
            )
            % {"end": end.isoformat(), "article": ART_64_WINDOW},
            code="hearing_request_late",
            article=ART_64_WINDOW,
            detail={"window_end": end.isoformat()},
        )
    return answer.provisional


def check_hearing_notice(*, notice_served_on: dt.date, held_on: dt.date) -> None:
    """第六十四条第（二）项: the party is told the time and place seven (working) days before."""
    # the party is owed seven working days: a day of an unknown year that could be a holiday doesn't count
    if (
        calendar.working_days_between(notice_served_on, held_on, party_favour=True)
        < HEARING_NOTICE_WORKING_DAYS
    ):
        raise RuleViolation(
            _(
                "The hearing notice must reach the party at least seven working days before the hearing "
                "(%(article)s)."
            )
            % {"article": ART_64_NOTICE},
            code="hearing_notice_too_late",
            article=ART_64_NOTICE,
        )


# --- Legal review (art. 58) and deliberation (art. 57) ---------------------------------------------


class ReviewGround(StrEnum):
    MAJOR_PUBLIC_INTEREST = "major_public_interest"  # 第五十八条第（一）项
    HEARING_HELD = "hearing_held"  # 第（二）项：直接关系重大权益，经过听证程序
    DIFFICULT_CASE = "difficult_case"  # 第（三）项：疑难复杂、涉及多个法律关系
    REQUIRED_BY_LAW = "required_by_law"  # 第（四）项
    CATALOGUE = "catalogue"  # 本机关重大执法决定法制审核目录（国办发〔2018〕118号）
    HEAVIER_REVISION = "heavier_revision"  # 第四十五条：陈述申辩或听证后加重的拟处罚意见


LEGAL_REVIEW_CHECKLIST = (
    # 国办发〔2018〕118号 (重大执法决定法制审核) lists what the reviewer examines; nine points.
    "authority",  # 执法主体是否合法
    "officers_qualified",  # 执法人员是否具备执法资格
    "procedure",  # 执法程序是否合法
    "facts_clear",  # 案件事实是否清楚
    "evidence_sufficient",  # 证据是否合法充分
    "law_applied",  # 适用法律、法规、规章是否准确
    "discretion",  # 裁量基准运用是否适当
    "within_power",  # 是否超越执法机关法定权限
    "documents",  # 执法文书是否完备、规范
)


def check_legal_review_checklist(
    checklist: dict[str, Any], *, approving: bool, notes: dict[str, Any] | None = None
) -> dict[str, bool]:
    """All nine points answered explicitly, a "no" explained; approval needs every one satisfied, a
    return at least one not satisfied (第五十八条; the rule is `law.casefile.check_checklist`)."""
    from zhifa.law.casefile import check_checklist

    answers, _notes = check_checklist(checklist, LEGAL_REVIEW_CHECKLIST, approving=approving, notes=notes)
    return answers


# --- Discretion (裁量基准, art. 34) and mitigation (art. 32) ----------------------------------------


class MitigationGround(StrEnum):
    """Grounds that allow a penalty below the statutory minimum (减轻处罚)."""

    MINOR = "minor"  # 第三十条：已满十四周岁不满十八周岁
    LIMITED_CAPACITY = "limited_capacity"  # 第三十一条：尚未完全丧失辨认或者控制能力
    REMEDIED = "remedied"  # 第三十二条第（一）项：主动消除或者减轻危害后果
    COERCED = "coerced"  # 第（二）项：受他人胁迫或者诱骗
    CONFESSED = "confessed"  # 第（三）项：主动供述尚未掌握的违法行为
    MERITORIOUS = "meritorious"  # 第（四）项：配合查处有立功表现
    OTHER_LAW = "other_law"  # 第（五）项：法律、法规、规章规定的其他情形


def check_discretion(
    *, amount_class: str, discretion_reason: str, mitigation_ground: str | None, provision: str = ""
) -> None:
    """An amount outside the tier needs a stated reason; below the legal minimum needs a mitigation
    ground of 第三十条至第三十二条 and its reason; above the statutory maximum is never allowed."""
    cls = AmountClass(amount_class)
    if cls == AmountClass.ABOVE_LEGAL_MAXIMUM:
        article = f"{provision}、{ART_4}" if provision else ART_4
        raise RuleViolation(
            _("The amount exceeds the maximum the legal provision allows (%(article)s).")
            % {"article": article},
            code="amount_above_legal_maximum",
            article=article,
        )
    if cls == AmountClass.BELOW_LEGAL_MINIMUM:
        if not mitigation_ground:
            raise RuleViolation(
                _(
                    "An amount below the statutory minimum is a mitigated penalty: name the mitigation "
                    "ground (%(article)s)."
                )
                % {"article": ART_32},
                code="mitigation_ground_required",
                article=ART_32,
            )
        try:
            MitigationGround(mitigation_ground)
        except ValueError:
            raise InvalidInput(
                _("Unknown mitigation ground."), detail={"field": "mitigation_ground"}
            ) from None
    if (
        cls in (AmountClass.OUTSIDE_TIER_WITHIN_LAW, AmountClass.BELOW_LEGAL_MINIMUM)
        and not (discretion_reason or "").strip()
    ):
        raise RuleViolation(
            _(
                "The amount is outside the discretion tier: state the reason for departing from the "
                "benchmark (%(article)s)."
            )
            % {"article": f"{ART_34}；国办发〔2022〕27号"},
            code="discretion_reason_required",
            article=f"{ART_34}；国办发〔2022〕27号",
        )


# --- No heavier penalty because the party argued (art. 45) ----------------------------------------


def is_heavier(
    *,
    measures: list[Measure],
    fine: Decimal | None,
    notified_measures: list[Measure],
    notified_fine: Decimal | None,
) -> bool:
    """Is a decision (or revised proposal) heavier than what was notified? Kinds are ranked
    (`MEASURE_RANK`, 行政处罚法第九条 from warning up to revocation): a kind added is heavier unless it
    replaces a notified kind of a higher rank that was dropped (a fine instead of a suspension is
    lighter; a confiscation added to a fine is heavier). A higher fine, where both carry one, is
    heavier. A plain warning is the lightest penalty there is."""
    if set(measures) == {Measure.WARNING} and notified_measures:
        return False
    added = [m for m in measures if m not in notified_measures]
    dropped = [m for m in notified_measures if m not in measures]
    top_dropped = max((MEASURE_RANK[m] for m in dropped), default=0)
    if any(MEASURE_RANK[m] >= top_dropped for m in added):
        return True
    if Measure.FINE in measures and Measure.FINE in notified_measures:
        return (fine or Decimal(0)) > (notified_fine or Decimal(0))
    return False


def check_revision_not_heavier(
    *,
    measures: list[Measure],
    fine: Decimal | None,
    notified_measures: list[Measure],
    notified_fine: Decimal | None,
    party_argued: bool,
    new_evidence: int,
) -> bool:
    """第四十五条 in the other direction: after the party stated or was heard, a revised proposal
    heavier than the notice stands only on new facts or evidence recorded after the notice (never on
    what the party said). It then goes through a new notice (第四十四条) and a legal review (第五十八条).
    Returns whether the revision is heavier (the caller then requires the review)."""
    heavier = is_heavier(
        measures=measures, fine=fine, notified_measures=notified_measures, notified_fine=notified_fine
    )
    if heavier and party_argued and new_evidence < 1:
        raise RuleViolation(
            _(
                "After the party stated its case or was heard, a heavier proposal needs new facts or "
                "evidence recorded after the notice; what the party said is no reason for a heavier "
                "penalty (%(article)s)."
            )
            % {"article": ART_45},
            code="heavier_revision_without_new_evidence",
            article=ART_45,
            detail={"field": "new_evidence_ids"},
        )
    return heavier


def check_not_heavier(
    *,
    measures: list[Measure],
    fine: Decimal | None,
    notified_measures: list[Measure],
    notified_fine: Decimal | None,
    party_argued: bool,
) -> None:
    """第四十五条: no heavier penalty because the party stated or argued. Without any statement a
    heavier decision is still one the party was never told about (第四十四条、第六十二条): a new notice
    is needed either way."""
    if not is_heavier(
        measures=measures, fine=fine, notified_measures=notified_measures, notified_fine=notified_fine
    ):
        return
    if party_argued:
        raise RuleViolation(
            _(
                "The decision may not be heavier than the notified penalty after the party stated or "
                "argued (%(article)s)."
            )
            % {"article": ART_45},
            code="heavier_after_statement",
            article=ART_45,
        )
    raise RuleViolation(
        _(
            "The decision is heavier than the penalty in the notice; notify the party again before "
            "deciding (%(article)s)."
        )
        % {"article": ART_44_62},
        code="heavier_than_notified",
        article=ART_44_62,
    )


class NoPenaltyGround(StrEnum):
    MINOR_CORRECTED = "minor_corrected"  # 第三十三条第一款前段：轻微并及时改正，没有危害后果
    FIRST_OFFENCE = "first_offence"  # 第三十三条第一款后段：首违不罚
    NO_FAULT = "no_fault"  # 第三十三条第二款：没有主观过错
    FACTS_NOT_ESTABLISHED = "facts_not_established"  # 第五十七条第一款第（三）项
    UNDER_AGE = "under_age"  # 第三十条：不满十四周岁
    INCAPACITY = "incapacity"  # 第三十一条
    LIMITATION = "limitation"  # 第三十六条
