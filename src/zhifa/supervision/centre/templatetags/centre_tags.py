from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

register = template.Library()


@register.filter
def figure(row: Any, key: str) -> str:
    """A report cell: money to the cent, counts as integers."""
    value = row.figures.get(key, Decimal(0))
    return f"{value:,.2f}" if key == "fines" else str(int(value))
