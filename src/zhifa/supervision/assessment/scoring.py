"""How a leaf computed from data is scored (pure; the figure comes from `zhifa.core.indicators`).

- `linear`: full points at or beyond the target, zero at `zero_at` (default 0), a straight line
  between. With `zero_at` above the target the scale runs the other way (lower is better: a correction
  rate, a loss rate). E.g. 持证率 with target 85 over 5 points: 85 % or more → 5, 68 % → 4, 0 % → 0.
- `threshold`: full points when the target is met (`≥`, or `≤` when the indicator is registered as
  lower-is-better), nothing otherwise.
- deduction from data: `per_item` points off for each occurrence counted, never below zero.

Nothing to count (the indicator's value is None: no hearings, no filings) scores full points and is
marked so: an agency is not marked down for a duty that did not arise, and the assessor may adjust
with a reason. Scores are rounded half up to one decimal.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from zhifa.law.assessment import TENTH  # scores and points are kept to one decimal
from zhifa.supervision.assessment.models import Figure, Formula, Method


@dataclass(frozen=True)
class LeafRule:
    points: Decimal
    method: str
    formula: str = ""
    target: Decimal | None = None
    zero_at: Decimal | None = None
    per_item: Decimal | None = None


def q(value: Decimal) -> Decimal:
    return value.quantize(TENTH, rounding=ROUND_HALF_UP)


def clamp(value: Decimal, points: Decimal) -> Decimal:
    return min(max(value, Decimal(0)), points)


def score(rule: LeafRule, value: Decimal | None, *, higher_is_better: bool = True) -> tuple[str, Decimal]:
    """(figure status, score) for a figure `value` (None: nothing to count)."""
    if value is None:
        return Figure.NO_DATA, rule.points
    if rule.method == Method.DEDUCTION:
        per = rule.per_item or Decimal(0)
        return Figure.OK, q(clamp(rule.points - per * value, rule.points))
    assert rule.target is not None
    if rule.formula == Formula.THRESHOLD:
        met = value >= rule.target if higher_is_better else value <= rule.target
        return Figure.OK, rule.points if met else Decimal(0)
    zero = rule.zero_at if rule.zero_at is not None else Decimal(0)
    span = rule.target - zero
    share = (value - zero) / span
    return Figure.OK, q(clamp(rule.points * share, rule.points))
