"""The reconsideration 文书 as PDFs (the documents app's fonts, stylesheet and no-network WeasyPrint
through `documents.services.html_pdf`): 受理通知书, 不予受理决定书, 补正通知书, 答复通知书 and 行政复议决定书.
Each states only what the appeal's own rows hold — the step it records must have happened (409
`document_not_available` otherwise) and its words come from that step's event row.

Numbered and stored: the step's own transaction takes the document's number from the shared numbering
(`core.numbering.issue_number`, one counter per organ, kind and year; `on_event`, a listener of the
workflow engine) and queues the rendering for after its commit (`tasks.render_wenshu_task`: the step
returns before WeasyPrint runs, issue 22). The worker renders the PDF twice — in full, and with the
applicant masked — from the step's own event row and stores both through `core.files`
(`AppealDocument.blob` / `masked_blob`, `document_render`, the one door: written once, never changed);
every request serves the same stored bytes (`core.files.serving.serve_blob`: SHA-256 header, Range, one
audit entry). A failed rendering is retried by the task outbox and raises the critical alert
`document_rendering_failed` until one succeeds; a request that comes before the worker has rendered the
document renders it then, or answers 503 "try again shortly" if that fails too.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from zhifa.core.errors import Conflict, NotFound
from zhifa.core.files.models import Blob
from zhifa.core.files.services import blob_read, blob_store
from zhifa.core.numbering import issue_number
from zhifa.core.workflow import after_commit
from zhifa.enforcement.documents.services import (
    html_pdf,
    rendering_alert_raise,
    rendering_alert_resolve,
    rendering_not_ready,
)
from zhifa.law import litigation as lit
from zhifa.law import reconsideration as rec
from zhifa.supervision.appeals import selectors as sel
from zhifa.supervision.appeals.handlers import outcome_label
from zhifa.supervision.appeals.models import Appeal, AppealDocument, AppealEvent, Kind
from zhifa.supervision.appeals.rules import flag, text
from zhifa.supervision.appeals.workflow import APPEALS

_log = logging.getLogger(__name__)

PDF_MIME = "application/pdf"


@dataclass(frozen=True)
class Wenshu:
    code: str
    title: str
    events: tuple[str, ...]  # the step(s) the document records (the latest one is used)
    word: str  # the kind in its number: 海府复受〔2025〕3号


WENSHU = {
    w.code: w
    for w in (
        Wenshu("acceptance_notice", "行政复议受理通知书", ("accept", "deem_accept"), "复受"),
        Wenshu("refusal_decision", "不予受理决定书", ("refuse",), "复不受"),
        Wenshu("amendment_notice", "行政复议申请补正通知书", ("request_amendment",), "复补"),
        Wenshu("answer_notice", "行政复议答复通知书", ("send_copy",), "复答"),
        Wenshu("decision", "行政复议决定书", ("decide",), "复决"),
    )
}
BY_EVENT: dict[str, list[Wenshu]] = {}
for _w in WENSHU.values():
    for _e in _w.events:
        BY_EVENT.setdefault(_e, []).append(_w)


def available(appeal: Appeal) -> list[Wenshu]:
    """The documents whose step has happened (shown on the appeal page)."""
    if appeal.kind != Kind.RECONSIDERATION:
        return []
    kinds = set(appeal.events.values_list("kind", flat=True))
    return [w for w in WENSHU.values() if kinds & set(w.events)]


def issued(appeal: Appeal) -> list[dict[str, Any]]:
    """The numbered documents of the appeal, latest step per document (for the page and the API)."""
    out: dict[str, dict[str, Any]] = {}
    for d in AppealDocument.objects.filter(appeal=appeal).order_by("issued_on", "id"):
        w = WENSHU.get(d.code)
        if w is not None:
            out[d.code] = {"code": d.code, "title": w.title, "number": d.number, "issued_on": d.issued_on}
    return list(out.values())


def _issuer(appeal: Appeal) -> tuple[int, str]:
    """The reconsideration organ in the org tree — the people's government above the respondent
    (行政复议法第二十四条) — and the abbreviation its numbers start with."""
    organ = sel.reconsideration_organ(appeal.respondent)
    abbreviation = organ.abbreviation or organ.name.removesuffix("人民政府")
    return organ.pk, abbreviation


def _issue(appeal: Appeal, w: Wenshu, row: AppealEvent) -> AppealDocument:
    organ_id, abbreviation = _issuer(appeal)
    number = issue_number(agency_id=organ_id, abbreviation=abbreviation, kind=w.word, year=row.on.year)
    return AppealDocument.objects.create(
        appeal=appeal, code=w.code, event=row, number=number, issued_on=row.on, created_at=timezone.now()
    )


def on_event(appeal: Appeal, row: AppealEvent) -> None:
    """Workflow listener: a step that issues a 文书 takes its number inside the step's transaction (a
    refused step rolls the counter back: no gaps); the PDFs are rendered in the worker after the commit."""
    if appeal.kind != Kind.RECONSIDERATION:
        return
    for w in BY_EVENT.get(row.kind, []):
        schedule_render(_issue(appeal, w, row).pk)


def schedule_render(document_id: int) -> None:
    """Render the document in the worker once the step's transaction commits."""

    def enqueue() -> None:
        from zhifa.supervision.appeals.tasks import render_wenshu_task

        render_wenshu_task.enqueue(document_id)

    after_commit(enqueue)


def _event(appeal: Appeal, w: Wenshu) -> AppealEvent:
    row: AppealEvent | None = (
        AppealEvent.objects.filter(appeal=appeal, kind__in=w.events).order_by("-at", "-id").first()
    )
    if row is None or appeal.kind != Kind.RECONSIDERATION:
        raise Conflict(
            _("This document cannot be issued: the step it records has not been taken."),
            code="document_not_available",
            detail={"document": w.code},
        )
    return row


def _wenshu(code: str) -> Wenshu:
    w = WENSHU.get(code)
    if w is None:
        raise NotFound(_("Not found, or not visible to you."))
    return w


def _base_context(
    appeal: Appeal, w: Wenshu, *, on: dt.date, data: dict[str, Any], full: bool, number: str
) -> dict[str, Any]:
    """What every 文书 states: the document, the appeal, its date, the step's words, its number, the
    parties (the applicant masked unless `full`) and the right to sue (行政诉讼法第四十五条)."""
    return {
        "w": w,
        "a": appeal,
        "on": on,
        "data": data,
        "number": number,
        "applicant": sel.applicant(appeal, full=full),
        "respondent": appeal.respondent.name,
        "suit_article": lit.ART_45,
    }


def context(
    appeal: Appeal, code: str, *, full: bool, number: str = "", row: AppealEvent | None = None
) -> dict[str, Any]:
    """What the document states; `row`: the step it records (default: the latest such step)."""
    w = _wenshu(code)
    row = row if row is not None else _event(appeal, w)
    data = dict(row.data or {})
    ctx = _base_context(appeal, w, on=row.on, data=data, full=full, number=number)
    if code == "acceptance_notice":
        ctx["deemed"] = bool(data.get("deemed")) or row.kind == "deem_accept"
        ctx["article"] = rec.ART_30_3 if ctx["deemed"] else rec.ART_30
    elif code == "answer_notice":
        ctx["article"], ctx["art_70"] = rec.ART_48, rec.ART_70
        ctx["days"] = (rec.SIMPLE_ANSWER_PERIOD if appeal.simple else rec.ANSWER_PERIOD).days
        ctx["copy_received_on"] = _day(data.get("copy_received_on"))
        ctx["answer_due"] = _day(data.get("answer_due"))
    elif code == "decision":
        ctx["outcome"] = outcome_label(str(data.get("outcome", appeal.outcome)))
    return ctx


def _day(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def _render(doc: AppealDocument, *, full: bool) -> bytes:
    ctx = context(doc.appeal, doc.code, full=full, number=doc.number, row=doc.event)
    return html_pdf(render_to_string("appeals/wenshu.html", ctx), title=ctx["w"].title)


def alert_key(document_id: int) -> str:
    return f"appeals.document.render:{document_id}"


def document_render(document_id: int) -> AppealDocument:
    """Render and store both PDFs of an issued document unless it has them (the one door). Rendered
    outside the row lock (slow); a rendering that loses the race to another is thrown away, so the
    bytes first stored are the ones every reader gets."""
    doc = AppealDocument.objects.select_related("appeal__respondent", "event").get(pk=document_id)
    if doc.blob_id is not None and doc.masked_blob_id is not None:
        return doc
    full_pdf, masked_pdf = _render(doc, full=True), _render(doc, full=False)
    with transaction.atomic():
        locked = AppealDocument.objects.select_for_update().get(pk=document_id)
        if locked.blob_id is None or locked.masked_blob_id is None:
            locked.blob = blob_store(full_pdf, mime=PDF_MIME)
            locked.masked_blob = blob_store(masked_pdf, mime=PDF_MIME)
            locked.save(update_fields=["blob", "masked_blob"])
            rendering_alert_resolve(alert_key(document_id))  # if a failed attempt raised one
    return AppealDocument.objects.select_related("blob", "masked_blob").get(pk=document_id)


def render_in_worker(document_id: int) -> None:
    """The worker's job. A failure raises the alert and is re-raised, so that the outbox retries it."""
    try:
        document_render(document_id)
    except AppealDocument.DoesNotExist:
        return  # the step's transaction did not commit after all
    except Exception as exc:
        doc = AppealDocument.objects.select_related("appeal").filter(pk=document_id).first()
        if doc is not None:
            rendering_alert_raise(
                key=alert_key(document_id),
                agency_id=_issuer(doc.appeal)[0],
                title=_wenshu(doc.code).title,
                number=doc.number,
                error=exc,
                object_type="appeals.document",
                object_id=document_id,
            )
        raise


def document_stored(*, actor: Any, appeal: Appeal, code: str) -> tuple[AppealDocument, Blob, str]:
    """The document of the step's latest row, its stored PDF for this reader and the file name; the
    caller found `appeal` through `selectors.appeal_get_for`. The applicant's identity is in full only
    for those handling the appeal (`selectors.can_see_identity`), masked otherwise. Both versions are
    normally rendered by the worker after the step; a request that comes first renders them itself."""
    w = _wenshu(code)
    row = _event(appeal, w)
    doc = AppealDocument.objects.filter(event=row, code=code).first()
    if doc is None:  # a step taken before documents were numbered: numbered now
        try:
            with transaction.atomic():
                doc = _issue(appeal, w, row)
        except IntegrityError:
            doc = AppealDocument.objects.get(event=row, code=code)
    if doc.blob_id is None or doc.masked_blob_id is None:
        # the worker has not rendered it yet (or its renderings failed): rendered now, through the door
        try:
            doc = document_render(doc.pk)
        except Exception as exc:
            _log.exception("appeals: rendering document %s on demand failed", doc.pk)
            raise rendering_not_ready(title=w.title, number=doc.number, detail={"document": code}) from exc
    full = sel.can_see_identity(actor, appeal)
    blob = doc.blob if full else doc.masked_blob
    assert blob is not None
    return doc, blob, f"appeal-{appeal.pk}-{code}.pdf"


def render(*, actor: Any, appeal: Appeal, code: str) -> tuple[bytes, str]:
    """The stored PDF's bytes for this reader and its file name (see `document_stored`)."""
    _doc, blob, name = document_stored(actor=actor, appeal=appeal, code=code)
    return blob_read(blob), name


def decision_preview(*, actor: Any, appeal: Appeal, data: dict[str, Any]) -> bytes:
    """The 行政复议决定书 as it would read if `decide` were taken now with `data` (outcome, reasons),
    for the organ to check before issuing it: the same guards as the step (409 wrong state, 403 not
    the organ, 400/422 the outcome and its rule, 第七十条), marked 草稿, without a number, stored
    nowhere and changing nothing."""
    t = APPEALS.table.get("decide")
    assert t is not None
    if not APPEALS.applicable(t, appeal):
        raise APPEALS.conflict(appeal, t)
    if not APPEALS.may_apply(actor, appeal, t):
        raise APPEALS.forbidden(appeal, t)
    outcome = rec.parse_outcome(data.get("outcome"))
    reasons = text(data.get("reasons"), field="reasons", label=_("Reasons"), min_len=2, max_len=8000)
    if appeal.answered_on is None or bool(appeal.answer_late):
        rec.check_outcome_after_missing_answer(
            outcome=outcome, third_party_evidence=flag(data.get("third_party_evidence"))
        )
    ctx = _base_context(
        appeal,
        WENSHU["decision"],
        on=timezone.localdate(),
        data={"reasons": reasons, "article": rec.OUTCOME_ARTICLES[outcome]},
        full=sel.can_see_identity(actor, appeal),
        number="",
    )
    ctx.update(draft=True, outcome=outcome_label(str(outcome)))
    return html_pdf(render_to_string("appeals/wenshu.html", ctx), title=ctx["w"].title)


def documents_use_blob(blob: Blob) -> bool:
    """Issued 文书 keep their PDFs (registered with core.files)."""
    return AppealDocument.objects.filter(Q(blob=blob) | Q(masked_blob=blob)).exists()
