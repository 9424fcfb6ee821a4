"""The discretion check the case workflow calls (docs/interfaces.md).

`permitted_range` gives the range in yuan a decision may use for a power item version, a tier and a
party; `classify_amount` says where a proposed fine lies. The rules themselves (rounding, order of
checks, articles) are in `zhifa.law.discretion`; this module applies them to the stored benchmark.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from zhifa.core.errors import InvalidInput, RuleViolation
from zhifa.law.discretion import (
    AmountClass,
    AmountRange,
    BasisKind,
    basis_kind,
    classify,
    legal_range_in_yuan,
    needs_base,
    tier_range_in_yuan,
)
from zhifa.powers.models import DiscretionTier, PartyType, PowerItemVersion

__all__ = [
    "AmountClass",
    "AmountRange",
    "check_party",
    "classify_amount",
    "legal_range",
    "permitted_range",
    "tier_for",
]

PARTY_KINDS = {"person": PartyType.PERSON, "organisation": PartyType.ORGANISATION}


def _decimal(value: Decimal | str | int | None, *, field: str) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise InvalidInput(_("The amount is not a number."), detail={"field": field}) from exc
    if not number.is_finite() or number < 0:
        raise InvalidInput(_("The amount must be zero or more."), detail={"field": field})
    return number


def check_party(version: PowerItemVersion, party_kind: str) -> None:
    """Refuse a party the item is not written for (an item for 单位 applied to a person)."""
    if party_kind not in PARTY_KINDS:
        raise InvalidInput(_("Unknown party kind."), detail={"party_kind": party_kind})
    if version.party_type != PartyType.ANY and version.party_type != PARTY_KINDS[party_kind]:
        raise RuleViolation(
            _(
                "This power item applies to a %(expected)s only, not to a %(given)s: choose the item "
                "written for this kind of party (行政处罚法第四条)."
            )
            % {
                "expected": PartyType(version.party_type).label,
                "given": PARTY_KINDS[party_kind].label,
            },
            code="party_type_mismatch",
            article="行政处罚法第四条",
        )


_check_party = check_party  # the name callers used first


def _kind(version: PowerItemVersion) -> BasisKind:
    try:
        return basis_kind(version.fine_basis)
    except ValueError as exc:
        raise InvalidInput(
            _("The fine basis of this power item is not understood: %(basis)s")
            % {"basis": version.fine_basis}
        ) from exc


def _base(version: PowerItemVersion, base_amount: Decimal | str | int | None) -> Decimal | None:
    kind = _kind(version)
    base = _decimal(base_amount, field="base_amount")
    if needs_base(kind) and base is None and not (version.fine_min is None and version.fine_max is None):
        raise InvalidInput(
            _("The fine of this power item is computed from %(basis)s: give that amount.")
            % {"basis": version.fine_basis},
            code="base_amount_required",
            detail={"fine_basis": version.fine_basis},
        )
    return base


def tier_for(version: PowerItemVersion, tier_name: str | None) -> DiscretionTier | None:
    """The named tier; None when the version has no tiers and none was named. Uses prefetched tiers."""
    tiers = list(version.tiers.all())
    name = (tier_name or "").strip()
    if not name:
        if tiers:
            raise InvalidInput(
                _("This power item has discretion tiers: choose one (行政处罚法第三十四条)."),
                code="tier_required",
                detail={"tiers": [t.name for t in tiers]},
            )
        return None
    for tier in tiers:
        if tier.name == name:
            return tier
    raise InvalidInput(
        _("This power item has no discretion tier named %(name)s.") % {"name": name},
        code="unknown_tier",
        detail={"tiers": [t.name for t in tiers]},
    )


def legal_range(
    *, version: PowerItemVersion, party_kind: str, base_amount: Decimal | str | int | None = None
) -> AmountRange | None:
    """The statutory range in yuan, or None when the national text sets no amount."""
    check_party(version, party_kind)
    if version.fine_min is None and version.fine_max is None:
        return None
    return legal_range_in_yuan(
        version.fine_min, version.fine_max, kind=_kind(version), base=_base(version, base_amount)
    )


def permitted_range(
    *,
    version: PowerItemVersion,
    tier_name: str | None,
    party_kind: str,
    base_amount: Decimal | str | int | None = None,
) -> AmountRange:
    """The range in yuan the benchmark permits: the tier's range, else the statutory range.

    An unbounded range (both None) means neither the law nor the tier sets an amount."""
    legal = legal_range(version=version, party_kind=party_kind, base_amount=base_amount)
    tier = tier_for(version, tier_name)
    if tier is not None and not (tier.fine_min is None and tier.fine_max is None):
        # A tier without a floor ("X以下") starts where the law starts (the clamp does that).
        return tier_range_in_yuan(
            tier.fine_min, tier.fine_max, kind=_kind(version), base=_base(version, base_amount), legal=legal
        )
    return legal if legal is not None else AmountRange(None, None)


def classify_amount(
    *,
    version: PowerItemVersion,
    tier_name: str | None,
    party_kind: str,
    amount: Decimal | str | int,
    base_amount: Decimal | str | int | None = None,
) -> AmountClass:
    """Where `amount` (yuan) lies for this version, tier and party (see zhifa.law.discretion.classify)."""
    value = _decimal(amount, field="amount")
    if value is None:
        raise InvalidInput(_("The amount is missing."), detail={"field": "amount"})
    legal = legal_range(version=version, party_kind=party_kind, base_amount=base_amount)
    tier = tier_for(version, tier_name)
    tier_range = None
    if tier is not None and not (tier.fine_min is None and tier.fine_max is None):
        tier_range = permitted_range(
            version=version, tier_name=tier_name, party_kind=party_kind, base_amount=base_amount
        )
    return classify(value, legal=legal, tier=tier_range)
