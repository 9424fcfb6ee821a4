"""The indicator tree checked as a whole before anything is stored: one row per node (code, parent
code, name, points and, for a leaf, how it is scored). Every problem is reported with its row, so an
import or an edit is refused all at once with the full list (nothing half-stored).

The points must add up: the children of a node share exactly its points — a set whose children's
points exceed their parent's is refused (`points_exceed_parent`), and so is one whose children leave
points unallotted (`points_short_of_parent`); the first-level nodes share the set's total.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from zhifa.core.errors import InvalidInput
from zhifa.law.assessment import TENTH  # points are kept to one decimal
from zhifa.supervision.assessment.models import Formula, Method

MAX_NODES = 500
MAX_LEVEL = 5
MAX_POINTS = Decimal(1000)

CODE_RE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z.\-]{0,19}$")
INDICATOR_RE = re.compile(r"^[a-z_]+\.[a-z0-9_]+$")


@dataclass
class Row:
    row: int  # 1-based position in the input (an import counts its header as row 1)
    code: str
    parent: str
    name: str
    points: Decimal
    method: str = ""
    indicator_code: str = ""
    formula: str = ""
    target: Decimal | None = None
    zero_at: Decimal | None = None
    per_item: Decimal | None = None
    criteria: str = ""
    materials: str = ""
    level: int = 0
    leaf: bool = True
    children: list[Row] = field(default_factory=list)


@dataclass
class Problems:
    errors: list[dict[str, Any]] = field(default_factory=list)

    def add(self, row: int, fld: str, message: str, *, code: str = "invalid") -> None:
        self.errors.append({"row": row, "field": fld, "code": code, "message": message})

    def raise_if_any(self) -> None:
        if self.errors:
            raise InvalidInput(
                _("The indicator set was refused: %(n)d problem(s); nothing was saved.")
                % {"n": len(self.errors)},
                code="import_rejected",
                detail={"errors": self.errors},
                status=422,
            )


def _decimal(raw: Any, row: int, fld: str, problems: Problems, *, required: bool) -> Decimal | None:
    if raw is None or str(raw).strip() == "":
        if required:
            problems.add(row, fld, _("Required."))
        return None
    try:
        value = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError):
        problems.add(row, fld, _("Not a number: %(v)s.") % {"v": str(raw)[:20]})
        return None
    if not value.is_finite() or abs(value) > Decimal(10) ** 9:
        problems.add(row, fld, _("Not a number: %(v)s.") % {"v": str(raw)[:20]})
        return None
    return value


def _text(
    raw: Any, row: int, fld: str, problems: Problems, *, max_length: int, required: bool = False
) -> str:
    value = "" if raw is None else str(raw).strip()
    if required and not value:
        problems.add(row, fld, _("Required."))
    if len(value) > max_length:
        problems.add(row, fld, _("At most %(n)d characters.") % {"n": max_length})
        value = value[:max_length]
    return value


def _parse(raw: dict[str, Any], row: int, problems: Problems) -> Row | None:
    code = _text(raw.get("code"), row, "code", problems, max_length=20, required=True)
    if code and not CODE_RE.match(code):
        problems.add(row, "code", _("A code is letters, digits and dots, such as 1.2.3."))
    points = _decimal(raw.get("points"), row, "points", problems, required=True)
    if points is not None and not (Decimal(0) < points <= MAX_POINTS and points == points.quantize(TENTH)):
        problems.add(row, "points", _("Points are more than 0 and at most 1000, to one decimal."))
    r = Row(
        row=row,
        code=code,
        parent=_text(raw.get("parent"), row, "parent", problems, max_length=20),
        name=_text(raw.get("name"), row, "name", problems, max_length=200, required=True),
        points=points if points is not None else Decimal(0),
        method=_text(raw.get("method"), row, "method", problems, max_length=10),
        indicator_code=_text(raw.get("indicator_code"), row, "indicator_code", problems, max_length=80),
        formula=_text(raw.get("formula"), row, "formula", problems, max_length=10),
        target=_decimal(raw.get("target"), row, "target", problems, required=False),
        zero_at=_decimal(raw.get("zero_at"), row, "zero_at", problems, required=False),
        per_item=_decimal(raw.get("per_item"), row, "per_item", problems, required=False),
        criteria=_text(raw.get("criteria"), row, "criteria", problems, max_length=2000),
        materials=_text(raw.get("materials"), row, "materials", problems, max_length=2000),
    )
    return r


def _check_leaf(r: Row, problems: Problems) -> None:
    if r.method not in Method.values:
        problems.add(r.row, "method", _("A leaf is scored computed, judged or deduction."))
        return
    if r.indicator_code and not INDICATOR_RE.match(r.indicator_code):
        problems.add(r.row, "indicator_code", _("An indicator code looks like officers.credential_rate."))
    if r.method == Method.COMPUTED:
        if not r.indicator_code:
            problems.add(
                r.row,
                "indicator_code",
                _("A computed leaf names the registered indicator it is computed from."),
            )
        if r.formula not in Formula.values:
            problems.add(r.row, "formula", _("A computed leaf has the formula linear or threshold."))
        if r.target is None:
            problems.add(r.row, "target", _("A computed leaf has a target."))
        elif r.formula == Formula.LINEAR and r.target == (r.zero_at or Decimal(0)):
            problems.add(r.row, "zero_at", _("The value scoring zero must differ from the target."))
    elif r.method == Method.DEDUCTION:
        if r.per_item is None or not (Decimal(0) < r.per_item <= r.points):
            problems.add(
                r.row,
                "per_item",
                _("A deduction leaf deducts more than 0 and at most its points per occurrence."),
            )
    elif r.indicator_code or r.formula or r.target is not None:
        problems.add(r.row, "indicator_code", _("A judged leaf has no indicator, formula or target."))


def build(
    raw_rows: list[dict[str, Any]], *, total_points: Decimal | None, first_row: int = 1
) -> tuple[list[Row], Decimal]:
    """The checked tree (nodes in input order, with levels and children) and the total points."""
    problems = Problems()
    if not raw_rows:
        problems.add(first_row, "code", _("An indicator set needs at least one indicator."))
        problems.raise_if_any()
    if len(raw_rows) > MAX_NODES:
        problems.add(first_row, "code", _("At most %(n)d indicators.") % {"n": MAX_NODES})
        problems.raise_if_any()
    rows: list[Row] = []
    by_code: dict[str, Row] = {}
    for i, raw in enumerate(raw_rows):
        r = _parse(raw, first_row + i, problems)
        if r is None:
            continue
        if r.code and r.code in by_code:
            problems.add(r.row, "code", _("The code %(code)s appears twice.") % {"code": r.code})
            continue
        rows.append(r)
        if r.code:
            by_code[r.code] = r
    for r in rows:
        if r.parent:
            parent = by_code.get(r.parent)
            if parent is None:
                problems.add(r.row, "parent", _("No indicator has the code %(code)s.") % {"code": r.parent})
            elif parent is r:
                problems.add(r.row, "parent", _("An indicator cannot be its own parent."))
            else:
                parent.children.append(r)
                parent.leaf = False
    # Levels, walking down from the roots; a node never reached sits on a cycle.
    roots = [r for r in rows if not r.parent]
    stack = [(r, 1) for r in roots]
    while stack:
        node, level = stack.pop()
        node.level = level
        if level > MAX_LEVEL:
            problems.add(node.row, "parent", _("At most %(n)d levels.") % {"n": MAX_LEVEL})
            continue
        stack.extend((c, level + 1) for c in node.children)
    for r in rows:
        if r.level == 0 and r.code and r.parent in by_code:
            problems.add(
                r.row, "parent", _("The parents of %(code)s go round in a circle.") % {"code": r.code}
            )
    for r in rows:
        if r.leaf:
            _check_leaf(r, problems)
        elif r.method or r.indicator_code or r.formula:
            problems.add(r.row, "method", _("Only a leaf (an indicator without sub-indicators) is scored."))
        if r.children:
            _check_sum(r.row, r.code, r.points, r.children, problems)
    top = sum((r.points for r in roots), Decimal(0))
    total = top if total_points is None else total_points
    if roots and total_points is not None:
        _check_sum(first_row, _("the set"), total_points, roots, problems)
    problems.raise_if_any()
    return rows, total


def _check_sum(row: int, code: str, points: Decimal, children: list[Row], problems: Problems) -> None:
    allotted = sum((c.points for c in children), Decimal(0))
    if allotted > points:
        problems.add(
            row,
            "points",
            _("The sub-indicators of %(code)s have %(sum)s points, more than its %(points)s.")
            % {"code": code, "sum": allotted, "points": points},
            code="points_exceed_parent",
        )
    elif allotted < points:
        problems.add(
            row,
            "points",
            _("The sub-indicators of %(code)s have %(sum)s points, less than its %(points)s.")
            % {"code": code, "sum": allotted, "points": points},
            code="points_short_of_parent",
        )
