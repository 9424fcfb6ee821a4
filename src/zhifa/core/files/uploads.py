"""Small files received with a form or an API call — a complaint's attachments, an appeal's papers —
checked the one way before anything is written: by content (`filetypes`), not by the name or the
browser's claim; the size while read; hashed while read (SHA-256 and SM3, `hashing`); the name's
extension against the bytes; and whether the file opens (a truncated image, a PDF without pages, an
MP4 whose boxes do not chain). Stored by content through `services.blob_store`, so the same bytes are
kept once and never modified. Evidence, with its resumable uploads of large recordings, has its own
door (`evidence.uploads`) built on the same parts.

Each domain states its `Policy` (which kinds, how many, how large, and the stem of its error codes, so
its API keeps its own codes: `attachment_type`, `file_corrupt` …).
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
from zhifa.core.files.hashing import DualHasher
from zhifa.core.files.models import Blob
from zhifa.core.files.services import blob_store

MB = 1024 * 1024
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

# sniffed type → kind; phones' ISO media videos (MP4, MOV, 3GP) count as MP4
_SNIFFED: dict[str, Kind] = {
    filetypes.JPEG.mime: JPEG,
    filetypes.PNG.mime: PNG,
    filetypes.PDF.mime: PDF,
    filetypes.MP4.mime: MP4,
    filetypes.MOV.mime: MP4,
    filetypes.V3GP.mime: MP4,
}


@dataclass(frozen=True)
class Policy:
    kinds: tuple[Kind, ...]
    max_files: int = 5
    max_file_bytes: int = 10 * MB
    max_total_bytes: int = 30 * MB
    code: str = "file"  # error codes: too_many_<code>s, <code>_too_large, <code>_type …

    @property
    def accept_attribute(self) -> str:
        """For `<input type=file accept=…>`."""
        return ",".join(ext for k in self.kinds for ext in k.extensions)


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

    @property
    def mime(self) -> str:
        return self.kind.content_type


def sniff(head: bytes, kinds: Iterable[Kind]) -> Kind | None:
    """The kind from the first bytes, or None when it is not one of `kinds`."""
    found = filetypes.detect(head)
    kind = _SNIFFED.get(found.mime) if found is not None else None
    return kind if kind in tuple(kinds) else None


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


def opens(kind: Kind, data: bytes) -> bool:
    """Does the file decode as what its bytes say it is? (Pillow ships with WeasyPrint; pypdf.)"""
    try:
        if kind in (JPEG, PNG):
            from PIL import Image

            with Image.open(io.BytesIO(data)) as img:
                img.load()  # decodes the pixels: a truncated image fails here, verify() would not
            return True
        if kind is PDF:
            from pypdf import PdfReader

            return len(PdfReader(io.BytesIO(data), strict=False).pages) > 0
        return _boxes_chain(data)
    except Exception:
        return False


def opens_detected(found: filetypes.FileType, data: bytes) -> bool:
    """`opens` for a file a domain accepts by its detected type (`filetypes.detect`) rather than by a
    `Policy` — the centre's response materials, a normative document's files: the kinds this module
    can decode are decoded, the Office Open XML and ODF packages must be whole ZIP archives (a
    truncated one has no central directory), and the other types pass on their signature alone."""
    kind = _SNIFFED.get(found.mime)
    if kind is not None:
        return opens(kind, data)
    if found in (filetypes.DOCX, filetypes.XLSX, filetypes.ODF):
        import zipfile

        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                # testzip() inflates every member: refuse first what would inflate past the bound (a
                # "zip bomb" would otherwise hold the request for minutes)
                if sum(member.file_size for member in archive.infolist()) > MAX_UNPACKED_BYTES:
                    return False
                return archive.testzip() is None
        except (zipfile.BadZipFile, EOFError, ValueError, OSError, NotImplementedError):
            return False
    return True


# An office document larger than this once unpacked is not a document people upload (a 50 MB .docx of
# text and images unpacks to a few times its size).
MAX_UNPACKED_BYTES = 512 * MB


def _boxes_chain(data: bytes) -> bool:
    """ISO media (MP4): the boxes' sizes chain to the end of the file."""
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
            return True  # the last box extends to the end of the file
        if size < 8:
            return False
        pos += size
    return pos == len(data)


def check_files(
    files: Iterable[Any], policy: Policy, *, field: str | None = None, max_files: int | None = None
) -> list[CheckedFile]:
    """Read, hash and check every file (Django `UploadedFile`s); refuse the whole set on the first
    problem with a 400 naming the file (and `field` in the detail). Nothing is stored here."""
    uploads = [f for f in files if f is not None]
    code = policy.code
    detail = {"field": field} if field else {}
    limit = policy.max_files if max_files is None else max_files
    if len(uploads) > limit:
        raise InvalidInput(
            _("At most %(n)d files can be sent.") % {"n": limit}, code=f"too_many_{code}s", detail=detail
        )
    checked: list[CheckedFile] = []
    total = 0
    for upload in uploads:
        name = clean_name(str(getattr(upload, "name", "") or ""))
        hasher = DualHasher(threaded=False)  # at most a few MB: no helper thread needed
        buf = io.BytesIO()
        size = 0
        for chunk in upload.chunks(CHUNK):
            size += len(chunk)
            if size > policy.max_file_bytes:
                raise InvalidInput(
                    _("The file %(name)s is larger than %(mb)d MB.")
                    % {"name": name, "mb": policy.max_file_bytes // MB},
                    code=f"{code}_too_large",
                    detail=detail,
                )
            hasher.update(chunk)
            buf.write(chunk)
        data = buf.getvalue()
        if not data:
            raise InvalidInput(
                _("The file %(name)s is empty.") % {"name": name}, code=f"{code}_empty", detail=detail
            )
        total += size
        if total > policy.max_total_bytes:
            raise InvalidInput(
                _("The files together are larger than %(mb)d MB.") % {"mb": policy.max_total_bytes // MB},
                code=f"{code}s_too_large",
                detail=detail,
            )
        sha256, sm3 = hasher.finish()
        kind = sniff(data[: filetypes.HEAD_BYTES], policy.kinds)
        if kind is None:
            raise InvalidInput(
                _("The file %(name)s is not one of the kinds accepted here (%(kinds)s).")
                % {"name": name, "kinds": "、".join(k.label for k in policy.kinds)},
                code=f"{code}_type",
                detail=detail,
            )
        ext = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
        if ext and ext not in kind.extensions:
            raise InvalidInput(
                _("The file %(name)s is named %(ext)s but its content is %(kind)s.")
                % {"name": name, "ext": ext, "kind": kind.label},
                code=f"{code}_type_mismatch",
                detail=detail,
            )
        if not opens(kind, data):
            raise InvalidInput(
                _("The file %(name)s is damaged and cannot be opened.") % {"name": name},
                code=f"{code}_corrupt",
                detail=detail,
            )
        checked.append(CheckedFile(name, kind, data, sha256, sm3))
    return checked


def store(file: CheckedFile) -> Blob:
    """Write once by content; the same bytes sent twice share one stored file."""
    return blob_store(file.data, mime=file.mime, declared_sha256=file.sha256)
