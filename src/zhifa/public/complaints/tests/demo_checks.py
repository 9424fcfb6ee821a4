"""The demo complaints load through the real services and cover every state and channel.

Checked on the whole demo `org/tests/test_demo.py` seeds anyway (scale 1: the 300 complaints of
`make run`), instead of seeding the org tree and the complaints again for these assertions alone
(~10 s of CPU; docs/benchmarks.md, "branch testcpu")."""

from __future__ import annotations

from django.db.models import Count

from zhifa.public.complaints.models import Complaint, ComplaintFeedback, State


def assert_demo_complaints_cover_every_state_and_channel() -> None:
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
