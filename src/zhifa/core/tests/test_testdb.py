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


@pytest.mark.postgres
def test_sessions_left_on_a_test_database_are_ended_and_named_before_the_drop(db: Any) -> None:
    """A PostgreSQL test database is dropped at the end of a run; a session still connected to it made
    the drop fail. `_end_leftover_sessions` ends such sessions and names them in a warning."""
    import os
    import warnings

    import psycopg
    from django.db import connection

    from zhifa.core.testdb import _end_leftover_sessions

    name = f"zhifa_leftover_{os.getpid()}"
    settings = connection.settings_dict
    dsn = f"host={settings['HOST'] or '127.0.0.1'} port={settings['PORT'] or 5432} user={settings['USER']}"
    with psycopg.connect(f"{dsn} dbname=postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            left = psycopg.connect(f"{dsn} dbname={name} application_name=left-behind", autocommit=True)
            left.execute("SELECT 'argon2-hash-of-a-password' AS secret")
            with pytest.warns(UserWarning, match="left-behind") as caught:
                _end_leftover_sessions(connection.creation, name)
            said = str(caught[0].message)
            assert "SELECT '?' AS secret" in said and "argon2" not in said  # the statement, not its values
            with pytest.raises(psycopg.OperationalError):
                left.execute("SELECT 1")  # its session was ended
            left.close()
            with warnings.catch_warnings():
                warnings.simplefilter("error")
                _end_leftover_sessions(connection.creation, name)  # nobody left: no warning
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
