"""The one door for every write on normative documents: registering a draft, attaching files, the
workflow steps (through the shared engine), the daily expiry job and clean-up campaigns."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import IO, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhifa.core import workflow as engine
from zhifa.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from zhifa.core.files import filetypes, uploads
from zhifa.core.files.services import blob_store
from zhifa.core.roles import Role
from zhifa.foundation.alerts.services import alert_raise, alert_resolve
from zhifa.law import normative as rules
from zhifa.org.selectors import user_can_see_agency
from zhifa.supervision.normative import handlers  # noqa: F401 — registers the step handlers
from zhifa.supervision.normative.models import (
    LIVE_STATES,
    CleanupCampaign,
    CleanupItem,
    Decision,
    DocumentFile,
    NormativeDocument,
    NormativeEvent,
    State,
)
from zhifa.supervision.normative.workflow import DRAFTERS, NORMATIVE, expiry_alert_key

FILE_FAMILIES = frozenset({"document", "text", "image"})
MAX_FILE_BYTES = 50 * 1024 * 1024
ALERT_KIND = "normative_expiring"


def _audit(actor: Any, action: str, obj: Any, **summary: Any) -> None:
    from zhifa.audit.services import audit_record

    audit_record(actor=actor, action=f"normative.{action}", obj=obj, summary=summary)


@dataclass(frozen=True)
class DraftInput:
    agency_id: int
    title: str
    basis: str
    explanation: str = ""
    public_comment: bool = False
    public_comment_summary: str = ""
    trial: bool = False
    text: str = ""


def _clean(value: str, field: str, *, required: bool, max_len: int) -> str:
    value = (value or "").strip()
    if required and not value:
        raise InvalidInput(_("This field is required."), detail={"field": field})
    if len(value) > max_len:
        raise InvalidInput(_("At most %(n)s characters.") % {"n": max_len}, detail={"field": field})
    return value


def document_create(*, actor: Any, data: DraftInput, on: dt.date | None = None) -> NormativeDocument:
    """Register a draft for the actor's agency (drafting staff only); `on` is the day it was
    registered when entered later (never in the future)."""
    today = timezone.localdate()
    if on is not None and on > today:
        raise InvalidInput(_("The date cannot be in the future."), detail={"field": "on"})
    from zhifa.org.selectors import agency_get

    agency = agency_get(node_id=data.agency_id)
    if agency is None or agency.kind != "agency":
        raise InvalidInput(_("Choose the drafting agency."), detail={"field": "agency_id"})
    if not user_can_see_agency(actor, agency.pk, roles=DRAFTERS):
        raise Forbidden(_("Only the drafting agency's staff may register its drafts."))
    title = _clean(data.title, "title", required=True, max_len=200)
    basis = _clean(data.basis, "basis", required=True, max_len=5000)
    summary = _clean(data.public_comment_summary, "public_comment_summary", required=False, max_len=5000)
    if data.public_comment and not summary:
        raise InvalidInput(
            _("Summarise the public comments received and how they were handled."),
            detail={"field": "public_comment_summary"},
        )
    with transaction.atomic():
        doc = NormativeDocument.objects.create(
            agency=agency,
            title=title,
            basis=basis,
            explanation=_clean(data.explanation, "explanation", required=False, max_len=20000),
            public_comment=data.public_comment,
            public_comment_summary=summary if data.public_comment else "",
            trial=data.trial,
            text=_clean(data.text, "text", required=False, max_len=200000),
            created_at=timezone.now(),
            created_by=actor,
        )
        NormativeEvent.objects.create(
            document=doc,
            kind="create",
            at=doc.created_at,
            on=on or today,
            actor=actor,
            actor_name=(getattr(actor, "display_name", "") or "")[:50],
            from_state="",
            to_state=State.DRAFT,
            data={"title": title},
        )
        _audit(actor, "create", doc, title=title)
    return doc


def document_apply_event(
    *, document_id: int, actor: Any, event: str, data: dict[str, Any]
) -> NormativeDocument:
    """Apply one workflow step (the API's `POST /normative-documents/{id}/events` and the pages).
    `amend` answers with the new draft version."""
    doc = engine.apply_event(NORMATIVE, obj_id=document_id, actor=actor, event=event, data=data)
    if event == "amend":
        new = NormativeDocument.objects.filter(previous=doc).first()
        if new is not None:
            return new
    return doc


def file_attach(
    *,
    document_id: int,
    actor: Any,
    role: str,
    name: str,
    content: bytes | IO[bytes],
    declared_sha256: str | None = None,
) -> DocumentFile:
    """Add a file to a document still being drafted or corrected (the drafting agency's staff).
    Every check (role, state, size, type sniffed from the bytes, and the declared SHA-256 when the
    client sends one) runs before anything is stored: a refused file leaves nothing behind."""
    if role not in DocumentFile.Role.values:
        raise InvalidInput(_("Choose the kind of file."), detail={"field": "role"})
    name = _clean(name, "name", required=True, max_len=200)
    with transaction.atomic():
        doc = NormativeDocument.objects.select_for_update().filter(pk=document_id).first()
        if doc is None or not user_can_see_agency(actor, doc.agency_id):
            raise NotFound(_("Not found, or not visible to you."))
        if not user_can_see_agency(actor, doc.agency_id, roles=DRAFTERS):
            raise Forbidden(_("Only the drafting agency's staff may add files."))
        if doc.state not in {State.DRAFT, State.RETURNED, State.DELIBERATED, State.CORRECTING}:
            raise Conflict(
                _(
                    "Files can be added while the document is drafted, returned, before publication or while it is corrected."
                ),
                detail={"state": doc.state},
            )
        if isinstance(content, bytes):
            size, head = len(content), content[:4096]
        else:
            content.seek(0, 2)
            size = content.tell()
            content.seek(0)
            head = content.read(4096)
            content.seek(0)
        if size > MAX_FILE_BYTES:
            raise InvalidInput(
                _("The file is too large (at most 50 MB)."), code="file_too_large", detail={"field": "file"}
            )
        kind = filetypes.detect(head)
        if size == 0 or kind is None or kind.family not in FILE_FAMILIES:
            raise InvalidInput(
                _("Upload a PDF, a word-processor document, a text file or an image."),
                code="unsupported_file_type",
                detail={"field": "file"},
            )
        if isinstance(content, bytes):
            data = content
        else:  # at most MAX_FILE_BYTES, refused above otherwise
            data = content.read()
            content.seek(0)
        if not uploads.opens_detected(kind, data):
            raise InvalidInput(
                _("The file %(name)s is damaged and cannot be opened.") % {"name": uploads.clean_name(name)},
                code="file_corrupt",
                detail={"field": "file"},
            )
        # A digest mismatch (a corrupted transfer) is refused by the store itself, nothing kept.
        blob = blob_store(content, mime=kind.mime, declared_sha256=declared_sha256 or None)
        row = DocumentFile.objects.create(
            document=doc,
            blob=blob,
            role=role,
            name=name,
            uploaded_at=timezone.now(),
            uploaded_by=actor,
        )
        _audit(actor, "file_attach", doc, name=row.name, sha256=blob.sha256, role=role)
    return row


# --- Expiry: the daily job --------------------------------------------------------------------------


def expiry_check(*, today: dt.date | None = None) -> dict[str, int]:
    """Daily: warn the drafting agency before a document's validity ends (the setting's days ahead),
    and mark documents past their last day of validity expired. Idempotent."""
    today = today or timezone.localdate()
    counts = {"warned": 0, "expired": 0}
    live = NormativeDocument.objects.filter(state__in=list(LIVE_STATES), expires_on__isnull=False)
    for doc in live.select_related("agency").order_by("id"):
        assert doc.expires_on is not None
        if today > doc.expires_on:
            engine.apply_event(NORMATIVE, obj_id=doc.pk, actor=None, event="expire", data={})
            counts["expired"] += 1
            continue
        alert_on, applied = rules.expiry_alert_on(expires=doc.expires_on, agency=doc.agency)
        if today >= alert_on:
            alert_raise(
                kind=ALERT_KIND,
                key=expiry_alert_key(doc),
                agency_id=doc.agency_id,
                title=_("%(number)s %(title)s is valid until %(date)s")
                % {"number": doc.number, "title": doc.title[:80], "date": doc.expires_on.isoformat()},
                message=_("Evaluate whether to keep it in force (amend and republish) or let it lapse."),
                due_on=doc.expires_on,
                object_type="normative.document",
                object_id=str(doc.pk),
                article=str(applied.basis),
            )
            counts["warned"] += 1
        else:
            alert_resolve(key=expiry_alert_key(doc), note="not yet due")
    return counts


# --- Clean-up campaigns (清理) ---------------------------------------------------------------------


CLEANUP_ROLES = frozenset({Role.SUPERVISOR, Role.LEGAL_REVIEWER, Role.APPROVER})


def may_run_cleanup(actor: Any, scope: Any) -> bool:
    """A clean-up of a body covers every agency under it: the actor must see all of them."""
    from zhifa.org.selectors import scope_agency_ids, subtree

    agencies = set(subtree(scope).filter(kind="agency").values_list("id", flat=True))
    return bool(agencies) and agencies <= scope_agency_ids(actor, roles=CLEANUP_ROLES)


def cleanup_start(
    *, actor: Any, scope_id: int, name: str, started_on: dt.date | None = None
) -> CleanupCampaign:
    """A campaign lists every document valid in the scope on its first day (one item each)."""
    from zhifa.org.selectors import agency_get, subtree

    scope = agency_get(node_id=scope_id)
    if scope is None or not may_run_cleanup(actor, scope):
        raise Forbidden(_("You may not start a clean-up for this body."))
    started_on = started_on or timezone.localdate()
    with transaction.atomic():
        campaign = CleanupCampaign.objects.create(
            scope=scope,
            name=_clean(name, "name", required=True, max_len=200),
            started_on=started_on,
            created_at=timezone.now(),
            created_by=actor,
        )
        docs = NormativeDocument.objects.filter(
            agency__in=subtree(scope), state__in=list(LIVE_STATES), effective_on__lte=started_on
        ).exclude(expires_on__lt=started_on)
        CleanupItem.objects.bulk_create([CleanupItem(campaign=campaign, document=d) for d in docs])
        _audit(actor, "cleanup_start", campaign, name=campaign.name, items=docs.count())
    return campaign


def cleanup_decide(*, actor: Any, item_id: int, decision: str, reason: str) -> CleanupItem:
    """保留 / 修改 / 废止 for one document. A decision to amend or repeal is carried out at once through
    the document's own workflow step (`amend` starts a new draft version, `repeal` repeals it today),
    in the same transaction: if the step is refused (e.g. the actor may not repeal), nothing is
    recorded. An amendment already in progress counts as the amendment decided. An amend or repeal
    decision is final; a retain decision may still be changed."""
    if decision not in Decision.values:
        raise InvalidInput(_("Choose retain, amend or repeal."), detail={"field": "decision"})
    with transaction.atomic():
        item = (
            CleanupItem.objects.select_for_update()
            .select_related("campaign", "document")
            .filter(pk=item_id)
            .first()
        )
        if item is None or not user_can_see_agency(actor, item.document.agency_id):
            raise NotFound(_("Not found, or not visible to you."))
        if not user_can_see_agency(
            actor, item.document.agency_id, roles={Role.APPROVER, Role.LEGAL_REVIEWER}
        ):
            raise Forbidden(_("Only the drafting agency's approvers or legal office decide."))
        if item.campaign.closed_on is not None:
            raise Conflict(_("The clean-up campaign is closed."))
        if item.decision in {Decision.AMEND, Decision.REPEAL}:
            raise Conflict(
                _("The amendment or repeal decided has been started; the decision cannot be changed."),
                code="cleanup_decided",
            )
        reason = _clean(reason, "reason", required=decision != Decision.RETAIN, max_len=2000)
        item.decision, item.reason = decision, reason
        item.decided_on, item.decided_by = timezone.localdate(), actor
        item.save(update_fields=["decision", "reason", "decided_on", "decided_by"])
        started = _cleanup_carry_out(actor=actor, item=item)
        _audit(
            actor,
            "cleanup_decide",
            item.document,
            campaign=item.campaign_id,
            decision=decision,
            **started,
        )
    return item


def _cleanup_carry_out(*, actor: Any, item: CleanupItem) -> dict[str, Any]:
    """The step a 修改/废止 decision calls for, through the workflow engine (its role and state checks,
    history and audit apply)."""
    doc = item.document
    label = _("Clean-up %(name)s: %(reason)s") % {"name": item.campaign.name, "reason": item.reason}
    if item.decision == Decision.AMEND:
        existing = NormativeDocument.objects.filter(previous=doc).first()
        if existing is not None:
            return {"new_version": existing.pk, "already_in_progress": True}
        new = document_apply_event(
            document_id=doc.pk, actor=actor, event="amend", data={"explanation": label[:20000]}
        )
        return {"new_version": new.pk}
    if item.decision == Decision.REPEAL:
        document_apply_event(
            document_id=doc.pk,
            actor=actor,
            event="repeal",
            data={"on": timezone.localdate().isoformat(), "reason": label[:2000]},
        )
        return {"repealed": True}
    return {}


def cleanup_close(*, actor: Any, campaign_id: int) -> CleanupCampaign:
    """A campaign closes once every listed document has its decision."""
    with transaction.atomic():
        campaign = (
            CleanupCampaign.objects.select_for_update().select_related("scope").filter(pk=campaign_id).first()
        )
        if campaign is None:
            raise NotFound(_("Not found, or not visible to you."))
        if not may_run_cleanup(actor, campaign.scope):
            raise Forbidden(_("You may not close this clean-up."))
        open_items = campaign.items.filter(decision="").count()
        if open_items:
            raise Conflict(
                _("%(n)s documents still need a decision.") % {"n": open_items},
                code="cleanup_incomplete",
                detail={"open": open_items},
            )
        campaign.closed_on = timezone.localdate()
        campaign.save(update_fields=["closed_on"])
        _audit(actor, "cleanup_close", campaign)
    return campaign
