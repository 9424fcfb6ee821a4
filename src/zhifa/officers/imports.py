"""XLSX import of training records and exam results: every row is checked first, then all rows are
written in one transaction — or none, with the list of row errors.

Columns are found by their Chinese headers in the first row (order does not matter); `template_*`
build a blank workbook with the right headers. An officer is identified by credential number or ID
number, and the name in the row must match — a typo in a number must not credit someone else.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhifa.audit.services import audit_record
from zhifa.core.errors import DomainError, InvalidInput, NotFound
from zhifa.officers.models import Credential, ExamResult, ExamSession, ImportBatch, Officer, TrainingRecord
from zhifa.officers.services import require_manager
from zhifa.officers.services_training import (
    MAX_DAYS,
    MAX_HOURS,
    MAX_POINTS,
    exam_result_record,
    parse_decimal,
    training_record_add,
)

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000

# Header → field. Several spellings are accepted because offices keep their own sheets.
TRAINING_COLUMNS = {
    "执法证号": "credential",
    "身份证号": "id_number",
    "姓名": "name",
    "培训类型": "kind",
    "培训名称": "title",
    "培训日期": "held_on",
    "日期": "held_on",
    "学时": "hours",
    "培训天数": "days",
    "天数": "days",
    "学法积分": "points",
    "积分": "points",
    "备注": "note",
}
TRAINING_REQUIRED = ("name", "kind", "title", "held_on", "hours")
TRAINING_TEMPLATE = [
    "执法证号",
    "身份证号",
    "姓名",
    "培训类型",
    "培训名称",
    "培训日期",
    "学时",
    "培训天数",
    "学法积分",
    "备注",
]

EXAM_COLUMNS = {
    "执法证号": "credential",
    "身份证号": "id_number",
    "姓名": "name",
    "成绩": "score",
    "分数": "score",
    "缺考": "absent",
    "是否缺考": "absent",
}
EXAM_REQUIRED = ("name",)
EXAM_TEMPLATE = ["执法证号", "身份证号", "姓名", "成绩", "是否缺考"]

KIND_ALIASES = {
    "法律知识培训": TrainingRecord.Kind.LEGAL_TRAINING,
    "法律培训": TrainingRecord.Kind.LEGAL_TRAINING,
    "集中学法": TrainingRecord.Kind.GROUP_STUDY,
    "网络学法": TrainingRecord.Kind.ONLINE_STUDY,
    "在线学法": TrainingRecord.Kind.ONLINE_STUDY,
    "业务培训": TrainingRecord.Kind.PROFESSIONAL,
    "其他": TrainingRecord.Kind.OTHER,
    "其他学习": TrainingRecord.Kind.OTHER,
    **{k: k for k in TrainingRecord.Kind.values},
}
YES = {"是", "缺考", "Y", "YES", "TRUE", "1", "√"}
NO = {"", "否", "N", "NO", "FALSE", "0"}


@dataclass
class ImportResult:
    created: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    batch_id: int | None = None


class ImportRejected(InvalidInput):
    """Some rows are wrong: nothing was imported. `detail["errors"]` lists them by row number."""

    code = "import_rows_invalid"


def _read_rows(
    data: bytes, columns: dict[str, str], required: tuple[str, ...]
) -> list[tuple[int, dict[str, Any]]]:
    if not data:
        raise InvalidInput(_("The file is empty."), code="import_file_invalid")
    if len(data) > MAX_BYTES:
        raise InvalidInput(_("The file is larger than 5 MB."), code="import_file_invalid")
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as exc:
        raise InvalidInput(
            _("The file is not a readable Excel workbook (.xlsx)."), code="import_file_invalid"
        ) from exc
    try:
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header = next(rows, None)
        if header is None:
            raise InvalidInput(_("The sheet has no header row."), code="import_file_invalid")
        index: dict[str, int] = {}
        for position, title in enumerate(header):
            key = columns.get(str(title or "").strip())
            if key and key not in index:
                index[key] = position
        missing = [h for h, key in columns.items() if key in required and key not in index]
        if any(key not in index for key in required):
            raise InvalidInput(
                _("Required columns are missing: %(columns)s.")
                % {"columns": "、".join(dict.fromkeys(missing))},
                code="import_file_invalid",
            )
        if "credential" not in index and "id_number" not in index:
            raise InvalidInput(
                _("The sheet needs a credential number column or an ID number column to identify officers."),
                code="import_file_invalid",
            )
        parsed: list[tuple[int, dict[str, Any]]] = []
        for number, row in enumerate(rows, start=2):
            values = {key: (row[pos] if pos < len(row) else None) for key, pos in index.items()}
            if all(v is None or str(v).strip() == "" for v in values.values()):
                continue  # blank lines between blocks are common in office sheets
            parsed.append((number, values))
            if len(parsed) > MAX_ROWS:
                raise InvalidInput(
                    _("At most %(max)s rows can be imported at once.") % {"max": MAX_ROWS},
                    code="import_file_invalid",
                )
    finally:
        workbook.close()
    if not parsed:
        raise InvalidInput(_("The sheet has no data rows."), code="import_file_invalid")
    return parsed


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # an ID or credential number typed as a number
    return str(value).strip()


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _text(value).replace("/", "-").replace(".", "-")
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise InvalidInput(_("The date must be written as YYYY-MM-DD.")) from exc


class _OfficerIndex:
    """Officers by credential number and ID number, loaded in two queries for the whole file."""

    def __init__(self, rows: list[tuple[int, dict[str, Any]]]) -> None:
        numbers = {_text(v.get("credential")).upper() for _, v in rows} - {""}
        ids = {_text(v.get("id_number")).upper() for _, v in rows} - {""}
        self.by_number = {
            c.number: c.officer
            for c in Credential.objects.filter(number__in=numbers).select_related("officer")
        }
        self.by_id = {o.id_number: o for o in Officer.objects.filter(id_number__in=ids)}

    def find(self, values: dict[str, Any]) -> Officer:
        number = _text(values.get("credential")).upper()
        id_number = _text(values.get("id_number")).upper()
        name = _text(values.get("name"))
        officer = self.by_number.get(number) if number else None
        if number and officer is None:
            raise InvalidInput(_("No credential with the number %(number)s.") % {"number": number})
        if officer is None and id_number:
            officer = self.by_id.get(id_number)
            if officer is None:
                raise InvalidInput(_("No officer with this ID number."))
        if officer is None:
            raise InvalidInput(_("Give the credential number or the ID number."))
        if id_number and officer.id_number != id_number:
            raise InvalidInput(_("The credential number and the ID number belong to different officers."))
        if name != officer.name:
            raise InvalidInput(
                _("The name %(name)s does not match the officer's record.") % {"name": name or "—"}
            )
        return officer


def _file_seen(kind: str, digest: str) -> ImportBatch | None:
    return ImportBatch.objects.filter(kind=kind, sha256=digest).first()


def _message(exc: DomainError) -> str:
    return str(exc.message)


def import_training(*, actor: Any | None, data: bytes, filename: str = "") -> ImportResult:
    digest = hashlib.sha256(data).hexdigest()
    rows = _read_rows(data, TRAINING_COLUMNS, TRAINING_REQUIRED)
    seen = _file_seen(ImportBatch.Kind.TRAINING, digest)
    if seen is not None:
        raise InvalidInput(
            _("This file was already imported on %(day)s.")
            % {"day": timezone.localdate(seen.at).isoformat()},
            code="import_duplicate_file",
        )
    officers = _OfficerIndex(rows)
    checked: list[tuple[int, Officer, dict[str, Any]]] = []
    errors: list[dict[str, Any]] = []
    keys: set[tuple[int, str, dt.date]] = set()
    for number, values in rows:
        try:
            officer = officers.find(values)
            require_manager(actor, officer.agency_id)
            kind_text = _text(values.get("kind"))
            kind = KIND_ALIASES.get(kind_text)
            if kind is None:
                raise InvalidInput(_("Unknown training kind: %(kind)s.") % {"kind": kind_text or "—"})
            held_on = _date(values.get("held_on"))
            title = _text(values.get("title"))
            key = (officer.pk, title, held_on)
            if (
                key in keys
                or TrainingRecord.objects.filter(officer=officer, title=title, held_on=held_on).exists()
            ):
                raise InvalidInput(_("This training is already recorded for this officer."))
            keys.add(key)
            if not title:
                raise InvalidInput(_("Give the training a title (at most 200 characters)."))
            if held_on > timezone.localdate():
                raise InvalidInput(_("The training date cannot be in the future."))
            record = {
                "officer_id": officer.pk,
                "kind": kind,
                "title": title,
                "held_on": held_on,
                "hours": parse_decimal(
                    _text(values.get("hours")),
                    field="hours",
                    low=Decimal(0),
                    high=MAX_HOURS,
                    label=_("Study hours"),
                ),
                "days": parse_decimal(
                    _text(values.get("days")) or 0,
                    field="days",
                    low=Decimal(0),
                    high=MAX_DAYS,
                    label=_("Training days"),
                ),
                "points": parse_decimal(
                    _text(values.get("points")) or 0,
                    field="points",
                    low=Decimal(0),
                    high=MAX_POINTS,
                    label=_("Study points"),
                ),
                "note": _text(values.get("note")),
            }
            checked.append((number, officer, record))
        except DomainError as exc:
            errors.append({"row": number, "message": _message(exc)})
    return _write(
        actor=actor,
        kind=ImportBatch.Kind.TRAINING,
        filename=filename,
        digest=digest,
        checked=checked,
        errors=errors,
        write=lambda batch, record: training_record_add(actor=actor, batch=batch, **record),
    )


def import_exam_results(
    *, actor: Any | None, session_id: int, data: bytes, filename: str = ""
) -> ImportResult:
    session = ExamSession.objects.filter(id=session_id).first()
    if session is None:
        raise NotFound(_("No such exam."))
    digest = hashlib.sha256(data).hexdigest()
    rows = _read_rows(data, EXAM_COLUMNS, EXAM_REQUIRED)
    officers = _OfficerIndex(rows)
    already = set(ExamResult.objects.filter(session=session).values_list("officer_id", flat=True))
    checked: list[tuple[int, Officer, dict[str, Any]]] = []
    errors: list[dict[str, Any]] = []
    for number, values in rows:
        try:
            officer = officers.find(values)
            require_manager(actor, officer.agency_id)
            if officer.pk in already:
                raise InvalidInput(
                    _("A result for %(name)s in this exam is already recorded.") % {"name": officer.name}
                )
            already.add(officer.pk)
            absent_text = _text(values.get("absent")).upper()
            if absent_text not in YES | NO:
                raise InvalidInput(_("Write yes or no in the absent column."))
            absent = absent_text in YES
            score_text = _text(values.get("score"))
            if absent and score_text:
                raise InvalidInput(_("An absent officer has no score."))
            if not absent:
                if not score_text:
                    raise InvalidInput(_("Enter the score, or mark the officer absent."))
                score = Decimal(score_text) if _is_number(score_text) else None
                if score is None or not Decimal(0) <= score <= Decimal(100):
                    raise InvalidInput(_("The score must be a number from 0 to 100."))
            checked.append(
                (
                    number,
                    officer,
                    {
                        "session_id": session.pk,
                        "officer_id": officer.pk,
                        "score": None if absent else score_text,
                        "absent": absent,
                    },
                )
            )
        except DomainError as exc:
            errors.append({"row": number, "message": _message(exc)})
    return _write(
        actor=actor,
        kind=ImportBatch.Kind.EXAM,
        filename=filename,
        digest=digest,
        checked=checked,
        errors=errors,
        write=lambda batch, record: exam_result_record(actor=actor, batch=batch, **record),
        extra={"session": session.pk},
    )


def _is_number(text: str) -> bool:
    try:
        return Decimal(text).is_finite()
    except ArithmeticError:
        return False


def _write(
    *,
    actor: Any | None,
    kind: str,
    filename: str,
    digest: str,
    checked: list[tuple[int, Officer, dict[str, Any]]],
    errors: list[dict[str, Any]],
    write: Any,
    extra: dict[str, Any] | None = None,
) -> ImportResult:
    if errors:
        raise ImportRejected(
            _("%(count)s rows have errors; nothing was imported. Correct them and import the file again.")
            % {"count": len(errors)},
            detail={"errors": errors},
        )
    with transaction.atomic():
        batch = ImportBatch.objects.create(
            kind=kind,
            filename=(filename or "")[:200],
            sha256=digest,
            rows=len(checked),
            actor=actor if getattr(actor, "pk", None) else None,
            at=timezone.now(),
        )
        for number, _officer, record in checked:
            try:
                write(batch, record)
            except DomainError as exc:
                # A row that passed the checks can still fail on a value rule inside the service
                # (e.g. hours out of range): roll back everything and report that row.
                raise ImportRejected(
                    _(
                        "%(count)s rows have errors; nothing was imported. Correct them and import the file again."
                    )
                    % {"count": 1},
                    detail={"errors": [{"row": number, "message": _message(exc)}]},
                ) from exc
        audit_record(
            actor=actor,
            action=f"officers.import_{kind}",
            obj=batch,
            summary={"file": filename, "sha256": digest, "rows": len(checked), **(extra or {})},
        )
    return ImportResult(created=len(checked), batch_id=batch.pk)


def template_workbook(kind: str) -> bytes:
    """A blank workbook with the headers the importer reads."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(TRAINING_TEMPLATE if kind == ImportBatch.Kind.TRAINING else EXAM_TEMPLATE)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
