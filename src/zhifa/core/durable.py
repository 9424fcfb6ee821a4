"""Commit without waiting for the disk while holding a lock every writer needs, then wait after.

PostgreSQL releases a transaction's row locks only once its commit record is on disk (with
`synchronous_commit` on). A transaction holding the one lock every audited write takes — the audit
chain's head row (`zhifa.audit`) — therefore keeps every other writer waiting through its disk flush: on a
disk that syncs in 6 ms no more than ~170 audited writes a second for the whole platform, whatever the
number of cores.

`commit_async()` (or `ASYNC_COMMIT` inside a statement the caller sends anyway) commits the current
transaction asynchronously: its locks are released as soon as the commit record is written, not
flushed. `flush_after_commit()` then runs, right after the commit and before control returns to the
caller, one statement that commits synchronously (a transactional WAL message); its flush covers every
earlier WAL record, the caller's commit included. So:

- the caller, and through it the user, never learns of a commit that is not on disk: the same
  durability as a synchronous commit (a failed flush raises from the `atomic` block, as a failed COMMIT
  would);
- the flush is taken outside the lock and shared: PostgreSQL flushes the WAL in order, so concurrent
  writers' flushes are served by one disk sync;
- nothing is ever half kept after a crash: the WAL is replayed in order, so a later transaction that saw
  this one's rows (the next audit entry, chained to this one's hash) cannot survive a crash that loses
  this one.

On SQLite (one writer at a time, the whole database locked anyway) and where the server refuses WAL
messages these are no-ops: the commit stays synchronous.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections

log = logging.getLogger(__name__)

# A select-list expression equal to `SET LOCAL synchronous_commit = off`: callers that send a statement
# inside the transaction anyway put it there instead of paying a round trip of its own.
ASYNC_COMMIT = "set_config('synchronous_commit', 'off', true)"
# The flush: a transactional WAL message gives the statement a transaction id and a WAL record, so its
# (synchronous) commit flushes the WAL up to it. Logical decoding, if any, ignores the prefix.
FLUSH_SQL = "SELECT pg_logical_emit_message(true, 'zhifa.durable', '')"

_usable: dict[str, bool] = {}  # per database alias: may this server's user emit WAL messages?


def available(using: str = DEFAULT_DB_ALIAS) -> bool:
    """Whether the asynchronous commit can be used on this connection (PostgreSQL, and the flush is
    permitted). Asked once per process and database."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return False
    if using not in _usable:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT has_function_privilege('pg_logical_emit_message(boolean, text, text)', 'EXECUTE')"
            )
            row = cursor.fetchone()
        _usable[using] = bool(row and row[0])
        if not _usable[using]:
            log.warning("durable: pg_logical_emit_message not permitted; commits stay synchronous")
    return _usable[using]


def commit_async(using: str = DEFAULT_DB_ALIAS) -> bool:
    """Inside a transaction: commit it without waiting for the disk, and flush right after the commit.
    Returns whether it did (False on SQLite)."""
    if not available(using):
        return False
    with connections[using].cursor() as cursor:
        cursor.execute(f"SELECT {ASYNC_COMMIT}")
    flush_after_commit(using)
    return True


def _flush(using: str) -> None:
    with connections[using].cursor() as cursor:
        cursor.execute(FLUSH_SQL)


class _Flush:
    """The after-commit flush of one database (a class, so that it is registered once a transaction)."""

    def __init__(self, using: str) -> None:
        self.using = using

    def __call__(self) -> None:
        _flush(self.using)


def flush_after_commit(using: str = DEFAULT_DB_ALIAS) -> None:
    """Register, once per transaction, the synchronous flush that runs right after its commit. Call it in
    the transaction that set `ASYNC_COMMIT`: a rollback (to a savepoint too) drops both together."""
    connection = connections[using]
    hooks: list[Any] = list(connection.run_on_commit)  # (savepoint ids, function, robust)
    if any(isinstance(hook[1], _Flush) for hook in hooks):
        return
    connection.on_commit(_Flush(using))
