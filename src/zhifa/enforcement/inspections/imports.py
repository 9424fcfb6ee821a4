"""Import and export of the directory of targets (检查对象名录库), CSV or XLSX.

All or nothing: every row is checked first (the same checks as a single entry, `services.target_clean`,
the credit code with both check characters) and against the directory and the other rows of the file;
while any row has an error nothing is written and every error is listed with its row number. Columns
are found by their Chinese (or English) headers; a CSV may start with a BOM (Excel writes one) and may be
UTF-8 or GB18030 (what older Excel saves on Chinese Windows). Exports write the same headers, so an
export imports again elsewhere.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from zhifa.core.errors import DomainError, InvalidInput
from zhifa.enforcement.inspections import services
from zhifa.enforcement.inspections.common import DIRECTORY_ROLES, require_agency
from zhifa.enforcement.inspections.models import ObjectType, RiskLevel, Target

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20000

# Header → field; several spellings are accepted because offices keep their own sheets.
COLUMNS = {
    "名称": "name",
    "企业名称": "name",
    "检查对象名称": "name",
    "name": "name",
    "统一社会信用代码": "credit_code",
    "信用代码": "credit_code",
    "credit_code": "credit_code",
    "对象类型": "object_type",
    "主体类型": "object_type",
    "object_type": "object_type",
    "所在区域": "area",
    "区域": "area",
    "area": "area",
    "行业": "industry",
    "所属行业": "industry",
    "industry": "industry",
    "风险等级": "risk_level",
    "risk_level": "risk_level",
    "地址": "address",
    "经营地址": "address",
    "address": "address",
    "无事不扰": "no_disturbance",
    "no_disturbance": "no_disturbance",
    "无事不扰原因": "no_disturbance_reason",
    "列入原因": "no_disturbance_reason",
    "no_disturbance_reason": "no_disturbance_reason",
}
EXPORT_HEADERS = [
    ("目录编号", "number"),
    ("名称", "name"),
    ("统一社会信用代码", "credit_code"),
    ("对象类型", "object_type"),
    ("所在区域", "area"),
    ("行业", "industry"),
    ("风险等级", "risk_level"),
    ("地址", "address"),
    ("无事不扰", "no_disturbance"),
    ("无事不扰原因", "no_disturbance_reason"),
]
OBJECT_TYPES = {"企业": ObjectType.ENTERPRISE, "个体工商户": ObjectType.INDIVIDUAL, "其他": ObjectType.OTHER}
OBJECT_TYPES_OUT = {v: k for k, v in OBJECT_TYPES.items()}
RISKS = {
    "低": RiskLevel.LOW,
    "中": RiskLevel.MEDIUM,
    "高": RiskLevel.HIGH,
    "低风险": RiskLevel.LOW,
    "中风险": RiskLevel.MEDIUM,
    "高风险": RiskLevel.HIGH,
}
RISKS_OUT = {RiskLevel.LOW: "低", RiskLevel.MEDIUM: "中", RiskLevel.HIGH: "高"}
YES = {"是", "Y", "YES", "TRUE", "1", "√"}
NO = {"", "否", "N", "NO", "FALSE", "0"}


@dataclass
class ImportResult:
    created: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InvalidInput(_("The CSV file is neither UTF-8 nor GB18030 text."), code="import_file_invalid")


def _raw_rows(data: bytes, filename: str) -> list[list[Any]]:
    if not data:
        raise InvalidInput(_("The file is empty."), code="import_file_invalid")
    if len(data) > MAX_BYTES:
        raise InvalidInput(_("The file is larger than 5 MB."), code="import_file_invalid")
    if data[:2] == b"PK":  # XLSX is a zip archive, whatever the file is called
        from openpyxl import load_workbook

        try:
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as exc:
            raise InvalidInput(
                _("The file is not a readable Excel workbook (.xlsx)."), code="import_file_invalid"
            ) from exc
        try:
            return [list(r) for r in workbook.worksheets[0].iter_rows(values_only=True)]
        finally:
            workbook.close()
    if filename.lower().endswith((".xls", ".xlsx")):
        raise InvalidInput(
            _("The file is not a readable Excel workbook (.xlsx)."), code="import_file_invalid"
        )
    return [list(r) for r in csv.reader(io.StringIO(_decode(data)))]


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _parse(rows: list[list[Any]]) -> list[tuple[int, dict[str, str]]]:
    if not rows:
        raise InvalidInput(_("The sheet has no header row."), code="import_file_invalid")
    index: dict[str, int] = {}
    for position, title in enumerate(rows[0]):
        key = COLUMNS.get(_cell(title).lstrip("\ufeff"))
        if key and key not in index:
            index[key] = position
    missing = [h for h, k in (("名称", "name"), ("对象类型", "object_type")) if k not in index]
    if missing:
        raise InvalidInput(
            _("Required columns are missing: %(columns)s.") % {"columns": "、".join(missing)},
            code="import_file_invalid",
        )
    parsed: list[tuple[int, dict[str, str]]] = []
    for number, row in enumerate(rows[1:], start=2):
        values = {k: _cell(row[p]) if p < len(row) else "" for k, p in index.items()}
        if not any(values.values()):
            continue  # blank lines between blocks are common in office sheets
        parsed.append((number, values))
        if len(parsed) > MAX_ROWS:
            raise InvalidInput(
                _("At most %(max)s rows can be imported at once.") % {"max": MAX_ROWS},
                code="import_file_invalid",
            )
    if not parsed:
        raise InvalidInput(_("The sheet has no data rows."), code="import_file_invalid")
    return parsed


def _row_fields(values: dict[str, str]) -> dict[str, Any]:
    data: dict[str, Any] = dict(values)
    data["object_type"] = OBJECT_TYPES.get(values.get("object_type", ""), values.get("object_type", ""))
    risk = values.get("risk_level", "")
    data["risk_level"] = RISKS.get(risk, risk)
    flag = values.get("no_disturbance", "").upper()
    if flag not in YES | NO:
        raise InvalidInput(
            _("The no-disturbance column takes yes (是) or no (否)."), detail={"field": "no_disturbance"}
        )
    data["no_disturbance"] = flag in YES
    return services.target_clean(data)


def import_targets(*, actor: Any, agency_id: Any, data: bytes, filename: str = "") -> ImportResult:
    agency = require_agency(actor, agency_id, DIRECTORY_ROLES)
    rows = _parse(_raw_rows(data, filename))
    result = ImportResult()
    clean: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    existing = set(
        Target.objects.filter(agency_id=agency).exclude(credit_code="").values_list("credit_code", flat=True)
    )
    for number, values in rows:
        try:
            fields = _row_fields(values)
        except DomainError as exc:
            result.errors.append(
                {"row": number, "field": exc.detail.get("field", ""), "message": str(exc.message)}
            )
            continue
        code = fields["credit_code"]
        if code and code in existing:
            result.errors.append(
                {
                    "row": number,
                    "field": "credit_code",
                    "message": _("This credit code is already in the directory."),
                }
            )
            continue
        if code and code in seen:
            result.errors.append(
                {
                    "row": number,
                    "field": "credit_code",
                    "message": _("The same credit code is on row %(row)d.") % {"row": seen[code]},
                }
            )
            continue
        if code:
            seen[code] = number
        clean.append(fields)
    if result.errors:
        return result
    result.created = len(services.targets_insert_many(actor=actor, agency_id=agency, rows=clean))
    return result


def export_rows(targets: Any) -> list[list[str]]:
    rows = [[h for h, _f in EXPORT_HEADERS]]
    for t in targets:
        rows.append(
            [
                t.number,
                t.name,
                t.credit_code,
                OBJECT_TYPES_OUT.get(t.object_type, t.object_type),
                t.area,
                t.industry,
                RISKS_OUT.get(t.risk_level, t.risk_level),
                t.address,
                "是" if t.no_disturbance else "否",
                t.no_disturbance_reason,
            ]
        )
    return rows


def to_csv(rows: list[list[str]]) -> bytes:
    """UTF-8 with a BOM: Excel on Chinese Windows opens it without garbling the characters."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(
        [[("'" + v if v[:1] in "=+-@" else v) for v in row] for row in rows]  # no formulas run
    )
    return "\ufeff".encode() + buffer.getvalue().encode("utf-8")


def to_xlsx(rows: list[list[str]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title="检查对象名录库")
    for row in rows:
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=value)
            cell.data_type = "s"  # text: codes stay exact, "=…" never becomes a formula
            cells.append(cell)
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
