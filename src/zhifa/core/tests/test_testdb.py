"""The test database is a copy of a template migrated once (zhifa/core/testdb.py): it must be exactly
as migrated, with every migration of the tree applied."""

from typing import Any

import pytest

from zhifa.core.testdb import back_to_latest_schema, template_digest


def test_the_test_database_has_every_migration_of_the_tree_applied(db: Any) -> None:
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    assert executor.migration_plan(executor.loader.graph.leaf_nodes()) == []


def test_the_template_digest_is_stable_and_depends_on_the_engine() -> None:
    sqlite = template_digest("django.db.backends.sqlite3")
    assert sqlite == template_digest("django.db.backends.sqlite3")
    assert sqlite != template_digest("django.db.backends.postgresql")


@pytest.mark.django_db(transaction=True)
def test_a_migration_test_leaves_every_migration_applied_again() -> None:
    """`back_to_latest_schema` (the migration tests' teardown) undoes a migration moved back: its table
    and its record are there again, as `migrate` leaves them (on SQLite: the template copied back)."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    with connection.cursor() as cursor:  # as if `sessions.0001_initial` had been unapplied
        cursor.execute("DROP TABLE django_session")
        cursor.execute("DELETE FROM django_migrations WHERE app = 'sessions'")
    assert "django_session" not in connection.introspection.table_names()
    executor = MigrationExecutor(connection)
    assert executor.migration_plan(executor.loader.graph.leaf_nodes()) != []

    back_to_latest_schema(connection)

    assert "django_session" in connection.introspection.table_names()
    executor = MigrationExecutor(connection)
    assert executor.migration_plan(executor.loader.graph.leaf_nodes()) == []
