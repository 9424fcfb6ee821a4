"""The formulas of computed leaves at their edges (pure)."""

from decimal import Decimal as D

import pytest

from zhifa.supervision.assessment.scoring import LeafRule, score

CREDENTIALS = LeafRule(points=D(5), method="computed", formula="linear", target=D(85))
CORRECTIONS = LeafRule(points=D(4), method="computed", formula="linear", target=D(5), zero_at=D(30))
ON_TIME = LeafRule(points=D(3), method="computed", formula="threshold", target=D(100))
EXPIRED = LeafRule(points=D(2), method="deduction", per_item=D(1))


@pytest.mark.parametrize(
    ("value", "points"),
    [(D(100), D(5)), (D(85), D(5)), (D("84.9"), D("5.0")), (D(68), D(4)), (D(0), D(0)), (D(17), D(1))],
)
def test_linear_full_at_the_target_and_down_to_zero(value: D, points: D) -> None:
    assert score(CREDENTIALS, value)[1] == points


@pytest.mark.parametrize(
    ("value", "points"), [(D(0), D(4)), (D(5), D(4)), (D("17.5"), D(2)), (D(30), D(0)), (D(60), D(0))]
)
def test_linear_lower_is_better_when_zero_lies_above_the_target(value: D, points: D) -> None:
    assert score(CORRECTIONS, value)[1] == points


def test_threshold_is_all_or_nothing_in_the_indicators_direction() -> None:
    assert score(ON_TIME, D(100))[1] == D(3)
    assert score(ON_TIME, D("99.9"))[1] == D(0)
    assert score(ON_TIME, D(0), higher_is_better=False)[1] == D(3)


def test_deduction_per_occurrence_never_below_zero() -> None:
    assert [score(EXPIRED, D(n))[1] for n in (0, 1, 2, 5)] == [D(2), D(1), D(0), D(0)]


def test_nothing_to_count_scores_full_points_and_says_so() -> None:
    assert score(CREDENTIALS, None) == ("no_data", D(5))
