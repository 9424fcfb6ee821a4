"""Every write to stored files: store by content, verify, destroy when nothing refers to it any more.

Large content never passes through a database transaction: it is spooled and hashed first (SHA-256 and
SM3 in one pass), moved into the content-addressed store, and only then is the `Blob` row written in
the caller's short transaction. If that transaction fails, content that no row refers to is removed
again (`content_remove_orphan`), so a refused or failed upload keeps nothing.

Domains use either the one-shot `blob_store(bytes_or_stream, mime=…)` (generated PDFs, complaint
attachments) or, when they received the bytes themselves and must check them before storing (evidence
uploads), the three steps `content_put(staged)` → `blob_record(staged, …)` → `content_remove_orphan`.
"""

from __future__ import annotations

import datetime as dt
import io
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, BinaryIO, Protocol

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhifa.core.auditing import audit_record
from zhifa.core.errors import InvalidInput
from zhifa.core.files import filetypes
from zhifa.core.files.hashing import DualHasher
from zhifa.core.files.models import Blob, BlobCheck
from zhifa.core.files.storage import content_name, get_store

SPOOL_CHUNK = 1024 * 1024


class Staged(Protocol):
    """Content received into the store's staging directory, with its digests and first bytes.
    (`evidence.staging.StagedFile` and `Spooled` below both have this shape.)"""

    path: Path
    size: int
    sha256: str
    sm3: str
    head: bytes

    def discard(self) -> None: ...


@dataclass
class Spooled:
    path: Path
    size: int
    sha256: str
    sm3: str
    head: bytes

    def discard(self) -> None:
        self.path.unlink(missing_ok=True)


class DigestMismatch(InvalidInput):
    code = "sha256_mismatch"


def spool(source: bytes | BinaryIO | IO[bytes], *, chunk_size: int = SPOOL_CHUNK) -> Spooled:
    """Copy bytes or a readable stream into the store's staging directory, hashing on the way."""
    stream: BinaryIO | IO[bytes] = io.BytesIO(source) if isinstance(source, bytes) else source
    staging = get_store().staging_dir
    staging.mkdir(parents=True, exist_ok=True)
    hasher = DualHasher()
    head = b""
    with tempfile.NamedTemporaryFile(dir=staging, prefix="blob-", delete=False) as out:
        path = Path(out.name)
        try:
            while chunk := stream.read(chunk_size):
                if len(head) < filetypes.HEAD_BYTES:
                    head += chunk[: filetypes.HEAD_BYTES - len(head)]
                hasher.update(chunk)
                out.write(chunk)
        except BaseException:
            hasher.close()
            path.unlink(missing_ok=True)
            raise
    sha256, sm3 = hasher.finish()
    return Spooled(path=path, size=hasher.size, sha256=sha256, sm3=sm3, head=head)


def content_put(staged: Staged) -> bool:
    """Move the staged bytes into the store unless live content with this digest is already there.
    Returns True when this call stored them (so a failed transaction can take them out again)."""
    if Blob.objects.filter(sha256=staged.sha256, destroyed_at__isnull=True).exists():
        staged.discard()
        return False
    get_store().put(content_name(staged.sha256), staged.path)
    return True


def content_remove_orphan(sha256: str) -> None:
    """Remove stored content that no live Blob row names (after a rolled-back transaction)."""
    if not Blob.objects.filter(sha256=sha256, destroyed_at__isnull=True).exists():
        get_store().destroy(content_name(sha256))


def blob_record(staged: Staged, *, mime: str, now: dt.datetime | None = None) -> Blob:
    """The Blob row for stored content (created, reused, or revived after a destruction). Call inside
    the caller's transaction, after `content_put`."""
    now = now or timezone.now()
    store = get_store()
    # FOR NO KEY UPDATE, not FOR UPDATE: the row is locked against a concurrent revival or destruction,
    # but not against the foreign-key checks (FOR KEY SHARE) that the rows referring to it run at their
    # COMMIT (Django's PostgreSQL foreign keys are deferred). With FOR UPDATE, a transaction that stored
    # the same bytes and then took the audit chain's lock could wait at COMMIT for this one, while this
    # one waited for the chain's lock: a deadlock (evidence/tests/test_concurrency.py, about 1 run in 10).
    blob = Blob.objects.select_for_update(no_key=True).filter(sha256=staged.sha256).first()
    if blob is not None:
        if blob.destroyed_at is not None:  # the same bytes again after a destruction: stored anew
            blob.destroyed_at = None
            blob.stored_at = now
            blob.backend = store.backend
            blob.save(update_fields=["destroyed_at", "stored_at", "backend"])
        return blob
    try:
        with transaction.atomic():
            return Blob.objects.create(
                sha256=staged.sha256,
                sm3=staged.sm3,
                size=staged.size,
                mime=mime,
                backend=store.backend,
                name=content_name(staged.sha256),
                stored_at=now,
            )
    except IntegrityError:  # the same content stored concurrently: one row wins, both use it
        return Blob.objects.get(sha256=staged.sha256)


def blob_store(
    source: bytes | BinaryIO | IO[bytes], *, mime: str | None = None, declared_sha256: str | None = None
) -> Blob:
    """Store content by its digests and return its Blob (the same bytes are stored once).

    `mime` None means: sniff it from the content (`filetypes.detect`); content of no known type is then
    refused (400 `unsupported_file_type`). `declared_sha256` refuses content that does not match it
    (400 `sha256_mismatch`, nothing kept). Call inside or outside the caller's transaction; if an
    enclosing transaction rolls back, the stored bytes stay as an unreferenced, content-addressed file
    that the same bytes reuse when stored again.
    """
    staged = spool(source)
    stored_now = False
    try:
        if declared_sha256 and declared_sha256.lower() != staged.sha256:
            raise DigestMismatch(
                _(
                    "The file received does not match the declared SHA-256; it was refused and nothing was kept."
                ),
                detail={"declared": declared_sha256, "received": staged.sha256, "size": staged.size},
            )
        if mime is None:
            found = filetypes.detect(staged.head)
            if found is None:
                raise InvalidInput(_("The file type is not recognised."), code="unsupported_file_type")
            mime = found.mime
        stored_now = content_put(staged)
    finally:
        staged.discard()  # no-op once moved into the store
    try:
        with transaction.atomic():
            return blob_record(staged, mime=mime)
    except BaseException:
        if stored_now:
            content_remove_orphan(staged.sha256)
        raise


def blob_open(blob: Blob, *, start: int = 0, length: int | None = None) -> Iterator[bytes]:
    """The stored bytes (or a range of them), streamed. FileNotFoundError (or the S3 client's error)
    when the content is missing."""
    return get_store().chunks(blob.name, start=start, length=length)


def blob_read(blob: Blob) -> bytes:
    """The whole content in memory: only for small generated files (a 文书 PDF) put into other files."""
    return b"".join(blob_open(blob))


def blob_exists(blob: Blob) -> bool:
    return blob.destroyed_at is None and get_store().exists(blob.name)


# --- Verification ---------------------------------------------------------------------------------

VerifyFailedListener = Callable[[Blob, str], None]
_verify_failed_listeners: list[VerifyFailedListener] = []


def register_verify_failed(listener: VerifyFailedListener) -> None:
    """`listener(blob, detail)` runs inside the transaction recording a failed check (to raise the
    domain's alerts). Register in AppConfig.ready()."""
    if listener not in _verify_failed_listeners:
        _verify_failed_listeners.append(listener)


def blob_verify(*, blob: Blob, trigger: str, actor: Any | None = None) -> BlobCheck:
    """Re-hash stored content (outside any transaction: it may be gigabytes) and record the result."""
    store = get_store()
    hasher = DualHasher()
    detail = ""
    try:
        for chunk in store.chunks(blob.name):
            hasher.update(chunk)
    except FileNotFoundError:
        detail = "missing"
    except OSError as exc:
        detail = f"unreadable: {exc.__class__.__name__}"
    except Exception as exc:
        hasher.close()
        if not _is_missing_object(exc):
            raise
        detail = "missing"
    found_sha256, found_sm3 = hasher.finish()
    sha256 = found_sha256 if not detail else ""
    sm3 = found_sm3 if not detail else ""
    ok = not detail and sha256 == blob.sha256 and sm3 == blob.sm3 and hasher.size == blob.size
    if not ok and not detail:
        detail = "digest mismatch" if hasher.size == blob.size else "size and digest mismatch"
    with transaction.atomic():
        now = timezone.now()
        check = BlobCheck.objects.create(
            blob=blob,
            checked_at=now,
            trigger=trigger,
            ok=ok,
            found_sha256=sha256,
            found_sm3=sm3,
            found_size=hasher.size if detail != "missing" else None,
            detail=detail,
        )
        Blob.objects.filter(pk=blob.pk).update(last_checked_at=now, last_check_ok=ok)
        blob.last_checked_at, blob.last_check_ok = now, ok
        if not ok:
            audit_record(
                actor=actor,
                action="files.verify_failed",
                obj=blob,
                summary={"sha256": blob.sha256, "detail": detail, "found_sha256": sha256, "trigger": trigger},
            )
            for listener in _verify_failed_listeners:
                listener(blob, detail)
    return check


def _is_missing_object(exc: Exception) -> bool:
    """S3 reports a missing key as a botocore ClientError (NoSuchKey / 404), not FileNotFoundError."""
    response = getattr(exc, "response", None)
    if not isinstance(response, dict):
        return False
    code = str(response.get("Error", {}).get("Code", ""))
    return code in {"NoSuchKey", "404", "NotFound"}


def in_batches(queryset: Any, size: int = 200) -> Any:
    """Rows of `queryset` by primary key, a batch at a time. Verification writes to the table it walks
    (last_checked_at), so it must not hold one cursor open across the whole store."""
    last = 0
    while True:
        batch = list(queryset.filter(pk__gt=last).order_by("pk")[:size])
        if not batch:
            return
        yield from batch
        last = batch[-1].pk


def verification_fresh(blob: Blob, *, within: dt.timedelta, now: dt.datetime | None = None) -> bool:
    now = now or timezone.now()
    return (
        bool(blob.last_check_ok) and blob.last_checked_at is not None and now - blob.last_checked_at <= within
    )


# --- Retention: content is destroyed only when nothing refers to it --------------------------------

BlobReference = Callable[[Blob], bool]
_references: dict[str, BlobReference] = {}


def register_blob_reference(name: str, refers: BlobReference) -> None:
    """`refers(blob)` is True while the domain still keeps a live record using this content (live
    evidence, a generated document, a complaint attachment). Register in AppConfig.ready(); a domain's
    own retention rules decide when its record stops being live."""
    _references[name] = refers


def blob_in_use(blob: Blob) -> bool:
    return any(refers(blob) for refers in _references.values())


def blob_destroy(*, blob: Blob, now: dt.datetime | None = None) -> bool:
    """Destroy the content if no registered domain refers to it any more; True when it was destroyed.
    Call inside the transaction that ended the last reference; the bytes go after it commits."""
    if blob.destroyed_at is not None or blob_in_use(blob):
        return False
    blob.destroyed_at = now or timezone.now()
    blob.save(update_fields=["destroyed_at"])
    name = blob.name
    transaction.on_commit(lambda: get_store().destroy(name))
    return True
