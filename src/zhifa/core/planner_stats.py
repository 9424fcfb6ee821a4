"""The statistics SQLite's query planner chooses plans with (`sqlite_stat1`), kept current.

SQLite gathers them only when told to (`ANALYZE`); without them it guesses that an equality on an
index's first column matches about ten rows. At a million cases that guess picks a plan thousands of
times slower for the city supervisor: its 40 agencies look like 400 cases, so the case list and the case
search read every agency's cases and sort them (the search `渣土`: 14.8 s of CPU) instead of walking the
date index and stopping at the page (5.6 ms; docs/benchmarks.md, branch sqlite1m). PostgreSQL's
autovacuum keeps its own statistics; there this does nothing.

`refresh()` runs once a night (core.tasks) and when a worker starts on a database that has none. Each
table is analysed in a statement of its own, so a writer waits at most for one table (the cases of a
million: ~1 s of CPU), not for the whole database (2.9 s; 19 s at load 10). A connection reads the
statistics when it opens (SQLite 3.40 does not reload them in a connection already open when another
one analyses): the app opens one per request, or keeps it up to DB_CONN_MAX_AGE (60 s) in production.
"""

from __future__ import annotations

from django.db import connection


def missing() -> bool:
    """SQLite without any planner statistics (never analysed)."""
    if connection.vendor != "sqlite":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_stat1'")
        if cursor.fetchone() is None:
            return True
        cursor.execute("SELECT 1 FROM sqlite_stat1 LIMIT 1")
        return cursor.fetchone() is None


def refresh() -> list[str]:
    """Analyse every table (SQLite; exact statistics, read from every index). The tables analysed."""
    if connection.vendor != "sqlite":
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
        tables = [row[0] for row in cursor.fetchall()]
        cursor.execute("PRAGMA analysis_limit = 0")  # every row: a sample misjudges large agencies
        for table in tables:
            cursor.execute(f'ANALYZE "{table.replace(chr(34), chr(34) * 2)}"')
    return tables
