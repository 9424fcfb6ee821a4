"""Exact counts of a workflow's objects per (agency, state) without counting rows.

The workflow engine's door keeps `core.StateCount` in step in the event's own transaction
(`apply_event` → `moved`), and a domain's creating door adds its new object (`added`), so a count
is always exactly what a `COUNT(*)` would say at the same moment, at the cost of summing a few rows:

- `added(workflow=…, agency_id=…, state=…, key=obj.pk)` when an object is created;
- `moved(…, from_state=…, to_state=…, key=obj.pk)` when an event changes its state;
- `counted(workflow=…, agency_ids=…, states=…)`: the exact number in those agencies (None: every
  agency) and states;
- `rebuild(workflow=…, queryset=…)`: recount from the rows (a migration, a bulk load, a repair).

One statement per change (an upsert that adds to the row), rows touched in a fixed order (by state)
so that two events never wait for each other's rows in opposite orders. Each count is split over
`SHARDS` rows by the object's id: concurrent events of different objects of one agency and state
usually add to different rows and do not queue behind each other's transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, Sum

from zhifa.core.models import StateCount

SHARDS = 16
_TABLE = StateCount._meta.db_table


def _apply(workflow: str, agency_id: int, changes: list[tuple[str, int]], key: int) -> None:
    changes = sorted((state, delta) for state, delta in changes if delta)
    if not changes:
        return
    shard = int(key) % SHARDS
    values = ", ".join(["(%s, %s, %s, %s, %s)"] * len(changes))
    params: list[Any] = []
    for state, delta in changes:
        params += [workflow, int(agency_id), state, shard, delta]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {_TABLE} (workflow, agency_id, state, shard, n) VALUES {values} "  # noqa: S608 — fixed table name
            f"ON CONFLICT (workflow, agency_id, state, shard) DO UPDATE SET n = {_TABLE}.n + excluded.n",
            params,
        )


def added(*, workflow: str, agency_id: int, state: str, key: int) -> None:
    """A new object of `workflow` in `state` (call inside the creating transaction)."""
    _apply(workflow, agency_id, [(state, 1)], key)


def moved(*, workflow: str, agency_id: int, from_state: str, to_state: str, key: int) -> None:
    """An object moved between states (call inside the event's transaction)."""
    if from_state != to_state:
        _apply(workflow, agency_id, [(from_state, -1), (to_state, 1)], key)


def counted(*, workflow: str, agency_ids: Iterable[int] | None, states: Iterable[str] | None = None) -> int:
    """The exact number of objects in those agencies (every agency when None) and states (all when
    None)."""
    qs = StateCount.objects.filter(workflow=workflow)
    if agency_ids is not None:
        qs = qs.filter(agency_id__in=list(agency_ids))
    if states is not None:
        qs = qs.filter(state__in=list(states))
    return int(qs.aggregate(total=Sum("n"))["total"] or 0)


def rebuild(
    *, workflow: str, queryset: Any, agency_field: str = "agency_id", state_field: str = "state"
) -> int:
    """Recount `workflow` from its rows (locking the table's counts while doing so); returns the total.
    For migrations, bulk loads that bypass the doors, and repairs — not for the request path."""
    with transaction.atomic():
        StateCount.objects.filter(workflow=workflow).delete()
        rows = list(queryset.values(agency_field, state_field).annotate(n=Count("pk")).order_by())
        StateCount.objects.bulk_create(
            StateCount(workflow=workflow, agency_id=r[agency_field], state=r[state_field], shard=0, n=r["n"])
            for r in rows
        )
    return sum(int(r["n"]) for r in rows)
