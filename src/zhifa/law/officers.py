"""Rules for officers: who may enforce, who may do legal review, and the training and exam targets.

Statutes (shared/data/laws/行政处罚法(2021-01-22).md):
- 行政处罚法第四十二条: penalties are imposed by officers holding enforcement qualification (行政执法资格),
  at least two of them unless a law says otherwise. 第五十二条 and 第五十五条 make them show the
  credential (执法证件); 第七十六条第一款第五项 makes "执法人员未取得执法证件" a ground for correction.
- 行政强制法第十七条第三款, 第十八条第二项: the same for enforcement measures (two or more qualified
  officers).
- 行政处罚法第五十八条第二款: a person doing legal review (法制审核) for the first time must hold the
  legal-professional qualification (法律职业资格). The sentence entered the law with the 2017 amendment
  (in force 2018-01-01); people already doing the work before then are not "初次从事".

Policy targets (seed documents of the demo city; jurisdiction settings with these national defaults):
≥ 40 study hours a year, ≥ 7 days of legal training, exam pass score 60 and excellent score 85, exam
pass rate 100 %, excellent rate ≥ 80 %, credential rate (持证率) ≥ 85 %.

Everything here is pure: callers pass the values (and settings) in force.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from zhifa.law.jurisdiction import SettingSpec, register

ENFORCEMENT_ARTICLE = "行政处罚法第四十二条"
LEGAL_REVIEW_ARTICLE = "行政处罚法第五十八条"

MIN_OFFICERS_PER_ACT = 2
"""行政处罚法第四十二条 / 行政强制法第十八条第二项: no fewer than two officers."""

LEGAL_QUALIFICATION_REQUIRED_FROM = dt.date(2018, 1, 1)
"""行政处罚法第五十八条第二款 (since the 2017 amendment, in force 2018-01-01): reviewers who began
legal review work on or after this date are "初次从事" and need 法律职业资格."""

# --- Jurisdiction settings -----------------------------------------------------------------------

STUDY_HOURS_TARGET = register(
    SettingSpec(
        key="officers.study_hours_target",
        default=Decimal("40"),
        label=_("Study hours each officer must complete a year"),
        basis="行政执法人员培训制度（地方规定，示范城市：每年不少于40学时）",
    )
)
LEGAL_TRAINING_DAYS_TARGET = register(
    SettingSpec(
        key="officers.legal_training_days_target",
        default=Decimal("7"),
        label=_("Days of legal training each officer must attend a year"),
        basis="行政执法人员培训制度（地方规定，示范城市：每年不少于7天法律知识培训）",
    )
)
EXAM_PASS_SCORE = register(
    SettingSpec(
        key="officers.exam_pass_score",
        default=Decimal("60"),
        label=_("Exam pass score"),
        basis="行政执法人员考试制度（地方规定，默认60分）",
    )
)
EXAM_EXCELLENT_SCORE = register(
    SettingSpec(
        key="officers.exam_excellent_score",
        default=Decimal("85"),
        label=_("Exam excellent score"),
        basis="行政执法人员考试制度（地方规定，默认85分）",
    )
)
EXAM_PASS_RATE_TARGET = register(
    SettingSpec(
        key="officers.exam_pass_rate_target",
        default=Decimal("100"),
        label=_("Target exam pass rate (%)"),
        basis="依法行政考核指标（地方规定，示范城市：参考人员合格率100%）",
    )
)
EXAM_EXCELLENT_RATE_TARGET = register(
    SettingSpec(
        key="officers.exam_excellent_rate_target",
        default=Decimal("80"),
        label=_("Target exam excellent rate (%)"),
        basis="依法行政考核指标（地方规定，示范城市：优秀率不低于80%）",
    )
)
CREDENTIAL_RATE_TARGET = register(
    SettingSpec(
        key="officers.credential_rate_target",
        default=Decimal("85"),
        label=_("Target credential rate (%)"),
        basis="依法行政考核指标（地方规定，示范城市：持证率不低于85%）",
    )
)
ALERT_DAYS_BEFORE = register(
    SettingSpec(
        key="officers.alert_days_before",
        default=30,
        kind=int,
        label=_("Warn this many days before a credential expires or its annual review is due"),
        basis="行政执法证件管理（地方规定，默认提前30日预警）",
    )
)
REVIEW_LAPSE_SUSPENDS = register(
    SettingSpec(
        key="officers.review_lapse_suspends",
        default=1,
        kind=int,
        label=_("A credential whose annual review is overdue may not be used (1 = yes, 0 = warn only)"),
        basis="行政执法证件管理办法（地方规定：逾期未年审的证件暂停使用）",
    )
)


# --- Credential validity -------------------------------------------------------------------------


class CredentialProblem(StrEnum):
    """Why a credential does not allow enforcement on a day. Ordered from most to least final."""

    REVOKED = "revoked"
    SUSPENDED = "suspended"
    EXPIRED = "expired"
    NOT_YET_VALID = "not_yet_valid"
    REVIEW_OVERDUE = "review_overdue"
    AREA_NOT_COVERED = "area_not_covered"


def credential_problem(
    *,
    status: str,
    issued_on: dt.date,
    expires_on: dt.date,
    review_due_on: dt.date | None,
    areas: Iterable[str],
    on: dt.date,
    area: str | None = None,
    review_lapse_suspends: bool = True,
) -> CredentialProblem | None:
    """None when a credential allows its holder to enforce on `on` (in `area`, when given).

    行政处罚法第四十二条: only officers with enforcement qualification act. The credential is valid
    from its issue day through its expiry day inclusive (the expiry day is the last day it may be
    used). `status` is the status in force on `on` ("valid", "suspended", "revoked", "expired").
    An annual review whose due date has passed makes the credential unusable where the jurisdiction
    says so (REVIEW_LAPSE_SUSPENDS); the due day itself is still in time.
    """
    if status == "revoked":
        return CredentialProblem.REVOKED
    if status == "suspended":
        return CredentialProblem.SUSPENDED
    if status == "expired" or on > expires_on:
        return CredentialProblem.EXPIRED
    if on < issued_on:
        return CredentialProblem.NOT_YET_VALID
    if review_lapse_suspends and review_due_on is not None and on > review_due_on:
        return CredentialProblem.REVIEW_OVERDUE
    if area is not None and area not in set(areas):
        return CredentialProblem.AREA_NOT_COVERED
    return None


def may_do_legal_review(*, has_legal_qualification: bool, review_work_since: dt.date | None) -> bool:
    """行政处罚法第五十八条第二款: a first-time legal reviewer needs 法律职业资格.

    Someone who has done legal review work since before LEGAL_QUALIFICATION_REQUIRED_FROM is not
    "初次从事" and may continue without it.
    """
    if has_legal_qualification:
        return True
    return review_work_since is not None and review_work_since < LEGAL_QUALIFICATION_REQUIRED_FROM


def days_until(due: dt.date, *, on: dt.date) -> int:
    return (due - on).days


def due_soon(due: dt.date | None, *, on: dt.date, days_before: int) -> bool:
    """True from `days_before` days ahead of `due` through `due` itself (alert window).

    Past the due day the condition is no longer "soon" but overdue (see `overdue`)."""
    if due is None:
        return False
    remaining = days_until(due, on=on)
    return 0 <= remaining <= days_before


def overdue(due: dt.date | None, *, on: dt.date) -> bool:
    return due is not None and on > due


def next_review_due(reviewed_on: dt.date) -> dt.date:
    """Annual review (年审): the next one is due one year after the last passed review.

    29 February moves to 28 February in a common year."""
    try:
        return reviewed_on.replace(year=reviewed_on.year + 1)
    except ValueError:
        return reviewed_on.replace(year=reviewed_on.year + 1, day=28)


# --- Training and exams --------------------------------------------------------------------------


def exam_passed(score: Decimal | None, *, pass_score: Decimal) -> bool:
    """A score at or above the pass score passes (60 passes, 59.5 does not). No score (absent) fails."""
    return score is not None and score >= pass_score


def exam_excellent(score: Decimal | None, *, excellent_score: Decimal) -> bool:
    """A score at or above the excellent score is excellent (85 is, 84.5 is not)."""
    return score is not None and score >= excellent_score


def meets_target(value: Decimal, *, target: Decimal) -> bool:
    """Study hours (or legal-training days) at or above the yearly target meet it (40.0 does)."""
    return value >= target


RATE_QUANTUM = Decimal("0.1")


def rate(numerator: int, denominator: int) -> Decimal | None:
    """A percentage with one decimal (half up), or None when there is nobody to count.

    持证率 = officers holding a valid credential / officers in service; pass rate = passed / examined."""
    if denominator <= 0:
        return None
    return (Decimal(numerator) * 100 / Decimal(denominator)).quantize(RATE_QUANTUM, rounding=ROUND_HALF_UP)


def average(total: Decimal, count: int) -> Decimal | None:
    if count <= 0:
        return None
    return (total / Decimal(count)).quantize(RATE_QUANTUM, rounding=ROUND_HALF_UP)
