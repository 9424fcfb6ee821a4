"""Scoring a file against a rubric (pure): a veto item fails the file with 0 points whatever the
deductions; otherwise each section keeps its points less its deductions, never below 0; the grade follows
the rubric's thresholds (a vetoed file is 不合格)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import models
from django.utils.translation import gettext_lazy as _

from zhifa.core.errors import InvalidInput

ZERO = Decimal(0)
TENTH = Decimal("0.1")


class Grade(models.TextChoices):
    EXCELLENT = "excellent", _("Excellent (优秀)")
    PASS = "pass", _("Pass (合格)")
    FAIL = "fail", _("Fail (不合格)")


@dataclass(frozen=True)
class ItemRule:
    code: str
    section: str
    max_deduction: Decimal


@dataclass(frozen=True)
class Line:
    code: str
    deduction: Decimal
    note: str = ""


@dataclass(frozen=True)
class Thresholds:
    form_points: Decimal
    substance_points: Decimal
    excellent_min: Decimal
    pass_min: Decimal


@dataclass(frozen=True)
class Score:
    form: Decimal
    substance: Decimal
    total: Decimal
    vetoed: bool
    grade: str


def parse_deduction(raw: object, code: str) -> Decimal:
    try:
        value = Decimal(str(raw))
    except (InvalidOperation, ValueError):
        value = Decimal("NaN")
    if not value.is_finite() or value < 0 or value != value.quantize(TENTH):
        raise InvalidInput(
            _("The deduction for item %(code)s is a number of at least 0 with one decimal at most.")
            % {"code": code},
            code="invalid_deduction",
            detail={"field": "items", "code": code},
        )
    return value


def grade_of(total: Decimal, *, vetoed: bool, t: Thresholds) -> str:
    if vetoed or total < t.pass_min:
        return Grade.FAIL
    return Grade.EXCELLENT if total >= t.excellent_min else Grade.PASS


def score_file(
    rules: Mapping[str, ItemRule], t: Thresholds, lines: Sequence[Line], vetoes: Iterable[str]
) -> Score:
    """Check the lines against the rubric (unknown item, twice, over its maximum: 400) and score."""
    seen: set[str] = set()
    sums = {"form": ZERO, "substance": ZERO}
    for line in lines:
        rule = rules.get(line.code)
        if rule is None:
            raise InvalidInput(
                _("The rubric has no item %(code)s.") % {"code": line.code},
                code="unknown_item",
                detail={"field": "items", "code": line.code},
            )
        if line.code in seen:
            raise InvalidInput(
                _("Item %(code)s is scored twice.") % {"code": line.code},
                code="duplicate_item",
                detail={"field": "items", "code": line.code},
            )
        seen.add(line.code)
        if rule.section == "veto":
            if line.deduction:
                raise InvalidInput(
                    _("Item %(code)s is a veto item: list it under vetoes, not as a deduction.")
                    % {"code": line.code},
                    code="veto_not_deduction",
                    detail={"field": "items", "code": line.code},
                )
            continue  # a note on a veto item (e.g. why a proposed veto is overridden)
        if line.deduction > rule.max_deduction:
            raise InvalidInput(
                _("The deduction for item %(code)s is at most %(max)s points.")
                % {"code": line.code, "max": rule.max_deduction},
                code="deduction_too_large",
                detail={"field": "items", "code": line.code, "max": str(rule.max_deduction)},
            )
        sums[rule.section] += line.deduction
    veto_codes = list(vetoes)
    for code in veto_codes:
        rule = rules.get(code)
        if rule is None or rule.section != "veto":
            raise InvalidInput(
                _("%(code)s is not a veto item of the rubric.") % {"code": code},
                code="unknown_veto",
                detail={"field": "vetoes", "code": code},
            )
    if len(set(veto_codes)) != len(veto_codes):
        raise InvalidInput(
            _("A veto item is listed twice."), code="duplicate_item", detail={"field": "vetoes"}
        )
    # Deductions beyond a section's points take it to 0, never below (no negative scores).
    form = max(ZERO, t.form_points - sums["form"])
    substance = max(ZERO, t.substance_points - sums["substance"])
    vetoed = bool(veto_codes)
    total = ZERO if vetoed else form + substance
    return Score(
        form.quantize(TENTH),
        substance.quantize(TENTH),
        total.quantize(TENTH),
        vetoed,
        grade_of(total, vetoed=vetoed, t=t),
    )
