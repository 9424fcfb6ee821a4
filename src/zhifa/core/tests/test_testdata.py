"""The shared test data (zhifa.core.testdata): the org world and the case kits built once per test process,
each test in its own savepoint on top of them with its own copies of the objects.

Each assertion holds whatever ran before in the process (xdist deals files out differently each run);
the parametrized rounds run one after the other in one process in a normal run, so a leak from one round
into the next (rows, objects changed in memory, a second kit) would fail the later round."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from zhifa.audit.models import AuditEntry
from zhifa.audit.services import audit_record
from zhifa.core import testdata
from zhifa.enforcement.cases.factories import CaseKit, build_case_kit, case_kit_layer
from zhifa.enforcement.cases.tests.conftest import NOW, SH, frozen, kit  # noqa: F401 — the cases app's kit
from zhifa.officers import factories as officer_factories
from zhifa.officers.models import Credential, Officer
from zhifa.org.factories import WORLD, OrgWorld, build_org_world
from zhifa.org.models import OrgNode, User
from zhifa.powers.models import PowerItem

ELSEWHEN = dt.datetime(2025, 3, 3, 10, 0, tzinfo=SH)
OTHER_KIT = case_kit_layer(ELSEWHEN)
CASES_KIT = case_kit_layer(NOW)


@pytest.fixture
@testdata.hands_out(OTHER_KIT)
def other_kit(world: OrgWorld, request: pytest.FixtureRequest) -> Iterator[CaseKit]:
    """A kit built on another day than the cases app's: the same power item code, other officers."""
    with time_machine.travel(ELSEWHEN, tick=False):
        yield testdata.objects(request, OTHER_KIT, lambda: build_case_kit(world))


@pytest.fixture
def _another_day_first() -> Iterator[None]:
    """Not neutral: a fixture that changes what a build reads, set up before the world."""
    with time_machine.travel(dt.datetime(2024, 1, 2, 9, 0, tzinfo=SH), tick=False):
        yield


def manager(request: pytest.FixtureRequest) -> testdata.SharedTestData:
    found = testdata.manager_of(request)
    assert found is not None
    return found


def world_rows() -> tuple[int, int, int, int]:
    return (User.objects.count(), OrgNode.objects.count(), PowerItem.objects.count(), Officer.objects.count())


# What each test found, by round: a later round compares with an earlier one of the same process.
_seen: dict[str, Any] = {}


@pytest.mark.django_db
@pytest.mark.parametrize("round_", [1, 2, 3])
def test_the_world_is_built_once_below_the_tests_transaction(
    world: OrgWorld, request: pytest.FixtureRequest, round_: int
) -> None:
    shared = manager(request)
    assert testdata.plan_of(request.node) == testdata.Plan(uses_db=True, layers=(WORLD,))
    assert shared.current() == (WORLD,)
    # the layer's transaction is the outermost block, the test's own (pytest-django's `db`) sits on it
    assert connection.atomic_blocks[0] is shared.built[0].atomic
    assert len(connection.atomic_blocks) == 2 and connection.atomic_blocks[1]._from_testcase
    assert world_rows() == (8, 8, 0, 0)
    assert User.objects.get(username="officer_a").pk == world.officer_a.pk
    before = _seen.get("world")
    if round_ > 1 and before is not None and before[0] == shared.prepares - 1:
        # the round before was the last database test of this process (so in a normal run): this
        # round found the world in place and built nothing
        assert shared.last_built == ()
        assert shared.built[0].atomic is before[1]
    _seen["world"] = (shared.prepares, shared.built[0].atomic)


@pytest.mark.django_db
@pytest.mark.parametrize("round_", [1, 2])
def test_what_a_test_changes_does_not_reach_the_next(world: OrgWorld, round_: int) -> None:
    officer = world.officer_a
    assert officer.full_name == "张三" and "extra" not in world.users
    assert User.objects.get(pk=officer.pk).full_name == "张三"
    assert not AuditEntry.objects.filter(action="test.changed").exists()
    officer.full_name = "改了"  # in memory
    world.users["extra"] = officer  # the world object itself
    User.objects.filter(pk=officer.pk).update(full_name="改了")  # in the database
    audit_record(actor=officer, action="test.changed", obj=officer)


@pytest.mark.django_db
def test_a_test_without_the_world_sees_none_of_it(request: pytest.FixtureRequest) -> None:
    assert testdata.plan_of(request.node) == testdata.Plan(uses_db=True)
    assert world_rows() == (0, 0, 0, 0)
    assert len(connection.atomic_blocks) == 1  # the test's own only
    build_org_world()  # what such tests do: build their own, which must not clash with a shared one


@pytest.mark.django_db
@pytest.mark.parametrize("round_", [1, 2])
def test_the_kit_shares_the_tests_world(kit: CaseKit, world: OrgWorld, round_: int) -> None:  # noqa: F811
    assert kit.world is world  # one copy of the world per test, the kit's and the test's
    assert world_rows() == (8, 8, 1, 5)
    assert kit.officer_a.user_id == world.officer_a.pk
    assert PowerItem.objects.get(code="T-DL-001").pk == kit.item.pk
    # built with the clock stopped where the cases app's `frozen` stops it, as each test built it
    issued = Credential.objects.get(officer=kit.officer_a).issued_on
    assert issued == NOW.date() - dt.timedelta(days=180)


@pytest.mark.django_db
@pytest.mark.parametrize("which", ["cases", "other", "cases", "other"])
def test_a_kit_asked_for_inside_the_test_is_built_for_it(request: pytest.FixtureRequest, which: str) -> None:
    """A fixture asked for by name inside the test is not known before its setup: built per test."""
    wanted = request.getfixturevalue("kit" if which == "cases" else "other_kit")
    layer = CASES_KIT if which == "cases" else OTHER_KIT
    day = (NOW if which == "cases" else ELSEWHEN).date()
    assert testdata.plan_of(request.node) == testdata.Plan(uses_db=True)
    assert testdata.manager_of(request) is None or layer not in testdata.manager_of(request).current()
    assert world_rows() == (8, 8, 1, 5)
    assert Credential.objects.get(officer=wanted.officer_a).issued_on == day - dt.timedelta(days=180)


@pytest.mark.django_db
@pytest.mark.parametrize("round_", [1, 2])
def test_switching_kits_leaves_one(
    request: pytest.FixtureRequest, world: OrgWorld, other_kit: CaseKit, round_: int
) -> None:
    assert manager(request).current() == (WORLD, OTHER_KIT)
    assert world_rows() == (8, 8, 1, 5)
    assert PowerItem.objects.filter(code="T-DL-001").count() == 1
    assert Credential.objects.get(officer=other_kit.officer_a).issued_on == ELSEWHEN.date() - dt.timedelta(
        180
    )


@pytest.mark.django_db
def test_back_to_the_cases_kit(request: pytest.FixtureRequest, kit: CaseKit) -> None:  # noqa: F811
    assert manager(request).current() == (WORLD, CASES_KIT)
    assert world_rows() == (8, 8, 1, 5)
    assert Credential.objects.get(officer=kit.officer_a).issued_on == NOW.date() - dt.timedelta(days=180)


@pytest.mark.django_db
def test_the_world_below_a_kit_forgets_the_kit(request: pytest.FixtureRequest, world: OrgWorld) -> None:
    """Making the kit's officers caches each officer on its user object; once the kit is rolled back,
    the world's objects must not carry them (the layer keeps its objects as its own build left them)."""
    assert manager(request).current() == (WORLD,)
    assert world_rows() == (8, 8, 0, 0)
    assert "officer" not in world.officer_a._state.fields_cache
    with pytest.raises(Officer.DoesNotExist):
        world.officer_a.officer  # noqa: B018 — the reverse relation, read from the database


@pytest.mark.django_db
def test_the_counters_go_on_where_the_kit_left_them(
    request: pytest.FixtureRequest,
    kit: CaseKit,  # noqa: F811
) -> None:
    start = manager(request).serials()[officer_factories.__name__]
    assert start > 1  # the kit numbered its officers' IDs and certificates
    assert next(officer_factories._serial) == start
    officer_factories._serial = itertools.count(start)
    made = officer_factories.make_credentialed_officer(agency=kit.world.agency_a, name="新来的")
    assert made.id_number not in {o.id_number for o in Officer.objects.exclude(pk=made.pk)}


@pytest.mark.django_db
def test_a_fixture_first_that_is_not_neutral_gets_its_own_world(
    _another_day_first: None, world: OrgWorld, request: pytest.FixtureRequest
) -> None:
    assert testdata.plan_of(request.node) == testdata.Plan(uses_db=True)
    assert len(connection.atomic_blocks) == 1
    assert world_rows() == (8, 8, 0, 0)
    entry = AuditEntry.objects.filter(action="org.user_create").earliest("seq")
    assert timezone.localdate(entry.at) == dt.date(2024, 1, 2)  # built under that fixture's clock


@pytest.mark.django_db
def test_the_world_is_built_under_the_process_clock(world: OrgWorld) -> None:
    """Under the real clock, or ZHIFA_TEST_TODAY's (`pytest -m clock` in CI): as when each test built it."""
    entry = AuditEntry.objects.filter(action="org.user_create").earliest("seq")
    assert dt.timedelta(0) <= timezone.now() - entry.at < dt.timedelta(hours=6)


@pytest.mark.django_db(transaction=True)
def test_a_transactional_test_runs_outside_the_shared_data(request: pytest.FixtureRequest) -> None:
    assert testdata.plan_of(request.node) == testdata.Plan(uses_db=True)
    assert not connection.in_atomic_block
    assert world_rows() == (0, 0, 0, 0)


@pytest.mark.django_db(transaction=True)
def test_a_transactional_test_builds_and_commits_its_own_world(world: OrgWorld) -> None:
    assert not connection.in_atomic_block
    assert world_rows() == (8, 8, 0, 0)  # committed; Django flushes every table after this test


@pytest.mark.django_db
@pytest.mark.parametrize("round_", [1, 2])
def test_after_a_flush_the_world_is_there_again(
    world: OrgWorld, request: pytest.FixtureRequest, round_: int
) -> None:
    assert manager(request).current() == (WORLD,)
    assert world_rows() == (8, 8, 0, 0)
    assert AuditEntry.objects.filter(action="org.user_create").count() == 8
