"""Rules for normative documents (行政规范性文件): legality review, numbering, publication, filing (备案)
and its review, validity and repeal.

No national statute sets the periods for normative documents. 法规规章备案条例 sets thirty days for
filing 法规 and 规章 (第三条) and leaves the filing of other generally binding decisions and orders to
systems the provinces build (第二十一条); the State Council's notices on normative documents
(国办发〔2018〕37号 on drafting and supervision, 国办发〔2018〕115号 on legality review) leave the
numbers to local rules. So every period here is a jurisdiction setting with the default the seed
city uses and the basis it rests on.

The bans a legality review checks come from statutes: 行政处罚法第十六条 (no penalties), 行政许可法
第十七条 (no licences), 行政强制法第十条第四款、第十三条 (no coercive measures or enforcement).

Functions are pure apart from the calendar and the settings; gates raise `RuleViolation` naming the
rule in Chinese.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from zhifa.core import calendar
from zhifa.core.errors import InvalidInput, RuleViolation
from zhifa.law import jurisdiction
from zhifa.law.days import DayKind, Due, Period, Timeliness, period_end, timeliness
from zhifa.law.jurisdiction import SettingSpec
from zhifa.law.limits import add_years

ART_FILING = "法规规章备案条例第三条、第二十一条"
ART_RULE_FILING = "法规规章备案条例第三条"
ART_CORRECTION = "法规规章备案条例第十七条、第二十一条"
ART_PUBLICATION = "国办发〔2018〕37号（行政规范性文件未经公布不得作为行政管理依据）"
ART_REVIEW = "国办发〔2018〕115号（行政规范性文件合法性审核）"
ART_NUMBER = "GB/T 9704-2012《党政机关公文格式》第7.2.4条"

# 法规规章备案条例第三条: 法规 and 规章 are filed within 30 days of publication (for reference: a
# normative document's period is the setting below).
RULE_FILING_PERIOD = Period(30, DayKind.NATURAL, ART_RULE_FILING)

# --- Settings --------------------------------------------------------------------------------------
FILING_DAYS = jurisdiction.register(
    SettingSpec(
        key="normative.filing_days",
        default=15,
        kind=int,
        label=_("File normative documents within (days after publication)"),
        basis="法规规章备案条例第二十一条（规范性文件备案制度由省级建立；第三条对法规规章为三十日）；"
        "默认十五日为本市规定",
    )
)
LEGALITY_REVIEW_DAYS = jurisdiction.register(
    SettingSpec(
        key="normative.legality_review_working_days",
        default=15,
        kind=int,
        label=_("Legality review of a draft normative document within (working days)"),
        basis="国办发〔2018〕115号（审核时间一般不少于五个工作日、最长不超过十五个工作日）",
    )
)
FILING_REVIEW_DAYS = jurisdiction.register(
    SettingSpec(
        key="normative.filing_review_days",
        default=30,
        kind=int,
        label=_("Review a filed normative document within (days after receipt)"),
        basis="法规规章备案条例第二十一条（备案审查期限由地方规定）",
    )
)
CORRECTION_DAYS = jurisdiction.register(
    SettingSpec(
        key="normative.correction_days",
        default=30,
        kind=int,
        label=_("Report the correction of a filed document within (days after the notice)"),
        basis="法规规章备案条例第十七条（规章三十日）、第二十一条",
    )
)
VALIDITY_YEARS = jurisdiction.register(
    SettingSpec(
        key="normative.validity_years",
        default=5,
        kind=int,
        label=_("Validity period of a normative document (years)"),
        basis="国办发〔2018〕37号（行政规范性文件有效期制度）；地方规定一般为五年",
    )
)
TRIAL_VALIDITY_YEARS = jurisdiction.register(
    SettingSpec(
        key="normative.trial_validity_years",
        default=2,
        kind=int,
        label=_("Validity period of an interim or trial normative document (years)"),
        basis="国办发〔2018〕37号（行政规范性文件有效期制度）；地方规定“暂行”“试行”一般为二年",
    )
)
EXPIRY_ALERT_DAYS = jurisdiction.register(
    SettingSpec(
        key="normative.expiry_alert_days",
        default=90,
        kind=int,
        label=_("Warn before a normative document expires (days)"),
        basis="有效期届满前评估是否继续施行（地方规定）；提醒天数为本平台的工作约定",
    )
)

MIN_REVIEW_WORKING_DAYS = 5  # 国办发〔2018〕115号：审核时间一般不少于五个工作日


def filing_period(*, agency: Any | None) -> tuple[Period, jurisdiction.Applied]:
    applied = jurisdiction.applied(FILING_DAYS.key, agency=agency)
    return Period(int(applied.value), DayKind.NATURAL, ART_FILING), applied


def legality_review_period(*, agency: Any | None) -> tuple[Period, jurisdiction.Applied]:
    applied = jurisdiction.applied(LEGALITY_REVIEW_DAYS.key, agency=agency)
    return Period(int(applied.value), DayKind.WORKING, ART_REVIEW), applied


def filing_review_period(*, agency: Any | None) -> tuple[Period, jurisdiction.Applied]:
    applied = jurisdiction.applied(FILING_REVIEW_DAYS.key, agency=agency)
    return Period(int(applied.value), DayKind.NATURAL, "法规规章备案条例第二十一条"), applied


def correction_period(*, agency: Any | None) -> tuple[Period, jurisdiction.Applied]:
    applied = jurisdiction.applied(CORRECTION_DAYS.key, agency=agency)
    return Period(int(applied.value), DayKind.NATURAL, ART_CORRECTION), applied


# --- Numbering (发文字号) --------------------------------------------------------------------------
# GB/T 9704-2012 7.2.4: 机关代字 + 〔全称年份〕 + 顺序号 + 号; the sequence has no padding (1, not 01)
# and no 第. A normative document's 代字 usually ends in 规 (海城管规〔2026〕3号).
NUMBER_RE = re.compile(r"^(?P<prefix>[\u4e00-\u9fff]+)〔(?P<year>\d{4})〕(?P<seq>[1-9]\d*)号$")
_BRACKETS = str.maketrans(
    {"[": "〔", "]": "〕", "【": "〔", "】": "〕", "（": "〔", "）": "〕", "(": "〔", ")": "〕"}
)


@dataclass(frozen=True)
class DocumentNumber:
    prefix: str
    year: int
    sequence: int

    def __str__(self) -> str:
        return f"{self.prefix}〔{self.year}〕{self.sequence}号"


def normalise_number(raw: str) -> str:
    """The number as it should have been typed: brackets made 六角括号, spaces, 第 and leading zeros of
    the sequence removed (used to suggest a correction, never to accept silently)."""
    text = re.sub(r"\s+", "", raw).translate(_BRACKETS)
    return re.sub(r"〕第?0*(\d+)号$", r"〕\1号", text)


def parse_number(raw: str, *, published_on: dt.date | None = None) -> DocumentNumber:
    """Check a document number against GB/T 9704-2012 7.2.4 (full-width 〔〕 around the full year, a
    sequence without 第 or padding, then 号); with `published_on`, the year must be the publication
    year."""
    match = NUMBER_RE.match(raw.strip())
    if match is None:
        suggestion = normalise_number(raw)
        detail: dict[str, Any] = {"field": "number"}
        if NUMBER_RE.match(suggestion):
            detail["suggestion"] = suggestion
        raise RuleViolation(
            _(
                "The document number must read like 海城管规〔2026〕3号: the issuer's short name, the full "
                "year in 〔〕, the sequence number without 第 or leading zeros, then 号 (%(article)s)."
            )
            % {"article": ART_NUMBER},
            code="document_number_malformed",
            article=ART_NUMBER,
            detail=detail,
        )
    number = DocumentNumber(match["prefix"], int(match["year"]), int(match["seq"]))
    if published_on is not None and number.year != published_on.year:
        raise RuleViolation(
            _("The year in the document number must be the year of publication, %(year)s (%(article)s).")
            % {"year": published_on.year, "article": ART_NUMBER},
            code="document_number_wrong_year",
            article=ART_NUMBER,
            detail={"field": "number", "year": published_on.year},
        )
    return number


# --- Legality review (合法性审核) ------------------------------------------------------------------

LEGALITY_CHECKLIST: Mapping[str, str | Promise] = {
    # 国办发〔2018〕115号 lists what the reviewer examines; the bans are the statutes' own.
    "authority": _("The drafting body has the power to issue it"),  # 制定主体、权限
    "no_new_penalty_or_licence": _(
        "It creates no penalty, licence or coercive measure beyond the law"
    ),  # 行政处罚法第十六条、行政许可法第十七条、行政强制法第十条第四款、第十三条
    "no_restriction_without_basis": _(
        "It restricts no rights and adds no obligations without a legal basis"
    ),  # 减损权利、增加义务须有法律法规规章依据
    "procedure": _("The drafting procedure was followed"),  # 起草、征求意见、审核、集体审议
    "consistent_with_higher_law": _("It is consistent with laws, regulations and rules"),  # 不与上位法抵触
}


def check_legality_checklist(checklist: Mapping[str, Any], *, passing: bool) -> dict[str, bool]:
    """Every point must be answered; a passing opinion needs every one satisfied. A failed point is
    returned to the drafter, never passed (国办发〔2018〕115号: 未经审核或者审核不合法的不得提交集体审议)."""
    missing = [key for key in LEGALITY_CHECKLIST if key not in checklist]
    if missing:
        raise InvalidInput(
            _("Answer every point of the legality review checklist."),
            detail={"field": "checklist", "missing": missing},
        )
    answers = {key: bool(checklist[key]) for key in LEGALITY_CHECKLIST}
    if passing and not all(answers.values()):
        raise RuleViolation(
            _(
                "A legality review cannot pass while a checklist point is not satisfied; return the "
                "draft instead (%(article)s)."
            )
            % {"article": ART_REVIEW},
            code="legality_checklist_failed",
            article=ART_REVIEW,
            detail={"failed": [key for key, ok in answers.items() if not ok]},
        )
    return answers


def legality_review_due(*, submitted_on: dt.date, agency: Any | None) -> tuple[Due, jurisdiction.Applied]:
    period, applied = legality_review_period(agency=agency)
    return period_end(period, submitted_on), applied


# --- Publication, filing, validity ----------------------------------------------------------------


def check_publication(
    *, published_on: dt.date, effective_on: dt.date, legality_review_passed: bool, deliberated: bool
) -> None:
    """Before publication the draft passed the legality review and was deliberated collectively
    (国办发〔2018〕37号、115号); it cannot take effect before it is published."""
    if not legality_review_passed:
        raise RuleViolation(
            _("A normative document cannot be issued without a passing legality review (%(article)s).")
            % {"article": ART_REVIEW},
            code="legality_review_missing",
            article=ART_REVIEW,
        )
    if not deliberated:
        raise RuleViolation(
            _(
                "A normative document is issued only after the drafting body deliberated it collectively "
                "(%(article)s)."
            )
            % {"article": "国办发〔2018〕37号"},
            code="deliberation_missing",
            article="国办发〔2018〕37号",
        )
    check_effective_after_publication(published_on=published_on, effective_on=effective_on)


def check_effective_after_publication(*, published_on: dt.date | None, effective_on: dt.date) -> None:
    """An unpublished document binds nobody: it takes effect on its publication day at the earliest."""
    if published_on is None or effective_on < published_on:
        raise RuleViolation(
            _("A normative document cannot take effect before it is published (%(article)s).")
            % {"article": ART_PUBLICATION},
            code="effective_before_publication",
            article=ART_PUBLICATION,
        )


@dataclass(frozen=True)
class FilingAnswer:
    timeliness: Timeliness
    applied: jurisdiction.Applied

    @property
    def late(self) -> bool:
        return not self.timeliness.in_time


def filing_due(*, published_on: dt.date, agency: Any | None) -> tuple[Due, jurisdiction.Applied]:
    period, applied = filing_period(agency=agency)
    return period_end(period, published_on), applied


def check_filing(*, published_on: dt.date | None, filed_on: dt.date, agency: Any | None) -> FilingAnswer:
    """A document is filed after it is published (法规规章备案条例第三条: 公布后报送备案) — refused
    before; a filing after the jurisdiction's period is accepted and flagged late (the 及时率 counts
    it), with the setting applied so the record shows it."""
    if published_on is None or filed_on < published_on:
        raise RuleViolation(
            _("A normative document can be filed only after it is published (%(article)s).")
            % {"article": ART_FILING},
            code="filing_before_publication",
            article=ART_FILING,
        )
    period, applied = filing_period(agency=agency)
    return FilingAnswer(timeliness(period, published_on, filed_on), applied)


def validity_years(*, agency: Any | None, trial: bool = False) -> jurisdiction.Applied:
    return jurisdiction.applied((TRIAL_VALIDITY_YEARS if trial else VALIDITY_YEARS).key, agency=agency)


def expires_on(effective_on: dt.date, years: int) -> dt.date:
    """The last day of validity: the day before the anniversary of the effective date (valid from
    1 March 2026 for five years → until 28 February 2031; from 29 February 2024 → 28 February 2029)."""
    if years < 1:
        raise InvalidInput(_("A validity period is at least one year."), detail={"field": "validity_years"})
    return add_years(effective_on - dt.timedelta(days=1), years)


def expiry_alert_on(*, expires: dt.date, agency: Any | None) -> tuple[dt.date, jurisdiction.Applied]:
    applied = jurisdiction.applied(EXPIRY_ALERT_DAYS.key, agency=agency)
    return expires - dt.timedelta(days=int(applied.value)), applied


class Validity(StrEnum):
    NOT_PUBLISHED = "not_published"
    NOT_YET_EFFECTIVE = "not_yet_effective"
    VALID = "valid"
    EXPIRED = "expired"
    REPEALED = "repealed"


def validity_on(
    *,
    on: dt.date,
    published_on: dt.date | None,
    effective_on: dt.date | None,
    expires: dt.date | None,
    repealed_on: dt.date | None = None,
) -> Validity:
    """A document's standing on a day: repeal wins from its date; without an expiry date (a document
    the law lets run without one) it stays valid until repealed."""
    if published_on is None or published_on > on or effective_on is None:
        return Validity.NOT_PUBLISHED
    if repealed_on is not None and repealed_on <= on:
        return Validity.REPEALED
    if on < effective_on:
        return Validity.NOT_YET_EFFECTIVE
    if expires is not None and on > expires:
        return Validity.EXPIRED
    return Validity.VALID


def check_repeal(*, published_on: dt.date | None, repealed_on: dt.date, already_repealed: bool) -> None:
    """Only a published, not yet repealed document can be repealed, on or after its publication."""
    if already_repealed:
        raise RuleViolation(
            _("The document has already been repealed (%(article)s).") % {"article": ART_PUBLICATION},
            code="already_repealed",
            article=ART_PUBLICATION,
        )
    if published_on is None or repealed_on < published_on:
        raise RuleViolation(
            _("Only a published document can be repealed, on or after its publication (%(article)s).")
            % {"article": ART_PUBLICATION},
            code="repeal_before_publication",
            article=ART_PUBLICATION,
        )


# --- Filing review (备案审查) --------------------------------------------------------------------


class FilingReviewResult(StrEnum):
    NO_OBJECTION = "no_objection"  # 无异议
    CORRECTION = "correction"  # 纠正：列明问题，限期纠正


def filing_review_due(*, received_on: dt.date, agency: Any | None) -> tuple[Due, jurisdiction.Applied]:
    period, applied = filing_review_period(agency=agency)
    return period_end(period, received_on), applied


def correction_due(*, notified_on: dt.date, agency: Any | None) -> tuple[Due, jurisdiction.Applied]:
    """The drafting body reports its correction within the period (法规规章备案条例第十七条 for rules;
    the jurisdiction's setting for normative documents)."""
    period, applied = correction_period(agency=agency)
    return period_end(period, notified_on), applied


def check_filing_review_result(*, result: Any, problems: str) -> FilingReviewResult:
    """A correction names the problems found (法规规章备案条例第十四条: 建议制定机关自行纠正)."""
    try:
        parsed = FilingReviewResult(str(result))
    except ValueError:
        raise InvalidInput(_("Unknown filing review result."), detail={"field": "result"}) from None
    if parsed == FilingReviewResult.CORRECTION and not problems.strip():
        raise InvalidInput(_("A correction must list the problems found."), detail={"field": "problems"})
    return parsed


def review_too_quick(*, submitted_on: dt.date, reviewed_on: dt.date) -> bool:
    """国办发〔2018〕115号 asks for generally no fewer than five working days of review: a flag for the
    record, not a refusal (urgent documents exist)."""
    return calendar.working_days_between(submitted_on, reviewed_on) < MIN_REVIEW_WORKING_DAYS
