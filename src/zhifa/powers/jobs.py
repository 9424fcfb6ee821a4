"""Import jobs: an uploaded power list is checked and written by a task that records its progress on
an `ImportJob` row, which the import page polls. Small files run at once in the request."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhifa.audit.services import audit_record
from zhifa.core.errors import DomainError
from zhifa.org.models import OrgNode
from zhifa.powers.importing import MAX_FILE_BYTES, import_power_list
from zhifa.powers.models import ImportJob
from zhifa.powers.services import check_can_manage

# Below this size (the shared 79-item file is 33 kB) the import runs in the request: the page shows the
# result at once instead of a progress bar that would only flash.
INLINE_BYTES = 100_000


def import_job_create(
    *,
    actor: Any | None,
    items: tuple[str, bytes] | None,
    tiers: tuple[str, bytes] | None,
    agency: OrgNode | None = None,
    area: str = "",
    publish: bool = True,
) -> ImportJob:
    check_can_manage(actor, agency.id if agency else None)
    for upload in (items, tiers):
        if upload is not None and len(upload[1]) > MAX_FILE_BYTES:
            from zhifa.core.errors import InvalidInput

            raise InvalidInput(_("The file is larger than 20 MB."), code="file_too_large")
    with transaction.atomic():
        job = ImportJob.objects.create(
            created_by=actor if getattr(actor, "pk", None) else None,
            created_at=timezone.now(),
            agency=agency,
            area=area[:50],
            publish=publish,
            items_name=(items[0] if items else "")[:200],
            items_data=items[1] if items else b"",
            tiers_name=(tiers[0] if tiers else "")[:200],
            tiers_data=tiers[1] if tiers else b"",
        )
        audit_record(
            actor=actor,
            action="powers.import_start",
            obj=job,
            summary={"items": job.items_name, "tiers": job.tiers_name, "publish": publish},
        )
        size = len(job.items_data) + len(job.tiers_data)
        if size > INLINE_BYTES:
            from zhifa.powers.tasks import import_job_task

            job_id = job.id
            transaction.on_commit(lambda: import_job_task.enqueue(job_id))
    if size <= INLINE_BYTES:
        import_job_run(job_id=job.id)
        job.refresh_from_db()
    return job


def import_job_run(*, job_id: int) -> None:
    """Run a pending job (idempotent: a finished or running job is left alone)."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().filter(id=job_id).first()
        if job is None or job.status != ImportJob.Status.PENDING:
            return
        job.status = ImportJob.Status.VALIDATING
        job.save(update_fields=["status"])

    def progress(phase: str, done: int, total: int) -> None:
        # Autocommit writes outside the import's transaction, so the polling page sees them.
        status = ImportJob.Status.SAVING if phase == "saving" else ImportJob.Status.VALIDATING
        fields: dict[str, Any] = {"status": status}
        if phase == "validating":
            fields.update(processed_rows=done, total_rows=total)
        ImportJob.objects.filter(id=job_id).update(**fields)

    actor = job.created_by
    try:
        result = import_power_list(
            actor=actor,
            items=(job.items_name, bytes(job.items_data)) if job.items_name else None,
            tiers=(job.tiers_name, bytes(job.tiers_data)) if job.tiers_name else None,
            agency=job.agency,
            area=job.area,
            publish=job.publish,
            progress=progress,
        )
        errors = [e.as_dict() for e in result.errors]
        counts = (result.created, result.updated, result.unchanged)
    except DomainError as exc:
        errors = [{"file": "", "row": 0, "message": str(exc.message)}]
        counts = (0, 0, 0)
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(id=job_id)
        job.created, job.updated, job.unchanged = counts
        job.errors = errors
        job.status = ImportJob.Status.FAILED if errors else ImportJob.Status.DONE
        job.finished_at = timezone.now()
        job.save(update_fields=["created", "updated", "unchanged", "errors", "status", "finished_at"])
        audit_record(
            actor=actor,
            action="powers.import_finish",
            obj=job,
            summary={"status": job.status, "created": counts[0], "updated": counts[1], "errors": len(errors)},
        )
