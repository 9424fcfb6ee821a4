"""The content of a power item version as plain data, and its validation.

One validator serves the import (row by row), the API and the edit form, so a value refused in one
door is refused in all. Messages are translated sentences a clerk can act on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields, replace
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from zhifa.law.discretion import basis_kind, tier_inside_law
from zhifa.powers.lawtext import parse_reference
from zhifa.powers.models import Category, PartyType, PowerItemVersion

CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")
MAX_AMOUNT = Decimal("999999999999.99")  # DecimalField(max_digits=14, decimal_places=2)

# The Chinese words used in the files and by people, mapped to the stored values.
CATEGORY_BY_LABEL = {
    "行政许可": Category.LICENSING,
    "行政处罚": Category.PENALTY,
    "行政强制": Category.COERCION,
    "行政征收": Category.LEVY,
    "行政给付": Category.PAYMENT,
    "行政检查": Category.INSPECTION,
    "行政确认": Category.CONFIRMATION,
    "行政奖励": Category.REWARD,
    "行政裁决": Category.ADJUDICATION,
    "其他行政权力": Category.OTHER,
}
LABEL_BY_CATEGORY = {v: k for k, v in CATEGORY_BY_LABEL.items()}
PARTY_BY_LABEL = {"个人": PartyType.PERSON, "单位": PartyType.ORGANISATION, "不限": PartyType.ANY}
LABEL_BY_PARTY = {v: k for k, v in PARTY_BY_LABEL.items()}


@dataclass(frozen=True)
class TierContent:
    name: str
    circumstances: str = ""
    fine_min: Decimal | None = None
    fine_max: Decimal | None = None
    measures: str = ""
    source: str = ""


@dataclass(frozen=True)
class VersionContent:
    name: str
    category: str
    party_type: str
    violated_provision: str = ""
    penalty_provision: str = ""
    penalty_text: str = ""
    fine_min: Decimal | None = None
    fine_max: Decimal | None = None
    fine_basis: str = ""
    other_measures: str = ""
    guide: str = ""
    source: str = ""
    tiers: tuple[TierContent, ...] = field(default_factory=tuple)

    def with_tiers(self, tiers: tuple[TierContent, ...]) -> VersionContent:
        return replace(self, tiers=tiers)


VERSION_FIELDS = [f.name for f in fields(VersionContent) if f.name != "tiers"]


def content_of(version: PowerItemVersion) -> VersionContent:
    """The content of a stored version (uses prefetched tiers)."""
    tiers = tuple(
        TierContent(t.name, t.circumstances, t.fine_min, t.fine_max, t.measures, t.source)
        for t in sorted(version.tiers.all(), key=lambda t: t.position)
    )
    return VersionContent(**{name: getattr(version, name) for name in VERSION_FIELDS}, tiers=tiers)


def parse_amount(raw: Any, *, label: str, errors: list[str]) -> Decimal | None:
    text = str(raw if raw is not None else "").strip().replace(",", "").replace("，", "")
    if text == "":
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        errors.append(_("%(field)s is not a number: %(value)s") % {"field": label, "value": text[:40]})
        return None
    if not value.is_finite() or value < 0:
        errors.append(_("%(field)s must be zero or more.") % {"field": label})
        return None
    if value > MAX_AMOUNT or value != value.quantize(Decimal("0.01")):
        errors.append(
            _("%(field)s must have at most two decimal places and twelve digits.") % {"field": label}
        )
        return None
    return value.quantize(Decimal("0.01"))


def validate_code(code: str) -> list[str]:
    if not code:
        return [_("The code is missing.")]
    if not CODE_RE.match(code):
        return [
            _("The code %(code)s may contain only letters, digits, '-', '_' and '.', at most 40.")
            % {"code": code[:50]}
        ]
    return []


def validate_content(content: VersionContent) -> list[str]:
    """Every problem with this content, as translated sentences (empty when valid)."""
    errors: list[str] = []
    if not content.name.strip():
        errors.append(_("The name is missing."))
    elif len(content.name) > 300:
        errors.append(_("The name is longer than 300 characters."))
    if content.category not in Category.values:
        errors.append(_("Unknown category."))
    if content.party_type not in PartyType.values:
        errors.append(_("Unknown party type: use 个人, 单位 or 不限."))
    if content.fine_min is not None and content.fine_max is not None and content.fine_min > content.fine_max:
        errors.append(
            _("The minimum fine (%(min)s) is greater than the maximum (%(max)s).")
            % {"min": content.fine_min, "max": content.fine_max}
        )
    try:
        basis_kind(content.fine_basis)
    except ValueError:
        errors.append(
            _(
                "Unknown fine basis %(basis)s: use fixed, a percentage such as 建设工程造价%%, a multiple "
                "(…倍数) or a rate (元/…)."
            )
            % {"basis": content.fine_basis[:50]}
        )
    if (content.fine_min is not None or content.fine_max is not None) and not content.fine_basis:
        errors.append(_("A fine range needs its basis (fixed, or what the numbers are a percentage of)."))
    if len(content.fine_basis) > 50:
        errors.append(_("The fine basis is longer than 50 characters."))
    for label, text in (
        (_("Violated provision"), content.violated_provision),
        (_("Penalty provision"), content.penalty_provision),
    ):
        if any(len(ref.text) > 300 for ref in parse_reference(text)):
            errors.append(_("%(field)s: one reference is longer than 300 characters.") % {"field": label})
    names: set[str] = set()
    for tier in content.tiers:
        errors.extend(validate_tier(tier, content))
        if tier.name in names:
            errors.append(_("Tier %(name)s appears twice.") % {"name": tier.name})
        names.add(tier.name)
    return errors


def validate_tier(tier: TierContent, content: VersionContent) -> list[str]:
    errors: list[str] = []
    if not tier.name.strip():
        errors.append(_("The tier name is missing."))
    elif len(tier.name) > 50:
        errors.append(_("The tier name is longer than 50 characters."))
    if tier.fine_min is not None and tier.fine_max is not None and tier.fine_min > tier.fine_max:
        errors.append(
            _("Tier %(name)s: the minimum (%(min)s) is greater than the maximum (%(max)s).")
            % {"name": tier.name, "min": tier.fine_min, "max": tier.fine_max}
        )
    elif not tier_inside_law(
        tier_min=tier.fine_min,
        tier_max=tier.fine_max,
        legal_min=content.fine_min,
        legal_max=content.fine_max,
    ):
        errors.append(
            _(
                "Tier %(name)s (%(tmin)s–%(tmax)s) lies outside the statutory range %(lmin)s–%(lmax)s: "
                "a benchmark may only narrow the law's range (行政处罚法第三十四条)."
            )
            % {
                "name": tier.name,
                "tmin": "" if tier.fine_min is None else tier.fine_min,
                "tmax": "" if tier.fine_max is None else tier.fine_max,
                "lmin": "" if content.fine_min is None else content.fine_min,
                "lmax": "" if content.fine_max is None else content.fine_max,
            }
        )
    return errors
