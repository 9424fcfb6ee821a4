"""Creating, checking and restoring a backup directory (the layout is in the package docstring)."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from zhifa.core.backup import database, files

FORMAT = 1
MANIFEST = "manifest.json"


class BackupError(Exception):
    """The backup could not be made, or a backup is incomplete, altered or cannot go here."""


@dataclass(frozen=True)
class BackupResult:
    path: Path
    files: int
    bytes: int


def _migrations() -> dict[str, str]:
    latest: dict[str, str] = {}
    for app, name in MigrationRecorder.Migration.objects.order_by("app", "name").values_list("app", "name"):
        latest[app] = name
    return latest


def backup_create(destination: Path, *, now: dt.datetime | None = None) -> BackupResult:
    """Write a new backup directory under `destination`; the name is returned in the result.

    Written under a hidden name and renamed at the end, so a directory that has the final name is a
    complete backup (a crash mid-way leaves only `.partial-*`, which the next run removes).
    """
    now = now or timezone.now()
    stamp = now.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
    destination.mkdir(parents=True, exist_ok=True)
    for stale in destination.glob(".partial-*"):
        shutil.rmtree(stale, ignore_errors=True)
    work = destination / f".partial-{stamp}"
    work.mkdir()
    try:
        vendor = database.engine()
        dump = work / database.dump_name(vendor)
        migrations = _migrations()
        database.dump(dump)  # first the database, then the files (see the package docstring)
        entries: list[dict[str, Any]] = []
        total = dump.stat().st_size
        for file_set in files.file_sets():
            for name in files.walk(file_set.storage, file_set.skip):
                size, sha256 = files.copy_out(file_set.storage, name, work / "files" / file_set.label / name)
                entries.append({"set": file_set.label, "name": name, "size": size, "sha256": sha256})
                total += size
        manifest = {
            "format": FORMAT,
            "created_at": now.isoformat(),
            "database": {
                "engine": vendor,
                "file": dump.name,
                "size": dump.stat().st_size,
                "sha256": files.sha256_of(dump),
                "migrations": migrations,
            },
            "files": entries,
        }
        (work / MANIFEST).write_text(json.dumps(manifest, indent=1, ensure_ascii=False), encoding="utf-8")
        final = destination / f"zhifa-backup-{stamp}"
        work.rename(final)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return BackupResult(path=final, files=len(entries), bytes=total)


def backup_check(path: Path) -> dict[str, Any]:
    """Read the manifest and re-hash everything it lists; the manifest when all matches."""
    try:
        manifest: dict[str, Any] = json.loads((path / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BackupError(f"{path} has no readable {MANIFEST}: {exc}") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(f"unknown backup format {manifest.get('format')!r}")
    problems: list[str] = []
    db = manifest["database"]
    dump = path / db["file"]
    if not dump.is_file() or files.sha256_of(dump) != db["sha256"]:
        problems.append(f"{db['file']}: missing or altered")
    for entry in manifest["files"]:
        copy = path / "files" / entry["set"] / entry["name"]
        if (
            not copy.is_file()
            or copy.stat().st_size != entry["size"]
            or files.sha256_of(copy) != entry["sha256"]
        ):
            problems.append(f"{entry['set']}/{entry['name']}: missing or altered")
    if problems:
        raise BackupError("the backup does not match its manifest: " + "; ".join(problems[:20]))
    return manifest


def backup_restore(path: Path) -> dict[str, Any]:
    """Restore a checked backup onto an empty instance (a database without tables)."""
    manifest = backup_check(path)
    vendor = database.engine()
    if manifest["database"]["engine"] != vendor:
        raise BackupError(
            f"this backup is of a {manifest['database']['engine']} database; this instance uses {vendor}"
        )
    if not database.is_empty():
        raise BackupError(
            "the database of this instance is not empty; restore onto a new, empty database "
            "(SQLite: a path with no file; PostgreSQL: a freshly created database)"
        )
    by_label = {file_set.label: file_set for file_set in files.file_sets()}
    # Files first: a database that names a file must never be up without it.
    for entry in manifest["files"]:
        file_set = by_label.get(entry["set"])
        if file_set is None:
            raise BackupError(f"unknown file set {entry['set']!r} in the manifest")
        files.copy_in(file_set.storage, entry["name"], path / "files" / entry["set"] / entry["name"])
    database.load(path / manifest["database"]["file"])
    return manifest
