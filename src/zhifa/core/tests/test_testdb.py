"""The test database is a copy of a template migrated once (zhifa/core/testdb.py): it must be exactly
as migrated, with every migration of the tree applied."""

from typing import Any

from zhifa.core.testdb import template_digest


def test_the_test_database_has_every_migration_of_the_tree_applied(db: Any) -> None:
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    assert executor.migration_plan(executor.loader.graph.leaf_nodes()) == []


def test_the_template_digest_is_stable_and_depends_on_the_engine() -> None:
    sqlite = template_digest("django.db.backends.sqlite3")
    assert sqlite == template_digest("django.db.backends.sqlite3")
    assert sqlite != template_digest("django.db.backends.postgresql")
