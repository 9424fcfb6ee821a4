"""Filters for 文书 templates: Chinese dates, amounts in capital numerals (大写), and list joining."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django import template

register = template.Library()

_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_UNITS = ["", "拾", "佰", "仟"]
_SECTIONS = ["", "万", "亿", "万亿"]


@register.filter
def cn_date(value: Any) -> str:
    """2025-06-02 → 2025年6月2日 (the form used on documents)."""
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value[:10])
        except ValueError:
            return str(value)
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return f"{value.year}年{value.month}月{value.day}日"
    return ""


@register.filter
def cn_datetime(value: Any) -> str:
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            return str(value)
    if isinstance(value, dt.datetime):
        from django.utils import timezone

        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return f"{value.year}年{value.month}月{value.day}日{value.hour}时{value.minute:02d}分"
    return ""


@register.filter
def yuan(value: Any) -> str:
    """Decimal yuan with two places and thousands separators: 12,000.00."""
    amount = _decimal(value)
    return "" if amount is None else f"{amount:,.2f}"


@register.filter
def yuan_cn(value: Any) -> str:
    """Capital numerals for amounts (金额大写), as on payment documents: 12000.50 → 壹万贰仟元伍角."""
    amount = _decimal(value)
    if amount is None:
        return ""
    return capital_amount(amount)


def _decimal(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    except InvalidOperation:
        return None


def _four(n: int) -> str:
    """0 < n < 10000 in capital numerals, with inner zeros as 零."""
    out = ""
    zero = False
    for pos in range(3, -1, -1):
        digit = n // 10**pos % 10
        if digit == 0:
            zero = bool(out)
            continue
        if zero:
            out += "零"
            zero = False
        out += _DIGITS[digit] + _UNITS[pos]
    return out


def capital_amount(amount: Decimal) -> str:
    if amount < 0:
        return "负" + capital_amount(-amount)
    integer = int(amount)
    cents = int((amount - integer) * 100)
    if integer == 0 and cents == 0:
        return "零元整"
    parts: list[str] = []
    section = 0
    need_zero = False
    n = integer
    while n:
        chunk = n % 10000
        if chunk:
            text = _four(chunk) + _SECTIONS[section]
            if need_zero:
                text += "零"
            parts.insert(0, text)
            need_zero = chunk < 1000
        elif parts:
            need_zero = True
        n //= 10000
        section += 1
    result = "".join(parts)
    if result.startswith("零"):
        result = result[1:]
    result = result.rstrip("零")
    if integer:
        result += "元"
    jiao, fen = divmod(cents, 10)
    if not cents:
        return result + "整"
    if jiao:
        result += _DIGITS[jiao] + "角"
    elif integer:
        result += "零"
    if fen:
        result += _DIGITS[fen] + "分"
    return result


@register.filter
def join_cn(values: Any, sep: str = "、") -> str:
    try:
        return sep.join(str(v) for v in values if str(v))
    except TypeError:
        return ""


@register.filter
def default_blank(value: Any, width: int = 8) -> str:
    """An empty value as a fill-in line of full-width spaces (a form still readable when printed)."""
    return str(value) if value not in (None, "") else "　" * int(width)
