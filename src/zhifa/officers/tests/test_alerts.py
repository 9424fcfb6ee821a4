"""Credential expiry and annual-review alerts: raised ahead of time, resolved when the condition ends."""

import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command

from zhifa.foundation.alerts.models import Alert
from zhifa.law.services import jurisdiction_setting_set
from zhifa.officers import services
from zhifa.officers.alerts import credential_alerts_sync_all, expiry_key, review_key
from zhifa.officers.factories import make_credential, make_officer
from zhifa.officers.models import Credential

pytestmark = pytest.mark.django_db
D = dt.date


def open_alerts(key: str) -> list[Alert]:
    return list(Alert.objects.filter(key=key, resolved_at__isnull=True))


@pytest.fixture
def credential(world):
    with time_machine.travel(dt.datetime(2025, 1, 10, 9, tzinfo=dt.UTC), tick=False):
        officer = make_officer(agency=world.agency_a, name="张三")
        return make_credential(officer, issued_on=D(2025, 1, 10), expires_on=D(2025, 8, 31))


def run_on(day: dt.date) -> None:
    with time_machine.travel(dt.datetime(day.year, day.month, day.day, 9, tzinfo=dt.UTC), tick=False):
        services.credentials_expire(on=day)
        credential_alerts_sync_all(on=day)


def test_expiry_alert_opens_30_days_ahead_and_not_31(credential) -> None:
    run_on(D(2025, 7, 31))  # 31 days before
    assert not open_alerts(expiry_key(credential.pk))
    run_on(D(2025, 8, 1))  # 30 days before
    [alert] = open_alerts(expiry_key(credential.pk))
    assert alert.kind == "credential_expiring" and alert.due_on == D(2025, 8, 31)
    assert alert.severity == "warning" and "张三" in alert.title
    assert alert.agency_id == credential.agency_id


def test_running_twice_keeps_one_alert_and_renewal_resolves_it(credential) -> None:
    run_on(D(2025, 8, 1))
    run_on(D(2025, 8, 2))
    assert len(open_alerts(expiry_key(credential.pk))) == 1
    with time_machine.travel(dt.datetime(2025, 8, 5, 9, tzinfo=dt.UTC), tick=False):
        services.credential_renew(actor=None, credential_id=credential.pk, expires_on=D(2030, 8, 31))
    assert not open_alerts(expiry_key(credential.pk))
    assert Alert.objects.filter(key=expiry_key(credential.pk), resolved_at__isnull=False).count() == 1


def test_expired_credential_is_marked_and_its_alert_turns_critical(credential) -> None:
    run_on(D(2025, 9, 1))
    credential.refresh_from_db()
    assert credential.status == "expired" and credential.status_since == D(2025, 9, 1)
    [alert] = open_alerts(expiry_key(credential.pk))
    assert alert.severity == "critical"


def test_revocation_and_leaving_service_resolve_the_alerts(world, credential) -> None:
    run_on(D(2025, 8, 10))
    assert open_alerts(expiry_key(credential.pk))
    with time_machine.travel(dt.datetime(2025, 8, 11, 9, tzinfo=dt.UTC), tick=False):
        services.credential_revoke(actor=None, credential_id=credential.pk, reason="调离")
    assert not open_alerts(expiry_key(credential.pk))
    other = make_officer(agency=world.agency_a)
    with time_machine.travel(dt.datetime(2025, 8, 11, 9, tzinfo=dt.UTC), tick=False):
        card = make_credential(other, issued_on=D(2025, 1, 1), expires_on=D(2025, 8, 20))
        assert open_alerts(expiry_key(card.pk))
        services.officer_update(actor=None, officer_id=other.pk, data={"is_active": False})
    assert not open_alerts(expiry_key(card.pk))


def test_a_replacement_card_resolves_the_old_cards_alert(world, credential) -> None:
    run_on(D(2025, 9, 2))  # expired, critical alert open
    with time_machine.travel(dt.datetime(2025, 9, 3, 9, tzinfo=dt.UTC), tick=False):
        make_credential(credential.officer, issued_on=D(2025, 9, 3), expires_on=D(2030, 9, 2))
    assert not open_alerts(expiry_key(credential.pk))


def test_review_alert_follows_the_review_due_date(world) -> None:
    with time_machine.travel(dt.datetime(2025, 1, 10, 9, tzinfo=dt.UTC), tick=False):
        officer = make_officer(agency=world.agency_a)
        card = make_credential(officer, issued_on=D(2024, 3, 1), expires_on=D(2029, 2, 28))
    assert card.review_due_on == D(2025, 3, 1)
    run_on(D(2025, 1, 29))  # 31 days ahead
    assert not open_alerts(review_key(card.pk))
    run_on(D(2025, 1, 30))
    [alert] = open_alerts(review_key(card.pk))
    assert alert.kind == "credential_review_due"
    with time_machine.travel(dt.datetime(2025, 2, 10, 9, tzinfo=dt.UTC), tick=False):
        services.credential_review_record(
            actor=None, credential_id=card.pk, reviewed_on=D(2025, 2, 10), passed=True
        )
    assert not open_alerts(review_key(card.pk))
    assert Credential.objects.get(pk=card.pk).review_due_on == D(2026, 2, 10)


def test_a_city_can_warn_earlier(world, credential) -> None:
    jurisdiction_setting_set(actor=None, node=world.city, key="officers.alert_days_before", value=60)
    run_on(D(2025, 7, 2))  # 60 days before
    assert open_alerts(expiry_key(credential.pk))


def test_management_command_runs_the_daily_pass(credential) -> None:
    out = StringIO()
    call_command("officers_alerts", "--date", "2025-09-01", stdout=out)
    assert "1 credentials marked expired" in out.getvalue()
    assert open_alerts(expiry_key(credential.pk))
