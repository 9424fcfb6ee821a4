"""Attachments sent with a complaint, checked the way evidence is: by content (`core.files.filetypes`),
not by name or the browser's claim; hashed while read (SHA-256 and SM3, `core.files.hashing`); stored
by content through `core.files` so they are never modified, and served only to the handlers.

A file is refused, with a message naming it, when it is empty or too large, when its bytes are not one
of the accepted kinds, when its name's extension contradicts its bytes, or when it does not parse
(a truncated JPEG, a PDF without its trailer). Validation happens before anything is written.
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from zhifa.core.errors import InvalidInput
from zhifa.core.files import filetypes
from zhifa.core.files.hashing import DualHasher
from zhifa.core.files.models import Blob
from zhifa.core.files.services import blob_store

MAX_FILES = 5
MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_TOTAL_BYTES = 30 * 1024 * 1024
CHUNK = 64 * 1024


@dataclass(frozen=True)
class Kind:
    content_type: str
    extensions: tuple[str, ...]
    label: str


JPEG = Kind("image/jpeg", (".jpg", ".jpeg"), "JPEG")
PNG = Kind("image/png", (".png",), "PNG")
PDF = Kind("application/pdf", (".pdf",), "PDF")
MP4 = Kind("video/mp4", (".mp4", ".m4v"), "MP4")
KINDS = (JPEG, PNG, PDF, MP4)
ACCEPT_ATTRIBUTE = ",".join(ext for k in KINDS for ext in k.extensions)


@dataclass(frozen=True)
class CheckedFile:
    name: str
    kind: Kind
    data: bytes
    sha256: str
    sm3: str

    @property
    def size(self) -> int:
        return len(self.data)


# The sniffed types a complaint may carry; phones' ISO media videos (MP4, MOV, 3GP) count as MP4.
_ACCEPTED: dict[str, Kind] = {
    filetypes.JPEG.mime: JPEG,
    filetypes.PNG.mime: PNG,
    filetypes.PDF.mime: PDF,
    filetypes.MP4.mime: MP4,
    filetypes.MOV.mime: MP4,
    filetypes.V3GP.mime: MP4,
}


def sniff(head: bytes) -> Kind | None:
    """The kind from the first bytes (core.files.filetypes), or None when not one we accept."""
    found = filetypes.detect(head)
    return _ACCEPTED.get(found.mime) if found is not None else None


_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\<>:\"|?*]")


def clean_name(name: str) -> str:
    """A display name safe to show and store: no path, no control or shell characters, ≤ 120 chars."""
    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = _UNSAFE.sub("_", name).strip(" .") or "file"
    if len(name) > 120:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: 110 - len(ext)] + dot + ext) if dot and len(ext) <= 8 else name[:120]
    return name


def _parses(kind: Kind, data: bytes) -> bool:
    """Does the file decode as what it claims to be? Pillow ships with WeasyPrint; pypdf reads PDFs."""
    try:
        if kind in (JPEG, PNG):
            from PIL import Image

            with Image.open(io.BytesIO(data)) as img:
                img.load()  # decodes the pixels: a truncated image fails here, verify() would not
            return True
        if kind is PDF:
            from pypdf import PdfReader

            reader = PdfReader(io.BytesIO(data), strict=False)
            return len(reader.pages) > 0
        # MP4: the box structure must hold together: sizes chain to the end of the file.
        pos = 0
        while pos < len(data):
            if pos + 8 > len(data):
                return False
            size = int.from_bytes(data[pos : pos + 4], "big")
            if size == 1:
                if pos + 16 > len(data):
                    return False
                size = int.from_bytes(data[pos + 8 : pos + 16], "big")
            elif size == 0:
                return True  # box extends to the end of the file
            if size < 8:
                return False
            pos += size
        return pos == len(data)
    except Exception:
        return False


def check_files(files: Iterable[UploadedFile[bytes]]) -> list[CheckedFile]:
    """Read, hash and check every file; refuse the whole set on the first problem (nothing is kept)."""
    files = [f for f in files if f is not None]
    if len(files) > MAX_FILES:
        raise InvalidInput(
            _("At most %(n)d attachments can be sent.") % {"n": MAX_FILES}, code="too_many_attachments"
        )
    checked: list[CheckedFile] = []
    total = 0
    for upload in files:
        name = clean_name(upload.name or "")
        hasher = DualHasher(threaded=False)  # at most 10 MB: no helper thread needed
        buf = io.BytesIO()
        size = 0
        for chunk in upload.chunks(CHUNK):
            size += len(chunk)
            if size > MAX_FILE_BYTES:
                raise InvalidInput(
                    _("The file %(name)s is larger than %(mb)d MB.")
                    % {"name": name, "mb": MAX_FILE_BYTES // (1024 * 1024)},
                    code="attachment_too_large",
                )
            hasher.update(chunk)
            buf.write(chunk)
        data = buf.getvalue()
        if not data:
            raise InvalidInput(_("The file %(name)s is empty.") % {"name": name}, code="attachment_empty")
        total += size
        if total > MAX_TOTAL_BYTES:
            raise InvalidInput(
                _("The attachments together are larger than %(mb)d MB.")
                % {"mb": MAX_TOTAL_BYTES // (1024 * 1024)},
                code="attachments_too_large",
            )
        sha256, sm3 = hasher.finish()
        kind = sniff(data[: filetypes.HEAD_BYTES])
        if kind is None:
            raise InvalidInput(
                _("The file %(name)s is not a JPEG or PNG image, a PDF or an MP4 video.") % {"name": name},
                code="attachment_type",
            )
        ext = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
        if ext and ext not in kind.extensions:
            raise InvalidInput(
                _("The file %(name)s is named %(ext)s but its content is %(kind)s.")
                % {"name": name, "ext": ext, "kind": kind.label},
                code="attachment_type_mismatch",
            )
        if not _parses(kind, data):
            raise InvalidInput(
                _("The file %(name)s is damaged and cannot be opened.") % {"name": name},
                code="attachment_corrupt",
            )
        checked.append(CheckedFile(name, kind, data, sha256, sm3))
    return checked


def store(file: CheckedFile) -> Blob:
    """Write once by content through core.files; the same bytes sent twice share one stored file."""
    return blob_store(file.data, mime=file.kind.content_type, declared_sha256=file.sha256)
