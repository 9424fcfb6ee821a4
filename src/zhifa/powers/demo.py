"""Demo step 20: the law library (all statute texts) and the shared power list with its discretion
tiers, split between the demo city's two enforcement agencies.

- 海州市城市管理局 (执法领域 城市管理) gets the national items of the list.
- 海州市市场监督管理局 (执法领域 市场监管) gets the items about trading without a licence and about
  advertising structures (`MARKET_CODES`). Who enforces these depends on how each city assigns its
  powers (the shared data's README says so); this is the demo city's assignment, not a claim about a
  real one. Each agency then has its own list, and its officers choose only from it.
- Items of other cities (names starting [北京], [郑州], [上海]) are kept in the published list as
  reference examples, held by the justice bureau (司法局, which keeps the list) rather than by an
  enforcement agency of the city's daily work: the
  fictional 海州 is none of those cities, so its officers are never offered another city's local rules
  (the case forms pick only their own agency's items), while the list stays the whole shared dataset
  that outside clients (the conformance smoke test) expect.

Sources are kept as the statute each row rests on (《城乡规划法》（2019-04-23）); the addresses of the
third-party pages the dataset was compiled from are left out of what the city publishes.
"""

from __future__ import annotations

import csv
import io
import re
from typing import Any

from zhifa.core.errors import DomainError
from zhifa.powers.data_files import data_dir
from zhifa.powers.importing import import_power_list
from zhifa.powers.services import laws_import_folder

DEMO_AREA = "城市管理"
MARKET_AREA = "市场监管"
MARKET_CODES = frozenset({"CF-RQ-001", "CF-SR-003", "CF-DL-002"})
OTHER_CITY = re.compile(r"^\[(北京|郑州|上海)\]")
# "LawRefBook/Laws@2f4c5c2:行政法/城乡规划法(2019-04-23).md" → 城乡规划法, 2019-04-23
LAW_FILE = re.compile(r"([^/:]+)\((\d{4}-\d{2}-\d{2})\)\.md$")


def clean_source(text: str) -> str:
    """The statutes a row cites, without the addresses of the pages it was compiled from."""
    parts = []
    for part in (p.strip() for p in text.split(";")):
        if not part or part.startswith(("http://", "https://")):
            continue
        match = LAW_FILE.search(part)
        parts.append(f"《{match.group(1)}》（{match.group(2)}）" if match else part)
    return "；".join(dict.fromkeys(parts))


def _select(data: bytes, keep: Any) -> bytes:
    """The rows of a CSV whose dict `keep(row)` accepts, sources cleaned; the header unchanged."""
    reader = csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline=""))
    out = io.StringIO()
    assert reader.fieldnames is not None
    writer = csv.DictWriter(out, fieldnames=reader.fieldnames, lineterminator="\n")
    writer.writeheader()
    for row in reader:
        if keep(row):
            writer.writerow({**row, "source": clean_source(row.get("source") or "")})
    return out.getvalue().encode("utf-8")


def seed_powers(ctx: dict[str, Any]) -> None:
    folder = data_dir()
    laws = laws_import_folder(actor=None, folder=folder / "laws")
    items_csv = (folder / "power_items.csv").read_bytes()
    tiers_csv = (folder / "discretion_tiers.csv").read_bytes()
    local = {
        row["code"]
        for row in csv.DictReader(io.StringIO(items_csv.decode("utf-8-sig")))
        if OTHER_CITY.match(row["name"])
    }
    count = 0
    holders = {**ctx["agencies"], "reference": ctx["agencies"]["sfj"]}
    for agency_key, area, wanted in (
        ("cgj", DEMO_AREA, lambda code: code not in MARKET_CODES and code not in local),
        ("scj", MARKET_AREA, lambda code: code in MARKET_CODES),
        ("reference", DEMO_AREA, lambda code: code in local),
    ):
        result = import_power_list(
            actor=None,
            items=("power_items.csv", _select(items_csv, lambda row, w=wanted: w(row["code"]))),
            tiers=("discretion_tiers.csv", _select(tiers_csv, lambda row, w=wanted: w(row["code"]))),
            agency=holders[agency_key],
            area=area,
            publish=True,
        )
        if result.errors:
            raise DomainError(f"demo power list does not import: {result.errors[:3]}")
        count += result.created + result.updated + result.unchanged
    ctx["powers"] = {"laws": laws, "items": count}
