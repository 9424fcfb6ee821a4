"""The indicator registry itself, and that docs/interfaces.md lists exactly the registered codes."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pytest

from zhifa.core.indicators import (
    DateSpan,
    IndicatorValue,
    UnknownIndicator,
    indicator,
    indicator_value,
    indicators,
    register_indicator,
)

DOCS = Path(__file__).resolve().parents[4] / "docs" / "interfaces.md"


def test_values_carry_their_parts_and_no_rate_without_a_denominator() -> None:
    assert IndicatorValue.percent(2, 3) == IndicatorValue(Decimal("66.7"), Decimal(2), Decimal(3))
    assert IndicatorValue.percent(1, 8).value == Decimal("12.5")
    assert IndicatorValue.percent(0, 0).value is None
    assert IndicatorValue.average(Decimal("121.5"), 4).value == Decimal("30.4")
    assert IndicatorValue.money(None).value == Decimal("0.00")
    assert IndicatorValue.count(7).value == 7 and IndicatorValue.count(7).denominator is None


def test_a_span_is_inclusive_and_cannot_run_backwards() -> None:
    year = DateSpan.year(2025)
    assert (year.start, year.end) == (dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    with pytest.raises(ValueError):
        DateSpan(dt.date(2025, 2, 1), dt.date(2025, 1, 31))


def test_registration_and_lookup() -> None:
    seen: list[tuple[frozenset[int], DateSpan]] = []

    def compute(agency_ids, span):  # type: ignore[no-untyped-def]
        seen.append((agency_ids, span))
        return IndicatorValue.count(len(agency_ids))

    from zhifa.core import indicators as registry

    try:
        register_indicator("test.agencies", "agencies", compute, unit="count")
        assert indicator_value("test.agencies", [1, 2, 2], DateSpan.year(2025)).value == 2
        assert seen == [(frozenset({1, 2}), DateSpan.year(2025))]
        assert indicator("test.agencies").higher_is_better
    finally:
        registry._REGISTRY.pop("test.agencies", None)
    with pytest.raises(UnknownIndicator):
        indicator("test.agencies")
    with pytest.raises(ValueError):
        register_indicator("nodot", "x", compute, unit="count")


def test_the_documented_list_is_the_registered_list() -> None:
    section = DOCS.read_text(encoding="utf-8").split("Registered indicators", 1)[1].split("\n#", 1)[0]
    documented = set(re.findall(r"^\s*\| `([a-z_]+\.[a-z_]+)` \|", section, flags=re.MULTILINE))
    assert documented == {i.code for i in indicators()}
