"""Display of fine ranges: yuan with thousands separators, or the basis (percent, multiple, rate)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.utils.translation import gettext as _

from zhifa.law.discretion import BasisKind, basis_kind

register = template.Library()


@register.filter
def amount(value: Decimal | None) -> str:
    """20000.00 → 20,000; 12345.5 → 12,345.50 (whole amounts without decimals, others to the fen)."""
    if value is None:
        return ""
    if value == value.to_integral():
        return f"{int(value):,}"
    return f"{value:,.2f}"  # money keeps its fen: 61,728.40


@register.filter
def amount_int(value: int) -> str:
    return f"{int(value):,}"


def _bounds(low: Decimal | None, high: Decimal | None, unit: str) -> str:
    if low is None and high is None:
        return ""
    if low is None:
        return _("up to %(max)s %(unit)s") % {"max": amount(high), "unit": unit}
    if high is None:
        return _("at least %(min)s %(unit)s") % {"min": amount(low), "unit": unit}
    if low == high:
        return f"{amount(low)} {unit}"
    return f"{amount(low)}–{amount(high)} {unit}"


@register.simple_tag
def fine_range(version: Any, low: Any = "", high: Any = "") -> str:
    """The range of a version (or of a tier, given its bounds) in the version's unit."""
    if low == "" and high == "":
        low, high = version.fine_min, version.fine_max
    low = low if isinstance(low, Decimal) else None
    high = high if isinstance(high, Decimal) else None
    try:
        kind = basis_kind(version.fine_basis)
    except ValueError:
        kind = None
    if kind is BasisKind.FIXED:
        text = _bounds(low, high, _("yuan"))
    elif kind is BasisKind.PERCENT:
        text = _bounds(low, high, "%")
        text = f"{text}（{base_label(version)}）" if text else ""
    else:
        text = _bounds(low, high, f"（{version.fine_basis}）")
    return text or "—"


@register.filter
def base_label(version: Any) -> str:
    """What a non-fixed basis is computed from, without the unit: 建设工程造价% → 建设工程造价."""
    return str(version.fine_basis).rstrip("%％")
