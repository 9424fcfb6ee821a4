"""Reading statute texts and legal references.

- `parse_law_markdown`: the Markdown format of shared/data/laws (README there): `# title`, revision
  history, `<!-- INFO END -->`, `## 第X章` / `### 第X节` headings, one paragraph per 条 starting
  `第X条`; the following paragraphs up to the next 条 belong to it.
- `parse_reference`: a provision as power lists write it, e.g. 《固体废物污染环境防治法》第一百一十一条
  第一款第（一）项、第二款 or 《城乡规划法》第六十八条；《行政强制法》第四十四条, into (law, article,
  clause) parts.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_UNITS = {"十": 10, "百": 100, "千": 1000}
NUMERAL = "[零〇一二两三四五六七八九十百千]+"


def cn_to_int(text: str) -> int:
    """一百一十八 → 118, 十二 → 12, 二十 → 20, 一百零五 → 105. Arabic digits pass through."""
    text = text.strip()
    if text.isdigit():
        return int(text)
    if not text or any(ch not in _DIGITS and ch not in _UNITS for ch in text):
        raise ValueError(f"not a Chinese numeral: {text!r}")
    total, digit = 0, None
    for ch in text:
        if ch in _DIGITS:
            digit = _DIGITS[ch]
        else:
            total += (digit if digit is not None else 1) * _UNITS[ch]
            digit = None
    return total + (digit or 0)


def int_to_cn(number: int) -> str:
    """118 → 一百一十八, 12 → 十二, 105 → 一百零五 (how articles are numbered, up to 9999)."""
    if number <= 0 or number > 9999:
        raise ValueError(number)
    digits = "零一二三四五六七八九"
    parts: list[str] = []
    zero_pending = False
    for unit_value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        d = number // unit_value % 10
        if d == 0:
            if parts:
                zero_pending = True
            continue
        if zero_pending:
            parts.append("零")
            zero_pending = False
        parts.append(digits[d] + unit)
    text = "".join(parts)
    return text[1:] if text.startswith("一十") else text


def article_label(number: int) -> str:
    return f"第{int_to_cn(number)}条"


@dataclass
class ParsedArticle:
    number: int
    number_text: str
    chapter: str
    text: str


@dataclass
class ParsedLaw:
    title: str
    short_name: str
    revised_on: dt.date
    effective_on: dt.date | None
    history: str
    articles: list[ParsedArticle] = field(default_factory=list)


_ARTICLE_START = re.compile(rf"^(第({NUMERAL})条)[\s\u3000]*(.*)$")
_FILE_NAME = re.compile(r"^(?P<name>.+)\((?P<date>\d{4}-\d{2}-\d{2})\)$")
_DATE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")


class LawTextError(ValueError):
    pass


def parse_law_markdown(text: str, *, file_name: str) -> ParsedLaw:
    stem = Path(file_name).stem
    m = _FILE_NAME.match(stem)
    if not m:
        raise LawTextError(f"{file_name}: the file name must be 名称(YYYY-MM-DD).md")
    short_name = m.group("name")
    revised_on = dt.date.fromisoformat(m.group("date"))
    lines = text.replace("\r\n", "\n").split("\n")
    title = ""
    for line in lines:
        if line.startswith("# "):
            title = line[2:].strip()
            break
    if not title:
        raise LawTextError(f"{file_name}: no '# title' line")
    try:
        info_end = next(i for i, line in enumerate(lines) if line.strip() == "<!-- INFO END -->")
    except StopIteration as exc:
        raise LawTextError(f"{file_name}: no <!-- INFO END --> marker") from exc
    history_lines = [
        line.strip().replace("\u3000", "")
        for line in lines[:info_end]
        if line.strip() and not line.startswith("#")
    ]
    effective_on = None
    for line in history_lines:
        if "施行" in line and (d := _DATE.search(line)):
            effective_on = dt.date(int(d.group(1)), int(d.group(2)), int(d.group(3)))

    articles: list[ParsedArticle] = []
    chapter = ""
    section = ""
    current: ParsedArticle | None = None
    paragraphs: list[str] = []

    def flush() -> None:
        nonlocal current, paragraphs
        if current is not None:
            current.text = "\n".join(paragraphs)
            articles.append(current)
        current, paragraphs = None, []

    for raw in lines[info_end + 1 :]:
        line = raw.strip().replace("\u3000", " ").strip()
        if not line:
            continue
        if line.startswith("## "):
            flush()
            chapter, section = line[3:].strip(), ""
            continue
        if line.startswith("### "):
            flush()
            section = line[4:].strip()
            continue
        if line.startswith("#"):
            continue
        start = _ARTICLE_START.match(line)
        if start:
            flush()
            number = cn_to_int(start.group(2))
            current = ParsedArticle(
                number=number,
                number_text=start.group(1),
                chapter=" ".join(x for x in (chapter, section) if x),
                text="",
            )
            paragraphs = [start.group(3).strip()] if start.group(3).strip() else []
        elif current is not None:
            paragraphs.append(line)
    flush()
    seen: set[int] = set()
    for article in articles:
        if article.number in seen:
            raise LawTextError(f"{file_name}: {article.number_text} appears twice")
        seen.add(article.number)
    if not articles:
        raise LawTextError(f"{file_name}: no articles found")
    return ParsedLaw(title, short_name, revised_on, effective_on, "\n".join(history_lines), articles)


# --- References ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reference:
    text: str  # this article's reference as written, e.g. 《城乡规划法》第六十四条
    law_name: str  # 城乡规划法 (without 《》); empty when the reference names no law
    article_number: int | None
    clause: str  # 第一款第（一）项 …


_LAW_NAME = re.compile(r"《([^》]+)》")
_ARTICLE_REF = re.compile(rf"第({NUMERAL})(?:(?:至|-|—|～|~)(?:第)?({NUMERAL}))?条")


def parse_reference(text: str) -> list[Reference]:
    """Split a provision text into one `Reference` per cited article.

    「第六十一至六十三条」 yields articles 61, 62 and 63; 「第一百一十一条第一款第（一）项、第二款」 one
    article with the clause 「第一款第（一）项、第二款」. Text without a recognisable article is kept as
    one reference without a number (it will be listed as unresolved).
    """
    refs: list[Reference] = []
    text = (text or "").strip()
    if not text:
        return refs
    for raw_group in re.split(r"[；;]", text):
        group = raw_group.strip()
        if not group:
            continue
        names = _LAW_NAME.findall(group)
        law_name = names[0].strip() if names else ""
        rest = _LAW_NAME.sub("", group, count=1) if names else group
        matches = list(_ARTICLE_REF.finditer(rest))
        if not matches:
            refs.append(Reference(group, law_name, None, rest.strip("、，, ")))
            continue
        for i, m in enumerate(matches):
            tail_end = matches[i + 1].start() if i + 1 < len(matches) else len(rest)
            clause = rest[m.end() : tail_end].strip("、，, ")
            first = cn_to_int(m.group(1))
            last = cn_to_int(m.group(2)) if m.group(2) else first
            if last < first or last - first > 50:
                last = first  # a range written backwards or absurdly long: keep the first article only
            for number in range(first, last + 1):
                label = article_label(number)
                written = f"《{law_name}》{label}" if law_name else label
                refs.append(
                    Reference(
                        f"{written}{clause if number == first else ''}",
                        law_name,
                        number,
                        clause if number == first else "",
                    )
                )
    return refs
