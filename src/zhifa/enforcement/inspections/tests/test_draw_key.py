"""`Target.draw_key`, the draw id stored (the credit code, or the directory number): the database keeps it
in step with the credit code and the number on every write, migration 0004 fills it for the rows already
there, and the pool is read in canonical order through its index, with nothing sorted."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from zhifa.core import credit_code, draw
from zhifa.core.testdb import back_to_latest_schema
from zhifa.enforcement.inspections import imports, services
from zhifa.enforcement.inspections.factories import make_plan, make_target, make_uscc
from zhifa.enforcement.inspections.models import Target

pytestmark = pytest.mark.django_db


def _key(target: Target) -> str:
    return Target.objects.values_list("draw_key", flat=True).get(pk=target.pk)


def test_the_key_follows_the_credit_code_or_the_number_on_create_and_edit(world, frozen) -> None:
    code = make_uscc(4242)
    with_code = make_target(world.approver_a, world.agency_a, credit_code=code)
    without = services.target_create(
        actor=world.approver_a,
        data={"agency_id": world.agency_a.pk, "name": "某某村民委员会", "object_type": "other"},
    )
    assert _key(with_code) == code == with_code.draw_id
    assert _key(without) == without.number == without.draw_id and without.number.startswith("T")
    # Edited (a code given, changed, taken away), by a model save and by a queryset update alike.
    added = make_uscc(4343)
    without.credit_code = added
    without.save()
    assert _key(without) == added
    Target.objects.filter(pk=without.pk).update(credit_code="")
    assert _key(without) == without.number
    changed = make_uscc(4444)
    Target.objects.filter(pk=with_code.pk).update(credit_code=changed)
    assert _key(with_code) == changed


def test_the_key_is_set_by_the_import(world, frozen) -> None:
    code = make_uscc(5151)
    data = (
        "\ufeff名称,统一社会信用代码,对象类型\r\n甲商贸有限公司," + code + ",企业\r\n乙村民委员会,,其他\r\n"
    ).encode()
    result = imports.import_targets(actor=world.approver_a, agency_id=world.agency_a.pk, data=data)
    assert result.created == 2 and not result.errors
    rows = dict(Target.objects.filter(agency_id=world.agency_a.pk).values_list("name", "draw_key"))
    number = Target.objects.get(name="乙村民委员会").number
    assert rows == {"甲商贸有限公司": code, "乙村民委员会": number}


def test_the_pool_and_its_digest_are_those_of_the_byte_order(world, iw) -> None:
    """Credit codes with letters in their body, one of a government organ ("11…"), and targets with no
    code (their number, "T…"): the pool is in the bytewise order of the draw ids and its digest is the
    digest of that order, computed apart from the database."""
    make_target(world.approver_a, world.agency_a, credit_code=credit_code.make("91320100", "MA1B2C3D"))
    make_target(world.approver_a, world.agency_a, credit_code=credit_code.make("11320100", "00000019"))
    make_target(world.approver_a, world.agency_a, credit_code=credit_code.make("91320100", "0A000001"))
    for name in ("某某村民委员会", "某某业主委员会"):
        services.target_create(
            actor=world.approver_a,
            data={"agency_id": world.agency_a.pk, "name": name, "object_type": "other"},
        )
    ids = [t.draw_id for t in Target.objects.filter(agency_id=world.agency_a.pk)]
    plan = make_plan(world.approver_a, world.agency_a, iw.items, number=3)
    assert [k for k, _risk in services.pool_rows(plan)] == sorted(ids, key=lambda i: i.encode("ascii"))
    row = services.plan_draw(actor=world.approver_a, plan_id=plan.pk)
    assert row.pool_size == len(ids) == 11
    assert row.pool_digest == draw.pool_digest(draw.canonical_pool(ids))


def test_the_pool_is_read_through_the_index_without_a_sort(world, iw) -> None:
    """Even with the planner told to avoid sorting and scanning the table, a Sort node (PostgreSQL) or a
    temporary B-tree (SQLite) would remain if the index could not give the order (a collation other than
    the bytewise one on either side)."""
    plan = make_plan(world.approver_a, world.agency_a, iw.items, number=3, filter_risk_levels=["low"])
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_sort = off")
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_bitmapscan = off")
    text = services.pool_rows(plan).explain()
    assert "insp_target_agency_drawkey" in text, text
    if connection.vendor == "postgresql":
        assert "Sort" not in text, text
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT collation_name FROM information_schema.columns"
                " WHERE table_name = 'inspections_target' AND column_name = 'draw_key'"
            )
            assert cursor.fetchone() == ("C",)
            cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'insp_target_agency_drawkey'")
            assert "INCLUDE (risk_level)" in cursor.fetchone()[0]
    else:
        assert "TEMP B-TREE" not in text.upper(), text


# --- Migration 0004 --------------------------------------------------------------------------------

BEFORE = [("inspections", "0003_draw_pool_chunks")]
AFTER = [("inspections", "0004_target_draw_key")]


@pytest.fixture
def latest_schema() -> Iterator[None]:
    yield
    back_to_latest_schema(connection)  # the migrated template copied back on SQLite (zhifa.core.testdb)


@pytest.mark.django_db(transaction=True)
def test_migration_0004_fills_the_key_of_the_targets_already_there(world, latest_schema) -> None:
    executor = MigrationExecutor(connection)
    old = executor.migrate(BEFORE).apps.get_model("inspections", "Target")
    assert "draw_key" not in {f.name for f in old._meta.get_fields()}
    code = make_uscc(6161)
    now = timezone.now()
    old.objects.create(
        agency_id=world.agency_a.pk, number="T0900001", name="甲", credit_code=code, object_type="enterprise",
        created_at=now,
    )  # fmt: skip
    old.objects.create(
        agency_id=world.agency_a.pk, number="T0900002", name="乙", credit_code="", object_type="other",
        created_at=now,
    )  # fmt: skip
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    new = executor.migrate(AFTER).apps.get_model("inspections", "Target")
    keys = dict(new.objects.filter(number__startswith="T09").values_list("number", "draw_key"))
    assert keys == {"T0900001": code, "T0900002": "T0900002"}
    # And backwards: the column and its index go, the rows stay.
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    assert old.objects.filter(number__startswith="T09").count() == 2
    new_state = MigrationExecutor(connection)
    new_state.loader.build_graph()
    new_state.migrate(AFTER)
    assert new.objects.get(number="T0900002").draw_key == "T0900002"
