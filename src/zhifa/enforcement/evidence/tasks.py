"""Nightly evidence work, discovered by huey's Django integration."""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from zhifa.core.files.models import Blob
from zhifa.core.files.services import blob_verify, in_batches
from zhifa.enforcement.evidence.services import VERIFIED_WITHIN
from zhifa.enforcement.evidence.uploads import upload_sessions_sweep


@db_periodic_task(crontab(hour="2", minute="30"))
def verify_stored_evidence() -> None:
    """Re-hash content not verified in the last day (a mismatch raises an `evidence_integrity` alert)."""
    cutoff = timezone.now() - VERIFIED_WITHIN
    stale = Blob.objects.filter(destroyed_at__isnull=True).filter(
        Q(last_checked_at__isnull=True) | Q(last_checked_at__lt=cutoff)
    )
    for blob in in_batches(stale):
        blob_verify(blob=blob, trigger="schedule")


@db_periodic_task(crontab(minute="15"))
def sweep_expired_uploads() -> None:
    upload_sessions_sweep()
