"""Demo step 20: the law library (all statute texts) and the shared power list with its discretion
tiers, assigned to the city-management bureau (执法领域 城市管理)."""

from __future__ import annotations

from typing import Any

from zhifa.core.errors import DomainError
from zhifa.powers.data_files import data_dir
from zhifa.powers.importing import import_power_list
from zhifa.powers.services import laws_import_folder

DEMO_AREA = "城市管理"


def seed_powers(ctx: dict[str, Any]) -> None:
    folder = data_dir()
    laws = laws_import_folder(actor=None, folder=folder / "laws")
    result = import_power_list(
        actor=None,
        items=("power_items.csv", (folder / "power_items.csv").read_bytes()),
        tiers=("discretion_tiers.csv", (folder / "discretion_tiers.csv").read_bytes()),
        agency=ctx["agencies"]["cgj"],
        area=DEMO_AREA,
        publish=True,
    )
    if result.errors:
        raise DomainError(f"demo power list does not import: {result.errors[:3]}")
    ctx["powers"] = {"laws": laws, "items": result.created + result.updated + result.unchanged}
