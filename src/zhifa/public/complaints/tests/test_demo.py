"""The demo complaints load through the real services and cover every state."""

import pytest
from django.db.models import Count

from zhifa.org.demo import seed_org
from zhifa.public.complaints.demo import seed_complaints
from zhifa.public.complaints.models import Complaint, ComplaintFeedback, State


@pytest.mark.slow
@pytest.mark.django_db
def test_demo_complaints_cover_every_state_and_channel() -> None:
    ctx: dict = {}
    seed_org(ctx)
    seed_complaints(ctx)
    states = dict(Complaint.objects.values_list("state").annotate(n=Count("id")))
    assert set(states) == set(State.values), states
    assert sum(states.values()) >= 300
    assert Complaint.objects.exclude(case_id=None).count() == 3
    assert Complaint.objects.filter(anonymous=True).exists()
    assert ComplaintFeedback.objects.filter(rating="dissatisfied").exists()
    assert Complaint.objects.exclude(duplicate_of=None).count() == 0  # suggestions only; staff link them
    assert (
        Complaint.objects.filter(state__in=["received", "accepted", "reopened"], due_on__isnull=True).count()
        == 0
    )
