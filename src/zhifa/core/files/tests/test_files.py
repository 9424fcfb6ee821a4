"""core.files on its own: storing by content, refusals that keep nothing, verification, destruction
only when no domain refers to the content, and the Range header."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest

from zhifa.core.errors import InvalidInput
from zhifa.core.files import services
from zhifa.core.files.models import Blob, BlobCheck
from zhifa.core.files.serving import ByteRange, RangeNotSatisfiable, parse_range

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n" + b"0123456789" * 500 + b"\n%%EOF\n"


@pytest.fixture(autouse=True)
def store_root(tmp_path: Path, settings: Any) -> Path:
    root = tmp_path / "files"
    settings.ZHIFA_FILES_STORAGE = {"storage": "local", "root": str(root)}
    return root


def _files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


def test_content_is_stored_once_under_its_digests(store_root) -> None:
    first = services.blob_store(PDF)
    again = services.blob_store(PDF, mime="application/pdf")
    assert first.pk == again.pk and first.mime == "application/pdf"  # sniffed the first time
    assert (
        first.sha256 == hashlib.sha256(PDF).hexdigest() and first.sm3 == hashlib.new("sm3", PDF).hexdigest()
    )
    assert first.name == f"sha256/{first.sha256[:2]}/{first.sha256[2:4]}/{first.sha256}"
    assert [p.read_bytes() for p in _files(store_root)] == [PDF]
    assert services.blob_read(first) == PDF
    assert b"".join(services.blob_open(first, start=9, length=10)) == b"0123456789"


def test_a_wrong_declared_digest_or_an_unknown_type_keeps_nothing(store_root) -> None:
    with pytest.raises(InvalidInput) as exc:
        services.blob_store(PDF, declared_sha256="0" * 64)
    assert exc.value.code == "sha256_mismatch"
    with pytest.raises(InvalidInput) as exc:
        services.blob_store(b"MZ\x90\x00" + b"\x00" * 60)
    assert exc.value.code == "unsupported_file_type"
    assert _files(store_root) == [] and not Blob.objects.exists()


def test_verification_records_a_tampered_file_and_tells_the_listeners(store_root) -> None:
    blob = services.blob_store(PDF)
    heard: list[tuple[int, str]] = []

    def listener(b: Blob, detail: str) -> None:
        heard.append((b.pk, detail))

    services.register_verify_failed(listener)
    try:
        assert services.blob_verify(blob=blob, trigger=BlobCheck.Trigger.MANUAL).ok
        path = _files(store_root)[0]
        path.chmod(0o640)
        path.write_bytes(PDF.replace(b"0123", b"9999", 1))
        check = services.blob_verify(blob=blob, trigger=BlobCheck.Trigger.MANUAL)
        assert not check.ok and check.detail == "digest mismatch" and heard == [(blob.pk, "digest mismatch")]
        path.unlink()
        assert services.blob_verify(blob=blob, trigger=BlobCheck.Trigger.MANUAL).detail == "missing"
    finally:
        services._verify_failed_listeners.remove(listener)


def test_content_is_destroyed_only_when_no_domain_refers_to_it(
    store_root, django_capture_on_commit_callbacks
) -> None:
    blob = services.blob_store(PDF)
    kept = {"yes": True}
    services.register_blob_reference("test", lambda b: kept["yes"])
    try:
        assert services.blob_destroy(blob=blob) is False and _files(store_root)
        kept["yes"] = False
        with django_capture_on_commit_callbacks(execute=True):
            assert services.blob_destroy(blob=blob) is True
        blob.refresh_from_db()
        assert blob.destroyed_at is not None and _files(store_root) == []
        # The same bytes stored again revive the row and the file.
        assert services.blob_store(PDF).pk == blob.pk and _files(store_root)
    finally:
        services._references.pop("test", None)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("", None),
        ("bytes=0-9", ByteRange(0, 9)),
        ("bytes=90-", ByteRange(90, 99)),
        ("bytes=-10", ByteRange(90, 99)),
        ("bytes=-500", ByteRange(0, 99)),
        ("bytes=50-5000", ByteRange(50, 99)),
        ("bytes=9-3", None),  # invalid: the whole file
        ("bytes=0-1,5-6", None),  # several ranges: the whole file
        ("items=0-9", None),
    ],
)
def test_range_headers(header: str, expected: ByteRange | None) -> None:
    assert parse_range(header, 100) == expected


@pytest.mark.parametrize("header", ["bytes=100-", "bytes=-0", "bytes=500-600"])
def test_unsatisfiable_ranges(header: str) -> None:
    with pytest.raises(RangeNotSatisfiable):
        parse_range(header, 100)
