import os
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from zhifa.core.files.models import BlobCheck
from zhifa.enforcement.evidence.factories import jpeg_bytes, make_evidence, mp4_bytes
from zhifa.foundation.alerts.models import Alert

from .conftest import stored_files

pytestmark = pytest.mark.django_db


def _alter(path: Path, offset: int = 100) -> None:
    os.chmod(path, 0o640)
    with open(path, "r+b") as fh:
        fh.seek(offset)
        byte = fh.read(1)
        fh.seek(offset)
        fh.write(bytes([byte[0] ^ 0xFF]))


def test_untouched_files_verify_clean(world) -> None:
    make_evidence(actor=world.officer_a, agency=world.agency_a, data=jpeg_bytes(seed=1))
    make_evidence(actor=world.officer_a, agency=world.agency_a, data=mp4_bytes(seed=1))
    out = StringIO()
    call_command("evidence_verify", stdout=out)
    assert "verified 2 file(s)" in out.getvalue() and "0 mismatch" in out.getvalue()
    assert BlobCheck.objects.filter(ok=True, trigger="command").count() == 2


def test_a_file_altered_on_disk_is_detected_and_alerted(world, evidence_root: Path) -> None:
    ev = make_evidence(actor=world.officer_a, agency=world.agency_a, data=jpeg_bytes(seed=2))
    make_evidence(actor=world.officer_a, agency=world.agency_a, data=mp4_bytes(seed=2))
    [victim] = [p for p in stored_files(evidence_root) if p.name == ev.blob.sha256]
    _alter(victim)
    err = StringIO()
    with pytest.raises(CommandError) as exc:
        call_command("evidence_verify", stdout=StringIO(), stderr=err)
    assert exc.value.returncode == 1
    assert f"MISMATCH {ev.blob.sha256}" in err.getvalue()
    check = BlobCheck.objects.get(blob=ev.blob, ok=False)
    assert check.detail == "digest mismatch" and check.found_sha256 != ev.blob.sha256
    ev.blob.refresh_from_db()
    assert ev.blob.last_check_ok is False
    alert = Alert.objects.get(kind="evidence_integrity")
    assert alert.agency_id == world.agency_a.pk and alert.object_id == str(ev.pk)


def test_a_missing_file_is_reported(world, evidence_root: Path) -> None:
    ev = make_evidence(actor=world.officer_a, agency=world.agency_a, data=jpeg_bytes(seed=3))
    path = stored_files(evidence_root)[0]
    os.chmod(path, 0o640)
    path.unlink()
    with pytest.raises(CommandError):
        call_command("evidence_verify", stdout=StringIO(), stderr=StringIO())
    assert BlobCheck.objects.get(blob=ev.blob).detail == "missing"


def test_a_truncated_file_is_reported(world, evidence_root: Path) -> None:
    make_evidence(actor=world.officer_a, agency=world.agency_a, data=mp4_bytes(50_000, seed=4))
    path = stored_files(evidence_root)[0]
    os.chmod(path, 0o640)
    os.truncate(path, 1000)
    with pytest.raises(CommandError):
        call_command("evidence_verify", stdout=StringIO(), stderr=StringIO())
    assert BlobCheck.objects.get(ok=False).detail == "size and digest mismatch"


def test_only_stale_files_are_checked_with_older_than(world) -> None:
    make_evidence(actor=world.officer_a, agency=world.agency_a, data=jpeg_bytes(seed=5))
    call_command("evidence_verify", stdout=StringIO())
    out = StringIO()
    call_command("evidence_verify", "--older-than", "1", stdout=out)
    assert "verified 0 file(s)" in out.getvalue()


def test_the_nightly_task_verifies_what_was_not_checked_today(world) -> None:
    from zhifa.enforcement.evidence.tasks import verify_stored_evidence

    for seed in range(3):
        make_evidence(actor=world.officer_a, agency=world.agency_a, data=jpeg_bytes(seed=500 + seed))
    verify_stored_evidence.call_local()
    assert BlobCheck.objects.filter(trigger="schedule", ok=True).count() == 3
    verify_stored_evidence.call_local()
    assert BlobCheck.objects.filter(trigger="schedule").count() == 3  # fresh ones are skipped


def test_verification_walks_the_store_in_batches(world) -> None:
    from zhifa.core.files.models import Blob
    from zhifa.core.files.services import in_batches

    for seed in range(5):
        make_evidence(actor=world.officer_a, agency=world.agency_a, data=jpeg_bytes(seed=600 + seed))
    assert [b.pk for b in in_batches(Blob.objects.all(), size=2)] == sorted(
        Blob.objects.values_list("pk", flat=True)
    )
