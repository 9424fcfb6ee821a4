"""Rules of the annual rule-of-law assessment (依法行政考核).

The assessment is not set by statute but by policy: 法治政府建设实施纲要（2021—2025年） asks every
level of government to make rule-of-law work part of the annual performance assessment
(“把法治建设成效作为衡量各级领导班子和领导干部工作实绩重要内容，纳入政绩考核指标体系”), and
法治政府建设与责任落实督察工作规定（2019）第二十七条 has the results used in assessment. The indicator
system, the points and the grade bands are each jurisdiction's own; the numbers below are the platform's
defaults, set per government node (`law.jurisdiction`):

- grade bands (`assessment.grade_excellent_min` 90, `assessment.grade_good_min` 80,
  `assessment.grade_pass_min` 60 points out of the set's total, scaled when the set's total is not 100):
  优秀 at or above the first, 良好 at or above the second, 合格 at or above the third, 不合格 below;
- a self-check (自查自评) submitted after its deadline loses the points the indicator set names
  (`IndicatorSet.late_deduction`); `assessment.late_deduction_points` (2) is the default a new set
  takes. Lateness is judged on the deadline engine's last day (a last day off work moves to the next
  working day, 民事诉讼法第八十五条 as applied to every period on the platform): in an agency's favour.

Everything here is pure: callers pass the values in force.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from zhifa.law.jurisdiction import SettingSpec, register

BASIS = "法治政府建设实施纲要（2021—2025年）；法治政府建设与责任落实督察工作规定第二十七条"
ARTICLE_LATE = "依法行政考核方案（逾期报送自查报告扣分）"
TENTH = Decimal("0.1")

GRADE_EXCELLENT_MIN = register(
    SettingSpec(
        key="assessment.grade_excellent_min",
        default=Decimal(90),
        label=_("Rule-of-law assessment: 优秀 from (points of 100)"),
        basis=BASIS + "（等次划分由各地考核办法规定，平台默认90分）",
    )
)
GRADE_GOOD_MIN = register(
    SettingSpec(
        key="assessment.grade_good_min",
        default=Decimal(80),
        label=_("Rule-of-law assessment: 良好 from (points of 100)"),
        basis=BASIS + "（平台默认80分）",
    )
)
GRADE_PASS_MIN = register(
    SettingSpec(
        key="assessment.grade_pass_min",
        default=Decimal(60),
        label=_("Rule-of-law assessment: 合格 from (points of 100)"),
        basis=BASIS + "（平台默认60分）",
    )
)
LATE_DEDUCTION_POINTS = register(
    SettingSpec(
        key="assessment.late_deduction_points",
        default=Decimal(2),
        label=_("Rule-of-law assessment: points deducted for a late self-check"),
        basis=BASIS + "（逾期报送扣分由考核方案规定，平台默认2分）",
    )
)
RECTIFY_BELOW_SHARE = register(
    SettingSpec(
        key="assessment.rectify_below_share",
        default=Decimal("0.6"),
        label=_(
            "Rule-of-law assessment: an indicator scoring under this share of its points needs rectification"
        ),
        basis=BASIS + "（整改要求由考核方案规定，平台默认得分低于该项分值60%的须整改）",
    )
)


class Grade(StrEnum):
    EXCELLENT = "excellent"
    GOOD = "good"
    PASS = "pass"  # noqa: S105 — a grade, not a password
    FAIL = "fail"

    @property
    def label(self) -> str:
        return GRADE_LABELS[self]


GRADE_LABELS = {Grade.EXCELLENT: "优秀", Grade.GOOD: "良好", Grade.PASS: "合格", Grade.FAIL: "不合格"}


def scaled(threshold: Decimal, total_points: Decimal) -> Decimal:
    """A threshold given out of 100, for a set whose total is `total_points`."""
    return (threshold * total_points / 100).quantize(TENTH, rounding=ROUND_HALF_UP)


def check_thresholds(excellent: Decimal, good: Decimal, passing: Decimal) -> bool:
    """The bands must be ordered: 0 ≤ 合格 ≤ 良好 ≤ 优秀 ≤ 100."""
    return Decimal(0) <= passing <= good <= excellent <= Decimal(100)


def grade(
    total: Decimal, *, total_points: Decimal, excellent: Decimal, good: Decimal, passing: Decimal
) -> Grade:
    """The band of `total` (out of `total_points`); a total equal to a threshold reaches that band."""
    if total >= scaled(excellent, total_points):
        return Grade.EXCELLENT
    if total >= scaled(good, total_points):
        return Grade.GOOD
    if total >= scaled(passing, total_points):
        return Grade.PASS
    return Grade.FAIL


def late_deduction(*, late: bool, points: Decimal) -> Decimal:
    """What a self-check loses for lateness: exactly the set's points when late, nothing otherwise."""
    return points if late else Decimal(0)
