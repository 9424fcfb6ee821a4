"""The file sets a backup holds, walked through their Django storages (local disk or S3 alike)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.storage import FileSystemStorage, Storage, default_storage

COPY_CHUNK = 4 * 1024 * 1024


@dataclass(frozen=True)
class FileSet:
    label: str
    storage: Storage
    skip: tuple[str, ...] = ()  # name prefixes left out (staging areas, another set's directory)


def file_sets() -> list[FileSet]:
    """`media` (MEDIA_ROOT, without the evidence store when it lives inside it) and `evidence`."""
    from zhifa.core.files.storage import get_store

    store = get_store()
    media_skip: list[str] = []
    if store.backend == "local":
        try:
            inside = store.config.root.resolve().relative_to(Path(settings.MEDIA_ROOT).resolve())
            media_skip.append(inside.as_posix() + "/")
        except ValueError:
            pass
    # Partial uploads are not evidence yet; a restored instance starts without them.
    evidence_skip = (".staging/",)
    return [
        FileSet("media", default_storage, tuple(media_skip)),
        FileSet("evidence", store.storage, evidence_skip),
    ]


def walk(storage: Storage, skip: tuple[str, ...] = (), prefix: str = "") -> Iterator[str]:
    """Every file name in the storage, in a stable order."""
    if isinstance(storage, FileSystemStorage) and not Path(storage.location).exists():
        return
    directories, files = storage.listdir(prefix)
    for name in sorted(files):
        full = f"{prefix}{name}"
        if skip and full.startswith(skip):
            continue
        yield full
    for directory in sorted(directories):
        full = f"{prefix}{directory}/"
        if skip and full.startswith(skip):
            continue
        yield from walk(storage, skip, full)


def copy_out(storage: Storage, name: str, target: Path) -> tuple[int, str]:
    """Copy one stored file to `target`; (size, sha256)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    with storage.open(name, "rb") as src, open(target, "wb") as out:
        while chunk := src.read(COPY_CHUNK):
            digest.update(chunk)
            size += len(chunk)
            out.write(chunk)
    return size, digest.hexdigest()


def copy_in(storage: Storage, name: str, source: Path) -> None:
    """Put a file back under its own name (content-addressed names must not change)."""
    if storage.exists(name):
        return
    with open(source, "rb") as fh:
        saved = storage.save(name, File(fh, name=name))
    if saved != name:
        raise OSError(f"storage saved {name} as {saved}")


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(COPY_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()
