import datetime as dt

import pytest

from zhifa.enforcement.cases.factories import advance, register
from zhifa.enforcement.cases.models import State
from zhifa.enforcement.documents.models import Document
from zhifa.enforcement.evidence.demo import seed_evidence
from zhifa.enforcement.evidence.models import Evidence
from zhifa.enforcement.seizures.demo import seed_seizures
from zhifa.enforcement.seizures.models import Seizure
from zhifa.foundation.alerts.models import Alert

pytestmark = pytest.mark.django_db


def test_the_demo_steps_fill_evidence_records_and_the_register(kit, frozen) -> None:
    w = kit.world
    for n in range(5):
        case = register(kit, discovered_on="2025-06-01", occurred_on="2025-05-30")
        advance(kit, case, State.INVESTIGATING, start=dt.date(2025, 6, 2 + n))
    ctx = {
        "users": {"officer1": w.officer_a, "officer2": w.officer_a2, "approver": w.approver_a},
        "agencies": {"cgj": w.agency_a},
    }
    seed_evidence(ctx)
    seed_seizures(ctx)
    assert Evidence.objects.filter(kind="photo").count() == 10
    assert Document.objects.filter(code="inspection_record").count() == 5
    assert Seizure.objects.count() == 5
    assert Seizure.objects.filter(status="disposed").count() == 1
    assert Seizure.objects.filter(extension_days=20).exists()
    assert Alert.objects.filter(kind="av_record_missing", resolved_at__isnull=True).exists()
