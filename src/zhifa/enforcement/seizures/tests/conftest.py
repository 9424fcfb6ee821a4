import datetime as dt

import pytest

from zhifa.enforcement.cases.factories import advance, register
from zhifa.enforcement.cases.models import State
from zhifa.enforcement.cases.tests.conftest import frozen, kit  # noqa: F401 — the cases app's fixtures
from zhifa.enforcement.evidence.tests.conftest import evidence_root  # noqa: F401


@pytest.fixture
def case(kit, frozen):  # noqa: F811 — the imported fixtures, requested by name
    """A case under investigation since 6 May 2025 (today is 30 June 2025)."""
    c = register(kit, discovered_on="2025-05-05", occurred_on="2025-05-01")
    return advance(kit, c, State.INVESTIGATING, start=dt.date(2025, 5, 6))
