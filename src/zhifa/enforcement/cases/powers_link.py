"""The case's power item (职权事项) and its discretion benchmark, through `zhifa.powers`."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from zhifa.core.errors import InvalidInput, RuleViolation
from zhifa.core.prepared import Prepared, keep_prefetched
from zhifa.enforcement.cases.models import Case
from zhifa.powers import discretion
from zhifa.powers.models import Category, PowerItem, PowerItemVersion
from zhifa.powers.selectors import version_tiers

ART_17 = "行政处罚法第十七条"

# The item with its published version, as a registration reads it: compiled once per process
# (core.prepared; the two tables' 28 columns cost more CPU to compile than to read).
_ITEM_WITH_VERSION: Prepared[PowerItem] = Prepared(
    lambda pk: PowerItem.objects.select_related("published_version").filter(pk=pk), markers=(-730_100_051,)
)


def power_for_case(
    *, item_id: int | None, case: Case, tiers: bool = True
) -> tuple[PowerItem, PowerItemVersion]:
    """A published, active penalty power item that this agency may use (its own, or a list without a
    responsible agency). 行政处罚法第十七条: penalties only within the agency's statutory powers.
    `tiers=False` when the caller does not classify against the discretion tiers (registration): one
    query instead of two."""
    if item_id is None:
        raise InvalidInput(
            _("This field is required: %(field)s.") % {"field": "power_item_id"},
            detail={"field": "power_item_id"},
        )
    item = _ITEM_WITH_VERSION.first(item_id)
    if tiers and item is not None and item.published_version is not None:
        # prefetch_related("published_version__tiers"), with its query compiled once per process
        held = item.published_version
        rows = version_tiers(version_id=held.pk)
        for row in rows:
            row.version = held
        keep_prefetched(held, "tiers", held.tiers.get_queryset(), rows)
    if item is None:
        raise InvalidInput(_("Unknown power item."), detail={"field": "power_item_id"})
    version = item.published_version
    if (
        version is None
        or item.status != PowerItem.Status.ACTIVE
        or version.category != Category.PENALTY
        or (item.agency_id is not None and item.agency_id != case.agency_id)
    ):
        raise RuleViolation(
            _("This power item is not a published penalty power of the case's agency (%(article)s).")
            % {"article": ART_17},
            code="power_item_not_of_agency",
            article=ART_17,
            detail={"power_item_id": item_id},
        )
    return item, version


def check_party_type(version: PowerItemVersion, party_kind: str) -> None:
    discretion._check_party(version, party_kind)


@dataclass(frozen=True)
class Classified:
    amount_class: str
    permitted_min: Decimal | None
    permitted_max: Decimal | None


def classify(
    *, version: PowerItemVersion, tier: str, party_kind: str, amount: Decimal, base_amount: Decimal | None
) -> Classified:
    cls = discretion.classify_amount(
        version=version, tier_name=tier, party_kind=party_kind, amount=amount, base_amount=base_amount
    )
    rng = discretion.permitted_range(
        version=version, tier_name=tier, party_kind=party_kind, base_amount=base_amount
    )
    return Classified(str(cls), rng.min, rng.max)


def provision_text(version: PowerItemVersion) -> str:
    return (version.penalty_provision or "").strip()
