"""The year editor's form (`/calendar/<year>/edit/`): a year's arrangement typed in festival by festival
from the State Council notice — days off from … to …, and the adjusted working days — or corrected
after it was entered or pasted. Read into the same `Notice` the paste reader produces, with the same
rules, so both doors store the same thing through `services.calendar_year_enter`. docs/calendar.md.

Refused, naming the row's festival, and nothing is saved: a row with dates but no name or without its
first or last day off; a date that is not a date; days off ending before they begin or longer than
fifteen days; a date outside the year (only 元旦 may begin in the previous December); an adjusted
working day on a weekday; a day arranged twice; a festival of 全国年节及纪念日放假办法 missing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from zhifa.core.calendar_notice import FESTIVALS, MAX_RANGE_DAYS, Kind, Notice, NoticeDay
from zhifa.core.errors import InvalidInput

ROWS_SHOWN = 9  # the seven festivals and two spare rows (a combined 中秋节、国庆节, a late change)
MAX_ROWS = 15
WORKDAYS_PER_ROW = 3  # the most any notice has arranged for one festival so far is two
NAME_MAX = 50  # CalendarDay.name
FESTIVAL_NAMES: tuple[str, ...] = ("元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节")
PACKAGE_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "Mid-autumn Festival": "中秋节",
    "National Day": "国庆节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}


@dataclass
class Row:
    name: str = ""
    off_from: str = ""  # ISO dates, as the date inputs send them
    off_to: str = ""
    workdays: list[str] = field(default_factory=list)

    def padded(self) -> list[str]:
        return (self.workdays + [""] * WORKDAYS_PER_ROW)[:WORKDAYS_PER_ROW]

    @property
    def empty(self) -> bool:
        return not (self.name or self.off_from or self.off_to or any(self.workdays))


def rows_from_post(post: Mapping[str, Any]) -> list[Row]:
    rows = []
    for i in range(MAX_ROWS):
        row = Row(
            name=" ".join(str(post.get(f"name_{i}", "")).split()),
            off_from=str(post.get(f"off_from_{i}", "")).strip(),
            off_to=str(post.get(f"off_to_{i}", "")).strip(),
            workdays=[str(post.get(f"work_{i}_{j}", "")).strip() for j in range(WORKDAYS_PER_ROW)],
        )
        row.workdays = [w for w in row.workdays if w]
        rows.append(row)
    while rows and rows[-1].empty:
        rows.pop()
    return rows


def padded_rows(rows: list[Row]) -> list[Row]:
    """The rows to show: what is given, then spare rows up to ROWS_SHOWN (at least one spare)."""
    return rows + [Row() for _ in range(max(ROWS_SHOWN - len(rows), 1))]


def _refuse(message: str, *, row: int | None = None, field_name: str = "") -> InvalidInput:
    return InvalidInput(message, code="calendar_days_invalid", detail={"row": row, "field": field_name})


def _date(value: str, *, row: int, field_name: str, name: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise _refuse(
            _("%(name)s: “%(value)s” is not a date (YYYY-MM-DD).") % {"name": name, "value": value[:20]},
            row=row,
            field_name=field_name,
        ) from None


def read_rows(year: int, rows: list[Row]) -> Notice:
    """The rows as the year's arrangement (the same `Notice` the paste reader returns)."""
    days: dict[dt.date, NoticeDay] = {}
    names: list[str] = []

    def add(day: dt.date, kind: str, name: str, row: int, field_name: str) -> None:
        in_year = day.year == year or (day.year == year - 1 and day.month == 12 and "元旦" in name)
        if not in_year:
            raise _refuse(
                _("%(name)s: %(date)s is not in %(year)d (only 元旦 may begin in the previous December).")
                % {"name": name, "date": day.isoformat(), "year": year},
                row=row,
                field_name=field_name,
            )
        if day in days:
            raise _refuse(
                _("%(date)s is arranged twice (%(first)s, %(second)s).")
                % {"date": day.isoformat(), "first": days[day].name, "second": name},
                row=row,
                field_name=field_name,
            )
        days[day] = NoticeDay(date=day, kind=kind, name=name, line_no=row + 1)  # the row, for messages

    for i, row in enumerate(rows):
        if row.empty:
            continue
        label = row.name or _("Row %(row)d") % {"row": i + 1}
        if not row.name:
            raise _refuse(_("Row %(row)d: name the festival.") % {"row": i + 1}, row=i, field_name="name")
        if len(row.name) > NAME_MAX:
            raise _refuse(
                _("%(name)s: the name is longer than %(max)d characters.")
                % {"name": label[:20], "max": NAME_MAX},
                row=i,
                field_name="name",
            )
        if bool(row.off_from) != bool(row.off_to) or not row.off_from:
            raise _refuse(
                _("%(name)s: give the first and the last day off.") % {"name": label},
                row=i,
                field_name="off_to" if row.off_from else "off_from",
            )
        first = _date(row.off_from, row=i, field_name="off_from", name=label)
        last = _date(row.off_to, row=i, field_name="off_to", name=label)
        if last < first:
            raise _refuse(
                _("%(name)s: the days off end before they begin.") % {"name": label},
                row=i,
                field_name="off_to",
            )
        if (last - first).days + 1 > MAX_RANGE_DAYS:
            raise _refuse(
                _("%(name)s: more than %(max)d days off in a row; check the dates.")
                % {"name": label, "max": MAX_RANGE_DAYS},
                row=i,
                field_name="off_to",
            )
        day = first
        while day <= last:
            add(day, Kind.HOLIDAY, row.name, i, "off_from")
            day += dt.timedelta(days=1)
        for j, raw in enumerate(row.workdays):
            work = _date(raw, row=i, field_name=f"work_{j}", name=label)
            if work.weekday() < 5:
                raise _refuse(
                    _(
                        "%(name)s: %(date)s is a weekday; an adjusted working day (调休上班) is a Saturday "
                        "or a Sunday."
                    )
                    % {"name": label, "date": work.isoformat()},
                    row=i,
                    field_name=f"work_{j}",
                )
            add(work, Kind.WORKDAY, row.name, i, f"work_{j}")
        names.append(row.name)
    missing = [f for f in FESTIVALS if not any(f in n for n in names)]
    if missing:
        raise _refuse(
            _(
                "The arrangement lacks %(missing)s: every year's notice arranges 元旦, 春节, 清明, 劳动节, "
                "端午, 中秋 and 国庆 (全国年节及纪念日放假办法)."
            )
            % {"missing": "、".join(missing)},
        )
    return Notice(year=year, days=tuple(sorted(days.values(), key=lambda d: d.date)), festivals=tuple(names))


def as_text(notice: Notice) -> str:
    """The arrangement written out one festival a line (what the audit entry keeps as the entered text)."""
    lines = [f"{notice.year}年节假日安排（逐项录入）"]
    for name in notice.festivals:
        off = [d.date for d in notice.days if d.name == name and d.kind == Kind.HOLIDAY]
        work = [d.date for d in notice.days if d.name == name and d.kind == Kind.WORKDAY]
        line = (
            f"{name}：{off[0].isoformat()}至{off[-1].isoformat()}放假，共{len(off)}天。"
            if off
            else f"{name}："
        )
        if work:
            line += "、".join(w.isoformat() for w in work) + "上班。"
        lines.append(line)
    return "\n".join(lines)


def _runs(days: list[tuple[dt.date, str]]) -> list[tuple[str, dt.date, dt.date]]:
    """Consecutive days off of one name (a weekend inside the run does not break it)."""
    runs: list[tuple[str, dt.date, dt.date]] = []
    for day, name in sorted(days):
        if runs and runs[-1][0] == name and (day - runs[-1][2]).days <= 3:
            runs[-1] = (name, runs[-1][1], day)
        else:
            runs.append((name, day, day))
    return runs


def rows_for(year: int, stored: list[tuple[dt.date, str, str]]) -> list[Row]:
    """The rows to start from: the year's stored days (date, kind, name) when it was entered, else the
    package's arrangement when it knows the year, else the seven festivals with no dates."""
    if not stored:
        import chinese_calendar

        stored = [
            (d, Kind.HOLIDAY, PACKAGE_NAMES.get(str(n), str(n)))
            for d, n in chinese_calendar.holidays.items()
            if d.year == year
        ] + [
            (d, Kind.WORKDAY, PACKAGE_NAMES.get(str(n), str(n)))
            for d, n in chinese_calendar.workdays.items()
            if d.year == year
        ]
    if not stored:
        return [Row(name=n) for n in FESTIVAL_NAMES]
    rows = [
        Row(name=name, off_from=first.isoformat(), off_to=last.isoformat())
        for name, first, last in _runs([(d, n) for d, k, n in stored if k == Kind.HOLIDAY])
    ]
    for day, kind, name in sorted(stored):
        if kind != Kind.WORKDAY:
            continue
        row = next((r for r in rows if r.name == name), None)
        if row is None:
            row = Row(name=name)
            rows.append(row)
        row.workdays.append(day.isoformat())
    return rows
