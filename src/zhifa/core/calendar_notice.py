"""Reading the State Council's holiday notice (国务院办公厅关于20XX年部分节假日安排的通知).

Each November the General Office of the State Council publishes the next year's arrangement of the
statutory holidays (全国年节及纪念日放假办法) as one numbered item per festival, e.g.

    二、春节：1月28日（农历除夕、周二）至2月4日（农历正月初七、周二）放假调休，共8天。1月26日（周日）、2月8日（周六）上班。

`parse_notice(text)` turns the pasted text into the year and its days: every day of each holiday
(放假, 补休) with the festival's name, and every adjusted working day (调休上班). Everything else of the
year follows the weekday rule. The parser is strict where a mistake would shift a deadline: a date
whose stated weekday (周二 / 星期二) does not match, a holiday count (共8天) that disagrees with the
dates, an item number skipped, a festival missing (text cut off) or a line with a date it cannot place
is refused with `NoticeError`, naming the line — nothing is guessed.

Dates of another year are kept with their own year: the 元旦 item may start in December of the
previous year (2019: 2018年12月30日至2019年1月1日; a month-12 date without a year in the 元旦 item is
read as the previous year), and the caller decides what to store (see `core.services`).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field

from django.utils.functional import Promise
from django.utils.translation import gettext as _

from zhifa.core.errors import DomainError

# The festivals every notice arranges (全国年节及纪念日放假办法第二条): a notice without one of them was
# cut off while copying, and saving it would make that festival's days ordinary working days.
FESTIVALS: tuple[str, ...] = ("元旦", "春节", "清明", "劳动", "端午", "中秋", "国庆")
MAX_NOTICE_CHARS = 20_000
MAX_RANGE_DAYS = 15  # the longest arrangement so far is 9 days (春节 2026); more is a misread

_NUMERALS = {c: i for i, c in enumerate("一二三四五六七八九十", start=1)}
_WEEKDAYS = {c: i for i, c in enumerate("一二三四五六日")} | {"天": 6}
# After NFKC normalisation: full-width ：（），；０-９ become ASCII; 、 and 。 stay.
_ITEM = re.compile(r"^([一二三四五六七八九十]{1,3})、\s*([^:]{1,30}?)\s*:\s*(.*)$")
_DATE = re.compile(r"(?:(\d{4})\s*年\s*)?(?:(\d{1,2})\s*月\s*)?(\d{1,2})\s*日(?:\s*\(([^()]*)\))?")
_WEEKDAY = re.compile(r"(?:周|星期)([一二三四五六日天])")
_COUNT = re.compile(r"共\s*(\d{1,2})\s*天")
_COUNT_INLINE = re.compile(r"放假(?:调休)?\s*(\d{1,2})\s*天")
_TITLE_YEAR = (re.compile(r"关于\s*(\d{4})\s*年.{0,12}节假日安排"), re.compile(r"现将\s*(\d{4})\s*年"))
_DOC_NUMBER = re.compile(r"国办发明?电?\s*〔\s*\d{4}\s*〕\s*\d+\s*号")
_RANGE_WORDS = ("至", "到", "-", "~", "—", "－")


class Kind:
    HOLIDAY = "holiday"
    WORKDAY = "workday"


@dataclass(frozen=True)
class NoticeDay:
    date: dt.date
    kind: str  # Kind.HOLIDAY | Kind.WORKDAY (the values of CalendarDay.Kind)
    name: str  # the festival, as the notice names it ("春节", "国庆节、中秋节")
    line_no: int


@dataclass(frozen=True)
class Notice:
    year: int
    days: tuple[NoticeDay, ...]  # sorted by date
    title: str = ""
    doc_number: str = ""
    festivals: tuple[str, ...] = field(default_factory=tuple)

    @property
    def in_year(self) -> tuple[NoticeDay, ...]:
        return tuple(d for d in self.days if d.date.year == self.year)

    @property
    def other_years(self) -> tuple[NoticeDay, ...]:
        return tuple(d for d in self.days if d.date.year != self.year)

    @property
    def holidays(self) -> tuple[NoticeDay, ...]:
        return tuple(d for d in self.in_year if d.kind == Kind.HOLIDAY)

    @property
    def workdays(self) -> tuple[NoticeDay, ...]:
        return tuple(d for d in self.in_year if d.kind == Kind.WORKDAY)

    def default_source(self) -> str:
        title = self.title or f"国务院办公厅关于{self.year}年部分节假日安排的通知"
        return (f"{title}（{self.doc_number}）" if self.doc_number else title)[:200]

    def is_working(self, day: dt.date) -> bool:
        """The notice's answer for a day: its own entry, otherwise the weekday rule."""
        for d in self.days:
            if d.date == day:
                return d.kind == Kind.WORKDAY
        return day.weekday() < 5


class NoticeError(DomainError):
    """The notice could not be read (422). `detail` names the line: {"line": n, "text": "…"}."""

    status = 422
    code = "notice_unreadable"


def _fail(problem: str | Promise, line_no: int | None = None, text: str = "") -> NoticeError:
    if line_no is None:
        return NoticeError(_("The notice could not be read: %(problem)s") % {"problem": problem})
    shown = text if len(text) <= 80 else text[:77] + "…"
    message = _("Line %(no)d of the notice could not be read: %(problem)s (“%(text)s”)") % {
        "no": line_no,
        "problem": problem,
        "text": shown,
    }
    return NoticeError(message, detail={"line": line_no, "text": text})


@dataclass
class _Token:
    year: int | None
    month: int | None
    day: int
    note: str
    start: int
    end: int


def _numeral(text: str) -> int:
    """一 … 十九 (items never reach twenty)."""
    if text == "十":
        return 10
    if text.startswith("十"):
        return 10 + _NUMERALS.get(text[1:], 0)
    if len(text) == 2 and text.endswith("十"):
        return 10 * _NUMERALS.get(text[0], 0)
    if len(text) == 3 and text[1] == "十":
        return 10 * _NUMERALS.get(text[0], 0) + _NUMERALS.get(text[2], 0)
    return _NUMERALS.get(text, 0)


def _tokens(clause: str) -> list[_Token]:
    return [
        _Token(
            int(m.group(1)) if m.group(1) else None,
            int(m.group(2)) if m.group(2) else None,
            int(m.group(3)),
            m.group(4) or "",
            m.start(),
            m.end(),
        )
        for m in _DATE.finditer(clause)
    ]


class _Reader:
    """Reads one line's sentences within the current item (the festival's name)."""

    def __init__(self, year: int) -> None:
        self.year = year
        self.days: dict[dt.date, NoticeDay] = {}

    def line(self, body: str, name: str, line_no: int, raw: str) -> None:
        for sentence in re.split(r"[。;]", body):
            if sentence.strip():
                self._sentence(sentence, name, line_no, raw)

    def _sentence(self, sentence: str, name: str, line_no: int, raw: str) -> None:
        holidays: list[dt.date] = []
        declared: int | None = None
        for clause in sentence.split(","):
            tokens = _tokens(clause)
            if "上班" in clause:
                if not tokens:
                    raise _fail(_("it says 上班 (working day) but names no date"), line_no, raw)
                for day in self._dates(clause, tokens, name, line_no, raw):
                    self._add(day, Kind.WORKDAY, name, line_no, raw)
            elif any(word in clause for word in ("放假", "补休", "休息")):
                if not tokens:
                    raise _fail(_("it says 放假 (days off) but names no date"), line_no, raw)
                inline = _COUNT_INLINE.search(clause)
                if inline:
                    declared = int(inline.group(1))
                for day in self._dates(clause, tokens, name, line_no, raw):
                    self._add(day, Kind.HOLIDAY, name, line_no, raw)
                    holidays.append(day)
            elif (count := _COUNT.search(clause)) is not None:
                declared = int(count.group(1))
            elif tokens:
                raise _fail(_("a date that is neither 放假 (days off) nor 上班 (working day)"), line_no, raw)
        if declared is not None and declared != len(holidays):
            raise _fail(
                _("it says %(declared)d days off but its dates give %(counted)d")
                % {"declared": declared, "counted": len(holidays)},
                line_no,
                raw,
            )

    def _dates(self, clause: str, tokens: list[_Token], name: str, line_no: int, raw: str) -> list[dt.date]:
        """The days a clause names: single dates and ranges (A至B), with their years resolved."""
        ranges: list[tuple[_Token, _Token | None]] = []
        i = 0
        while i < len(tokens):
            start = tokens[i]
            nxt = tokens[i + 1] if i + 1 < len(tokens) else None
            if nxt is not None and clause[start.end : nxt.start].strip() in _RANGE_WORDS:
                ranges.append((start, nxt))
                i += 2
            else:
                ranges.append((start, None))
                i += 1
        out: list[dt.date] = []
        previous_month: int | None = None
        for start, end in ranges:
            if start.month is None:
                start.month = previous_month
            if start.month is None:
                raise _fail(_("a date without its month"), line_no, raw)
            if end is None:
                start.year = start.year or self._year_of(start.month, name)
                out.append(self._date(start, line_no, raw))
            else:
                end.month = end.month or start.month
                if start.year is None and end.year is not None:
                    start.year = end.year if start.month <= end.month else end.year - 1
                elif start.year is None:
                    start.year = (
                        self.year - 1 if start.month > end.month else self._year_of(start.month, name)
                    )
                if end.year is None:
                    end.year = start.year if end.month >= start.month else start.year + 1
                first, last = self._date(start, line_no, raw), self._date(end, line_no, raw)
                if not first <= last or (last - first).days >= MAX_RANGE_DAYS:
                    raise _fail(
                        _("the range %(first)s to %(last)s is not a holiday period")
                        % {"first": first.isoformat(), "last": last.isoformat()},
                        line_no,
                        raw,
                    )
                out.extend(first + dt.timedelta(days=n) for n in range((last - first).days + 1))
            previous_month = (end or start).month
        return out

    def _year_of(self, month: int, name: str) -> int:
        # The 元旦 item may begin in December of the year before (元旦 2019: 12月30日至1月1日).
        return self.year - 1 if month == 12 and "元旦" in name else self.year

    def _date(self, token: _Token, line_no: int, raw: str) -> dt.date:
        assert token.year is not None and token.month is not None
        try:
            day = dt.date(token.year, token.month, token.day)
        except ValueError:
            raise _fail(
                _("%(month)s月%(day)s日 is not a date") % {"month": token.month, "day": token.day},
                line_no,
                raw,
            ) from None
        stated = _WEEKDAY.search(token.note)
        if stated and _WEEKDAYS[stated.group(1)] != day.weekday():
            raise _fail(
                _("%(date)s is a %(actual)s, not %(stated)s as the text says (wrong year or a typo?)")
                % {
                    "date": day.isoformat(),
                    "actual": "周" + "一二三四五六日"[day.weekday()],
                    "stated": stated.group(0),
                },
                line_no,
                raw,
            )
        return day

    def _add(self, day: dt.date, kind: str, name: str, line_no: int, raw: str) -> None:
        if day in self.days:
            raise _fail(
                _("%(date)s is already arranged on line %(other)d")
                % {"date": day.isoformat(), "other": self.days[day].line_no},
                line_no,
                raw,
            )
        if kind == Kind.WORKDAY and day.weekday() < 5:
            raise _fail(
                _("%(date)s is a weekday: an adjusted working day (上班) falls on a weekend")
                % {"date": day.isoformat()},
                line_no,
                raw,
            )
        self.days[day] = NoticeDay(day, kind, name[:50], line_no)


def _find_year(lines: list[str]) -> tuple[int, str]:
    for pattern in _TITLE_YEAR:
        for line in lines:
            m = pattern.search(line)
            if m:
                title = line.strip() if "通知" in line and len(line.strip()) <= 60 else ""
                return int(m.group(1)), title
    raise _fail(
        _(
            "its year was not found. Paste the whole notice including its title, "
            "e.g. 国务院办公厅关于2027年部分节假日安排的通知"
        )
    )


def parse_notice(text: str) -> Notice:
    """The year and its arranged days from the notice's text; `NoticeError` naming the line otherwise."""
    if not text or not text.strip():
        raise _fail(_("the text is empty"))
    if len(text) > MAX_NOTICE_CHARS:
        raise _fail(_("the text is longer than a notice (%(max)d characters)") % {"max": MAX_NOTICE_CHARS})
    raw_lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    lines = [unicodedata.normalize("NFKC", line).strip() for line in raw_lines]
    year, title = _find_year(lines)
    doc = next((m.group(0).replace(" ", "") for line in lines if (m := _DOC_NUMBER.search(line))), "")
    reader = _Reader(year)
    names: list[str] = []
    current = ""
    expected = 1
    for no, (line, pasted) in enumerate(zip(lines, raw_lines, strict=True), start=1):
        raw = pasted.strip()
        item = _ITEM.match(line)
        if item:
            number = _numeral(item.group(1))
            if number != expected:
                raise _fail(
                    _("item %(got)d follows item %(previous)d: an item is missing or out of order")
                    % {"got": number, "previous": expected - 1},
                    no,
                    raw,
                )
            expected += 1
            current = item.group(2).strip()
            names.append(current)
            if not _tokens(item.group(3)):
                raise _fail(_("the item names no date"), no, raw)
            reader.line(item.group(3), current, no, raw)
        elif any(word in line for word in ("上班", "放假", "补休")) and any(
            t.month is not None and t.year is None for t in _tokens(line)
        ):
            # a numbered item's second half pasted onto its own line (e.g. "1月26日（周日）…上班。")
            if not current:
                raise _fail(_("a date outside any numbered item (一、二、…)"), no, raw)
            reader.line(line, current, no, raw)
    if not names:
        raise _fail(_("no numbered item (一、元旦：…) was found"))
    joined = "".join(names)
    missing = [f for f in FESTIVALS if f not in joined]
    if missing:
        raise _fail(
            _("it has no item for %(names)s; was the text cut off? Paste the whole notice")
            % {"names": "、".join(missing)}
        )
    if not any(d.date.year == year for d in reader.days.values()):
        raise _fail(_("none of its dates falls in %(year)d") % {"year": year})
    days = tuple(sorted(reader.days.values(), key=lambda d: d.date))
    return Notice(year=year, days=days, title=title, doc_number=doc, festivals=tuple(names))
