"""行政强制法第十九条: an emergency measure unapproved 24 hours after it was taken raises an alert; the
head's refusal lifts it at once and returns the property."""

import datetime as dt

import pytest

from zhifa.core.errors import Conflict, Forbidden
from zhifa.enforcement.seizures import services
from zhifa.enforcement.seizures.models import Seizure
from zhifa.enforcement.seizures.tests.test_seizures import SH, _seize
from zhifa.foundation.alerts.models import Alert

pytestmark = pytest.mark.django_db
TAKEN = dt.datetime(2025, 5, 7, 10, 0, tzinfo=SH)


def test_unapproved_after_24_hours_alerts_and_approval_resolves_it(kit, case) -> None:
    seizure = _seize(kit, case, actor=kit.world.officer_a, emergency=True, at=TAKEN)
    assert services.seizures_check_emergencies(now=TAKEN + dt.timedelta(hours=24)) == 0
    assert services.seizures_check_emergencies(now=TAKEN + dt.timedelta(hours=24, minutes=1)) == 1
    alert = Alert.objects.get(kind="seizure_emergency_unapproved")
    assert alert.resolved_at is None and "第十九条" in alert.article
    services.seizure_approve(actor=kit.world.approver_a, seizure_id=seizure.pk)
    alert.refresh_from_db()
    assert alert.resolved_at is not None


def test_the_heads_refusal_lifts_the_measure_at_once(kit, case) -> None:
    seizure = _seize(kit, case, actor=kit.world.officer_a, emergency=True, at=TAKEN)
    with pytest.raises(Forbidden):
        services.seizure_refuse_emergency(actor=kit.world.officer_a, seizure_id=seizure.pk, reason="不应采取")
    services.seizure_refuse_emergency(
        actor=kit.world.approver_a, seizure_id=seizure.pk, reason="情况并不紧急，不应采取"
    )
    seizure.refresh_from_db()
    assert seizure.status == Seizure.Status.DISPOSED
    with pytest.raises(Conflict):
        services.seizure_refuse_emergency(actor=kit.world.approver_a, seizure_id=seizure.pk, reason="再次")
