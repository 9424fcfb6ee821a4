import io
from pathlib import Path

import pytest

from zhifa.audit.models import AuditEntry
from zhifa.core.errors import Forbidden, InvalidInput
from zhifa.core.files.models import Blob
from zhifa.core.files.storage import get_store
from zhifa.enforcement.evidence.factories import digests, jpeg_bytes, make_evidence, mp4_bytes
from zhifa.enforcement.evidence.meta import EvidenceMeta
from zhifa.enforcement.evidence.models import Evidence
from zhifa.enforcement.evidence.services import evidence_ingest
from zhifa.enforcement.evidence.staging import stage_stream

from .conftest import staging_files, stored_files

pytestmark = pytest.mark.django_db


def test_a_photo_is_stored_by_content_with_both_digests(world, evidence_root: Path) -> None:
    data = jpeg_bytes("shop front", seed=1)
    sha256, sm3 = digests(data)
    ev = make_evidence(
        actor=world.officer_a,
        agency=world.agency_a,
        data=data,
        name="IMG_0001.jpg",
        device="DSJ-001",
        location="人民路12号",
    )
    assert ev.kind == "photo"  # inferred from the content
    assert (ev.blob.sha256, ev.blob.sm3, ev.blob.size, ev.blob.mime) == (sha256, sm3, len(data), "image/jpeg")
    [stored] = stored_files(evidence_root)
    assert stored.name == sha256 and stored.read_bytes() == data
    assert stored.stat().st_mode & 0o222 == 0  # stored read-only
    assert staging_files(evidence_root) == []
    entry = AuditEntry.objects.get(action="evidence.ingest")
    assert entry.summary["sm3"] == sm3 and entry.actor_name == "officer_a"


def test_the_same_file_twice_is_stored_once(world, evidence_root: Path) -> None:
    data = jpeg_bytes(seed=2)
    first = make_evidence(actor=world.officer_a, agency=world.agency_a, data=data)
    second = make_evidence(actor=world.officer_a2, agency=world.agency_a, data=data, description="again")
    assert first.pk != second.pk and first.blob_id == second.blob_id
    assert Blob.objects.count() == 1 and len(stored_files(evidence_root)) == 1
    assert AuditEntry.objects.filter(action="evidence.ingest").last().summary["deduplicated"] is True


def test_a_declared_digest_that_does_not_match_is_refused_and_nothing_kept(
    world, evidence_root: Path
) -> None:
    data = jpeg_bytes(seed=3)
    staged = stage_stream(io.BytesIO(data), staging_dir=get_store().staging_dir)
    with pytest.raises(InvalidInput) as exc:
        evidence_ingest(
            actor=world.officer_a, staged=staged, agency=world.agency_a, meta=EvidenceMeta(sha256="0" * 64)
        )
    assert exc.value.code == "sha256_mismatch"
    assert exc.value.detail["received"] == digests(data)[0]
    assert (Evidence.objects.count(), Blob.objects.count()) == (0, 0)
    assert stored_files(evidence_root) == [] and staging_files(evidence_root) == []


def test_content_that_is_not_evidence_is_refused_whatever_its_name(world, evidence_root: Path) -> None:
    staged = stage_stream(
        io.BytesIO(b"MZ\x90\x00" + bytes(5000)),
        staging_dir=get_store().staging_dir,
        original_name="photo.jpg",
    )
    with pytest.raises(InvalidInput) as exc:
        evidence_ingest(actor=world.officer_a, staged=staged, agency=world.agency_a, meta=EvidenceMeta())
    assert exc.value.code == "unsupported_file_type"
    assert stored_files(evidence_root) == [] and staging_files(evidence_root) == []


def test_a_photo_cannot_be_registered_as_the_video_record(world, evidence_root: Path) -> None:
    with pytest.raises(InvalidInput) as exc:
        make_evidence(actor=world.officer_a, agency=world.agency_a, data=jpeg_bytes(), kind="video")
    assert "JPEG" in str(exc.value.message)
    assert stored_files(evidence_root) == []


def test_an_empty_file_is_refused(world) -> None:
    with pytest.raises(InvalidInput) as exc:
        make_evidence(actor=world.officer_a, agency=world.agency_a, data=b"")
    assert exc.value.code == "empty_file"


def test_another_agencys_officer_cannot_add_evidence(world, evidence_root: Path) -> None:
    with pytest.raises(Forbidden):
        make_evidence(actor=world.officer_b, agency=world.agency_a, data=mp4_bytes())
    assert stored_files(evidence_root) == [] and staging_files(evidence_root) == []


def test_a_failed_transaction_leaves_no_orphan_content(world, evidence_root: Path, monkeypatch) -> None:
    from zhifa.enforcement.evidence import services

    def broken(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(services, "audit_record", broken)
    with pytest.raises(RuntimeError):
        make_evidence(actor=world.officer_a, agency=world.agency_a, data=mp4_bytes(seed=9))
    assert stored_files(evidence_root) == [] and Blob.objects.count() == 0
