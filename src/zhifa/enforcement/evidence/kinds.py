"""Which file families each kind of evidence accepts (the type itself is sniffed by core.files)."""

from __future__ import annotations

from zhifa.core.files.filetypes import FileType

# A scanned record can be an image or a PDF.
KIND_FAMILIES: dict[str, frozenset[str]] = {
    "photo": frozenset({"image"}),
    "video": frozenset({"video"}),
    "audio": frozenset({"audio"}),
    "document": frozenset({"document", "image", "text"}),
    "record": frozenset({"document", "image", "text"}),
}


def accepts(kind: str, filetype: FileType) -> bool:
    return filetype.family in KIND_FAMILIES.get(kind, frozenset())
