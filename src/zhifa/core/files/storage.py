"""Where stored files live: a content-addressed store on the local disk or S3-compatible storage.

Each stored file is named by its SHA-256 (`sha256/ab/cd/abcd…`), so the same content is stored once and
a name can never point at other content. Files are written once and never overwritten; they are removed
only by `services.blob_destroy` when no domain refers to them any more.

Configuration (environment, or `ZHIFA_FILES_STORAGE` in Django settings as a dict with the same keys in
lower case). The names the evidence app used before the store moved here (`EVIDENCE_*`,
`ZHIFA_EVIDENCE_STORAGE`) are still read when the new ones are not set, so existing installations keep
their store:

| variable | default | meaning |
|---|---|---|
| `FILES_STORAGE` | `local` | `local` or `s3` |
| `FILES_ROOT` | `$MEDIA_ROOT/evidence` | local store directory (never served by the web server) |
| `FILES_S3_BUCKET`, `FILES_S3_ENDPOINT_URL`, `FILES_S3_REGION`, `FILES_S3_PREFIX` | — | S3 |
| `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` | — | S3 credentials (read by django-storages) |
| `FILES_STAGING_DIR` | `$FILES_ROOT/.staging` (local), `$ZHIFA_VAR_DIR/evidence-staging` (s3) | partial uploads |

Local storage stages uploads inside its own directory so that the final step is an atomic rename on the
same filesystem (no second copy of a large video). For S3 the staged file is streamed up with
multipart transfers (boto3's TransferConfig), so memory stays constant there too.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage
from django.core.signals import setting_changed
from django.dispatch import receiver

from zhifa.config.env import env

READ_CHUNK = 4 * 1024 * 1024


def content_name(sha256: str) -> str:
    """The storage name of content with this digest."""
    return f"sha256/{sha256[:2]}/{sha256[2:4]}/{sha256}"


@dataclass(frozen=True)
class StoreConfig:
    backend: str
    root: Path
    staging: Path
    bucket: str = ""
    endpoint_url: str = ""
    region: str = ""
    prefix: str = ""


def _config() -> StoreConfig:
    override: dict[str, Any] = (
        getattr(settings, "ZHIFA_FILES_STORAGE", None)
        or getattr(settings, "ZHIFA_EVIDENCE_STORAGE", None)
        or {}
    )

    def get(key: str, default: str = "") -> str:
        if key in override:
            return str(override[key])
        return env(f"FILES_{key.upper()}", env(f"EVIDENCE_{key.upper()}", default))

    backend = get("storage", "local").lower()
    root = Path(get("root", str(Path(settings.MEDIA_ROOT) / "evidence")))
    default_staging = root / ".staging" if backend == "local" else Path(settings.VAR_DIR) / "evidence-staging"
    return StoreConfig(
        backend=backend,
        root=root,
        staging=Path(get("staging_dir", str(default_staging))),
        bucket=get("s3_bucket"),
        endpoint_url=get("s3_endpoint_url"),
        region=get("s3_region"),
        prefix=get("s3_prefix"),
    )


class BlobStore:
    """A thin layer over a Django storage with the streaming paths large files need."""

    def __init__(self, config: StoreConfig) -> None:
        self.config = config
        self.backend = config.backend
        self.storage: Storage
        if config.backend == "local":
            config.root.mkdir(parents=True, exist_ok=True)
            self.storage = FileSystemStorage(
                location=str(config.root),
                base_url=None,
                file_permissions_mode=0o440,
                directory_permissions_mode=0o750,
            )
        elif config.backend == "s3":
            from storages.backends.s3 import S3Storage

            options: dict[str, Any] = {
                "bucket_name": config.bucket,
                "file_overwrite": False,
                "default_acl": None,
                "querystring_auth": True,
                "location": config.prefix,
            }
            if config.endpoint_url:
                options["endpoint_url"] = config.endpoint_url
            if config.region:
                options["region_name"] = config.region
            self.storage = S3Storage(**options)
        else:
            raise ValueError(f"unknown FILES_STORAGE {config.backend!r}")
        config.staging.mkdir(parents=True, exist_ok=True)

    @property
    def staging_dir(self) -> Path:
        return self.config.staging

    def exists(self, name: str) -> bool:
        return bool(self.storage.exists(name))

    def put(self, name: str, staged_path: Path) -> None:
        """Store the staged file under `name`; the staged file is consumed (moved or uploaded+removed)."""
        if self.backend == "local":
            final = Path(self.storage.path(name))
            final.parent.mkdir(parents=True, exist_ok=True, mode=0o750)
            os.chmod(staged_path, 0o440)
            # Atomic rename on the same filesystem: no copy of a large video, and a reader never sees
            # half a file. The service only puts content no Blob row refers to yet, so a file already
            # under this name is a concurrent upload of the same bytes or an orphan of a rolled-back
            # transaction; replacing it changes nothing that is referenced.
            os.replace(staged_path, final)
            return
        with open(staged_path, "rb") as fh:
            bucket = self.storage.bucket  # type: ignore[attr-defined]
            key = self.storage._normalize_name(name)  # type: ignore[attr-defined]
            bucket.Object(key).upload_fileobj(
                fh,
                ExtraArgs={"ContentType": "application/octet-stream"},
                Config=self.storage.transfer_config,  # type: ignore[attr-defined]
            )
        staged_path.unlink(missing_ok=True)

    def chunks(
        self, name: str, chunk_size: int = READ_CHUNK, *, start: int = 0, length: int | None = None
    ) -> Iterator[bytes]:
        """Stream the stored content (or `length` bytes from `start`) without holding it in memory."""
        if self.backend == "local":
            with open(self.storage.path(name), "rb") as fh:
                if start:
                    fh.seek(start)
                remaining = length
                while remaining is None or remaining > 0:
                    chunk = fh.read(chunk_size if remaining is None else min(chunk_size, remaining))
                    if not chunk:
                        return
                    if remaining is not None:
                        remaining -= len(chunk)
                    yield chunk
            return
        key = self.storage._normalize_name(name)  # type: ignore[attr-defined]
        obj = self.storage.bucket.Object(key)  # type: ignore[attr-defined]
        if start or length is not None:
            end = "" if length is None else str(start + length - 1)
            body = obj.get(Range=f"bytes={start}-{end}")["Body"]
        else:
            body = obj.get()["Body"]
        try:
            yield from body.iter_chunks(chunk_size)
        finally:
            body.close()

    def local_path(self, name: str) -> Path | None:
        """The file on disk for a local store (a front server sends it itself), None for S3."""
        return Path(self.storage.path(name)) if self.backend == "local" else None

    def size(self, name: str) -> int:
        return int(self.storage.size(name))

    def destroy(self, name: str) -> None:
        """Remove content for good. Only the approved destruction service calls this."""
        if self.backend == "local":
            path = Path(self.storage.path(name))
            if path.exists():
                os.chmod(path, stat.S_IWUSR | stat.S_IRUSR)
                path.unlink()
            return
        self.storage.delete(name)


@cache
def get_store() -> BlobStore:
    return BlobStore(_config())


@receiver(setting_changed)
def _reset(*, setting: str, **kwargs: Any) -> None:
    if setting in {"ZHIFA_FILES_STORAGE", "ZHIFA_EVIDENCE_STORAGE", "MEDIA_ROOT"}:
        get_store.cache_clear()
