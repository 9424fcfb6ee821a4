"""The supervision documents (执法监督通知书/建议书/决定书) as 文书 PDFs: rendered from a template with
the documents app's renderer (WeasyPrint, its fonts, no network) and stored through core.files.

A document states only what is on the file: the clue's explanation and records, the requirements the
supervisor wrote, the deadline computed by the deadline engine. Personal names of parties never
appear: the problem models put none into a clue (they name cases by number and officers, who act in
public office, by name), so nothing needs masking here.

Rendered after the commit, like the case 文书 (issue 22): the event that issues a notice keeps what the
document will state (`context_snapshot`, on the notice row) and queues `tasks.render_notice_task`;
the event returns before WeasyPrint runs. `notice_render` is the one door that stores the PDF, once
(a stored notice is never rendered again). A failed rendering is retried by the task outbox
(core.tasks: up to five attempts, growing pauses) and raises the critical alert
`document_rendering_failed` until a rendering succeeds; whoever reads the PDF before the worker has
rendered it gets it rendered then (`notice_blob`), or a 503 "try again shortly" if that fails too.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.db import transaction
from django.template.loader import render_to_string

from zhifa.core.files.models import Blob
from zhifa.core.files.services import blob_store
from zhifa.core.workflow import after_commit
from zhifa.enforcement.documents.services import (
    html_pdf,
    rendering_alert_raise,
    rendering_alert_resolve,
    rendering_not_ready,
)
from zhifa.org.selectors import node_names
from zhifa.supervision.centre.models import SupervisionNotice

_log = logging.getLogger(__name__)

PDF_MIME = "application/pdf"
_DATES = ("issued_on", "due_on")


def notice_context(notice: Any, clue: Any) -> dict[str, Any]:
    names = node_names([notice.agency_id])
    return {
        "title": notice.get_kind_display(),
        "number": notice.number,
        "agency": names.get(notice.agency_id, ""),
        "issued_on": notice.issued_on,
        "due_on": notice.due_on,
        "provisional": notice.due_provisional,
        "clue_title": clue.title,
        "explanation": clue.explanation,
        "records": [{"label": r.get("label", ""), "facts": r.get("facts", {})} for r in (clue.records or [])],
        "requirements": notice.requirements,
        "issuer": notice.issuer_name,
        # The organ named in the heading and above the seal is the one recorded when the document was
        # issued (the supervisor's own organ); a document issued before organs were recorded names none
        # rather than an organ the file does not show.
        "organ": notice.issuer_organ_name,
    }


def context_snapshot(notice: Any, clue: Any) -> dict[str, Any]:
    """`notice_context` as JSON keeps it (dates as ISO strings), stored on the notice when it is issued."""
    data = notice_context(notice, clue)
    for name in _DATES:
        if data[name] is not None:
            data[name] = data[name].isoformat()
    return data


def _from_snapshot(data: dict[str, Any]) -> dict[str, Any]:
    out = dict(data)
    for name in _DATES:
        if out.get(name):
            out[name] = dt.date.fromisoformat(out[name])
    return out


def notice_pdf(notice: SupervisionNotice) -> bytes:
    """The document rendered from what was on file when it was issued (a notice issued before the
    snapshot was kept was rendered then, and is never rendered again)."""
    data = _from_snapshot(notice.context) if notice.context else notice_context(notice, notice.clue)
    html = render_to_string("centre/notice_pdf.html", data)
    return html_pdf(html, title=f"{notice.get_kind_display()} {notice.number}")


def schedule_render(notice_id: int) -> None:
    """Render the notice in the worker once the issuing event's transaction commits."""

    def enqueue() -> None:
        from zhifa.supervision.centre.tasks import render_notice_task

        render_notice_task.enqueue(notice_id)

    after_commit(enqueue)


def alert_key(notice_id: int) -> str:
    return f"centre.notice.render:{notice_id}"


def notice_render(notice_id: int) -> SupervisionNotice:
    """Render and store the notice's PDF unless it has one (the one door). Returns the row as stored:
    a second rendering racing the first (a retry, a reader) is thrown away, so the bytes never change."""
    notice = SupervisionNotice.objects.select_related("blob", "clue").get(pk=notice_id)
    if notice.blob_id is not None:
        return notice
    pdf = notice_pdf(notice)  # outside the row lock: slow
    with transaction.atomic():
        locked = SupervisionNotice.objects.select_for_update().get(pk=notice_id)
        if locked.blob_id is None:
            locked.blob = blob_store(pdf, mime=PDF_MIME)
            locked.save(update_fields=["blob"])
            rendering_alert_resolve(alert_key(notice_id))  # if a failed attempt raised one
    return SupervisionNotice.objects.select_related("blob").get(pk=notice_id)


def render_in_worker(notice_id: int) -> None:
    """The worker's job. A failure raises the alert and is re-raised, so that the outbox retries it."""
    try:
        notice_render(notice_id)
    except SupervisionNotice.DoesNotExist:
        return  # the issuing transaction did not commit after all
    except Exception as exc:
        notice = SupervisionNotice.objects.filter(pk=notice_id).first()
        if notice is not None:
            rendering_alert_raise(
                key=alert_key(notice_id),
                agency_id=notice.agency_id,
                title=notice.get_kind_display(),
                number=notice.number,
                error=exc,
                object_type="centre.notice",
                object_id=notice_id,
            )
        raise


def notice_blob(notice: SupervisionNotice) -> Blob:
    """The notice's stored PDF for a reader, rendered now if the worker has not done it yet; a
    rendering that fails here is answered with 503 `document_rendering` ("try again shortly")."""
    if notice.blob is not None:
        return notice.blob
    try:
        stored = notice_render(notice.pk)
    except Exception as exc:
        _log.exception("centre: rendering notice %s on demand failed", notice.pk)
        raise rendering_not_ready(
            title=notice.get_kind_display(), number=notice.number, detail={"notice": notice.pk}
        ) from exc
    assert stored.blob is not None
    notice.blob = stored.blob
    return stored.blob
