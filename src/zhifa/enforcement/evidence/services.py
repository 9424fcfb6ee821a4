"""Every write to evidence: ingest, verification, on-site actions, retention and destruction.

Large content never passes through a database transaction: it is staged and hashed first
(`staging`), moved into the content-addressed store, and only then are the rows written in one short
transaction with their audit entry. If that transaction fails, content that no row refers to is
removed again, so a refused or failed upload keeps nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhifa.audit.services import audit_record
from zhifa.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from zhifa.core.files import filetypes
from zhifa.core.files.models import Blob, BlobCheck
from zhifa.core.files.services import (
    DigestMismatch,
    blob_destroy,
    blob_record,
    blob_verify,
    content_put,
    content_remove_orphan,
    verification_fresh,
)
from zhifa.core.prepared import Prepared
from zhifa.enforcement.cases.selectors import require_case_writable, state_is_writable
from zhifa.enforcement.evidence import kinds, permissions
from zhifa.enforcement.evidence.meta import EvidenceMeta
from zhifa.enforcement.evidence.models import Destruction, Evidence, SiteAction
from zhifa.enforcement.evidence.staging import StagedFile
from zhifa.law import coercion, jurisdiction, records
from zhifa.law.casefile import FileItem
from zhifa.org.models import OrgNode

FAMILY_KIND = {
    "image": "photo",
    "video": "video",
    "audio": "audio",
    "document": "document",
    "text": "document",
}


class UnsupportedContent(InvalidInput):
    code = "unsupported_file_type"


# --- Ingest ---------------------------------------------------------------------------------------


def _check_content(staged: StagedFile, meta: EvidenceMeta) -> tuple[str, filetypes.FileType]:
    """Refusals that depend only on the bytes: declared digest/size, emptiness, type vs kind."""
    if meta.sha256 and meta.sha256 != staged.sha256:
        raise DigestMismatch(
            _("The file received does not match the declared SHA-256; it was refused and nothing was kept."),
            detail={"declared": meta.sha256, "received": staged.sha256, "size": staged.size},
        )
    if meta.size is not None and meta.size != staged.size:
        raise InvalidInput(
            _("The file received is %(got)s bytes, not the declared %(want)s; nothing was kept.")
            % {"got": staged.size, "want": meta.size},
            code="size_mismatch",
            detail={"declared": meta.size, "received": staged.size},
        )
    if staged.size == 0:
        raise InvalidInput(_("The file is empty."), code="empty_file")
    filetype = filetypes.detect(staged.head)
    if filetype is None:
        raise UnsupportedContent(
            _(
                "The content is not a recognised photo, video, audio or document format (checked from the "
                "file itself, not its name)."
            )
        )
    kind = meta.kind or FAMILY_KIND[filetype.family]
    if not kinds.accepts(kind, filetype):
        raise UnsupportedContent(
            _("The file is a %(found)s, which cannot be registered as “%(kind)s”.")
            % {"found": filetype.label, "kind": Evidence.Kind(kind).label},
            detail={"detected": filetype.mime, "kind": kind},
        )
    return kind, filetype


def evidence_ingest(
    *,
    actor: Any,
    staged: StagedFile,
    agency: OrgNode,
    meta: EvidenceMeta,
    case: Any | None = None,
) -> Evidence:
    """Register staged content as evidence of `agency` (and `case`). The staged file is consumed."""
    try:
        if case is not None:
            agency = case.agency
            require_case_writable(case)
        if not permissions.can_add(actor, agency.pk):
            raise Forbidden(_("You cannot add evidence for this agency."))
        kind, filetype = _check_content(staged, meta)
        action = _action_for(meta.action_id, agency=agency)
        stored_now = content_put(staged)
    finally:
        staged.discard()  # no-op once moved into the store
    try:
        with transaction.atomic():
            now = timezone.now()
            blob = blob_record(staged, mime=filetype.mime, now=now)
            evidence = Evidence(
                agency=agency,
                case=case,
                party_name=meta.party_name or (case.party_name if case is not None else ""),
                party_id_number=meta.party_id_number or (case.party_id_number if case is not None else ""),
                action=action,
                blob=blob,
                kind=kind,
                description=meta.description,
                original_name=staged.original_name[:255],
                captured_at=meta.captured_at,
                captured_by=actor if not meta.captured_by_name else None,
                captured_by_name=meta.captured_by_name or getattr(actor, "display_name", ""),
                location=meta.location,
                latitude=meta.latitude,
                longitude=meta.longitude,
                device=meta.device,
                digest_declared=bool(meta.sha256),
                uploaded_by=actor,
                uploaded_at=now,
            )
            evidence.save(force_insert=True)
            audit_record(
                actor=actor,
                action="evidence.ingest",
                obj=evidence,
                agency_id=agency.pk,
                summary={
                    "sha256": blob.sha256,
                    "sm3": blob.sm3,
                    "size": blob.size,
                    "mime": blob.mime,
                    "kind": kind,
                    "deduplicated": not stored_now,
                    "action": action.pk if action else None,
                    "case": case.pk if case is not None else None,
                },
            )
            if action is not None and action.av_required and evidence.is_av:
                _resolve_av_alert(action)
    except BaseException:
        if stored_now:
            content_remove_orphan(staged.sha256)
        raise
    return evidence


def _action_for(action_id: int | None, *, agency: OrgNode) -> SiteAction | None:
    if action_id is None:
        return None
    action = SiteAction.objects.filter(id=action_id, agency=agency).first()
    if action is None:
        raise InvalidInput(
            _("That on-site action does not exist in this agency."), detail={"fields": {"action_id": "?"}}
        )
    return action


# --- Verification ---------------------------------------------------------------------------------


def raise_integrity_alerts(blob: Blob, detail: str) -> None:
    """A failed check of stored content raises an alert on every live evidence item using it
    (registered with core.files in AppConfig.ready())."""
    from zhifa.foundation.alerts.services import alert_raise

    for evidence in Evidence.objects.filter(blob=blob, destroyed_at__isnull=True).only("id", "agency_id"):
        alert_raise(
            kind="evidence_integrity",
            key=f"evidence:{evidence.pk}:integrity",
            agency_id=evidence.agency_id,
            title=_("Evidence file %(id)s no longer matches its recorded digest") % {"id": evidence.pk},
            message=_("Stored content of SHA-256 %(sha)s: %(detail)s.")
            % {"sha": blob.sha256, "detail": detail},
            severity="critical",
            object_type="evidence.evidence",
            object_id=str(evidence.pk),
            article=records.ARTICLE_FULL_PROCESS,
        )


# --- On-site actions and their video records -------------------------------------------------------


# Site actions that are administrative enforcement (行政强制执行), subject to 行政强制法第四十三条.
ENFORCEMENT_KINDS = coercion.ENFORCEMENT_ACTIONS


def site_action_record(
    *,
    actor: Any,
    agency: OrgNode,
    kind: str,
    occurred_at: dt.datetime,
    location: str = "",
    description: str = "",
    case: Any | None = None,
    emergency_reason: str = "",
) -> SiteAction:
    if kind not in SiteAction.Kind.values:
        raise InvalidInput(_("Unknown on-site action."), detail={"fields": {"kind": kind}})
    if timezone.is_naive(occurred_at):
        raise InvalidInput(_("The time needs a time zone."))
    if occurred_at > timezone.now() + dt.timedelta(minutes=10):
        raise InvalidInput(_("The action cannot be in the future."), detail={"fields": {"occurred_at": ""}})
    if case is not None:
        agency = case.agency
        require_case_writable(case)
    if not permissions.can_add(actor, agency.pk):
        raise Forbidden(_("You cannot record actions for this agency."))
    if kind in ENFORCEMENT_KINDS:
        # 行政强制法第四十三条: no enforcement at night (the jurisdiction's night) or on a day off,
        # unless an emergency is recorded — and then the record says what it was.
        timing = coercion.check_enforcement_time(
            at=occurred_at, night=coercion.night_for(agency), emergency_reason=emergency_reason
        )
        if timing.emergency:
            description = f"{description}\n紧急情况（{coercion.ART_43}）：{emergency_reason.strip()}".strip()
    applied = jurisdiction.applied(records.MANDATORY_AV_ACTIONS.key, agency=agency)
    required = kind in records.parse_action_list(applied.value)
    with transaction.atomic():
        action = SiteAction(
            agency=agency,
            kind=kind,
            occurred_at=occurred_at,
            location=location[:200],
            description=description,
            av_required=required,
            av_rule=f"{applied.basis}（{applied.source}: {applied.value}）"[:300],
            recorded_by=actor,
            recorded_at=timezone.now(),
        )
        action.case = case
        action.save(force_insert=True)
        audit_record(
            actor=actor,
            action="evidence.site_action",
            obj=action,
            summary={"kind": kind, "av_required": required, "occurred_at": occurred_at.isoformat()},
        )
        if required:
            _raise_av_alert(action)
    return action


def av_missing(action: SiteAction) -> bool:
    """True when the action needs a video record and none (not destroyed) is attached."""
    if not action.av_required:
        return False
    return not action.evidence.filter(kind=Evidence.Kind.VIDEO, destroyed_at__isnull=True).exists()


def _av_key(action: SiteAction) -> str:
    return f"site_action:{action.pk}:av_missing"


def _raise_av_alert(action: SiteAction) -> None:
    from zhifa.foundation.alerts.services import alert_raise

    if not av_missing(action):
        return
    label = action.get_kind_display()
    alert_raise(
        kind="av_record_missing",
        key=_av_key(action),
        agency_id=action.agency_id,
        title=_("No video record of %(action)s on %(date)s")
        % {"action": label, "date": timezone.localtime(action.occurred_at).date().isoformat()},
        message=records.av_missing_message(label),
        object_type="evidence.siteaction",
        object_id=str(action.pk),
        article=records.ARTICLE_FULL_PROCESS,
    )


def _resolve_av_alert(action: SiteAction) -> None:
    from zhifa.foundation.alerts.services import alert_resolve

    if not av_missing(action):
        alert_resolve(key=_av_key(action), note=_("Video record attached."))


def evidence_attach_to_action(*, actor: Any, evidence: Evidence, action: SiteAction) -> Evidence:
    """Link evidence uploaded earlier to the action it records (once; the link is not changed later)."""
    if not permissions.can_add(actor, evidence.agency_id) or action.agency_id != evidence.agency_id:
        raise Forbidden(_("You cannot change this evidence."))
    if evidence.case_id is not None and action.case_id not in (None, evidence.case_id):
        raise InvalidInput(_("The evidence and the action belong to different cases."))
    if evidence.case is not None:
        require_case_writable(evidence.case)
    with transaction.atomic():
        locked = Evidence.objects.select_for_update().get(pk=evidence.pk)
        if locked.action_id is not None:
            raise Conflict(_("This evidence is already linked to an on-site action."))
        locked.action = action
        locked.save(update_fields=["action"])
        audit_record(actor=actor, action="evidence.attach_action", obj=locked, summary={"action": action.pk})
        if action.av_required and locked.is_av:
            _resolve_av_alert(action)
    return locked


# --- Retention and destruction --------------------------------------------------------------------


def evidence_set_retention(*, actor: Any, evidence: Evidence, keep_until: dt.date, basis: str) -> Evidence:
    """Record how long evidence is kept. A period may be set or lengthened, never shortened (档案法
    实施条例第二十四条: a new, shorter period needs an appraisal, which is the destruction procedure)."""
    if not permissions.can_approve(actor, evidence.agency_id):
        raise Forbidden(_("Only the agency's approvers set retention periods."))
    if not basis.strip():
        raise InvalidInput(_("Name the retention rule applied."), detail={"fields": {"basis": ""}})
    with transaction.atomic():
        locked = Evidence.objects.select_for_update().get(pk=evidence.pk)
        before = locked.retention_until
        if before is not None and keep_until < before:
            raise Conflict(_("A retention period can be lengthened but not shortened."))
        locked.retention_until = keep_until
        locked.retention_basis = basis.strip()[:200]
        locked.save(update_fields=["retention_until", "retention_basis"])
        audit_record(
            actor=actor,
            action="evidence.retention",
            obj=locked,
            summary={"before": str(before) if before else None, "after": str(keep_until), "basis": basis},
        )
    return locked


def _case_archived(evidence: Evidence) -> bool | None:
    if evidence.case is None:
        return None
    return not state_is_writable(evidence.case.state)


def evidence_destruction_request(*, actor: Any, evidence: Evidence, reason: str) -> Destruction:
    if not permissions.can_add(actor, evidence.agency_id) and not permissions.can_approve(
        actor, evidence.agency_id
    ):
        raise Forbidden(_("You cannot request destruction of this evidence."))
    with transaction.atomic():
        evidence = Evidence.objects.select_for_update().get(pk=evidence.pk)
        if evidence.destroyed_at is not None:
            raise Conflict(_("This evidence has already been destroyed."))
        records.check_destruction(
            retention_until=evidence.retention_until,
            today=timezone.localdate(),
            case_archived=_case_archived(evidence),
            reason=reason,
        )
        if evidence.destructions.filter(state=Destruction.State.REQUESTED).exists():
            raise Conflict(_("A destruction request is already waiting for a decision."))
        request = Destruction.objects.create(
            evidence=evidence, reason=reason.strip(), requested_by=actor, requested_at=timezone.now()
        )
        audit_record(
            actor=actor,
            action="evidence.destruction_request",
            obj=evidence,
            summary={"destruction": request.pk, "reason": reason[:200]},
        )
    return request


def evidence_destruction_decide(
    *, actor: Any, destruction_id: int, approve: bool, note: str = ""
) -> Destruction:
    """An approver other than the requester decides; approval destroys the evidence record's content
    (the metadata row and every audit entry stay). Content still used by other evidence is kept."""
    with transaction.atomic():
        request = (
            Destruction.objects.select_for_update()
            .select_related("evidence", "evidence__blob")
            .filter(pk=destruction_id)
        ).first()
        if request is None:
            raise NotFound(_("No such destruction request."))
        evidence = request.evidence
        if not permissions.can_approve(actor, evidence.agency_id):
            raise Forbidden(_("Only the agency's approvers decide on destruction."))
        if request.requested_by_id == actor.pk:
            raise Forbidden(
                _(
                    "The person who asked for destruction cannot approve it (档案法第二十一条: no unauthorised destruction)."
                )
            )
        if request.state != Destruction.State.REQUESTED:
            raise Conflict(_("This request has already been decided."))
        now = timezone.now()
        request.decided_by = actor
        request.decided_at = now
        request.decision_note = note
        remove_content = False
        if approve:
            records.check_destruction(
                retention_until=evidence.retention_until,
                today=timezone.localdate(),
                case_archived=_case_archived(evidence),
                reason=request.reason,
            )
            request.state = Destruction.State.APPROVED
            evidence.destroyed_at = now
            evidence.save(update_fields=["destroyed_at"])
            # Content still used by other evidence, a document or an attachment is kept.
            remove_content = blob_destroy(blob=evidence.blob, now=now)
            request.content_removed = remove_content
        else:
            request.state = Destruction.State.REJECTED
        request.save(update_fields=["state", "decided_by", "decided_at", "decision_note", "content_removed"])
        audit_record(
            actor=actor,
            action="evidence.destruction_" + ("approved" if approve else "rejected"),
            obj=evidence,
            summary={
                "destruction": request.pk,
                "content_removed": remove_content,
                "sha256": evidence.blob.sha256,
            },
        )
    return request


def evidence_uses_blob(blob: Blob) -> bool:
    """Live (not destroyed) evidence keeps this content (registered with core.files)."""
    return Evidence.objects.filter(blob=blob, destroyed_at__isnull=True).exists()


# --- Archive checks (registered with cases.hooks) ---------------------------------------------------

VERIFIED_WITHIN = dt.timedelta(hours=24)


def archive_check_av_records(case: Any) -> list[str]:
    """Every on-site action of the case that must be video-recorded has its video (law.records)."""
    problems = []
    for action in SiteAction.objects.filter(case=case, av_required=True).order_by("occurred_at"):
        if av_missing(action):
            label = f"{action.get_kind_display()}（{timezone.localtime(action.occurred_at):%Y-%m-%d %H:%M}）"
            problems.append(records.av_missing_message(label))
    return problems


def archive_check_evidence_verified(case: Any) -> list[str]:
    """Every evidence file of the case matches its digests: re-hashed now unless a check passed within
    the last day (the nightly job and the dossier's verify button keep archiving fast)."""
    problems = []
    blobs = {
        ev.blob_id: ev.blob
        for ev in Evidence.objects.filter(case=case, destroyed_at__isnull=True).select_related("blob")
    }
    for blob in blobs.values():
        if not verification_fresh(blob, within=VERIFIED_WITHIN):
            blob_verify(blob=blob, trigger=BlobCheck.Trigger.ARCHIVE)
        if not blob.last_check_ok:
            problems.append(
                _("Evidence file %(sha)s no longer matches its recorded digests (行政处罚法第四十七条).")
                % {"sha": blob.sha256[:16]}
            )
    return problems


# --- What the file holds (registered with cases.hooks) ----------------------------------------------

EVIDENCE_LABELS = {
    "photo": "照片",
    "video": "视听资料（视频）",
    "audio": "视听资料（录音）",
    "document": "书证",
    "record": "笔录",
}


# What `file_items_evidence` reads of each item, compiled once per process (core.prepared): every 文书
# generated lists what the file holds.
_FILE_EVIDENCE: Prepared[Evidence] = Prepared(
    lambda pk: (
        Evidence.objects.filter(case_id=pk, destroyed_at__isnull=True)
        .only("id", "kind", "description", "captured_at", "uploaded_at")
        .order_by("captured_at", "id")
    ),
    markers=(-730_100_066,),
)


def file_items_evidence(case: Any) -> list[FileItem]:
    """The case's evidence items (not destroyed) as citable file items: dated when captured, entered
    when uploaded."""
    items = []
    for ev in _FILE_EVIDENCE(case.pk):
        items.append(
            FileItem(
                ref=f"evidence:{ev.pk}",
                kind=ev.kind,
                label=EVIDENCE_LABELS.get(ev.kind, ev.kind),
                description=ev.description[:200],
                dated_on=timezone.localtime(ev.captured_at).date() if ev.captured_at else None,
                entered_on=timezone.localtime(ev.uploaded_at).date(),
            )
        )
    return items
