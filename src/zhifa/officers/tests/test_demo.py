"""The demo step: officers for every demo agency, with the mix the issue asks for."""

import pytest
from django.utils import timezone

from zhifa.foundation.alerts.models import Alert
from zhifa.officers.demo import seed_officers
from zhifa.officers.models import Credential, ExamResult, Officer, TrainingRecord
from zhifa.officers.rules import can_enforce, can_legal_review, officer_queryset_for_rules
from zhifa.officers.selectors import officer_list_for
from zhifa.org.demo import seed_org


@pytest.fixture
def demo(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    ctx: dict = {}
    seed_org(ctx)
    seed_officers(ctx)
    return ctx


def test_every_demo_agency_has_officers(demo) -> None:
    for agency in demo["agencies"].values():
        assert Officer.objects.filter(agency=agency).count() >= 2


def test_demo_users_have_profiles_and_the_first_two_city_management_officers_can_enforce(demo) -> None:
    today = timezone.localdate()
    users = demo["users"]
    for username in ("officer1", "officer2", "approver", "reviewer"):
        officer = officer_queryset_for_rules().get(user=users[username])
        assert can_enforce(officer, on=today, area="城市管理"), username
    first_two = list(officer_list_for(user=users["officer1"])[:2])
    assert [o.user.username for o in first_two] == ["officer1", "officer2"]
    reviewer = Officer.objects.get(user=users["reviewer"])
    assert can_legal_review(reviewer)


def test_demo_has_expiring_revoked_suspended_expired_and_uncredentialed_officers(demo) -> None:
    statuses = set(Credential.objects.values_list("status", flat=True))
    assert {"valid", "revoked", "suspended", "expired"} <= statuses
    assert Credential.objects.filter(status="revoked").count() == 1
    assert Officer.objects.filter(credentials__isnull=True).exists()
    kinds = set(Alert.objects.filter(resolved_at__isnull=True).values_list("kind", flat=True))
    assert {"credential_expiring", "credential_review_due"} <= kinds


def test_demo_has_this_years_training_and_exam(demo) -> None:
    year = timezone.localdate().year
    assert TrainingRecord.objects.filter(year=year).count() > 20
    assert ExamResult.objects.filter(year=year, passed=True).exists()
    assert ExamResult.objects.filter(year=year, passed=False).exists()
