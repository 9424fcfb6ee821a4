"""The registry of indicators (监督指标): figures each domain computes for a set of agencies over a span.

Each app registers its indicators in `AppConfig.ready()`; the statistics pages, the supervision centre
and the assessment read them through `indicator_value` / `indicators()` and import no domain's models.

    register_indicator(
        "complaints.reply_on_time_rate", _("Replies in time"), compute_reply_rate,
        unit=Unit.PERCENT, target_setting=None, higher_is_better=True,
    )

`compute(agency_ids, span) -> IndicatorValue` counts over exactly the agencies given (the caller has
already applied the user's scope: `org.selectors.scope_agency_ids`). A rate carries its numerator and
denominator so that rates of several agencies can be combined correctly (sum the parts, not the
rates); `value` is None when there is nothing to count (a denominator of 0), never 0 or 100.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any

from django.db.models import Q
from django.utils.functional import Promise

PERCENT_QUANTUM = Decimal("0.1")


class Unit(StrEnum):
    COUNT = "count"  # value = numerator, no denominator
    POINTS = "points"  # an average score: numerator / denominator, one decimal
    PERCENT = "percent"  # value = numerator * 100 / denominator, one decimal, half up
    YUAN = "yuan"  # money, value = numerator (to the cent)
    HOURS = "hours"  # an average per person: numerator / denominator, one decimal


@dataclass(frozen=True)
class DateSpan:
    """Inclusive dates; an open end (None) means unbounded (the statistics pages allow that)."""

    start: dt.date | None
    end: dt.date | None

    def __post_init__(self) -> None:
        if self.start is not None and self.end is not None and self.start > self.end:
            raise ValueError("span starts after it ends")

    @classmethod
    def year(cls, year: int) -> DateSpan:
        return cls(dt.date(year, 1, 1), dt.date(year, 12, 31))

    def q(self, field: str) -> Q:
        """A filter keeping rows whose `field` (a date, or `x__date`) lies in the span."""
        q = Q()
        if self.start is not None:
            q &= Q(**{f"{field}__gte": self.start})
        if self.end is not None:
            q &= Q(**{f"{field}__lte": self.end})
        return q


@dataclass(frozen=True)
class IndicatorValue:
    value: Decimal | None
    numerator: Decimal
    denominator: Decimal | None = None

    @classmethod
    def count(cls, n: int | Decimal) -> IndicatorValue:
        return cls(Decimal(n), Decimal(n))

    @classmethod
    def money(cls, amount: Decimal | None) -> IndicatorValue:
        total = (amount or Decimal(0)).quantize(Decimal("0.01"))
        return cls(total, total)

    @classmethod
    def percent(cls, numerator: int | Decimal, denominator: int | Decimal) -> IndicatorValue:
        num, den = Decimal(numerator), Decimal(denominator)
        value = (num * 100 / den).quantize(PERCENT_QUANTUM, rounding=ROUND_HALF_UP) if den > 0 else None
        return cls(value, num, den)

    @classmethod
    def average(cls, total: int | Decimal, count: int | Decimal) -> IndicatorValue:
        num, den = Decimal(total), Decimal(count)
        value = (num / den).quantize(PERCENT_QUANTUM, rounding=ROUND_HALF_UP) if den > 0 else None
        return cls(value, num, den)


Compute = Callable[[Collection[int], DateSpan], IndicatorValue]


@dataclass(frozen=True)
class Indicator:
    code: str
    label: str | Promise
    compute: Compute
    unit: Unit
    target_setting: str | None = None  # a law.jurisdiction key holding the target, if there is one
    higher_is_better: bool = True
    # Additive over calendar months: the value of a span of whole months is the value of the summed
    # numerators (and denominators) of its months, so a reader may keep per-agency monthly parts
    # (the centre's dashboard does) and add the days it has no part for, computed live.
    monthly: bool = False


_REGISTRY: dict[str, Indicator] = {}


class UnknownIndicator(LookupError):
    pass


def register_indicator(
    code: str,
    label: str | Promise,
    compute: Compute,
    *,
    unit: Unit | str,
    target_setting: str | None = None,
    higher_is_better: bool = True,
    monthly: bool = False,
) -> Indicator:
    """Register (or, on a repeated ready(), replace) the indicator `code` ("<app>.<name>")."""
    if "." not in code:
        raise ValueError(f"indicator code {code!r} must be '<app>.<name>'")
    indicator = Indicator(code, label, compute, Unit(unit), target_setting, higher_is_better, monthly)
    _REGISTRY[code] = indicator
    return indicator


def indicators() -> list[Indicator]:
    """Every registered indicator, by code."""
    return [_REGISTRY[code] for code in sorted(_REGISTRY)]


def indicator(code: str) -> Indicator:
    try:
        return _REGISTRY[code]
    except KeyError:
        raise UnknownIndicator(code) from None


def indicator_value(code: str, agency_ids: Collection[int], span: DateSpan) -> IndicatorValue:
    """The indicator for exactly these agencies over the span (the caller applied the scope)."""
    return indicator(code).compute(frozenset(agency_ids), span)


def combine(unit: Unit, numerator: Decimal, denominator: Decimal | None) -> IndicatorValue:
    """The value of summed parts (numerators and denominators of several agencies or months)."""
    if unit == Unit.COUNT:
        return IndicatorValue.count(numerator)
    if unit == Unit.YUAN:
        return IndicatorValue.money(numerator)
    if unit == Unit.PERCENT:
        return IndicatorValue.percent(numerator, denominator or 0)
    return IndicatorValue.average(numerator, denominator or 0)


def as_dict(code: str, value: IndicatorValue) -> dict[str, Any]:
    """For JSON: decimals as strings, so no precision is lost."""

    def s(v: Decimal | None) -> str | None:
        return None if v is None else str(v)

    return {
        "code": code,
        "value": s(value.value),
        "numerator": s(value.numerator),
        "denominator": s(value.denominator),
    }
