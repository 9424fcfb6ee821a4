"""huey on its SQLite file (the embedded setup without Redis), with the file's writes not synced.

huey's SQLite storage syncs the file on every enqueue (`synchronous=FULL`): a file lock and a disk sync
per task handed over, 17 ms of a registration on a loaded machine. Here the file keeps huey's write-ahead
log with `synchronous=NORMAL`: a commit is written to the log without a sync, so a crashed *process*
loses nothing and the file is never corrupted; only a power failure can lose the last messages. They
are not the record of the work: every message is a row of the task outbox (`core.QueuedTask`, in the
main database, committed durably before the message is sent), and `core.tasks.sweep` hands a pending row
whose message was lost to the queue again. Imported by the settings (`HUEY["huey_class"]`): no models.
"""

from __future__ import annotations

import sqlite3

from huey import SqliteHuey as _SqliteHuey
from huey.storage import SqliteStorage as _SqliteStorage


class SqliteStorage(_SqliteStorage):  # type: ignore[misc]
    def _create_connection(self) -> sqlite3.Connection:
        conn: sqlite3.Connection = super()._create_connection()
        if self._journal_mode == "wal":  # NORMAL is safe (never corrupts) only with the WAL journal
            conn.execute("pragma synchronous=NORMAL")
        return conn


class SqliteHuey(_SqliteHuey):  # type: ignore[misc]
    storage_class = SqliteStorage
