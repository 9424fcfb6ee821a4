"""Rendering 文书 after the commit: the event writes the document row (number, data, template
version) and returns; the worker renders the PDF and stores it once.

- `schedule(document_id)`: queued with the workflow engine's `after_commit`, enqueues the task
  (`tasks.render_document_task`) once the transaction that created the row has committed.
- `document_render(document_id=…)`: the one door that stores a rendering. It renders from what the
  row recorded (`Document.context`, `Document.version`) — never from the case as it is now — and
  sets `blob` only while it is empty, under the row lock: a document's bytes, once stored, never change,
  and a second rendering (a retry racing a late first one) is thrown away.
- A failed rendering is never lost: the row stays "rendering" with the error and its attempts, and
  `render_pending` (a periodic task, every minute) tries it again with a growing pause (1, 2, 4 … 60
  minutes). From the third failure the row shows "failed" and an alert
  (`document_rendering_failed`, critical) tells the agency; the retries go on, and the alert closes
  when a rendering succeeds.
- `ensure_rendered(documents)`: who needs the bytes now (the PDF download, the dossier, archiving)
  renders a pending document itself through the same door instead of waiting for the worker.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import weakref
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from zhifa.audit.services import audit_record
from zhifa.core.files.models import Blob
from zhifa.core.files.services import blob_store
from zhifa.core.prepared import Prepared
from zhifa.core.workflow import after_commit
from zhifa.enforcement.documents import rendering
from zhifa.enforcement.documents.models import Document

_log = logging.getLogger(__name__)

PDF_MIME = "application/pdf"
ALERT_AFTER_ATTEMPTS = 3  # the first failures are usually passing (a busy worker, a restart)
# The worker's own time before the sweep takes a never-attempted row too (a backlog after a burst of
# events, e.g. the demo's seeding, is the worker's; the sweep is for rows it never received).
GRACE = dt.timedelta(minutes=10)
LEASE = dt.timedelta(minutes=5)  # a row the sweep took is not taken again meanwhile
MAX_PAUSE_MINUTES = 60


def alert_key(document_id: int) -> str:
    return f"documents.render:{document_id}"


def pause_after(attempts: int) -> dt.timedelta:
    """1, 2, 4 … minutes after the n-th failure, at most an hour."""
    return dt.timedelta(minutes=min(MAX_PAUSE_MINUTES, 2 ** max(0, attempts - 1)))


# The Document objects this process handed out while their PDF was pending (document_generate's return
# value, e.g. kept by a seizure as `seizure.document`): a rendering done in this process (on demand, or
# a task backend that runs at once) updates them, so the caller's object does not go stale.
_handed_out: weakref.WeakValueDictionary[int, Document] = weakref.WeakValueDictionary()
_handed_out_lock = threading.Lock()


def track(document: Document) -> None:
    with _handed_out_lock:
        _handed_out[document.pk] = document


def _update_handed_out(stored: Document) -> None:
    with _handed_out_lock:
        held = _handed_out.pop(stored.pk, None)
    if held is not None and held is not stored:
        held.blob = stored.blob
        held.pages = stored.pages
        held.render_state = stored.render_state
        held.render_error = stored.render_error
        held.rendered_at = stored.rendered_at


def schedule(document_id: int) -> None:
    """Render `document_id` in the worker once the current transaction commits."""

    def enqueue() -> None:
        from zhifa.enforcement.documents.tasks import render_document_task

        render_document_task.enqueue(document_id)

    after_commit(enqueue)


# The row a rendering reads, and the row it locks to store the PDF: compiled once per process
# (core.prepared; the documents of an archived file are rendered one after another).
_TO_RENDER: Prepared[Document] = Prepared(
    lambda pk: Document.objects.select_related("version", "agency", "blob").filter(pk=pk),
    markers=(-730_100_072,),
)
_LOCKED: Prepared[Document] = Prepared(
    lambda pk: Document.objects.select_for_update(of=("self",)).select_related("blob").filter(pk=pk),
    markers=(-730_100_073,),
)


def document_render(*, document_id: int) -> Document:
    """Render and store the PDF of one document unless it has one. Returns the row as stored. A
    rendering that fails is recorded (`render_failed`) and re-raised to the caller."""
    document = _TO_RENDER.get(document_id)
    if document.blob_id is not None:
        return document  # stored once: never rendered again
    try:
        rendered = rendering.render_pdf(
            document.version.body,
            document.context,
            title=f"{document.title} {document.number}",
            author=document.agency.name,
        )
    except Exception as exc:
        render_failed(document_id=document_id, error=exc)
        raise
    with transaction.atomic():
        locked = _LOCKED.get(document_id)
        if locked.blob_id is not None:
            return locked  # a concurrent rendering stored first; its bytes stay
        blob = blob_store(rendered.pdf, mime=PDF_MIME)
        failed_before = locked.render_attempts > 0
        locked.blob = blob
        locked.pages = rendered.pages
        locked.render_state = Document.Rendering.READY
        locked.render_error = ""
        locked.render_next_at = None
        locked.rendered_at = timezone.now()
        locked.save(
            update_fields=["blob", "pages", "render_state", "render_error", "render_next_at", "rendered_at"]
        )
        audit_record(
            actor=None,
            action="documents.rendered",
            obj=locked,
            agency_id=locked.agency_id,
            summary={
                "number": locked.number,
                "sha256": blob.sha256,
                "sm3": blob.sm3,
                "pages": rendered.pages,
                "attempts": locked.render_attempts + 1,
            },
        )
        if failed_before:
            from zhifa.enforcement.documents.services import rendering_alert_resolve

            rendering_alert_resolve(alert_key(document_id))
    _update_handed_out(locked)
    return locked


def render_failed(*, document_id: int, error: BaseException) -> Document | None:
    """Record a failed attempt: the error, the next try, and from the third failure the alert."""
    now = timezone.now()
    with transaction.atomic():
        document = Document.objects.select_for_update().filter(pk=document_id).first()
        if document is None or document.blob_id is not None:
            return document
        document.render_attempts += 1
        document.render_error = f"{type(error).__name__}: {error}"[:2000]
        document.render_next_at = now + pause_after(document.render_attempts)
        if document.render_attempts >= ALERT_AFTER_ATTEMPTS:
            document.render_state = Document.Rendering.FAILED
        document.save(update_fields=["render_attempts", "render_error", "render_next_at", "render_state"])
        if document.render_state == Document.Rendering.FAILED:
            from zhifa.enforcement.documents.services import rendering_alert_raise

            rendering_alert_raise(
                key=alert_key(document_id),
                agency_id=document.agency_id,
                title=document.title,
                number=document.number,
                error=error,
                object_type="documents.document",
                object_id=document_id,
            )
    _log.warning("documents: rendering %s failed (attempt %s)", document_id, document.render_attempts)
    return document


def render_task(document_id: int) -> bool:
    """The worker's job: render, and on failure leave the row to the retries (never raise)."""
    try:
        document_render(document_id=document_id)
    except Document.DoesNotExist:
        return False  # the creating transaction did not commit after all
    except Exception:
        _log.exception("documents: rendering %s failed", document_id)
        return False
    return True


def render_pending(*, now: dt.datetime | None = None, limit: int = 20) -> int:
    """Render the documents whose turn has come: rows the worker never reached (lost enqueue, worker
    down) after `GRACE`, and failed ones after their pause. Returns how many were stored now."""
    now = now or timezone.now()
    due = (
        Document.objects.exclude(render_state=Document.Rendering.READY)
        .filter(blob__isnull=True)
        .filter(Q(render_next_at__lte=now) | Q(render_next_at__isnull=True, generated_at__lte=now - GRACE))
        .order_by("render_next_at", "id")
        .values_list("pk", flat=True)[:limit]
    )
    stored = 0
    for pk in list(due):
        claimed = (
            Document.objects.filter(pk=pk, blob__isnull=True)
            .filter(Q(render_next_at__lte=now) | Q(render_next_at__isnull=True))
            .update(render_next_at=now + LEASE)
        )
        if claimed and render_task(pk):
            stored += 1
    return stored


def blob_of(document: Document) -> Blob:
    """The stored PDF of a document that `ensure_rendered` (or the worker) has rendered."""
    if document.blob is None:
        raise RuntimeError(f"document {document.pk} has no PDF yet (call ensure_rendered first)")
    return document.blob


def ensure_rendered(documents: Iterable[Document]) -> None:
    """Make sure each document has its PDF now (rendering here what the worker has not done yet); the
    objects are updated in place. A rendering that fails is recorded for the retries and answered with
    503 `document_rendering` ("try again shortly"), never a 500."""
    for document in documents:
        if document.blob_id is None:
            try:
                stored = document_render(document_id=document.pk)
            except Exception as exc:
                from zhifa.enforcement.documents.services import rendering_not_ready

                _log.exception("documents: rendering %s on demand failed", document.pk)
                raise rendering_not_ready(
                    title=document.title, number=document.number, detail={"document": document.pk}
                ) from exc
            document.blob = stored.blob
            document.pages = stored.pages
            document.render_state = stored.render_state
            document.rendered_at = stored.rendered_at
