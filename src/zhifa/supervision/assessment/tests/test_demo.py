"""The demo step on a small city: last year's round finished and published, this year's in its
self-check (the full `seed_demo` runs it after the other apps' steps)."""

import pytest

from zhifa.supervision.assessment.demo_data import seed_assessment
from zhifa.supervision.assessment.models import Material, Round

pytestmark = [pytest.mark.django_db, pytest.mark.clock]


def test_the_demo_has_a_finished_round_and_one_in_progress(world, frozen) -> None:
    ctx = {
        "city": world.city,
        "users": {"supervisor": world.users["supervisor"], "approver": world.users["approver_a"]},
        "agencies": {"sfj": world.justice, "cgj": world.agency_a, "scj": world.agency_b},
        "units": {"sfj_jd": world.justice, "scj_zd": world.unit_b},
    }
    seed_assessment(ctx)
    old, new = (
        Round.objects.get(pk=ctx["assessment"]["finished"]),
        Round.objects.get(pk=ctx["assessment"]["running"]),
    )
    assert (old.year, old.state, old.published_at is not None) == (2025, "finished", True)
    ranks = sorted(old.participants.values_list("rank", "late"))
    assert ranks == [(1, False), (2, True)]  # the market bureau's self-check was late
    assert (new.year, new.state) == (2026, "self_check")
    assert Material.objects.filter(leaf__participant__round=new).count() == 1
