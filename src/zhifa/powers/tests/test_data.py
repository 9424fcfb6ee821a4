"""The reference data shipped with the app is the project's shared data."""

from pathlib import Path

import pytest

from zhifa.powers.data_files import PACKAGE_DATA

SHARED = Path(__file__).resolve().parents[5] / "shared" / "data"


@pytest.mark.skipif(not SHARED.is_dir(), reason="no shared/data beside this checkout")
def test_the_shipped_copy_matches_shared_data() -> None:
    def files(root: Path) -> dict[str, bytes]:
        return {
            str(p.relative_to(root)): p.read_bytes()
            for p in root.rglob("*")
            if p.is_file() and p.suffix in (".md", ".csv") and p.name != "README.md"
        }

    assert files(PACKAGE_DATA) == files(SHARED)


def test_the_shipped_copy_has_23_statutes_and_both_csv_files() -> None:
    assert len(list((PACKAGE_DATA / "laws").glob("*.md"))) == 23
    assert (PACKAGE_DATA / "power_items.csv").is_file() and (PACKAGE_DATA / "discretion_tiers.csv").is_file()
