"""The demo inspections load through the real services and cover every state."""

import pytest
from django.db.models import Count

from zhifa.core.demo import steps
from zhifa.enforcement.inspections.models import Draw, Rating, State, Task


@pytest.mark.slow
@pytest.mark.django_db
def test_demo_inspections_cover_every_state() -> None:
    ctx: dict = {}
    for step in steps():
        if step.name in ("org", "powers", "officers", "inspections"):
            step.run(ctx)
    states = dict(Task.objects.values_list("state").annotate(n=Count("id")))
    assert set(states) == set(State.values), states
    assert Draw.objects.count() == 1 and Task.objects.count() == 16
    assert Task.objects.exclude(case_id=None).count() == 1
    assert Rating.objects.count() >= 1  # up to four, on the published tasks
    assert Task.objects.filter(state="published", published_in_time=True).exists()
