from zhifa.enforcement.cases.tests.conftest import frozen, kit  # noqa: F401 — the cases app's fixtures
from zhifa.enforcement.evidence.tests.conftest import evidence_root  # noqa: F401
