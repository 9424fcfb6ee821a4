"""Fines against the statutory range and the discretion benchmark (裁量基准).

- 行政处罚法第四条, 第三十八条: a penalty rests on a legal basis; a fine above the statutory maximum
  has none for the excess, so it is never permitted.
- 行政处罚法第三十二条: a fine below the statutory minimum is 减轻处罚, allowed only on the grounds
  that article lists (the decision must name them).
- 行政处罚法第三十四条: agencies set and publish discretion benchmarks; a fine inside the law but
  outside the chosen tier needs its reasons written down (从轻/从重, DESIGN.md `decide`).

Statutory ranges are written in yuan or relative to a base the power item names: a percentage of the
project cost (城乡规划法第六十四条: 建设工程造价百分之五以上百分之十以下), a multiple of a value
(所砍伐树木价值倍数), or a rate per unit (元/平方米建筑面积, 元/泊位). `to_yuan` turns such a bound
into yuan for a given base, rounding to the fen on the side that never lets a fine cross the bound:
a minimum rounds up and a maximum rounds down.

Pure functions: no database, no models. `zhifa.powers.discretion` applies them to power items.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal
from enum import StrEnum

FEN = Decimal("0.01")

ARTICLE_NO_BASIS = "行政处罚法第三十八条"
ARTICLE_MITIGATION = "行政处罚法第三十二条"
ARTICLE_BENCHMARK = "行政处罚法第三十四条"


class BasisKind(StrEnum):
    FIXED = "fixed"  # the numbers are yuan
    PERCENT = "percent"  # percent of the base (project cost …)
    MULTIPLE = "multiple"  # multiples of the base (value of the trees felled …)
    PER_UNIT = "per_unit"  # yuan per unit; the base is the number of units (m², parking spaces …)


def basis_kind(fine_basis: str) -> BasisKind:
    """Classify the `fine_basis` text of a power item (shared/data/README.md, `fine_basis`)."""
    basis = (fine_basis or "").strip()
    if basis in ("", "fixed"):
        return BasisKind.FIXED
    if basis.endswith("%") or basis.endswith("％") or "百分" in basis:
        return BasisKind.PERCENT
    if "倍" in basis:
        return BasisKind.MULTIPLE
    if basis.startswith("元/") or basis.startswith("元每"):
        return BasisKind.PER_UNIT
    raise ValueError(f"unknown fine basis: {fine_basis!r}")


def needs_base(kind: BasisKind) -> bool:
    return kind != BasisKind.FIXED


def to_yuan(value: Decimal, *, kind: BasisKind, base: Decimal | None, bound: str) -> Decimal:
    """A range bound in yuan. `bound` is "min" (rounded up to the fen), "max" (rounded down) or
    "nearest" (half up)."""
    if kind == BasisKind.FIXED:
        raw = value
    else:
        if base is None:
            raise ValueError("a base amount is required for this fine basis")
        # A multiple of the base and a rate per unit of it are both value × base.
        raw = base * value / Decimal(100) if kind == BasisKind.PERCENT else base * value
    rounding = {"min": ROUND_CEILING, "max": ROUND_FLOOR, "nearest": ROUND_HALF_UP}[bound]
    return raw.quantize(FEN, rounding=rounding)


def legal_range_in_yuan(
    low: Decimal | None, high: Decimal | None, *, kind: BasisKind, base: Decimal | None
) -> AmountRange:
    """The statutory range in yuan: the minimum rounded up, the maximum rounded down to the fen."""
    return AmountRange(
        None if low is None else to_yuan(low, kind=kind, base=base, bound="min"),
        None if high is None else to_yuan(high, kind=kind, base=base, bound="max"),
    )


def tier_range_in_yuan(
    low: Decimal | None,
    high: Decimal | None,
    *,
    kind: BasisKind,
    base: Decimal | None,
    legal: AmountRange | None,
) -> AmountRange:
    """A tier's range in yuan: bounds rounded to the nearest fen, then kept inside the statutory range.

    Rounding a tier directionally would empty a tier of exactly 5 % of a cost that is no whole number
    of fen (5 % of 1,234,567.89 = 61,728.3945 → [61,728.40, 61,728.39]); nearest-fen rounding clamped
    to the law's fen range gives the one lawful amount instead (61,728.40)."""
    tier_min = None if low is None else to_yuan(low, kind=kind, base=base, bound="nearest")
    tier_max = None if high is None else to_yuan(high, kind=kind, base=base, bound="nearest")
    if legal is not None:
        if legal.min is not None:
            tier_min = legal.min if tier_min is None else max(tier_min, legal.min)
            tier_max = None if tier_max is None else max(tier_max, legal.min)
        if legal.max is not None:
            tier_max = legal.max if tier_max is None else min(tier_max, legal.max)
            tier_min = None if tier_min is None else min(tier_min, legal.max)
    return AmountRange(tier_min, tier_max)


@dataclass(frozen=True)
class AmountRange:
    """A closed range in yuan. `min=None` means no floor (「X元以下」), `max=None` no ceiling."""

    min: Decimal | None
    max: Decimal | None

    def is_unbounded(self) -> bool:
        return self.min is None and self.max is None

    def contains(self, amount: Decimal) -> bool:
        return (self.min is None or amount >= self.min) and (self.max is None or amount <= self.max)


class AmountClass(StrEnum):
    WITHIN_TIER = "within_tier"
    OUTSIDE_TIER_WITHIN_LAW = "outside_tier_within_law"
    BELOW_LEGAL_MINIMUM = "below_legal_minimum"
    ABOVE_LEGAL_MAXIMUM = "above_legal_maximum"
    NO_STATUTORY_RANGE = "no_statutory_range"


def classify(amount: Decimal, *, legal: AmountRange | None, tier: AmountRange | None) -> AmountClass:
    """Where `amount` lies.

    `legal` is the statutory range (None when the national text sets no amount, e.g. 城市市容和环境
    卫生管理条例第三十四条 leaves it to local rules); `tier` the benchmark tier's range (None when the
    item has no tiers or the tier sets no amount, in which case the statutory range is the benchmark).
    The law is checked first: a fine above the maximum is refused whatever a tier says.
    """
    if legal is not None and legal.max is not None and amount > legal.max:
        return AmountClass.ABOVE_LEGAL_MAXIMUM
    if legal is not None and legal.min is not None and amount < legal.min:
        return AmountClass.BELOW_LEGAL_MINIMUM
    if tier is not None and not tier.is_unbounded():
        if tier.contains(amount):
            return AmountClass.WITHIN_TIER
        return AmountClass.OUTSIDE_TIER_WITHIN_LAW if legal is not None else AmountClass.NO_STATUTORY_RANGE
    if legal is None:
        return AmountClass.NO_STATUTORY_RANGE
    return AmountClass.WITHIN_TIER


def tier_inside_law(
    *,
    tier_min: Decimal | None,
    tier_max: Decimal | None,
    legal_min: Decimal | None,
    legal_max: Decimal | None,
) -> bool:
    """A benchmark tier may only narrow the statutory range, never widen it (行政处罚法第三十四条 with
    第四条: benchmarks refine the law's range). Bounds are on the same basis (yuan or percent …)."""
    if tier_min is not None and tier_max is not None and tier_min > tier_max:
        return False
    if legal_min is not None and tier_min is not None and tier_min < legal_min:
        return False
    if legal_max is not None:
        if tier_max is not None and tier_max > legal_max:
            return False
        if tier_min is not None and tier_min > legal_max:
            return False
    return not (legal_min is not None and tier_max is not None and tier_max < legal_min)
