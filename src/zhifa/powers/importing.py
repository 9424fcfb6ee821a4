"""Import and export of the power list in the column format of shared/data/power_items.csv and
discretion_tiers.csv, as CSV or XLSX.

Import is all or nothing: every row is checked first and the errors are reported by row number (as a
spreadsheet shows it: the header is row 1); only a file set without errors is written, in one
transaction. It is idempotent by code: an unchanged item is left alone, a changed one gets a new
version. Export writes the same columns, so export → import changes nothing.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from zhifa.core.errors import InvalidInput
from zhifa.org.models import OrgNode
from zhifa.powers.content import (
    CATEGORY_BY_LABEL,
    LABEL_BY_CATEGORY,
    LABEL_BY_PARTY,
    PARTY_BY_LABEL,
    TierContent,
    VersionContent,
    content_of,
    parse_amount,
    validate_code,
    validate_content,
    validate_tier,
)
from zhifa.powers.models import PowerItem, PowerItemVersion

ITEM_COLUMNS = [
    "code",
    "name",
    "category",
    "violated_provision",
    "penalty_provision",
    "penalty_text",
    "party_type",
    "fine_min_yuan",
    "fine_max_yuan",
    "fine_basis",
    "other_measures",
    "source",
]
TIER_COLUMNS = ["code", "tier", "circumstances", "fine_min_yuan", "fine_max_yuan", "source"]
# Chinese headers: what the export writes and what an import accepts as well as the English names
# (people edit the exported sheet in Excel and send it back).
HEADERS_ZH = {
    "code": "事项编码",
    "name": "事项名称",
    "category": "事项类别",
    "violated_provision": "违法条款",
    "penalty_provision": "处罚依据",
    "penalty_text": "处罚内容",
    "party_type": "当事人类型",
    "fine_min_yuan": "罚款下限（元）",
    "fine_max_yuan": "罚款上限（元）",
    "fine_basis": "罚款基数",
    "other_measures": "其他措施",
    "source": "来源",
    "tier": "裁量阶次",
    "circumstances": "适用情形",
}
COLUMN_BY_HEADER = {zh: en for en, zh in HEADERS_ZH.items()} | {
    # the half-width brackets Excel users type
    zh.replace("（", "(").replace("）", ")"): en
    for en, zh in HEADERS_ZH.items()
}


def column_label(column: str) -> str:
    """How a column is named to people (the Chinese header)."""
    return HEADERS_ZH.get(column, column)


MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_ROWS = 100_000
MAX_CELL = 5000


@dataclass
class RowError:
    file: str  # "items" | "tiers"
    row: int
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"file": self.file, "row": self.row, "message": self.message}


@dataclass
class Plan:
    """What a validated import will write: content per code, in file order."""

    items: dict[str, VersionContent] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)
    rows: int = 0
    origin: dict[str, tuple[str, int]] = field(default_factory=dict)  # code → (file, first row)
    tier_codes: set[str] = field(default_factory=set)  # codes whose tiers the tiers file sets


# --- Reading files ----------------------------------------------------------------------------------


def _decode(data: bytes) -> str:
    # Excel in China saves "CSV" in GB18030 unless told otherwise; UTF-8 (with or without BOM) first.
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InvalidInput(_("The file is neither UTF-8 nor GB18030 text."), code="bad_encoding")


def read_table(data: bytes, *, name: str, columns: list[str]) -> list[dict[str, str]]:
    """Rows of a CSV or XLSX file as dicts keyed by the expected columns (header checked)."""
    if len(data) > MAX_FILE_BYTES:
        raise InvalidInput(_("The file is larger than 20 MB."), code="file_too_large")
    if not data.strip():
        raise InvalidInput(_("The file %(name)s is empty.") % {"name": name}, code="empty_file")
    if data[:4] == b"PK\x03\x04" or name.lower().endswith(".xlsx"):
        raw_rows = _xlsx_rows(data, name=name)
    else:
        text = _decode(data)
        try:
            raw_rows = list(csv.reader(io.StringIO(text, newline="")))
        except csv.Error as exc:
            raise InvalidInput(
                _("The CSV file %(name)s cannot be read: %(reason)s") % {"name": name, "reason": exc},
                code="bad_csv",
            ) from exc
    if not raw_rows:
        raise InvalidInput(_("The file %(name)s is empty.") % {"name": name}, code="empty_file")
    header = [h.strip().lstrip("\ufeff") for h in raw_rows[0]]
    header = [COLUMN_BY_HEADER.get(h, h) for h in header]  # Chinese or English headers
    while header and header[-1] == "":
        header.pop()
    missing = [c for c in columns if c not in header]
    if missing:
        raise InvalidInput(
            _("The file %(name)s lacks the columns: %(columns)s. Expected: %(expected)s")
            % {
                "name": name,
                "columns": "、".join(column_label(c) for c in missing),
                "expected": "、".join(column_label(c) for c in columns),
            },
            code="bad_header",
            detail={"missing": missing},
        )
    if len(raw_rows) - 1 > MAX_ROWS:
        raise InvalidInput(
            _("The file has more than %(max)d rows.") % {"max": MAX_ROWS}, code="too_many_rows"
        )
    index = {c: header.index(c) for c in columns}
    rows = []
    for raw in raw_rows[1:]:
        rows.append(
            {c: (raw[i].strip() if i < len(raw) and raw[i] is not None else "") for c, i in index.items()}
        )
    return rows


def _xlsx_rows(data: bytes, *, name: str) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as exc:
        raise InvalidInput(
            _("The Excel file %(name)s is damaged or not an .xlsx file.") % {"name": name}, code="bad_xlsx"
        ) from exc
    try:
        sheet = workbook.worksheets[0]
        rows = []
        for row in sheet.iter_rows(values_only=True):
            rows.append(["" if v is None else _cell_text(v) for v in row])
            if len(rows) > MAX_ROWS + 1:
                break
    finally:
        workbook.close()
    while rows and not any(rows[-1]):
        rows.pop()
    return rows


def _cell_text(value: Any) -> str:
    if isinstance(value, float):
        # Excel stores numbers as floats; 5.0 must read back as "5", 0.1 as "0.1".
        return format(Decimal(repr(value)).normalize(), "f")
    return str(value)


# --- Validation -------------------------------------------------------------------------------------


def _item_row(row: dict[str, str], errors: list[str]) -> VersionContent | None:
    """Every problem of the row (not only the first), or its content."""
    for column, value in row.items():
        if len(value) > MAX_CELL:
            errors.append(
                _("The column %(column)s is longer than %(max)d characters.")
                % {"column": column_label(column), "max": MAX_CELL}
            )
    category = CATEGORY_BY_LABEL.get(row["category"])
    if category is None:
        errors.append(
            _("Unknown category %(value)s: use one of %(choices)s.")
            % {"value": row["category"][:30] or "—", "choices": "、".join(CATEGORY_BY_LABEL)}
        )
    party = PARTY_BY_LABEL.get(row["party_type"])
    if party is None:
        errors.append(
            _("Unknown party type %(value)s: use 个人, 单位 or 不限.")
            % {"value": row["party_type"][:20] or "—"}
        )
    fine_min = parse_amount(row["fine_min_yuan"], label=column_label("fine_min_yuan"), errors=errors)
    fine_max = parse_amount(row["fine_max_yuan"], label=column_label("fine_max_yuan"), errors=errors)
    content = VersionContent(
        name=row["name"],
        category=str(category or ""),
        party_type=str(party or ""),
        violated_provision=row["violated_provision"],
        penalty_provision=row["penalty_provision"],
        penalty_text=row["penalty_text"],
        fine_min=fine_min,
        fine_max=fine_max,
        fine_basis=row["fine_basis"],
        other_measures=row["other_measures"],
        source=row["source"],
    )
    # The content's own checks too, so the row lists all its problems at once; the category and
    # party type were reported above with the value found.
    said = {str(_("Unknown category.")), str(_("Unknown party type: use 个人, 单位 or 不限."))}
    errors.extend(m for m in validate_content(content) if str(m) not in said)
    return None if errors else content


def build_plan(
    *,
    items_rows: list[dict[str, str]] | None,
    tiers_rows: list[dict[str, str]] | None,
    progress: Callable[[int], None] | None = None,
) -> Plan:
    """Check every row; the plan holds the full content (fields and tiers) of each code touched."""
    plan = Plan(rows=len(items_rows or []) + len(tiers_rows or []))
    done = 0
    first_row: dict[str, int] = {}
    for number, row in enumerate(items_rows or [], start=2):
        problems = validate_code(row["code"])
        if not problems and row["code"] in first_row:
            problems.append(
                _("The code %(code)s already appears in row %(row)d.")
                % {"code": row["code"], "row": first_row[row["code"]]}
            )
        content = _item_row(row, problems)
        for message in problems:
            plan.errors.append(RowError("items", number, message))
        if not problems and content is not None:
            first_row[row["code"]] = number
            plan.items[row["code"]] = content
            plan.origin[row["code"]] = ("items", number)
        done += 1
        if progress and done % 200 == 0:
            progress(done)

    if tiers_rows is not None:
        _plan_tiers(plan, tiers_rows, first_row, progress, done)
    if progress:
        progress(plan.rows)
    return plan


def _plan_tiers(
    plan: Plan,
    tiers_rows: list[dict[str, str]],
    item_rows: dict[str, int],
    progress: Callable[[int], None] | None,
    done: int,
) -> None:
    tiers: dict[str, list[TierContent]] = {}
    seen: dict[tuple[str, str], int] = {}
    stored: dict[str, VersionContent | None] = {}
    for number, row in enumerate(tiers_rows, start=2):
        problems: list[str] = []
        code = row["code"]
        if not code:
            problems.append(_("The code is missing."))
        base = plan.items.get(code)
        if code and base is None and code not in item_rows:
            if code not in stored:
                stored[code] = _stored_content(code)
            base = stored[code]
            if base is None:
                problems.append(
                    _("No power item has the code %(code)s (in this import or already stored).")
                    % {"code": code[:50]}
                )
        key = (code, row["tier"])
        if key in seen:
            problems.append(
                _("Tier %(name)s of %(code)s already appears in row %(row)d.")
                % {"name": row["tier"], "code": code, "row": seen[key]}
            )
        for column, value in row.items():
            if len(value) > MAX_CELL:
                problems.append(
                    _("The column %(column)s is longer than %(max)d characters.")
                    % {"column": column_label(column), "max": MAX_CELL}
                )
        fine_min = parse_amount(row["fine_min_yuan"], label=column_label("fine_min_yuan"), errors=problems)
        fine_max = parse_amount(row["fine_max_yuan"], label=column_label("fine_max_yuan"), errors=problems)
        tier = TierContent(
            name=row["tier"],
            circumstances=row["circumstances"],
            fine_min=fine_min,
            fine_max=fine_max,
            source=row["source"],
        )
        if not problems and base is not None:
            problems.extend(validate_tier(tier, base))
        for message in problems:
            plan.errors.append(RowError("tiers", number, message))
        if not problems and base is not None:
            seen[key] = number
            tiers.setdefault(code, []).append(tier)
            plan.items.setdefault(code, base)
            plan.origin.setdefault(code, ("tiers", number))
        done += 1
        if progress and done % 200 == 0:
            progress(done)
    # The tiers file is the whole benchmark of the items it names (their tiers are replaced); items
    # it does not name keep the tiers they have (see keep_stored_tiers).
    for code, content in list(plan.items.items()):
        if code in tiers:
            plan.items[code] = content.with_tiers(tuple(tiers[code]))
            plan.tier_codes.add(code)


def _stored_content(code: str) -> VersionContent | None:
    item = PowerItem.objects.filter(code=code).first()
    if item is None:
        return None
    versions = item.versions.prefetch_related("tiers")
    version = (
        versions.filter(status=PowerItemVersion.Status.DRAFT).first()
        or versions.filter(status=PowerItemVersion.Status.PUBLISHED).first()
    )
    return content_of(version) if version is not None else None


def keep_stored_tiers(plan: Plan) -> None:
    """An imported item that the tiers file does not name keeps the tiers it already has."""
    for code, content in list(plan.items.items()):
        if code in plan.tier_codes:
            continue
        stored = _stored_content(code)
        if stored is not None and stored.tiers and not content.tiers:
            plan.items[code] = content.with_tiers(stored.tiers)


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "errors": [e.as_dict() for e in self.errors],
        }


def import_power_list(
    *,
    actor: Any | None,
    items: tuple[str, bytes] | None,
    tiers: tuple[str, bytes] | None,
    agency: OrgNode | None = None,
    area: str = "",
    publish: bool = True,
    progress: Callable[[str, int, int], None] | None = None,
) -> ImportResult:
    """Validate both files, then write everything or nothing. `progress(phase, done, total)`."""
    from zhifa.powers.services import power_item_import_content

    if items is None and tiers is None:
        raise InvalidInput(_("Choose a power item file or a tier file."), code="no_file")
    items_rows = read_table(items[1], name=items[0], columns=ITEM_COLUMNS) if items else None
    tiers_rows = read_table(tiers[1], name=tiers[0], columns=TIER_COLUMNS) if tiers else None
    total = len(items_rows or []) + len(tiers_rows or [])

    def validated(done: int) -> None:
        if progress:
            progress("validating", done, total)

    plan = build_plan(items_rows=items_rows, tiers_rows=tiers_rows, progress=validated)
    if plan.errors:
        return ImportResult(errors=plan.errors)
    keep_stored_tiers(plan)
    for code, content in plan.items.items():
        problems = validate_content(content)  # stored tiers may not fit a narrowed statutory range
        file, number = plan.origin[code]
        for message in problems:
            plan.errors.append(RowError(file, number, f"{code}: {message}"))
    if plan.errors:
        return ImportResult(errors=plan.errors)
    if progress:
        progress("saving", 0, len(plan.items))
    result = ImportResult()
    with transaction.atomic():
        for code, content in plan.items.items():
            outcome = power_item_import_content(
                actor=actor, code=code, content=content, agency=agency, area=area, publish=publish
            )
            setattr(result, outcome, getattr(result, outcome) + 1)
    return result


# --- Export -----------------------------------------------------------------------------------------


def _amount(value: Decimal | None) -> str:
    if value is None:
        return ""
    text = format(value.normalize(), "f")
    return text


def export_rows(
    versions: Iterable[PowerItemVersion], *, chinese_headers: bool = False
) -> tuple[list[list[str]], list[list[str]]]:
    """(item rows, tier rows) with headers, for the given versions (tiers prefetched). The API keeps
    the shared machine format (English column names); the staff pages give people Chinese headers."""
    name = column_label if chinese_headers else str
    items = [[name(c) for c in ITEM_COLUMNS]]
    tiers = [[name(c) for c in TIER_COLUMNS]]
    for v in versions:
        code = v.item.code
        items.append(
            [
                code,
                v.name,
                LABEL_BY_CATEGORY.get(v.category, v.category),  # type: ignore[call-overload]
                v.violated_provision,
                v.penalty_provision,
                v.penalty_text,
                LABEL_BY_PARTY.get(v.party_type, v.party_type),  # type: ignore[call-overload]
                _amount(v.fine_min),
                _amount(v.fine_max),
                v.fine_basis,
                v.other_measures,
                v.source,
            ]
        )
        content = content_of(v)
        for t in content.tiers:
            tiers.append([code, t.name, t.circumstances, _amount(t.fine_min), _amount(t.fine_max), t.source])
    return items, tiers


def to_csv(rows: list[list[str]], *, bom: bool = False) -> bytes:
    """UTF-8 CSV. `bom` for files people open in Excel, which reads UTF-8 only after a byte-order mark
    (without one it guesses GB18030 and garbles the Chinese); the import accepts both."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return ("\ufeff" if bom else "").encode() + buffer.getvalue().encode("utf-8")


def to_xlsx(rows: list[list[str]], *, title: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    for row in rows:
        cells = []
        for value in row:
            # Text cells throughout: amounts and codes come back exactly as written, and a value
            # starting with "=" stays text instead of becoming a formula that a spreadsheet runs.
            cell = WriteOnlyCell(sheet, value=value)
            cell.data_type = "s"
            cells.append(cell)
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
