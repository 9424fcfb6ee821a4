"""Migration 0004 gives every existing complaint the deadline-engine rows its columns describe: the
same rows the services open today (kind, start, last day, extension, resolution)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from zhifa.foundation.deadlines.models import Deadline
from zhifa.public.complaints import services as svc
from zhifa.public.complaints.factories import make_complaint

BEFORE = [("complaints", "0003_attachment_blob")]
AFTER = [("complaints", "0004_deadlines_on_engine")]
FIELDS = ("kind", "start_on", "due_on", "extra_days", "provisional", "resolved_on", "resolution", "agency_id")


def rows() -> list[tuple[object, ...]]:
    return list(
        Deadline.objects.filter(object_type="complaints.complaint")
        .order_by("object_id", "id")
        .values_list(*FIELDS)
    )


@pytest.mark.django_db(transaction=True)
def test_existing_complaints_get_the_rows_the_services_open(routing, world, frozen, latest_schema) -> None:
    received = make_complaint(routing.street_vending, routing.east)
    accepted = make_complaint(routing.street_vending, routing.east)
    svc.complaint_accept(complaint_id=accepted.pk, actor=world.officer_a)
    svc.complaint_extend(complaint_id=accepted.pk, actor=world.approver_a, days=10, reason="需要现场复核")
    replied = make_complaint(routing.street_vending, routing.east)
    svc.complaint_accept(complaint_id=replied.pk, actor=world.officer_a)
    svc.complaint_reply(complaint_id=replied.pk, actor=world.officer_a, reply="已处理完毕，感谢您的监督。")
    rejected = make_complaint(routing.street_vending, routing.east)
    svc.complaint_reject(complaint_id=rejected.pk, actor=world.officer_a, reason="属于诉讼事项")
    expected = rows()
    assert len(expected) == 6 and {r[0] for r in expected} == {"acceptance", "conclusion"}

    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)  # the reverse step removes the complaints' rows
    assert rows() == []
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    assert rows() == expected
    assert received.pk and Deadline.objects.filter(object_id=received.pk, resolved_on__isnull=True).exists()
