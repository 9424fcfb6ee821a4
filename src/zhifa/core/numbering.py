"""Gap-free numbers (案件编号, 文书编号) from one counter row per key.

`next_number(key=...)` increments the row with a single `INSERT … ON CONFLICT DO UPDATE … RETURNING`
statement. On PostgreSQL the statement takes the row lock and holds it until the caller's transaction
ends, so concurrent writers queue on that one row and each sees the value the previous one committed;
on SQLite the IMMEDIATE write transaction already serialises writers. Because the increment belongs to
the caller's transaction, a refused or failed write rolls the counter back with it: no gaps, no
duplicates. (Locking "the highest number issued so far" instead would let two transactions read the
same maximum and issue the same number.)

`format_number` renders `{agency abbreviation}{kind}〔{year}〕{seq}号`.
"""

from __future__ import annotations

from django.db import connection, transaction

from zhifa.core.models import Counter


def next_number(*, key: str) -> int:
    """The next value for `key` (1 for a new key). Must run inside the transaction that uses it."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_number() must be called inside transaction.atomic()")
    table = connection.ops.quote_name(Counter._meta.db_table)
    key_col = connection.ops.quote_name("key")
    value_col = connection.ops.quote_name("value")
    sql = (
        f"INSERT INTO {table} ({key_col}, {value_col}) VALUES (%s, 1) "  # noqa: S608 — names are ours
        f"ON CONFLICT ({key_col}) DO UPDATE SET {value_col} = {table}.{value_col} + 1 "
        f"RETURNING {value_col}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [key])
        row = cursor.fetchone()
    assert row is not None
    return int(row[0])


def current_number(*, key: str) -> int:
    """The last value issued for `key` (0 when none)."""
    value = Counter.objects.filter(key=key).values_list("value", flat=True).first()
    return int(value or 0)


def counter_key(*, agency_id: int, kind: str, year: int) -> str:
    return f"{agency_id}:{kind}:{year}"


def format_number(*, abbreviation: str, kind: str, year: int, seq: int) -> str:
    """海城管立〔2025〕12号 — the form used on every 文书 and in the case register."""
    return f"{abbreviation}{kind}〔{year}〕{seq}号"


def issue_number(*, agency_id: int, abbreviation: str, kind: str, year: int) -> str:
    """Take the next sequence for (agency, kind, year) and format it. Inside the caller's transaction."""
    seq = next_number(key=counter_key(agency_id=agency_id, kind=kind, year=year))
    return format_number(abbreviation=abbreviation, kind=kind, year=year, seq=seq)
