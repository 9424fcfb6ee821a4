"""Receiving evidence content: streamed to a staging file and hashed (SM3 and SHA-256) on the way.

Nothing here holds a whole file in memory. An HTTP upload goes through `EvidenceUploadHandler`, a Django
upload handler that writes each chunk of the multipart body to a staging file and feeds both digests;
other sources (demo data, management commands, resumable uploads) go through `stage_stream`.

Django's multipart parser accepts a body that stops short — a dropped connection mid-file reads as a
shorter, "complete" file. `streamed_upload` therefore counts the bytes of the request body and checks
that the closing boundary arrived; otherwise the upload is refused and the staging file removed.
"""

from __future__ import annotations

import errno
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, BinaryIO

from django.core.exceptions import SuspiciousOperation
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, SkipFile, StopFutureHandlers
from django.http import HttpRequest
from django.http.multipartparser import MultiPartParserError
from django.utils.http import parse_header_parameters
from django.utils.translation import gettext_lazy as _

from zhifa.core.errors import DomainError, InvalidInput
from zhifa.core.files.filetypes import HEAD_BYTES
from zhifa.core.files.hashing import DualHasher

CHUNK = 1024 * 1024  # large chunks: fewer Python-level iterations per gigabyte


@dataclass
class StagedFile:
    """Content received into the staging area, with its digests and first bytes."""

    path: Path
    size: int
    sha256: str
    sm3: str
    head: bytes
    original_name: str = ""
    client_content_type: str = ""

    def discard(self) -> None:
        self.path.unlink(missing_ok=True)

    @property
    def present(self) -> bool:
        return self.path.exists()


def _new_staging_file(staging_dir: Path, prefix: str = "up-") -> IO[bytes]:
    staging_dir.mkdir(parents=True, exist_ok=True)
    return tempfile.NamedTemporaryFile(dir=staging_dir, prefix=prefix, delete=False)


def stage_stream(
    source: BinaryIO | IO[bytes], *, staging_dir: Path, original_name: str = "", chunk_size: int = CHUNK
) -> StagedFile:
    """Copy a readable stream into the staging area, hashing as it goes."""
    hasher = DualHasher()
    head = b""
    out = _new_staging_file(staging_dir)
    try:
        with out:
            while chunk := source.read(chunk_size):
                if len(head) < HEAD_BYTES:
                    head += chunk[: HEAD_BYTES - len(head)]
                hasher.update(chunk)
                out.write(chunk)
    except BaseException:
        hasher.close()
        Path(out.name).unlink(missing_ok=True)
        raise
    sha256, sm3 = hasher.finish()
    return StagedFile(
        path=Path(out.name), size=hasher.size, sha256=sha256, sm3=sm3, head=head, original_name=original_name
    )


def rehash_file(path: Path, *, chunk_size: int = CHUNK) -> tuple[str, str, int, bytes]:
    """(sha256, sm3, size, head) of a file on disk, read in chunks."""
    hasher = DualHasher()
    head = b""
    with open(path, "rb") as fh:
        while chunk := fh.read(chunk_size):
            if len(head) < HEAD_BYTES:
                head += chunk[: HEAD_BYTES - len(head)]
            hasher.update(chunk)
    sha256, sm3 = hasher.finish()
    return sha256, sm3, hasher.size, head


class StagedUpload(UploadedFile):  # type: ignore[type-arg]
    """What the handler returns to Django for the `file` field: a closed staging file and its digests."""

    def __init__(self, staged: StagedFile, handle: IO[bytes]) -> None:
        super().__init__(
            file=handle,
            name=staged.original_name,
            content_type=staged.client_content_type,
            size=staged.size,
        )
        self.staged = staged


class EvidenceUploadHandler(FileUploadHandler):
    """Writes the `file` field of a multipart body to the staging area, hashing every chunk.

    Any other file field is skipped (its bytes are read and dropped) and reported, so a request with
    two files is refused instead of silently keeping one.
    """

    chunk_size = CHUNK

    def __init__(self, request: HttpRequest, staging_dir: Path) -> None:
        super().__init__(request)
        self.staging_dir = staging_dir
        self.staged: list[StagedFile] = []
        self.unexpected: list[str] = []
        self._out: IO[bytes] | None = None
        self._hasher = DualHasher()
        self._head = b""

    def new_file(self, field_name: str, file_name: str, *args: Any, **kwargs: Any) -> None:
        super().new_file(field_name, file_name, *args, **kwargs)
        if field_name != "file" or self.staged or self._out is not None:
            self.unexpected.append(field_name)
            raise SkipFile
        self._out = _new_staging_file(self.staging_dir)
        self._hasher.close()
        self._hasher = DualHasher()
        self._head = b""
        raise StopFutureHandlers

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        if self._out is None:
            return None
        if len(self._head) < HEAD_BYTES:
            self._head += raw_data[: HEAD_BYTES - len(self._head)]
        self._hasher.update(raw_data)
        self._out.write(raw_data)
        return None

    def file_complete(self, file_size: int) -> StagedUpload | None:
        out = self._out
        if out is None:
            return None
        out.close()
        self._out = None
        sha256, sm3 = self._hasher.finish()
        staged = StagedFile(
            path=Path(out.name),
            size=self._hasher.size,
            sha256=sha256,
            sm3=sm3,
            head=self._head,
            original_name=self.file_name or "",
            client_content_type=self.content_type or "",
        )
        self.staged.append(staged)
        return StagedUpload(staged, out)

    def upload_interrupted(self) -> None:
        self.discard_all()

    def discard_all(self) -> None:
        self._hasher.close()
        if self._out is not None:
            self._out.close()
            Path(self._out.name).unlink(missing_ok=True)
            self._out = None
        for staged in self.staged:
            staged.discard()


class _CountingStream:
    """Wraps the request body stream: counts bytes and keeps the last few, to tell a complete multipart
    body (closing boundary present, Content-Length reached) from a cut one."""

    def __init__(self, stream: Any, keep: int) -> None:
        self._stream = stream
        self._keep = keep
        self.count = 0
        self.tail = b""

    def read(self, *args: Any, **kwargs: Any) -> bytes:
        data: bytes = self._stream.read(*args, **kwargs)
        self.count += len(data)
        self.tail = (self.tail + data[-self._keep :])[-self._keep :]
        return data

    def readline(self, *args: Any, **kwargs: Any) -> bytes:
        data: bytes = self._stream.readline(*args, **kwargs)
        self.count += len(data)
        self.tail = (self.tail + data[-self._keep :])[-self._keep :]
        return data

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


@dataclass
class ParsedUpload:
    staged: StagedFile
    fields: dict[str, str] = field(default_factory=dict)


class UploadRefused(InvalidInput):
    code = "upload_refused"


class DiskFull(DomainError):
    """The server's staging disk is full: a clear 507, and nothing of the upload is kept."""

    status = 507
    code = "insufficient_storage"


@dataclass
class UploadState:
    """What `prepare_upload` installed on a request: the handler and the body counter."""

    handler: EvidenceUploadHandler
    counter: _CountingStream
    closing: bytes
    declared_length: int


def prepare_upload(request: HttpRequest, *, staging_dir: Path) -> UploadState:
    """Install the streaming handler and the body counter before anything reads the body (Django's
    CSRF check reads it for a page's form post)."""
    content_type, params = parse_header_parameters(request.META.get("CONTENT_TYPE", ""))
    if content_type != "multipart/form-data" or "boundary" not in params:
        raise UploadRefused(_("Send the file as multipart/form-data with a field named “file”."))
    try:
        declared_length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared_length = 0
    if declared_length <= 0:
        raise UploadRefused(_("The upload is empty or its length is unknown."))
    closing = b"--" + params["boundary"].encode("latin-1") + b"--"
    handler = EvidenceUploadHandler(request, staging_dir)
    counter = _CountingStream(request._stream, keep=len(closing) + 1024)  # type: ignore[attr-defined]
    setattr(request, "_stream", counter)  # noqa: B010 — Django reads the body through request._stream
    request.upload_handlers = [handler]
    return UploadState(handler=handler, counter=counter, closing=closing, declared_length=declared_length)


def parse_upload(request: HttpRequest, state: UploadState) -> ParsedUpload:
    """Read the body (if nothing has yet) and check that it arrived whole, with exactly one file."""
    try:
        files = request.FILES
        fields = {key: request.POST.get(key, "") for key in request.POST}
    except MultiPartParserError as exc:
        raise UploadRefused(_("The upload could not be read: %(reason)s") % {"reason": exc}) from exc
    except SuspiciousOperation as exc:  # too many fields or files, oversized form fields
        raise UploadRefused(_("The upload could not be read: %(reason)s") % {"reason": exc}) from exc
    except OSError as exc:
        if exc.errno in {errno.ENOSPC, errno.EDQUOT}:  # our disk, not the client: say so (507)
            raise DiskFull(
                _("The server has no room to store this upload now; nothing was kept. Send it again later.")
            ) from exc
        # otherwise the client went away mid-body
        raise UploadRefused(_("The upload was interrupted before it was complete.")) from exc
    if state.counter.count < state.declared_length or state.closing not in state.counter.tail:
        raise UploadRefused(
            _("The upload was interrupted before it was complete; nothing was kept. Send it again."),
            code="upload_truncated",
            detail={"received_bytes": state.counter.count, "declared_bytes": state.declared_length},
        )
    if state.handler.unexpected:
        raise UploadRefused(
            _("Send exactly one file, in the field named “file”."),
            detail={"unexpected_fields": state.handler.unexpected},
        )
    upload = files.get("file")
    if not isinstance(upload, StagedUpload):
        raise UploadRefused(_("No file was sent in the field named “file”."), code="file_missing")
    return ParsedUpload(staged=upload.staged, fields=fields)


@contextmanager
def streamed_upload(request: HttpRequest, *, staging_dir: Path) -> Iterator[ParsedUpload]:
    """Parse a multipart evidence upload without holding the file in memory.

    Yields the staged file and the form fields. Whatever happens inside the block, a staged file that
    was not moved into the store is removed on exit: a refused upload keeps nothing.
    """
    state = prepare_upload(request, staging_dir=staging_dir)
    try:
        yield parse_upload(request, state)
    finally:
        state.handler.discard_all()
