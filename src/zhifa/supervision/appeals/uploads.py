"""Files received with an appeal — a one-click application's attachments, the court's notice of
response (应诉通知书) — checked and stored by the shared door for small uploads (`core.files.uploads`:
by content, hashed while read, the extension against the bytes, whether it opens; nothing written
before every check passed). Accepted: PDF, JPEG and PNG (the papers of an appeal are scans and
photos)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from zhifa.core.files.uploads import JPEG, PDF, PNG, CheckedFile, Policy
from zhifa.core.files.uploads import check_files as _check_files
from zhifa.core.files.uploads import store as store

POLICY = Policy(kinds=(PDF, JPEG, PNG), code="file")
MAX_ATTACHMENTS = POLICY.max_files
MAX_FILE_BYTES = POLICY.max_file_bytes
MAX_TOTAL_BYTES = POLICY.max_total_bytes
ACCEPT_ATTRIBUTE = POLICY.accept_attribute


def check_files(files: Iterable[Any], *, field: str, max_files: int | None = None) -> list[CheckedFile]:
    """Read and check every file; refuse the whole set on the first problem with a 400 naming the file
    and `field`. Nothing is stored here."""
    return _check_files(files, POLICY, field=field, max_files=max_files)
