"""Fresh empty databases and subprocess environments for the backup tests (SQLite or PostgreSQL,
whichever the suite runs on)."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connection

ROOT = Path(settings.BASE_DIR)


@contextmanager
def empty_database(tmp_path: Path, label: str) -> Iterator[str]:
    """A DATABASE_URL for a new, empty database of the suite's engine; dropped afterwards."""
    if not settings.IS_POSTGRES:
        yield f"sqlite:///{tmp_path / f'{label}.sqlite3'}"
        return
    import psycopg

    params = connection.settings_dict
    name = f"zhifa_prod_{label}_{uuid.uuid4().hex[:8]}"
    admin = f"postgresql://{params['USER']}@{params['HOST']}:{params['PORT'] or 5432}/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgres://{params['USER']}@{params['HOST']}:{params['PORT'] or 5432}/{name}"
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def instance_env(tmp_path: Path, database_url: str, label: str) -> dict[str, str]:
    """The environment of another instance on this machine: its own database, var and media."""
    var = tmp_path / f"{label}-var"
    env = {key: value for key, value in os.environ.items() if not key.startswith(("EVIDENCE_", "ZHIFA_"))}
    env.update(
        {
            "PYTHONPATH": str(ROOT / "src"),
            "DATABASE_URL": database_url,
            "ZHIFA_VAR_DIR": str(var),
            "MEDIA_ROOT": str(var / "media"),
            "EVIDENCE_STORAGE": "local",
            "EVIDENCE_ROOT": str(var / "media" / "evidence"),
            "REDIS_URL": "",
        }
    )
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return env


def manage(env: dict[str, str], *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if check and done.returncode != 0:
        raise AssertionError(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done
