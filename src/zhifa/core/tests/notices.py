"""Notices for tests: the real 2025 and 2026 texts, and a well-formed notice for any year."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures" / "calendar_notices"
WEEKDAY = "一二三四五六日"


def real_notice(year: int) -> str:
    return (FIXTURES / f"{year}.txt").read_text(encoding="utf-8")


def _d(day: dt.date) -> str:
    return f"{day.month}月{day.day}日（周{WEEKDAY[day.weekday()]}）"


def _span(first: dt.date, last: dt.date) -> str:
    return _d(first) if first == last else f"{_d(first)}至{_d(last)}"


def crafted_notice(year: int, *, workdays: Iterable[dt.date] = (), spring: tuple[int, int] = (2, 10)) -> str:
    """A notice in the State Council's form for `year`, weekdays stated correctly: 元旦 1 Jan, 春节
    seven days from `spring` (month, day), 清明 5 Apr, 劳动节 1–5 May, 端午 10 Jun, 中秋 20 Sep, 国庆 1–7 Oct;
    `workdays` (weekend days) are the 春节 item's adjusted working days (上班)."""
    d = dt.date
    s = d(year, *spring)
    items = [
        ("元旦", d(year, 1, 1), d(year, 1, 1)),
        ("春节", s, s + dt.timedelta(days=6)),
        ("清明节", d(year, 4, 5), d(year, 4, 5)),
        ("劳动节", d(year, 5, 1), d(year, 5, 5)),
        ("端午节", d(year, 6, 10), d(year, 6, 10)),
        ("中秋节", d(year, 9, 20), d(year, 9, 20)),
        ("国庆节", d(year, 10, 1), d(year, 10, 7)),
    ]
    lines = [f"国务院办公厅关于{year}年部分节假日安排的通知", f"国办发明电〔{year - 1}〕9号", ""]
    for no, (name, first, last) in zip("一二三四五六七", items, strict=True):
        text = f"{no}、{name}：{_span(first, last)}放假，共{(last - first).days + 1}天。"
        if name == "春节" and workdays:
            text += "、".join(_d(w) for w in workdays) + "上班。"
        lines.append(text)
    lines += ["", "国务院办公厅", f"{year - 1}年11月5日"]
    return "\n".join(lines)
