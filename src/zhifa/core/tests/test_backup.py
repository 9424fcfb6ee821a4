"""Backup and restore round trip: a restored instance verifies exactly like the original."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command

from zhifa.audit.services import audit_record
from zhifa.core.backup.archive import backup_create
from zhifa.core.tests.backup_helpers import empty_database, instance_env, manage
from zhifa.enforcement.evidence.factories import jpeg_bytes, make_evidence, mp4_bytes


def _reports() -> tuple[str, str]:
    audit, evidence = io.StringIO(), io.StringIO()
    call_command("audit_verify", stdout=audit)
    call_command("evidence_verify", stdout=evidence)
    return audit.getvalue().strip(), evidence.getvalue().strip()


@pytest.fixture
def source(tmp_path: Path, settings, world):
    """An instance with evidence (local store inside MEDIA_ROOT) and an officer photo in media."""
    settings.MEDIA_ROOT = str(tmp_path / "source-media")
    settings.ZHIFA_EVIDENCE_STORAGE = {
        "storage": "local",
        "root": str(tmp_path / "source-media" / "evidence"),
    }
    make_evidence(actor=world.officer_a, agency=world.agency_a, data=jpeg_bytes(seed=1), name="a.jpg")
    make_evidence(actor=world.officer_a, agency=world.agency_a, data=mp4_bytes(200_000, seed=2), name="b.mp4")
    default_storage.save("officers/photos/p.jpg", ContentFile(jpeg_bytes(seed=3)))
    return world


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_restore_onto_an_empty_instance_verifies_identically(tmp_path: Path, source) -> None:
    backup = backup_create(tmp_path / "backups").path
    manifest = json.loads((backup / "manifest.json").read_text())
    assert {(e["set"], e["name"].split("/")[0]) for e in manifest["files"]} == {
        ("evidence", "sha256"),
        ("media", "officers"),
    }
    assert not any(".staging" in e["name"] for e in manifest["files"])
    audit_report, evidence_report = _reports()
    assert audit_report.startswith("ok: ") and "verified 2 file(s)" in evidence_report

    with empty_database(tmp_path, "restore") as url:
        env = instance_env(tmp_path, url, "target")
        restored = manage(env, "restore", str(backup)).stdout
        assert audit_report in restored, restored
        assert evidence_report in restored, restored
        # the same two reports again, as their own commands on the restored instance
        assert manage(env, "audit_verify").stdout.strip() == audit_report
        assert manage(env, "evidence_verify").stdout.strip() == evidence_report
        photo = Path(env["MEDIA_ROOT"]) / "officers" / "photos" / "p.jpg"
        assert photo.read_bytes() == jpeg_bytes(seed=3)
        # a second restore onto the now non-empty instance is refused, and changes nothing
        again = manage(env, "restore", str(backup), check=False)
        assert again.returncode != 0 and "not empty" in again.stderr
        assert manage(env, "audit_verify").stdout.strip() == audit_report


@pytest.mark.django_db(transaction=True)
def test_an_altered_backup_is_refused_before_anything_is_written(tmp_path: Path, source) -> None:
    backup = backup_create(tmp_path / "backups").path
    manifest = json.loads((backup / "manifest.json").read_text())
    evidence = next(e for e in manifest["files"] if e["set"] == "evidence")
    copy = backup / "files" / "evidence" / evidence["name"]
    copy.write_bytes(copy.read_bytes()[:-1] + b"\x00")
    audit_record(actor=source.admin, action="test.after_backup", obj=source.admin, agency_id=None)
    with empty_database(tmp_path, "altered") as url:
        env = instance_env(tmp_path, url, "altered")
        check = manage(env, "restore", "--check-only", str(backup), check=False)
        assert check.returncode != 0 and "altered" in check.stderr
        refused = manage(env, "restore", str(backup), check=False)
        assert refused.returncode != 0
        assert not Path(env["EVIDENCE_ROOT"], evidence["name"]).exists()


@pytest.mark.postgres
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_backup_taken_under_writes_restores_to_one_consistent_state(tmp_path: Path, source) -> None:
    """A writer appends to the audit chain as fast as it can while the backup runs; the restored
    chain verifies, and holds a prefix of what was written (pg_dump's snapshot)."""
    import threading

    from django.db import connections

    from zhifa.audit.models import AuditEntry

    stop = threading.Event()
    written: list[int] = []

    def writer() -> None:
        try:
            while not stop.is_set():
                audit_record(actor=None, action="test.under_backup", object_type="test", object_id="x")
                written.append(1)
        finally:
            connections.close_all()

    before = AuditEntry.objects.count()
    thread = threading.Thread(target=writer)
    thread.start()
    try:
        while len(written) < 5:  # the writer is running before the snapshot starts
            pass
        backup = backup_create(tmp_path / "backups").path
    finally:
        stop.set()
        thread.join()
    after = AuditEntry.objects.count()
    with empty_database(tmp_path, "underwrites") as url:
        env = instance_env(tmp_path, url, "underwrites")
        restored = manage(env, "restore", str(backup)).stdout
        entries = int(restored.split("ok: ")[1].split(" entries")[0])
    assert before + 5 <= entries <= after
