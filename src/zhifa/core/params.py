"""Lenient parsing of query-string filters: a malformed value means "no filter", never a 500."""

from __future__ import annotations

import datetime as dt

INT64_MAX = 2**63 - 1


def int_param(value: str | None, default: int | None = None) -> int | None:
    """An integer filter; malformed or beyond what a database column holds (64 bits) → `default`."""
    try:
        number = int(value) if value else default
    except ValueError:
        return default
    if number is not None and abs(number) > INT64_MAX:
        return default
    return number


def date_param(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None
