"""The monthly report (行政处罚与行政监督月报) and the annual statistics (行政执法统计年报): one row per
agency and the total, every figure read from the indicator registry (the same code as the dashboard
and the assessment), so the report and the registry cannot disagree. The total is computed over all
the agencies at once (rates from summed numerators and denominators, never averaged).
"""

from __future__ import annotations

import calendar as pycal
import datetime as dt
import io
from collections.abc import Collection
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.template.loader import render_to_string

from zhifa.core.indicators import DateSpan, IndicatorValue, indicator_value
from zhifa.enforcement.cases.indicators import decided_by_category
from zhifa.enforcement.documents.services import html_pdf
from zhifa.org.selectors import node_names


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # Chinese: the report's usual layout (文书-like, not translated)
    code: str  # the indicator
    part: str = "value"  # value | numerator | denominator


COLUMNS: tuple[Column, ...] = (
    Column("filed", "立案数", "cases.filed"),
    Column("decided", "处罚决定数", "cases.decided"),
    Column("simple", "其中：简易程序", "cases.decided_simple"),
    Column("ordinary", "其中：普通程序", "cases.decided_ordinary"),
    Column("fines", "罚款金额（元）", "cases.fines_in_decisions"),
    Column("hearings", "听证数", "cases.hearings_held"),
    Column("reconsidered", "复议决定数", "appeals.correction_rate", "denominator"),
    Column("corrected", "其中：被纠错", "appeals.correction_rate", "numerator"),
    Column("suits", "诉讼审结数", "appeals.loss_rate", "denominator"),
    Column("lost", "其中：败诉", "appeals.loss_rate", "numerator"),
    Column("clues", "监督线索数", "centre.clues_raised"),
    Column("notices", "监督文书数", "centre.notices_issued"),
    Column("faults", "过错责任追究数", "centre.faults_recorded"),
)
MONEY = frozenset({"fines"})


def _part(v: IndicatorValue, part: str) -> Decimal:
    if part == "numerator":
        return v.numerator
    if part == "denominator":
        return v.denominator or Decimal(0)
    return v.value if v.value is not None else Decimal(0)


@dataclass
class ReportRow:
    agency_id: int | None
    name: str
    figures: dict[str, Decimal] = field(default_factory=dict)

    def cells(self) -> list[Decimal]:
        return [self.figures[c.key] for c in COLUMNS]

    def as_dict(self) -> dict[str, Any]:
        return {
            "agency_id": self.agency_id,
            "name": self.name,
            **{
                c.key: (f"{self.figures[c.key]:.2f}" if c.key in MONEY else int(self.figures[c.key]))
                for c in COLUMNS
            },
        }


@dataclass
class CategoryRow:
    agency: str
    category: str
    decided: int
    fines: Decimal


@dataclass
class Report:
    title: str
    span: DateSpan
    rows: list[ReportRow]
    total: ReportRow
    categories: list[CategoryRow]

    def as_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "from": self.span.start.isoformat() if self.span.start else None,
            "to": self.span.end.isoformat() if self.span.end else None,
            "columns": [{"key": c.key, "header": c.header, "indicator": c.code} for c in COLUMNS],
            "agencies": [r.as_dict() for r in self.rows],
            "total": self.total.as_dict(),
            "categories": [
                {"agency": c.agency, "category": c.category, "decided": c.decided, "fines": f"{c.fines:.2f}"}
                for c in self.categories
            ],
        }


def _row(agency_id: int | None, name: str, agency_ids: Collection[int], span: DateSpan) -> ReportRow:
    values: dict[str, IndicatorValue] = {}
    row = ReportRow(agency_id, name)
    for c in COLUMNS:
        if c.code not in values:
            values[c.code] = indicator_value(c.code, agency_ids, span)
        row.figures[c.key] = _part(values[c.code], c.part)
    return row


def month_span(year: int, month: int) -> DateSpan:
    return DateSpan(dt.date(year, month, 1), dt.date(year, month, pycal.monthrange(year, month)[1]))


def period_report(agency_ids: Collection[int], span: DateSpan, title: str) -> Report:
    ids = sorted(agency_ids)
    names = node_names(ids)
    rows = [_row(a, names.get(a, str(a)), [a], span) for a in sorted(ids, key=lambda a: names.get(a, ""))]
    total = _row(None, "合计", ids, span)
    categories = [
        CategoryRow(names.get(a, str(a)), c.label, c.count, c.fines)
        for a in ids
        for c in decided_by_category([a], span)
    ] + [CategoryRow("合计", c.label, c.count, c.fines) for c in decided_by_category(ids, span)]
    return Report(title, span, rows, total, categories)


def monthly_report(agency_ids: Collection[int], year: int, month: int) -> Report:
    return period_report(agency_ids, month_span(year, month), f"{year}年{month}月行政处罚与行政监督月报")


def annual_report(agency_ids: Collection[int], year: int) -> Report:
    return period_report(agency_ids, DateSpan.year(year), f"{year}年度行政执法统计年报")


# --- files ------------------------------------------------------------------------------------------


def to_xlsx(report: Report) -> bytes:
    """The usual layout: a title row, the period, the header row, one row per agency, the total; a
    second sheet with the decisions by category."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "月报" if "月报" in report.title else "年报"
    width = len(COLUMNS) + 1
    ws.append([report.title])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    ws["A1"].font = Font(size=14, bold=True)
    ws["A1"].alignment = Alignment(horizontal="center")
    start = report.span.start.isoformat() if report.span.start else ""
    end = report.span.end.isoformat() if report.span.end else ""
    ws.append([f"统计期间：{start} 至 {end}"])
    ws.append(["执法机关", *[c.header for c in COLUMNS]])
    for cell in ws[3]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", wrap_text=True)
    for row in [*report.rows, report.total]:
        ws.append([row.name, *[_cell(c, row.figures[c.key]) for c in COLUMNS]])
    for col in range(2, width + 1):
        if COLUMNS[col - 2].key in MONEY:
            for r in range(4, ws.max_row + 1):
                ws.cell(row=r, column=col).number_format = "#,##0.00"
    ws.column_dimensions["A"].width = 28
    for col in range(2, width + 1):
        ws.column_dimensions[get_column_letter(col)].width = 12
    ws.freeze_panes = "B4"
    cats = wb.create_sheet("按类别")
    cats.append(["执法机关", "类别", "处罚决定数", "罚款金额（元）"])
    for c in report.categories:
        cats.append([c.agency, c.category, c.decided, float(c.fines)])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _cell(c: Column, value: Decimal) -> float | int:
    return float(value) if c.key in MONEY else int(value)


def to_pdf(report: Report) -> bytes:
    html = render_to_string(
        "centre/report_pdf.html",
        {"report": report, "columns": COLUMNS, "rows": [*report.rows, report.total], "money": MONEY},
    )
    return html_pdf(html, title=report.title)
