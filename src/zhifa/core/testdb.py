"""The test database from a migrated template instead of running every migration in every test process.

Creating a test database ran all migrations (~70, ~12 s of CPU, mostly Django rendering the migration
state) in each pytest process: each xdist worker of `make test`, and every narrow `pytest path` a
contributor runs. Here the first process migrates once and keeps the result as a template named after a
digest of everything the migrated schema depends on (every installed app's migration files, the zhifa
models and app configs, Django's version, the engine); every process after it copies the template:

- SQLite: the template is a file in `var/testdb/`, copied into the (in-memory) test database with
  SQLite's backup API, as Django's own parallel runner clones an in-memory database;
- PostgreSQL: the template is a database `<test name>_tpl_<digest>`, copied by
  `CREATE DATABASE … TEMPLATE …`, as Django's parallel runner clones one.

Only the `migrate` call inside `create_test_db` is replaced; the rest (naming, xdist suffixes, keepdb,
serialisation, teardown) is Django's and pytest-django's. A changed migration or model changes the
digest, so a stale template is never used (and the older ones are deleted). The template is the
database exactly as `migrate` left it, so the tests still run on migrated databases, including the
rows and SQL the migrations create (search tables, triggers). `ZHIFA_TEST_DB_TEMPLATE=0` turns it off.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

_installed = False


def install() -> None:
    """Wrap `create_test_db` (idempotent); called once per test process from the root conftest."""
    global _installed  # noqa: PLW0603 — one patch per process
    if _installed or os.environ.get("ZHIFA_TEST_DB_TEMPLATE") == "0":
        return
    from django.db.backends.base.creation import BaseDatabaseCreation

    original = BaseDatabaseCreation.create_test_db

    def create_test_db(
        self: Any, verbosity: int = 1, autoclobber: bool = False, serialize: bool = True, keepdb: bool = False
    ) -> Any:
        if keepdb or not _applicable(self.connection):
            return original(self, verbosity, autoclobber, serialize, keepdb)
        with _migrate_from_template(self.connection):
            return original(self, verbosity, autoclobber, serialize, keepdb)

    BaseDatabaseCreation.create_test_db = create_test_db  # type: ignore[method-assign,assignment]
    from django.db.backends.postgresql.creation import DatabaseCreation as PostgresCreation

    original_destroy = PostgresCreation._destroy_test_db  # type: ignore[attr-defined]

    def _destroy_test_db(self: Any, test_database_name: str, verbosity: int) -> Any:
        _end_leftover_sessions(self, test_database_name)
        return original_destroy(self, test_database_name, verbosity)

    PostgresCreation._destroy_test_db = _destroy_test_db  # type: ignore[attr-defined]
    _installed = True


def _end_leftover_sessions(creation: Any, name: str) -> None:
    """Before a PostgreSQL test database is dropped at the end of a run: end the sessions still
    connected to it, and say which (a warning with each one's application and last statement). The drop
    used to fail ("being accessed by other users") now and then after the PostgreSQL suite, leaving the
    database behind, and the warning did not say whose session it was."""
    import warnings

    with creation._nodb_cursor() as cursor:
        cursor.execute(
            # the statement without its string values (a test's password hash is not for the log)
            "SELECT pid, application_name, state, left(regexp_replace(query, '''[^'']*''', '''?''', 'g'), 160) "
            "FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [name],
        )
        sessions = cursor.fetchall()
        for pid, *_rest in sessions:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    if sessions:
        warnings.warn(
            f"{len(sessions)} session(s) still connected to {name} at the end of the run were ended: "
            + "; ".join(f"pid {pid} {app!r} {state}: {query!r}" for pid, app, state, query in sessions),
            stacklevel=1,
        )


def build_sqlite_template_beside_the_workers(config: Any) -> Callable[[], None] | None:
    """In the xdist controller of a run on SQLite whose template is not built yet (a fresh clone, a new
    migration): start building it in a thread of the controller, which otherwise only waits for the
    workers' reports, while the workers start and collect the tests (~12 s of CPU each). Without this the
    first worker to set up its database migrates (~17 s) while the other waits for the template, one core
    idle (docs/benchmarks.md, branch `testfast3`). The thread takes the template's lock as a worker would
    and runs the same `create_test_db` a worker runs (so `migrate` with the same arguments and settings);
    a worker that gets there first builds it itself and the thread then only copies it. Returns a function
    that waits for the thread (called at the end of the session), or None when there is nothing to do."""
    import threading

    from django.conf import settings
    from django.db import connections

    if hasattr(config, "workerinput") or not getattr(config.option, "numprocesses", None):
        return None  # not an xdist controller
    if os.environ.get("ZHIFA_TEST_DB_TEMPLATE") == "0" or getattr(config.option, "reuse_db", False):
        return None
    if config.getoption("nomigrations", False) or settings.DATABASES["default"]["ENGINE"] != (
        "django.db.backends.sqlite3"
    ):
        return None
    if settings.DATABASES["default"].get("TEST", {}).get("NAME") or sqlite_template() is not None:
        return None  # a test database in a file (ZHIFA_TEST_FILE_DB): left to the workers, as before
    from pytest_django.plugin import blocking_manager_key

    blocker = config.stash[blocking_manager_key]  # pytest-django blocks the database outside tests
    install()

    def build() -> None:
        connection = connections["default"]  # this thread's own connection; the controller has no other
        try:
            with blocker.unblock():
                connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
        except Exception as exc:  # a worker then builds the template itself, as before
            import warnings

            warnings.warn(
                f"building the test database template in the controller failed: {exc!r}", stacklevel=1
            )
        finally:
            connection.close()

    thread = threading.Thread(target=build, name="zhifa-test-db-template", daemon=True)
    thread.start()
    return thread.join


def _applicable(connection: Any) -> bool:
    from django.conf import settings

    # --nomigrations (pytest-django) and TEST MIGRATE False build the schema from the models: not ours.
    migrate = connection.settings_dict.get("TEST", {}).get("MIGRATE", True)
    plain_modules = type(settings.MIGRATION_MODULES) is dict
    return bool(migrate) and plain_modules and connection.vendor in ("sqlite", "postgresql")


def template_digest(engine: str) -> str:
    """A digest of what the migrated schema depends on."""
    import django
    from django.apps import apps

    import zhifa

    digest = hashlib.sha256(f"{django.get_version()}|{engine}".encode())
    files: list[Path] = []
    for config in apps.get_app_configs():
        files.extend(sorted(Path(config.path).glob("migrations/*.py")))
    root = Path(zhifa.__file__).parent
    files.extend(sorted(root.rglob("models.py")))
    files.extend(sorted(root.rglob("models/*.py")))
    files.extend(sorted(root.rglob("apps.py")))
    for path in files:
        digest.update(str(path.relative_to(path.parents[2])).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """One process builds the template while the others (the other xdist workers) wait for it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextlib.contextmanager
def _migrate_from_template(connection: Any) -> Iterator[None]:
    from django.core import management

    original = management.call_command

    def call_command(name: Any, *args: Any, **options: Any) -> Any:
        if name != "migrate" or options.get("database", "default") != connection.alias:
            return original(name, *args, **options)

        def migrate() -> None:
            original(name, *args, **options)

        if connection.vendor == "sqlite":
            _sqlite(connection, migrate)
        else:
            _postgresql(connection, migrate)
        return None

    management.call_command = call_command  # type: ignore[assignment]
    try:
        yield
    finally:
        management.call_command = original


def _var_dir() -> Path:
    from django.conf import settings

    return Path(settings.VAR_DIR) / "testdb"


def sqlite_template() -> Path | None:
    """This tree's migrated SQLite template, if it is built (after the test database was set up on SQLite;
    None with `ZHIFA_TEST_DB_TEMPLATE=0` or on PostgreSQL before any SQLite run). A test whose
    subprocess needs a migrated SQLite database of its own copies it: the file is what `migrate` leaves,
    without the ~18 s of CPU of running every migration again (`evidence/tests/test_large_upload.py`)."""
    path = _var_dir() / f"sqlite-{template_digest('django.db.backends.sqlite3')}.sqlite3"
    return path if path.exists() else None


def back_to_latest_schema(connection: Any) -> None:
    """After a (transactional) test that moved some app's migrations back and forth: the database at the
    newest migration of every app again, for the tests after it. On SQLite, with this tree's template
    built, the template is copied over the database: it is what `migrate` to the newest migrations of
    every app leaves, and copying it takes milliseconds where migrating forward again re-renders the
    migration state for every operation (~8 s of CPU after `cases/tests/test_migration_0003.py`;
    docs/benchmarks.md, branch `testfast3`). The rows the test left go with the copy (Django flushes every
    table after a transactional test anyway). Otherwise (PostgreSQL, no template,
    `ZHIFA_TEST_DB_TEMPLATE=0`) the migrations are run forward to the newest, as before."""
    template = sqlite_template() if os.environ.get("ZHIFA_TEST_DB_TEMPLATE") != "0" else None
    if connection.vendor == "sqlite" and template is not None and not connection.in_atomic_block:
        _copy_template(template, connection)
        return
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def _sqlite(connection: Any, migrate: Callable[[], None]) -> None:
    directory = _var_dir()
    template = directory / f"sqlite-{template_digest(connection.settings_dict['ENGINE'])}.sqlite3"
    with _locked(directory / "sqlite.lock"):
        if not template.exists():
            migrate()
            connection.ensure_connection()
            partial = template.with_suffix(".partial")
            target = sqlite3.connect(partial)
            try:
                connection.connection.backup(target)
            finally:
                target.close()
            os.replace(partial, template)
            for old in directory.glob("sqlite-*.sqlite3"):
                if old != template:
                    old.unlink(missing_ok=True)
            return
    _copy_template(template, connection)


def _copy_template(template: Path, connection: Any) -> None:
    """The SQLite template copied over the connection's database (SQLite's backup API)."""
    connection.ensure_connection()
    source = sqlite3.connect(f"file:{template}?mode=ro", uri=True)
    try:
        source.backup(connection.connection)
    finally:
        source.close()


def _postgresql(connection: Any, migrate: Callable[[], None]) -> None:
    name = connection.settings_dict["NAME"]
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    base = name[: -len(worker) - 1] if worker and name.endswith(f"_{worker}") else name
    prefix = f"{base}_tpl_"
    template = prefix + template_digest(connection.settings_dict["ENGINE"])
    quote = connection.ops.quote_name
    with _locked(_var_dir() / f"{template}.lock"):
        with connection.creation._nodb_cursor() as cursor:
            cursor.execute("SELECT datname FROM pg_database")
            existing = {row[0] for row in cursor.fetchall() if row[0].startswith(prefix)}
        if template not in existing:
            migrate()
            connection.close()
            with connection.creation._nodb_cursor() as cursor:
                cursor.execute(f"CREATE DATABASE {quote(template)} TEMPLATE {quote(name)}")
                for old in existing - {template}:
                    with contextlib.suppress(Exception):  # in use by another run: left for later
                        cursor.execute(f"DROP DATABASE IF EXISTS {quote(old)}")
            return
        # The test database Django just created is empty: replace it by a copy of the template.
        connection.close()
        with connection.creation._nodb_cursor() as cursor:
            cursor.execute(f"DROP DATABASE {quote(name)}")
            cursor.execute(f"CREATE DATABASE {quote(name)} TEMPLATE {quote(template)}")
