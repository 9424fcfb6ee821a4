"""Migration 0003 moves attachments stored before core.files (default storage, under MEDIA_ROOT) into
the content-addressed store and links them; the old copy is removed."""

from __future__ import annotations

import hashlib

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from zhifa.core.files.services import blob_read
from zhifa.public.complaints.factories import make_complaint
from zhifa.public.complaints.models import ComplaintAttachment
from zhifa.public.complaints.tests.test_intake import pdf_bytes

BEFORE = [("complaints", "0002_provisional_deadlines_case_link")]
AFTER = [("complaints", "0003_attachment_blob")]


@pytest.mark.django_db(transaction=True)
def test_a_legacy_attachment_is_moved_into_the_store(routing, frozen, media, latest_schema) -> None:
    complaint = make_complaint(routing.street_vending)
    data = pdf_bytes()
    sha = hashlib.sha256(data).hexdigest()
    legacy_name = f"complaints/{sha[:2]}/{sha}.pdf"
    default_storage.save(legacy_name, ContentFile(data))
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old_apps = executor.loader.project_state(BEFORE).apps
    Legacy = old_apps.get_model("complaints", "ComplaintAttachment")
    Legacy.objects.create(
        complaint_id=complaint.pk,
        original_name="现场.pdf",
        content_type="application/pdf",
        size=len(data),
        sha256=sha,
        sm3=hashlib.new("sm3", data).hexdigest(),
        storage_name=legacy_name,
        uploaded_at=timezone.now(),
    )
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    item = ComplaintAttachment.objects.get(complaint=complaint)
    assert item.blob is not None and item.blob.sha256 == sha and blob_read(item.blob) == data
    assert item.storage_name == item.blob.name
    assert not default_storage.exists(legacy_name)
