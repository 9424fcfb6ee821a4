"""The statistics page as a file: CSV (UTF-8 with BOM, so Excel opens the Chinese right) or XLSX, with
Chinese headers. One table: the dimension, the row, cases, fines decided and paid."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from django.utils.translation import gettext as _

from zhifa.supervision.stats.selectors import Summary


def rows(s: Summary) -> list[list[object]]:
    header: list[object] = [
        _("Breakdown"),
        _("Breakdown item"),
        _("Cases"),
        _("Fines decided (yuan)"),
        _("Paid (yuan)"),
    ]
    out = [header]
    out.append([_("Total"), _("All cases"), s.total, s.fines, s.paid])
    for dimension, items in (
        (_("By agency"), s.by_agency),
        (_("By state"), s.by_state),
        (_("By category"), s.by_category),
        (_("By month registered"), s.by_month),
    ):
        out.extend([dimension, r.label, r.count, r.fines, r.paid] for r in items)
    return out


def as_csv(s: Summary) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows(s):
        writer.writerow([f"{v:.2f}" if isinstance(v, Decimal) else v for v in row])
    return "\ufeff".encode() + buffer.getvalue().encode("utf-8")


def as_xlsx(s: Summary) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _("Case statistics")[:31]
    for row in rows(s):
        sheet.append([float(v) if isinstance(v, Decimal) else v for v in row])
    for column, width in zip("ABCDE", (14, 36, 10, 18, 16), strict=True):
        sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
