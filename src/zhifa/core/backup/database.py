"""Dumping and loading the database: SQLite through its online backup API, PostgreSQL through
pg_dump/pg_restore (one snapshot transaction, custom format)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import quote

from django.db import connections


class DatabaseError(Exception):
    """The dump or restore tool failed; the message says how."""


def engine(alias: str = "default") -> str:
    vendor = connections[alias].vendor
    if vendor not in {"sqlite", "postgresql"}:
        raise DatabaseError(f"backup supports SQLite and PostgreSQL, not {vendor}")
    return vendor


def dump_name(vendor: str) -> str:
    return "database.sqlite3" if vendor == "sqlite" else "database.pgdump"


def _pg_env(settings_dict: dict[str, Any]) -> tuple[str, dict[str, str]]:
    """A connection URI without the password, and the environment carrying it (not on the command
    line, where `ps` shows it)."""
    user = quote(str(settings_dict.get("USER") or ""), safe="")
    host = settings_dict.get("HOST") or ""
    port = settings_dict.get("PORT") or ""
    name = quote(str(settings_dict["NAME"]), safe="")
    netloc = f"{user}@{host}" if user else str(host)
    if port:
        netloc += f":{port}"
    env = dict(os.environ)
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    return f"postgresql://{netloc}/{name}", env


def _run(command: list[str], env: dict[str, str]) -> None:
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    except FileNotFoundError as exc:
        raise DatabaseError(f"{command[0]} is not installed (Debian: postgresql-client)") from exc
    if done.returncode != 0:
        raise DatabaseError(f"{command[0]} failed: {done.stderr.strip()[-2000:]}")


def dump(target: Path, alias: str = "default") -> None:
    """Write one consistent snapshot of the database to `target`."""
    connection = connections[alias]
    vendor = engine(alias)
    if vendor == "sqlite":
        # The online backup API copies page by page and restarts when a writer changes a page it
        # already copied, so the copy is one consistent state even while the app writes (WAL mode).
        # Through Django's own connection, so an in-memory database (tests) is backed up too.
        connection.ensure_connection()
        dest = sqlite3.connect(str(target))
        try:
            connection.connection.backup(dest)
        finally:
            dest.close()
        return
    uri, env = _pg_env(connection.settings_dict)
    # pg_dump runs in one repeatable-read transaction: a snapshot, whatever commits meanwhile.
    _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={target}", uri], env)


def is_empty(alias: str = "default") -> bool:
    """True when the database has no tables at all (a new, empty instance)."""
    connection = connections[alias]
    with connection.cursor() as cursor:
        return not connection.introspection.table_names(cursor)


def load(source: Path, alias: str = "default") -> None:
    """Load a dump into the (empty) database."""
    connection = connections[alias]
    vendor = engine(alias)
    if vendor == "sqlite":
        connection.ensure_connection()
        src = sqlite3.connect(str(source))
        try:
            src.backup(connection.connection)
        finally:
            src.close()
        return
    connection.close()
    uri, env = _pg_env(connection.settings_dict)
    _run(
        [
            "pg_restore",
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            f"--dbname={uri}",
            str(source),
        ],
        env,
    )
