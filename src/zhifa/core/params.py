"""Lenient parsing of query-string filters: a malformed value means "no filter", never a 500."""

from __future__ import annotations

import datetime as dt


def int_param(value: str | None, default: int | None = None) -> int | None:
    try:
        return int(value) if value else default
    except ValueError:
        return default


def date_param(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None
