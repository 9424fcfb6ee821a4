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

An indicator may also register `records(agency_ids, span, offset, limit) -> RecordPage`: the rows
behind the figure (for a rate, the rows the denominator counts, each marked whether the numerator counts
it), so that a reader of a score can open exactly what was counted. `queryset_records` builds it from
the same queryset the figure is computed from, so the two cannot drift apart.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any

from django.db.models import BooleanField, ExpressionWrapper, F, Q, QuerySet
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
class RecordRow:
    """One record behind a figure: how people name it (a number, a title — never a party's personal
    data), the owning app's page for it (its own visibility applies there), the date that placed it in
    the span, and whether the numerator counts it (None for a count, where every row counts)."""

    label: str
    url: str
    on: dt.date | None
    counted: bool | None = None
    note: str = ""


@dataclass(frozen=True)
class RecordPage:
    total: int  # rows behind the figure: the denominator of a rate, the value of a count
    counted: int | None  # rows the numerator counts (None for a count)
    rows: list[RecordRow]


Records = Callable[[Collection[int], DateSpan, int, int], RecordPage]
RowsOf = Callable[[Collection[int], DateSpan], "QuerySet[Any]"]


def _as_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        from django.utils import timezone

        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value if isinstance(value, dt.date) else None


def queryset_records(
    rows: RowsOf,
    *,
    on: str,
    label: Callable[[Any], str],
    url: Callable[[Any], str],
    counted: Q | None = None,
) -> Records:
    """Records from the queryset `rows(agency_ids, span)` the figure counts: three queries a page (the
    total, the counted total, the page), newest first by the field `on`. `label` and `url` must not
    query (give the queryset its `select_related`)."""

    def page(agency_ids: Collection[int], span: DateSpan, offset: int, limit: int) -> RecordPage:
        qs = rows(frozenset(agency_ids), span)
        total = qs.count()
        n_counted = qs.filter(counted).count() if counted is not None else None
        listed = qs.annotate(_record_on=F(on))
        if counted is not None:
            listed = listed.annotate(_counted=ExpressionWrapper(counted, output_field=BooleanField()))
        out = []
        for obj in listed.order_by(F("_record_on").desc(nulls_last=True), "-pk")[offset : offset + limit]:
            out.append(
                RecordRow(
                    label=label(obj),
                    url=url(obj),
                    on=_as_date(obj._record_on),
                    counted=bool(obj._counted) if counted is not None else None,
                )
            )
        return RecordPage(total, n_counted, out)

    return page


@dataclass(frozen=True)
class Indicator:
    code: str
    label: str | Promise
    compute: Compute
    unit: Unit
    target_setting: str | None = None  # a law.jurisdiction key holding the target, if there is one
    higher_is_better: bool = True
    records: Records | None = None  # the rows behind the figure, when the owning app can list them
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
    records: Records | None = None,
    monthly: bool = False,
) -> Indicator:
    """Register (or, on a repeated ready(), replace) the indicator `code` ("<app>.<name>")."""
    if "." not in code:
        raise ValueError(f"indicator code {code!r} must be '<app>.<name>'")
    indicator = Indicator(
        code, label, compute, Unit(unit), target_setting, higher_is_better, records=records, monthly=monthly
    )
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


def indicator_records(
    code: str, agency_ids: Collection[int], span: DateSpan, *, offset: int = 0, limit: int = 50
) -> RecordPage | None:
    """The records behind the figure for exactly these agencies (the caller applied the scope), or
    None when the owning app registered no way to list them."""
    records = indicator(code).records
    if records is None:
        return None
    return records(frozenset(agency_ids), span, max(0, offset), max(1, min(limit, 200)))


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
