"""Exact counts of a workflow's objects per (agency, state) without counting rows.

The workflow engine's door keeps `core.StateCount` in step in the event's own transaction
(`apply_event` → `moved`), and a domain's creating door adds its new object (`added`), so a count
is always exactly what a `COUNT(*)` would say at the same moment, at the cost of summing a few rows:

- `added(workflow=…, agency_id=…, state=…, key=obj.pk)` when an object is created;
- `moved(…, from_state=…, to_state=…, key=obj.pk)` when an event changes its state;
- `counted(workflow=…, agency_ids=…, states=…)`: the exact number in those agencies (None: every
  agency) and states;
- `rebuild(workflow=…, queryset=…)`: recount from the rows (a migration, a bulk load, a repair).

Beside the counts, a roll-up for the statistics (`core.StateTally`): per agency, month of
registration, state and category, the number of objects and the sums of two amounts. A workflow that
keeps it says what one object adds (`Workflow.tally_of` → a `Tally`); the door compares the object's
tally before and after the event and moves it (`tallied`), the creating door adds it. Read with
`tally_rows`; recount with `rebuild_tallies`.

One statement per change (an upsert that adds to the row), rows touched in a fixed order (by state)
so that two events never wait for each other's rows in opposite orders. Each count is split over
`SHARDS` rows by the object's id: concurrent events of different objects of one agency and state
usually add to different rows and do not queue behind each other's transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import Count

from zhifa.core.models import StateCount, StateTally
from zhifa.core.prepared import list_match

SHARDS = 16
_TABLE = StateCount._meta.db_table
_TALLY = StateTally._meta.db_table


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


def added(*, workflow: str, agency_id: int, state: str, key: int, tally: Tally | None = None) -> None:
    """A new object of `workflow` in `state` (call inside the creating transaction), and with `tally`
    its roll-up row as `tallied(before=None, after=tally)` would add it. On PostgreSQL the two upserts
    are one statement: the count's upsert is the source of the tally's, so it runs first (the order
    of every other writer: counts, then tallies), and a new object only adds to its tally row, which
    therefore never comes back to nothing (nothing to delete)."""
    if tally is None or connection.vendor != "postgresql":
        _apply(workflow, agency_id, [(state, 1)], key)
        if tally is not None:
            tallied(workflow=workflow, before=None, after=tally, key=key)
        return
    shard = int(key) % SHARDS
    t_agency, month, t_state, category = tally.row
    params: list[Any] = [workflow, int(agency_id), state, shard, workflow, t_agency, month, t_state, category]
    params += [Decimal(tally.amount or 0), Decimal(tally.paid or 0)]
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH counted AS (INSERT INTO {_TABLE} (workflow, agency_id, state, shard, n) "  # noqa: S608 — fixed table names
            f"VALUES (%s, %s, %s, %s, 1) ON CONFLICT (workflow, agency_id, state, shard) "
            f"DO UPDATE SET n = {_TABLE}.n + excluded.n RETURNING shard) "
            f"INSERT INTO {_TALLY} (workflow, agency_id, month, state, category, shard, n, amount, paid) "
            f"SELECT %s, %s, %s::date, %s, %s, counted.shard, 1, %s::numeric, %s::numeric FROM counted "
            f"ON CONFLICT (workflow, agency_id, month, state, category, shard) DO UPDATE "
            f"SET n = {_TALLY}.n + excluded.n, amount = {_TALLY}.amount + excluded.amount, "
            f"paid = {_TALLY}.paid + excluded.paid",
            params,
        )


def moved(*, workflow: str, agency_id: int, from_state: str, to_state: str, key: int) -> None:
    """An object moved between states (call inside the event's transaction)."""
    if from_state != to_state:
        _apply(workflow, agency_id, [(from_state, -1), (to_state, 1)], key)


def counted(*, workflow: str, agency_ids: Iterable[int] | None, states: Iterable[str] | None = None) -> int:
    """The exact number of objects in those agencies (every agency when None) and states (all when
    None). One hand-written statement, as the upserts above: the ORM's `aggregate(Sum(...))` was
    compiled again on every list request and every search's plan, 0.67 ms of CPU a call against 0.15
    now (docs/benchmarks.md, "Issue 22, eleventh session"). An empty list of either counts nothing, without
    a query (as the ORM's empty IN). On PostgreSQL each list is one array parameter, so the statement's
    text is the same whatever the number of agencies."""
    where = ["workflow = %s"]
    params: list[Any] = [workflow]
    for column, values in (
        ("agency_id", None if agency_ids is None else [int(a) for a in agency_ids]),
        ("state", None if states is None else [str(s) for s in states]),
    ):
        if values is None:
            continue
        if not values:
            return 0
        match, match_params = list_match(values)
        where.append(f"{column} {match}")
        params += match_params
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT SUM(n) FROM {_TABLE} WHERE {' AND '.join(where)}", params)  # noqa: S608 — fixed names
        row = cursor.fetchone()
    return int(row[0] or 0) if row else 0


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


# --- the roll-up (core.StateTally) ------------------------------------------------------------------

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Tally:
    """What one object adds to the roll-up: its row's key and its two amounts."""

    agency_id: int
    month: dt.date  # the first day of the (local) month the object counts in
    state: str
    category: str = ""
    amount: Decimal = ZERO
    paid: Decimal = ZERO

    @property
    def row(self) -> tuple[int, dt.date, str, str]:
        return (int(self.agency_id), self.month, self.state, self.category)


def _add(sums: dict[tuple[int, dt.date, str, str], list[Any]], tally: Tally, *, n: int, sign: int) -> None:
    """Add `n` objects and `sign` × the tally's amounts to its row's [count, amount, paid]."""
    row = sums.setdefault(tally.row, [0, ZERO, ZERO])
    row[0] += n
    row[1] += sign * Decimal(tally.amount or 0)
    row[2] += sign * Decimal(tally.paid or 0)


def month_of(day: dt.date) -> dt.date:
    return day.replace(day=1)


def tallied(*, workflow: str, before: Tally | None, after: Tally | None, key: int) -> None:
    """Move one object's tally from `before` to `after` (None: not counted; call inside the
    transaction that changed the object). One upsert for the rows it touches, in a fixed order; the
    rows it brings back to nothing are then deleted (a second statement, only then)."""
    if before == after:
        return
    changes: dict[tuple[int, dt.date, str, str], list[Any]] = {}
    for tally, sign in ((before, -1), (after, 1)):
        if tally is not None:
            _add(changes, tally, n=sign, sign=sign)
    rows = sorted((row, c) for row, c in changes.items() if any(c))
    if not rows:
        return
    shard = int(key) % SHARDS
    values = ", ".join(["(%s, %s, %s, %s, %s, %s, %s, %s, %s)"] * len(rows))
    params: list[Any] = []
    for (agency_id, month, state, category), (n, amount, paid) in rows:
        params += [workflow, agency_id, month, state, category, shard, n, amount, paid]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {_TALLY} (workflow, agency_id, month, state, category, shard, n, amount, paid) "  # noqa: S608 — fixed table name
            f"VALUES {values} ON CONFLICT (workflow, agency_id, month, state, category, shard) DO UPDATE "
            f"SET n = {_TALLY}.n + excluded.n, amount = {_TALLY}.amount + excluded.amount, "
            f"paid = {_TALLY}.paid + excluded.paid RETURNING id, n, amount, paid",
            params,
        )
        empty = [int(r[0]) for r in cursor.fetchall() if not r[1] and not r[2] and not r[3]]
        if empty:  # rows this transaction holds locked: nobody changed them since
            match, match_params = list_match(empty)
            cursor.execute(
                f"DELETE FROM {_TALLY} WHERE id {match} AND n = 0 AND amount = 0 AND paid = 0",  # noqa: S608 — fixed table name
                match_params,
            )


TALLY_COLUMNS = ("state", "category", "agency_id", "month")


def tally_rows(
    *,
    workflow: str,
    agency_ids: Iterable[int],
    months: tuple[dt.date | None, dt.date | None] = (None, None),
    by: str,
) -> list[dict[str, Any]]:
    """The roll-up summed by one of its columns (`state`, `category`, `agency_id` or `month`) over the
    agencies and the months from `months[0]` to `months[1]` (first days, inclusive; None: open), in
    the column's order: `{by: …, "n": …, "amount": …, "paid": …}`, empty groups left out. One query
    (`tally_sums` for one column)."""
    return tally_sums(workflow=workflow, agency_ids=agency_ids, months=months, by=(by,))[by]


def tally_sums(
    *,
    workflow: str,
    agency_ids: Iterable[int],
    months: tuple[dt.date | None, dt.date | None] = (None, None),
    by: Iterable[str],
) -> dict[str, list[dict[str, Any]]]:
    """`tally_rows` for several columns at once: `{column: its rows}`, in one query whatever the
    columns (on PostgreSQL GROUPING SETS, one scan of the rows; elsewhere a UNION ALL of one grouped
    select per column; no query when there is no agency, as the ORM answers an empty `IN`). The
    statement is written here, not compiled by the ORM: compiling one grouped queryset per column
    cost ~0.8 ms of CPU each on the statistics page, and the database read the rows once per column
    (docs/benchmarks.md, "Issue 22, ninth session, branch suppages9"). The values go through the
    model fields' converters, as the ORM's would."""
    columns = tuple(by)
    for column in columns:
        if column not in TALLY_COLUMNS or columns.count(column) > 1:
            raise ValueError(column)
    out: dict[str, list[dict[str, Any]]] = {column: [] for column in columns}
    ids = [int(a) for a in agency_ids]
    if not ids or not columns:
        return out
    match, match_params = list_match(ids)
    where = [f"workflow = %s AND agency_id {match}"]
    params: list[Any] = [workflow, *match_params]
    for op, month in ((">=", months[0]), ("<=", months[1])):
        if month is not None:
            where.append(f"month {op} %s")
            params.append(month)
    condition = " AND ".join(where)
    keys = ", ".join(columns)
    order = ", ".join(str(i + 1) for i in range(len(columns) + 1))
    if connection.vendor == "postgresql":
        # one scan of the rows, summed by each column (a hash per column): the union below reads them
        # once per column. GROUPING(…) orders the sets as the columns (the first column's set first).
        sql = (
            f"SELECT GROUPING({keys}), {keys}, SUM(n), SUM(amount), SUM(paid) FROM {_TALLY} "  # noqa: S608 — fixed names
            f"WHERE {condition} GROUP BY GROUPING SETS ({', '.join(f'({c})' for c in columns)}) "
            f"ORDER BY {order}"
        )
    else:
        # each select has every column, NULL (of the column's type: the union's types must agree) but
        # its own, as in a grouping set
        nulls = [f"CAST(NULL AS {StateTally._meta.get_field(c).db_type(connection)})" for c in columns]
        selects = []
        for i, column in enumerate(columns):
            row_keys = ", ".join(column if j == i else nulls[j] for j in range(len(columns)))
            selects.append(
                f"SELECT {i}, {row_keys}, SUM(n), SUM(amount), SUM(paid) FROM {_TALLY} "  # noqa: S608 — fixed names
                f"WHERE {condition} GROUP BY {column}"
            )
        sql = f"{' UNION ALL '.join(selects)} ORDER BY {order}"
        params = params * len(columns)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    key_at, n_at = 1, len(columns) + 1
    key_converters = [_converters(StateTally._meta.get_field(column)) for column in columns]
    amount_converters = _converters(StateTally._meta.get_field("amount"))
    for row in rows:
        if not row[n_at]:
            continue
        # the set's column is the one not NULL (the roll-up's columns never are)
        i = next(j for j in range(len(columns)) if row[key_at + j] is not None)
        column = columns[i]
        out[column].append(
            {
                column: _converted(row[key_at + i], key_converters[i]),
                "n": int(row[n_at]),
                "amount": _converted(row[n_at + 1], amount_converters) or ZERO,
                "paid": _converted(row[n_at + 2], amount_converters) or ZERO,
            }
        )
    return out


def _converters(field: Any) -> tuple[tuple[Any, Any], ...]:
    """The converters the ORM applies to a value of `field` read from the database (the backend's and
    the field's, as `SQLCompiler.get_converters`), with the expression they are given."""
    col = field.cached_col
    return tuple(
        (converter, col)
        for converter in [*connection.ops.get_db_converters(col), *col.get_db_converters(connection)]
    )


def _converted(value: Any, converters: tuple[tuple[Any, Any], ...]) -> Any:
    for converter, expression in converters:
        value = converter(value, expression, connection)
    return value


def rebuild_tallies(*, workflow: str, rows: Iterable[Tally | tuple[Tally, int]]) -> int:
    """Replace `workflow`'s roll-up by `rows`: each a `Tally` whose amounts are already summed with its
    object count (`(tally, n)`), or one object's tally (counted once, summed here). For migrations,
    bulk loads that bypass the doors, and repairs — not for the request path. Returns the objects."""
    summed: dict[tuple[int, dt.date, str, str], list[Any]] = {}
    for item in rows:
        tally, n = item if isinstance(item, tuple) else (item, 1)
        _add(summed, tally, n=n, sign=1)
    with transaction.atomic():
        StateTally.objects.filter(workflow=workflow).delete()
        StateTally.objects.bulk_create(
            (
                StateTally(
                    workflow=workflow,
                    agency_id=agency_id,
                    month=month,
                    state=state,
                    category=category,
                    shard=0,
                    n=n,
                    amount=amount,
                    paid=paid,
                )
                for (agency_id, month, state, category), (n, amount, paid) in summed.items()
                if n
            ),
            batch_size=5000,
        )
    return sum(int(s[0]) for s in summed.values())


def compact_tallies(*, workflow: str) -> int:
    """Fold the shards of `workflow`'s roll-up into one row per (agency, month, state, category), one
    agency per short transaction; returns the rows removed. The sums are unchanged: only the number of
    rows a read sums falls back to about one per key — the shards that concurrent events write to
    multiply it by up to `SHARDS` over time. Run nightly (`cases.tasks.compact_case_tallies`).

    The fold locks the agency's rows in key order (the order an event locks its own), then only
    updates and deletes rows it holds: each key's lowest shard keeps the key's sums, the others go.
    It never inserts a row. An insert would wait for an event's uncommitted insert of the same key
    while that event waits for a row the fold holds — the deadlock PostgreSQL reported in CI when the
    fold created each key's shard-0 row (test_fold_and_event_never_deadlock)."""
    removed = 0
    agencies = list(
        StateTally.objects.filter(workflow=workflow).values_list("agency_id", flat=True).distinct().order_by()
    )
    for agency_id in sorted(agencies):
        with transaction.atomic():
            rows = list(
                StateTally.objects.select_for_update()
                .filter(workflow=workflow, agency_id=agency_id)
                .order_by("month", "state", "category", "shard")
            )
            groups: dict[tuple[dt.date, str, str], list[StateTally]] = {}
            for r in rows:
                groups.setdefault((r.month, r.state, r.category), []).append(r)
            drop: list[int] = []
            keep: list[StateTally] = []
            for group in groups.values():
                if len(group) == 1:
                    continue
                first, rest = group[0], group[1:]
                first.n = sum(r.n for r in group)
                first.amount = sum((r.amount for r in group), ZERO)
                first.paid = sum((r.paid for r in group), ZERO)
                drop += [r.pk for r in rest]
                if not first.n and not first.amount and not first.paid:
                    drop.append(first.pk)
                else:
                    keep.append(first)
            StateTally.objects.filter(pk__in=drop).delete()
            StateTally.objects.bulk_update(keep, ["n", "amount", "paid"], batch_size=1000)
            removed += len(drop)
    return removed
