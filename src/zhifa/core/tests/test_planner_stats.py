"""SQLite's planner statistics are gathered by the app (core.planner_stats), not left to chance."""

import pytest
from django.db import connection

from zhifa.core import planner_stats
from zhifa.core.search import IndexDoc, search_index_many

pytestmark = pytest.mark.django_db


def stat_rows(table: str) -> list[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT idx, stat FROM sqlite_stat1 WHERE tbl = %s ORDER BY idx", [table])
        return list(cursor.fetchall())


def test_refresh_gathers_statistics_for_every_table_on_sqlite() -> None:
    search_index_many(kind="article", docs=[IndexDoc(i, 10 + i % 2, "", "罚款") for i in range(1, 21)])
    if connection.vendor != "sqlite":  # PostgreSQL's autovacuum keeps its own
        assert planner_stats.refresh() == []
        assert planner_stats.missing() is False
        return
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE sqlite_schema")  # creates sqlite_stat1 if absent
        cursor.execute("DELETE FROM sqlite_stat1")
    assert planner_stats.missing() is True
    tables = planner_stats.refresh()
    assert "core_searchdocument" in tables and "core_search_fts_data" in tables
    assert planner_stats.missing() is False
    # the unique (kind, object_id) index: 20 rows, all of one kind, one row per (kind, object_id)
    assert ("sqlite_autoindex_core_searchdocument_1", "20 20 1") in stat_rows("core_searchdocument")
