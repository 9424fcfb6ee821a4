"""Grade bands and the late deduction of the rule-of-law assessment, at their edges."""

from decimal import Decimal as D

import pytest

from zhifa.law import assessment as rules
from zhifa.law import jurisdiction

BANDS = {"excellent": D(90), "good": D(80), "passing": D(60)}


@pytest.mark.parametrize(
    ("total", "grade"),
    [
        (D("100"), "excellent"),
        (D("90"), "excellent"),
        (D("89.9"), "good"),
        (D("80"), "good"),
        (D("79.9"), "pass"),
        (D("60"), "pass"),
        (D("59.9"), "fail"),
        (D("0"), "fail"),
    ],
)
def test_a_total_equal_to_a_threshold_reaches_that_band(total: D, grade: str) -> None:
    assert rules.grade(total, total_points=D(100), **BANDS) == grade


def test_thresholds_scale_with_a_set_not_of_100_points() -> None:
    assert rules.scaled(D(90), D(10)) == D(9)
    assert rules.grade(D(9), total_points=D(10), **BANDS) == "excellent"
    assert rules.grade(D("8.9"), total_points=D(10), **BANDS) == "good"
    assert rules.scaled(D(85), D(120)) == D(102)


def test_thresholds_must_be_ordered() -> None:
    assert rules.check_thresholds(D(90), D(80), D(60))
    assert rules.check_thresholds(D(60), D(60), D(60))
    assert not rules.check_thresholds(D(80), D(90), D(60))
    assert not rules.check_thresholds(D(101), D(80), D(60))


def test_lateness_costs_exactly_the_sets_points_and_nothing_otherwise() -> None:
    assert rules.late_deduction(late=True, points=D("1.5")) == D("1.5")
    assert rules.late_deduction(late=False, points=D("1.5")) == D(0)


def test_the_settings_are_registered_with_national_defaults() -> None:
    for key, default in (
        ("assessment.grade_excellent_min", D(90)),
        ("assessment.grade_good_min", D(80)),
        ("assessment.grade_pass_min", D(60)),
        ("assessment.late_deduction_points", D(2)),
    ):
        assert jurisdiction.spec(key).default == default
    assert rules.Grade.FAIL.label == "不合格"
