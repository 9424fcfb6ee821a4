"""Rubrics in and out as CSV (UTF-8 with BOM, for Excel) or XLSX (openpyxl), one row per item under
Chinese headers: 编号, 部分, 评查项目, 最高扣分, 依据, 自动检查. `部分` is 否决项, 卷面 or 内容 (the English
section codes are accepted too)."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.utils.translation import gettext as _

from zhifa.core.errors import InvalidInput
from zhifa.supervision.reviews.models import Rubric

HEADERS = ("编号", "部分", "评查项目", "最高扣分", "依据", "自动检查")
SECTION_LABELS = {"veto": "否决项", "form": "卷面", "substance": "内容"}
SECTION_CODES = {v: k for k, v in SECTION_LABELS.items()} | {k: k for k in SECTION_LABELS}
MAX_ROWS = 500
MAX_BYTES = 2 * 1024 * 1024


def rows(rubric: Rubric) -> list[list[str]]:
    return [
        [i.code, SECTION_LABELS[i.section], i.text, str(i.max_deduction), i.basis, i.auto_check]
        for i in rubric.items.all()
    ]


def rubric_csv(rubric: Rubric) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADERS)
    writer.writerows(rows(rubric))
    return out.getvalue().encode("utf-8-sig")


def rubric_xlsx(rubric: Rubric) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "评查标准"
    ws.append(list(HEADERS))
    for row in rows(rubric):
        ws.append([*row[:3], float(row[3]), *row[4:]])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _read_table(content: bytes) -> list[list[str]]:
    if content[:2] == b"PK":
        from openpyxl import load_workbook

        try:
            wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except Exception:  # any unreadable workbook is the user's file, refused as such
            raise InvalidInput(
                _("The file is not a readable Excel workbook."), code="unreadable_file"
            ) from None
        ws = wb.worksheets[0]
        return [["" if c is None else str(c).strip() for c in row] for row in ws.iter_rows(values_only=True)]
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput(_("A CSV file must be UTF-8 encoded."), code="unreadable_file") from None
    return [[c.strip() for c in row] for row in csv.reader(io.StringIO(text))]


def parse_items(content: bytes) -> list[dict[str, Any]]:
    """The items of a rubric file, for services.rubric_create (which validates each)."""
    if len(content) > MAX_BYTES:
        raise InvalidInput(_("The file is larger than 2 MB."), code="too_large")
    table = [r for r in _read_table(content) if any(r)]
    if not table or tuple(table[0][: len(HEADERS)]) != HEADERS:
        raise InvalidInput(
            _("The first row must be the headers: %(headers)s.") % {"headers": "，".join(HEADERS)},
            code="bad_headers",
        )
    if len(table) - 1 > MAX_ROWS:
        raise InvalidInput(_("At most %(n)d items.") % {"n": MAX_ROWS}, code="too_large")
    items = []
    for line_no, raw in enumerate(table[1:], start=2):
        row = [*raw, *[""] * (len(HEADERS) - len(raw))]
        section = SECTION_CODES.get(row[1])
        if section is None:
            raise InvalidInput(
                _("Row %(row)d: the section is 否决项, 卷面 or 内容.") % {"row": line_no},
                code="bad_row",
                detail={"row": line_no},
            )
        items.append(
            {
                "code": row[0],
                "section": section,
                "text": row[2],
                "max_deduction": row[3] or "0",
                "basis": row[4],
                "check": row[5],
            }
        )
    return items
