"""Indicator sets in and out as XLSX (openpyxl), one row per node under Chinese headers. An import is
all-or-nothing: every row is checked (`tree.build`) and any problem refuses the whole file with the list
of rows and fields (422 `import_rejected`).

Columns: 编号, 上级编号 (empty for a first-level indicator), 指标名称, 分值, 权重(%) (exported for the
reader: the node's share of the set's total; ignored on import, since points decide), 评分方式
(数据计算 / 材料评审 / 扣分), 登记指标代码 (e.g. officers.credential_rate), 计分公式 (线性 / 达标),
目标值, 零分值, 每次扣分, 评分标准, 佐证材料.
"""

from __future__ import annotations

import io
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils.translation import gettext as _

from zhifa.core.errors import InvalidInput
from zhifa.supervision.assessment.models import IndicatorSet, SetNode

HEADERS = (
    "编号",
    "上级编号",
    "指标名称",
    "分值",
    "权重(%)",
    "评分方式",
    "登记指标代码",
    "计分公式",
    "目标值",
    "零分值",
    "每次扣分",
    "评分标准",
    "佐证材料",
)
FIELDS = (
    "code",
    "parent",
    "name",
    "points",
    None,
    "method",
    "indicator_code",
    "formula",
    "target",
    "zero_at",
    "per_item",
    "criteria",
    "materials",
)
METHOD_LABELS = {"computed": "数据计算", "judged": "材料评审", "deduction": "扣分"}
FORMULA_LABELS = {"linear": "线性", "threshold": "达标"}
METHOD_CODES = {v: k for k, v in METHOD_LABELS.items()} | {k: k for k in METHOD_LABELS}
FORMULA_CODES = {v: k for k, v in FORMULA_LABELS.items()} | {k: k for k in FORMULA_LABELS}
MAX_BYTES = 2 * 1024 * 1024
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def weight(node: SetNode, total: Decimal) -> Decimal:
    return (
        (node.points * 100 / total).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP) if total else Decimal(0)
    )


def _num(d: Decimal | None) -> float | None:
    return None if d is None else float(d)


def set_xlsx(s: IndicatorSet, nodes: list[SetNode]) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "考核指标"
    ws.append(list(HEADERS))
    parents = {n.pk: n.code for n in nodes}
    for n in nodes:
        ws.append(
            [
                n.code,
                parents.get(n.parent_id, "") if n.parent_id else "",
                n.name,
                float(n.points),
                float(weight(n, s.total_points)),
                METHOD_LABELS.get(n.method, ""),
                n.indicator_code,
                FORMULA_LABELS.get(n.formula, ""),
                _num(n.target),
                _num(n.zero_at),
                _num(n.per_item),
                n.criteria,
                n.materials,
            ]
        )
    for col, width in zip("ABCDEFGHIJKLM", (8, 8, 40, 6, 8, 10, 34, 8, 8, 8, 8, 40, 30), strict=True):
        ws.column_dimensions[col].width = width
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def parse_rows(content: bytes) -> list[dict[str, Any]]:
    """The rows of an XLSX file for `services.set_create` (which checks the tree). Row numbers are the
    sheet's (the header is row 1, so the first node is row 2)."""
    if len(content) > MAX_BYTES:
        raise InvalidInput(_("The file is larger than 2 MB."), code="too_large")
    if content[:2] != b"PK":
        raise InvalidInput(_("Upload an Excel workbook (.xlsx)."), code="unreadable_file")
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        table = [[_cell(c) for c in row] for row in wb.worksheets[0].iter_rows(values_only=True)]
    except Exception:  # any unreadable workbook is the user's file, refused as such
        raise InvalidInput(_("The file is not a readable Excel workbook."), code="unreadable_file") from None
    if not table or tuple(table[0][: len(HEADERS)]) != HEADERS:
        raise InvalidInput(
            _("The first row must be the headers: %(headers)s.") % {"headers": "，".join(HEADERS)},
            code="bad_headers",
        )
    rows: list[dict[str, Any] | None] = []
    for raw in table[1:]:
        cells = [*raw, *[""] * (len(HEADERS) - len(raw))]
        if not any(cells):
            rows.append(None)
            continue
        row: dict[str, Any] = {}
        for fld, value in zip(FIELDS, cells, strict=False):
            if fld is not None:
                row[fld] = value
        row["method"] = METHOD_CODES.get(row["method"], row["method"])
        row["formula"] = FORMULA_CODES.get(row["formula"], row["formula"])
        rows.append(row)
    while rows and rows[-1] is None:
        rows.pop()
    return [r if r is not None else {"code": "", "name": "", "points": ""} for r in rows]
