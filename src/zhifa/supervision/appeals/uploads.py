"""Files received with an appeal — a one-click application's attachments, the court's notice of
response (应诉通知书) — checked the way evidence is before anything is written: by content
(`core.files.filetypes`), not by the name or the browser's claim; the size while read; the name's
extension against the bytes; and whether the file opens (a truncated image, a PDF without pages).
Accepted: PDF, JPEG and PNG (the papers of an appeal are scans and photos). Stored by content through
`core.files.services.blob_store`, so the same bytes are kept once and never modified.
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from zhifa.core.errors import InvalidInput
from zhifa.core.files import filetypes
from zhifa.core.files.models import Blob
from zhifa.core.files.services import blob_store

MAX_ATTACHMENTS = 5
MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_TOTAL_BYTES = 30 * 1024 * 1024
CHUNK = 64 * 1024

# sniffed MIME type → the extensions a file of that type may carry
ACCEPTED: dict[str, tuple[str, ...]] = {
    filetypes.PDF.mime: (".pdf",),
    filetypes.JPEG.mime: (".jpg", ".jpeg"),
    filetypes.PNG.mime: (".png",),
}
ACCEPT_ATTRIBUTE = ",".join(ext for exts in ACCEPTED.values() for ext in exts)


@dataclass(frozen=True)
class CheckedFile:
    name: str
    mime: str
    data: bytes

    @property
    def size(self) -> int:
        return len(self.data)


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


def _opens(mime: str, data: bytes) -> bool:
    """Does the file decode as what its bytes say it is? (Pillow ships with WeasyPrint; pypdf.)"""
    try:
        if mime == filetypes.PDF.mime:
            from pypdf import PdfReader

            return len(PdfReader(io.BytesIO(data), strict=False).pages) > 0
        from PIL import Image

        with Image.open(io.BytesIO(data)) as img:
            img.load()  # decodes the pixels: a truncated image fails here
        return True
    except Exception:
        return False


def check_files(
    files: Iterable[Any],
    *,
    field: str,
    max_files: int = MAX_ATTACHMENTS,
    max_file_bytes: int = MAX_FILE_BYTES,
) -> list[CheckedFile]:
    """Read and check every file (Django `UploadedFile`s); refuse the whole set on the first problem
    with a 400 naming the file and `field`. Nothing is stored here."""
    uploads = [f for f in files if f is not None]
    if len(uploads) > max_files:
        raise InvalidInput(
            _("At most %(n)d files can be sent.") % {"n": max_files},
            code="too_many_files",
            detail={"field": field},
        )
    checked: list[CheckedFile] = []
    total = 0
    for upload in uploads:
        name = clean_name(str(getattr(upload, "name", "") or ""))
        buf = io.BytesIO()
        size = 0
        for chunk in upload.chunks(CHUNK):
            size += len(chunk)
            if size > max_file_bytes:
                raise InvalidInput(
                    _("The file %(name)s is larger than %(mb)d MB.")
                    % {"name": name, "mb": max_file_bytes // (1024 * 1024)},
                    code="file_too_large",
                    detail={"field": field},
                )
            buf.write(chunk)
        data = buf.getvalue()
        if not data:
            raise InvalidInput(
                _("The file %(name)s is empty.") % {"name": name}, code="file_empty", detail={"field": field}
            )
        total += size
        if total > MAX_TOTAL_BYTES:
            raise InvalidInput(
                _("The files together are larger than %(mb)d MB.") % {"mb": MAX_TOTAL_BYTES // (1024 * 1024)},
                code="files_too_large",
                detail={"field": field},
            )
        found = filetypes.detect(data[: filetypes.HEAD_BYTES])
        if found is None or found.mime not in ACCEPTED:
            raise InvalidInput(
                _("The file %(name)s is not a PDF or a JPEG or PNG image.") % {"name": name},
                code="file_type",
                detail={"field": field},
            )
        ext = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
        if ext and ext not in ACCEPTED[found.mime]:
            raise InvalidInput(
                _("The file %(name)s is named %(ext)s but its content is %(kind)s.")
                % {"name": name, "ext": ext, "kind": found.label},
                code="file_type_mismatch",
                detail={"field": field},
            )
        if not _opens(found.mime, data):
            raise InvalidInput(
                _("The file %(name)s is damaged and cannot be opened.") % {"name": name},
                code="file_corrupt",
                detail={"field": field},
            )
        checked.append(CheckedFile(name=name, mime=found.mime, data=data))
    return checked


def store(file: CheckedFile) -> Blob:
    """Write once by content through core.files (the same bytes sent twice share one stored file)."""
    return blob_store(file.data, mime=file.mime)
