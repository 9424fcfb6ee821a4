"""Attachments sent with a complaint: photos, PDFs and short phone videos, checked and stored by the
shared door for small uploads (`core.files.uploads`: by content, hashed SHA-256 and SM3 while read,
the extension against the bytes, whether it opens; nothing written before every check passed), and
served only to the handlers (`views.attachment`)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from zhifa.core.files.uploads import JPEG, MP4, PDF, PNG, CheckedFile, Policy
from zhifa.core.files.uploads import check_files as _check_files
from zhifa.core.files.uploads import store as store

POLICY = Policy(kinds=(JPEG, PNG, PDF, MP4), code="attachment")
MAX_FILES = POLICY.max_files
MAX_FILE_BYTES = POLICY.max_file_bytes
MAX_TOTAL_BYTES = POLICY.max_total_bytes
ACCEPT_ATTRIBUTE = POLICY.accept_attribute


def check_files(files: Iterable[Any]) -> list[CheckedFile]:
    """Read, hash and check every file; refuse the whole set on the first problem (nothing is kept)."""
    return _check_files(files, POLICY)
