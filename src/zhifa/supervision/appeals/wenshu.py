"""The reconsideration 文书 rendered from the file as PDFs (the documents app's fonts, stylesheet and
no-network WeasyPrint through `documents.services.html_pdf`): 受理通知书, 不予受理决定书, 补正通知书 and
行政复议决定书. Each states only what the appeal's own rows hold — the step it records must have
happened (409 `document_not_available` otherwise) and its words come from that step's event row.
Rendered on request (not stored); each rendering is audited with its SHA-256."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from zhifa.audit.services import audit_record
from zhifa.core.errors import Conflict, NotFound
from zhifa.enforcement.documents.services import html_pdf
from zhifa.law import litigation as lit
from zhifa.law import reconsideration as rec
from zhifa.supervision.appeals import selectors as sel
from zhifa.supervision.appeals.handlers import outcome_label
from zhifa.supervision.appeals.models import Appeal, AppealEvent, Kind


@dataclass(frozen=True)
class Wenshu:
    code: str
    title: str
    events: tuple[str, ...]  # the step(s) the document records (the latest one is used)


WENSHU = {
    w.code: w
    for w in (
        Wenshu("acceptance_notice", "行政复议受理通知书", ("accept", "deem_accept")),
        Wenshu("refusal_decision", "不予受理决定书", ("refuse",)),
        Wenshu("amendment_notice", "行政复议申请补正通知书", ("request_amendment",)),
        Wenshu("decision", "行政复议决定书", ("decide",)),
    )
}


def available(appeal: Appeal) -> list[Wenshu]:
    """The documents whose step has happened (shown on the appeal page)."""
    if appeal.kind != Kind.RECONSIDERATION:
        return []
    kinds = set(appeal.events.values_list("kind", flat=True))
    return [w for w in WENSHU.values() if kinds & set(w.events)]


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


def context(appeal: Appeal, code: str, *, full: bool) -> dict[str, Any]:
    w = WENSHU.get(code)
    if w is None:
        raise NotFound(_("Not found, or not visible to you."))
    row = _event(appeal, w)
    data = dict(row.data or {})
    ctx: dict[str, Any] = {
        "w": w,
        "a": appeal,
        "on": row.on,
        "data": data,
        "applicant": sel.applicant(appeal, full=full),
        "respondent": appeal.respondent.name,
        "suit_article": lit.ART_45,
    }
    if code == "acceptance_notice":
        ctx["deemed"] = bool(data.get("deemed")) or row.kind == "deem_accept"
        ctx["article"] = rec.ART_30_3 if ctx["deemed"] else rec.ART_30
    elif code == "decision":
        ctx["outcome"] = outcome_label(str(data.get("outcome", appeal.outcome)))
    return ctx


def render(*, actor: Any, appeal: Appeal, code: str) -> tuple[bytes, str]:
    """The PDF and its file name; the caller found `appeal` through `selectors.appeal_get_for`. The
    applicant's identity is in full only for those handling the appeal (masked otherwise)."""
    full = sel.can_see_identity(actor, appeal)
    ctx = context(appeal, code, full=full)
    html = render_to_string("appeals/wenshu.html", ctx)
    pdf = html_pdf(html, title=ctx["w"].title)
    audit_record(
        actor=actor,
        action="appeals.document_render",
        obj=appeal,
        summary={"document": code, "sha256": hashlib.sha256(pdf).hexdigest(), "full_identity": full},
        agency_id=appeal.respondent_id,
    )
    return pdf, f"appeal-{appeal.pk}-{code}.pdf"
