"""Migration 0003 moves the case deadlines onto the shared engine: back to the former table and forward
again, every row keeps what it held, and a case suspended now has its decision period suspended."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from zhifa.core.testdb import back_to_latest_schema
from zhifa.enforcement.cases.factories import ev, register
from zhifa.foundation.deadlines.models import Deadline

BEFORE = [("cases", "0002_remove_case_case_agency_registered_idx_and_more")]
AFTER = [("cases", "0003_deadlines_on_engine")]
FIELDS = (
    "object_id", "agency_id", "kind", "start_on", "days", "day_kind", "article", "extra_days",
    "suspended_since", "due_on", "provisional", "party_window", "resolved_on", "resolution", "status",
)  # fmt: skip


@pytest.fixture
def latest_schema() -> Iterator[None]:
    yield
    back_to_latest_schema(connection)  # the migrated template copied back on SQLite (zhifa.core.testdb)


def rows() -> list[tuple[object, ...]]:
    return list(
        Deadline.objects.filter(object_type="cases.case").order_by("object_id", "kind").values_list(*FIELDS)
    )


@pytest.mark.django_db(transaction=True)
def test_case_deadlines_survive_the_move_both_ways(kit, latest_schema) -> None:
    officers = [kit.officer_a.pk, kit.officer_a2.pk]
    running = register(kit, discovered_on="2025-05-06", occurred_on="2025-05-06")
    ev(running, kit.world.approver_a, "file", officer_ids=officers, filed_on="2025-05-06")
    ended = register(kit, discovered_on="2025-03-12", occurred_on="2025-03-12")
    ended = ev(ended, kit.world.approver_a, "file", officer_ids=officers, filed_on="2025-03-12")
    ev(ended, kit.world.approver_a, "terminate", reason="超期，报请终止调查。")
    paused = register(kit, discovered_on="2025-04-01", occurred_on="2025-04-01")
    paused = ev(paused, kit.world.approver_a, "file", officer_ids=officers, filed_on="2025-04-01")
    ev(paused, kit.world.approver_a, "suspend", reason="等待鉴定结论。", suspended_on="2025-06-01")
    expected = rows()
    assert len(expected) == 3 and sum(r[8] is not None for r in expected) == 1  # one suspended

    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)  # the reverse step rebuilds cases_casedeadline and empties the engine's rows
    assert rows() == []
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    assert rows() == expected
