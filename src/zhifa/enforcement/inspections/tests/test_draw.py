"""The draw service: reproducible from what it stores, conflicts and the no-disturbance list honoured."""

from __future__ import annotations

import pytest

from zhifa.core import draw
from zhifa.core.errors import Conflict, Forbidden, RuleViolation
from zhifa.enforcement.inspections import services
from zhifa.enforcement.inspections.common import officer_draw_id
from zhifa.enforcement.inspections.factories import make_plan, make_target
from zhifa.enforcement.inspections.models import Task, TaskInspector
from zhifa.law import inspection as rules
from zhifa.officers.factories import make_credentialed_officer

pytestmark = pytest.mark.django_db


def test_a_draw_stores_what_anyone_needs_to_replay_it(world, iw) -> None:
    plan = make_plan(world.approver_a, world.agency_a, iw.items, number=3)
    row = services.plan_draw(actor=world.approver_a, plan_id=plan.pk)
    pool = list(services.draw_pool_entries(row))
    assert row.algorithm == draw.VERSION and len(row.seed) == 64 and len(pool) == row.pool_size == 6
    replay = draw.verify_draw(
        seed=row.seed, pool_digest_published=row.pool_digest, n=row.n, chosen=row.chosen, pool=pool
    )
    assert replay.ok
    assert [t.target.draw_id for t in Task.objects.filter(draw=row).order_by("position")] == row.chosen
    # The teams follow from the seed and the stored inputs as well.
    teams = row.teams
    again = rules.assign_inspectors(
        seed=row.seed,
        targets=row.chosen,
        inspectors=teams["candidates"],
        conflicts={},
        pair_history={(a, b): c for a, b, c in teams["pair_history"]},
        pair_limit=teams["pair_limit"],
    )
    assert {t.target: list(t.members) for t in again} == teams["assigned"]
    for task in Task.objects.filter(draw=row):
        members = [officer_draw_id(r.officer_id) for r in task.inspectors.order_by("position")]
        assert members == teams["assigned"][task.target.draw_id] and len(members) == 2
        assert task.code.startswith("JC") and task.state == "assigned"


def test_a_different_pool_is_detected(world, iw) -> None:
    plan = make_plan(world.approver_a, world.agency_a, iw.items, number=3)
    row = services.plan_draw(actor=world.approver_a, plan_id=plan.pk)
    changed = list(services.draw_pool_entries(row))[1:]
    replay = draw.verify_draw(
        seed=row.seed, pool_digest_published=row.pool_digest, n=row.n, chosen=row.chosen, pool=changed
    )
    assert "pool_digest" in replay.problems


def test_no_inspector_is_drawn_for_a_conflicting_target(world, iw) -> None:
    target = iw.targets[0]
    target.conflicted_officers.set(iw.inspectors[:2])
    plan = make_plan(world.approver_a, world.agency_a, iw.items, number=6)
    row = services.plan_draw(actor=world.approver_a, plan_id=plan.pk)
    task = Task.objects.get(draw=row, target=target)
    assert set(TaskInspector.objects.filter(task=task).values_list("officer_id", flat=True)) == {
        iw.inspectors[2].pk,
        iw.inspectors[3].pk,
    }
    assert sorted(row.teams["excluded"][target.draw_id]) == sorted(
        officer_draw_id(o.pk) for o in iw.inspectors[:2]
    )


def test_a_target_without_a_lawful_team_refuses_the_whole_draw(world, iw) -> None:
    iw.targets[0].conflicted_officers.set(iw.inspectors[:3])
    plan = make_plan(world.approver_a, world.agency_a, iw.items, number=6)
    with pytest.raises(RuleViolation) as exc:
        services.plan_draw(actor=world.approver_a, plan_id=plan.pk)
    assert exc.value.code == "no_lawful_team" and not Task.objects.exists() and not plan.draws.exists()


def test_a_target_on_the_no_disturbance_list_is_not_drawn(world, iw) -> None:
    quiet = make_target(
        world.approver_a, world.agency_a, no_disturbance=True, no_disturbance_reason="守信企业"
    )
    plan = make_plan(world.approver_a, world.agency_a, iw.items, number=100)
    row = services.plan_draw(actor=world.approver_a, plan_id=plan.pk)
    assert quiet.draw_id not in row.chosen and quiet.draw_id not in {
        i for i, _w in services.draw_pool_entries(row)
    }
    assert len(row.chosen) == 6


def test_a_listed_target_is_drawn_with_a_recorded_reason(world, iw) -> None:
    quiet = make_target(
        world.approver_a, world.agency_a, no_disturbance=True, no_disturbance_reason="守信企业"
    )
    plan = make_plan(world.approver_a, world.agency_a, iw.items, number=100)
    row = services.plan_draw(
        actor=world.approver_a, plan_id=plan.pk, reasons={quiet.draw_id: "群众投诉举报（投诉编号123）"}
    )
    assert quiet.draw_id in row.chosen and row.reasons == {quiet.draw_id: "群众投诉举报（投诉编号123）"}


def test_weighted_draws_store_the_weights(world, iw) -> None:
    risky = make_target(world.approver_a, world.agency_a, risk_level="high")
    plan = make_plan(world.approver_a, world.agency_a, iw.items, number=2, weighted=True)
    row = services.plan_draw(actor=world.approver_a, plan_id=plan.pk)
    assert row.weights == {"low": 1, "medium": 2, "high": 3}
    assert (risky.draw_id, 3) in list(services.draw_pool_entries(row))


def test_only_officers_with_a_valid_credential_for_the_area_are_candidates(world, iw) -> None:
    other_area = make_credentialed_officer(agency=world.agency_a, areas=["交通运输"])
    plan = make_plan(world.approver_a, world.agency_a, iw.items, number=2)
    row = services.plan_draw(actor=world.approver_a, plan_id=plan.pk)
    assert officer_draw_id(other_area.pk) not in row.teams["candidates"]
    assert len(row.teams["candidates"]) == 4


def test_a_plan_is_drawn_once_and_only_by_its_approvers(world, iw) -> None:
    plan = make_plan(world.approver_a, world.agency_a, iw.items, number=2)
    with pytest.raises(Forbidden):
        services.plan_draw(actor=world.officer_a, plan_id=plan.pk)
    services.plan_draw(actor=world.approver_a, plan_id=plan.pk)
    with pytest.raises(Conflict):
        services.plan_draw(actor=world.approver_a, plan_id=plan.pk)


def test_a_ratio_is_rounded_up(world, iw) -> None:
    plan = make_plan(world.approver_a, world.agency_a, iw.items, ratio="10")
    row = services.plan_draw(actor=world.approver_a, plan_id=plan.pk)
    assert row.n == 1  # 10 % of 6 = 0.6 → 1


def test_the_pool_is_frozen_in_chunks_whose_file_hashes_to_the_digest(world, iw, monkeypatch) -> None:
    import hashlib

    from django.test import Client

    from zhifa.enforcement.inspections.models import PoolChunk

    monkeypatch.setattr(services, "POOL_CHUNK", 4)  # 6 targets + 1 listed with a reason: 2 chunks
    quiet = make_target(world.approver_a, world.agency_a, no_disturbance=True, no_disturbance_reason="守信")
    plan = make_plan(world.approver_a, world.agency_a, iw.items, number=3, weighted=True)
    row = services.plan_draw(actor=world.approver_a, plan_id=plan.pk, reasons={quiet.draw_id: "投诉"})
    assert PoolChunk.objects.filter(plan=plan).count() == 2 and row.pool_size == 7 and row.pool == []
    ids = [i for i, _w in services.draw_pool_entries(row)]
    assert ids == sorted(ids, key=lambda i: i.encode()) and quiet.draw_id in ids
    # the directory changes later: the frozen pool does not
    make_target(world.approver_a, world.agency_a)
    assert [i for i, _w in services.draw_pool_entries(row)] == ids
    r = Client().get(f"/api/v1/public/inspections/draws/{row.pk}/pool")
    body = b"".join(r.streaming_content)  # type: ignore[attr-defined]
    assert r.status_code == 200 and body.count(b"\n") == 7
    assert hashlib.sha256(b"zhifa-draw-v1\n" + body).hexdigest() == row.pool_digest
    published = Client().get(f"/api/v1/public/inspections/draws/{row.pk}").json()
    assert published["pool_size"] == 7 and published["pool"] == ids
    assert published["pool_url"] == f"/api/v1/public/inspections/draws/{row.pk}/pool"
    assert Client().get("/api/v1/public/inspections/draws/999999/pool").status_code == 404


def test_a_large_pool_is_published_as_its_file_only(world, iw, monkeypatch) -> None:
    from django.test import Client

    from zhifa.enforcement.inspections import presenters

    monkeypatch.setattr(presenters, "PUBLIC_POOL_INLINE", 5)
    plan = make_plan(world.approver_a, world.agency_a, iw.items, number=2)
    row = services.plan_draw(actor=world.approver_a, plan_id=plan.pk)
    published = Client().get(f"/api/v1/public/inspections/draws/{row.pk}").json()
    assert published["pool"] is None and published["pool_size"] == 6 and published["pool_url"]
