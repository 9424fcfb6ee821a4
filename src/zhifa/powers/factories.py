"""Test and demo helpers: power items built through the real services."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from zhifa.org.models import OrgNode
from zhifa.powers.content import TierContent, VersionContent
from zhifa.powers.models import Category, PartyType, PowerItem
from zhifa.powers.services import power_item_create


def D(value: str | int | None) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def tier(name: str, low: str | int | None, high: str | int | None, circumstances: str = "") -> TierContent:
    return TierContent(name=name, circumstances=circumstances, fine_min=D(low), fine_max=D(high))


def content(
    *,
    name: str = "未经批准挖掘城市道路",
    category: str = Category.PENALTY,
    party_type: str = PartyType.ANY,
    fine_min: str | int | None = None,
    fine_max: str | int | None = 20000,
    fine_basis: str = "fixed",
    tiers: tuple[TierContent, ...] = (),
    **extra: Any,
) -> VersionContent:
    return VersionContent(
        name=name,
        category=category,
        party_type=party_type,
        fine_min=D(fine_min),
        fine_max=D(fine_max),
        fine_basis=fine_basis if (fine_min is not None or fine_max is not None) else extra.pop("basis", ""),
        tiers=tiers,
        **extra,
    )


def make_item(
    code: str = "T-001",
    *,
    agency: OrgNode | None = None,
    area: str = "城市管理",
    publish: bool = True,
    actor: Any | None = None,
    **content_kwargs: Any,
) -> PowerItem:
    return power_item_create(
        actor=actor,
        code=code,
        content=content(**content_kwargs),
        agency=agency,
        area=area,
        publish=publish,
    )
