from zhifa.enforcement.cases.tests.conftest import frozen, kit  # noqa: F401 — the cases app's fixtures
from zhifa.enforcement.documents.tests.test_masking_paths import person_case  # noqa: F401 — a person party
from zhifa.enforcement.evidence.tests.conftest import evidence_root, moto_endpoint, s3_store  # noqa: F401
