"""The clue workflow's handlers: the guards that are not data and the effects of each event."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core import signing
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhifa.core import workflow
from zhifa.core.errors import InvalidInput
from zhifa.core.numbering import issue_number
from zhifa.foundation.deadlines.services import Subject, deadline_open, deadline_resolve, open_rows
from zhifa.law import supervision as law
from zhifa.law.jurisdiction import applied
from zhifa.org.selectors import issuing_organ
from zhifa.supervision.centre import documents
from zhifa.supervision.centre.models import Clue, NoticeKind, NoticeMaterial, NoticeState, SupervisionNotice
from zhifa.supervision.centre.workflow import CLUES

Ctx = workflow.Ctx[Clue, workflow.Transition]
DEADLINE_KIND = "centre.rectification"
OBJECT_TYPE = "centre.notice"
MAX_DAYS = 180
# The words the forms show for each text field, so a refusal names the field as the reader sees it.
FIELD_LABELS = {
    "reason": gettext_lazy("Reason"),
    "requirements": gettext_lazy("Requirements"),
    "response": gettext_lazy("Response"),
    "opinion": gettext_lazy("Opinion"),
    "description": gettext_lazy("What happened"),
    "finding": gettext_lazy("Finding"),
}


def text(data: dict[str, Any], field: str, *, min_length: int = 1, max_length: int = 5000) -> str:
    raw = data.get(field)
    value = raw.strip() if isinstance(raw, str) else ""
    label = str(FIELD_LABELS.get(field, field))
    if len(value) < min_length:
        raise InvalidInput(
            _("Fill in %(field)s (at least %(n)d characters).") % {"field": label, "n": min_length},
            code="required",
            detail={"field": field},
        )
    if len(value) > max_length:
        raise InvalidInput(_("%(field)s is too long.") % {"field": label}, detail={"field": field})
    return value


def period_days(data: dict[str, Any], clue: Clue) -> tuple[int, dict[str, Any]]:
    """The rectification period: the payload's `days`, else the jurisdiction's setting."""
    setting = applied(law.RECTIFICATION_DAYS.key, agency=clue.agency)
    raw = data.get("days")
    if raw in (None, ""):
        return int(setting.value), setting.as_dict()
    try:
        days = int(raw)
    except (TypeError, ValueError):
        raise InvalidInput(_("Enter the rectification period in days."), detail={"field": "days"}) from None
    if not 1 <= days <= MAX_DAYS:
        raise InvalidInput(
            _("The rectification period is 1 to %(max)d days.") % {"max": MAX_DAYS}, detail={"field": "days"}
        )
    return days, {"key": law.RECTIFICATION_DAYS.key, "value": str(days), "source": "supervisor", "basis": ""}


MATERIAL_SALT = "centre.material"


def material_ref(*, blob_id: int, clue_id: int) -> str:
    """The signed reference `material_store` hands out: the `respond` event attaches only files uploaded
    for this clue through that door, never another stored file named by its id."""
    return signing.dumps([blob_id, clue_id], salt=MATERIAL_SALT)


def _material_blob_id(item: Any, clue: Clue) -> int:
    try:
        blob_id, clue_id = signing.loads(str(item.get("ref", "")), salt=MATERIAL_SALT)
        ok = clue_id == clue.pk and blob_id == int(item.get("blob_id", blob_id))
    except (AttributeError, signing.BadSignature, TypeError, ValueError):
        ok = False
    if not ok:
        raise InvalidInput(
            _("Attach files uploaded for this clue's response."),
            code="unknown_material",
            detail={"field": "files"},
        )
    return int(blob_id)


def current_notice(clue: Clue) -> SupervisionNotice:
    notice = clue.notices.select_for_update().order_by("-id").first()
    assert notice is not None  # the table only allows these events after a notice
    return notice


def _issue(
    ctx: Ctx, *, kind: str, requirements: str, days: int, setting: dict[str, Any]
) -> SupervisionNotice:
    clue, on = ctx.obj, ctx.act_on
    year = on.year
    organ = issuing_organ(ctx.actor, for_agency_id=clue.agency_id)
    abbreviation = organ.abbreviation if organ is not None else ""
    prefix = {"notice": "监通", "suggestion": "监建", "decision": "监决"}[kind]
    notice = SupervisionNotice.objects.create(
        clue=clue,
        agency_id=clue.agency_id,
        kind=kind,
        number=issue_number(
            agency_id=organ.pk if organ is not None else 0, abbreviation=abbreviation, kind=prefix, year=year
        ),
        issuer_organ=organ,
        issuer_organ_name=organ.name if organ is not None else "",
        requirements=requirements,
        issued_on=on,
        due_on=on,
        issued_by=ctx.actor,
        issuer_name=getattr(ctx.actor, "full_name", "") or ctx.actor.get_username(),
    )
    row = deadline_open(
        Subject(OBJECT_TYPE, notice.pk, clue.agency_id),
        kind=DEADLINE_KIND,
        period=law.rectification_period(days),
        start_on=on,
        setting=setting,
        today=ctx.today,
    )
    notice.due_on, notice.due_provisional = row.due_on, row.provisional
    # The document states what is on file now; it is rendered after the commit (the event returns
    # before WeasyPrint runs), from this snapshot.
    notice.context = documents.context_snapshot(notice, clue)
    notice.save(update_fields=["due_on", "due_provisional", "context"])
    documents.schedule_render(notice.pk)
    ctx.record.update(notice_id=notice.pk, number=notice.number, kind=kind, due_on=notice.due_on.isoformat())
    return notice


@CLUES.handlers.handles("clear")
def _clear(ctx: Ctx) -> None:
    ctx.set(condition_open=False, cleared_on=ctx.act_on)
    ctx.record.update(note=str(ctx.data.get("note", "")))


@CLUES.handlers.handles("dismiss")
def _dismiss(ctx: Ctx) -> None:
    reason = text(ctx.data, "reason", min_length=4)
    ctx.set(dismiss_reason=reason, handled_on=ctx.act_on)
    ctx.record.update(reason=reason)


@CLUES.handlers.handles("issue_notice")
def _issue_notice(ctx: Ctx) -> None:
    kind = str(ctx.data.get("kind") or NoticeKind.NOTICE)
    if kind not in NoticeKind.values:
        raise InvalidInput(_("Choose the kind of supervision document."), detail={"field": "kind"})
    requirements = text(ctx.data, "requirements", min_length=4)
    days, setting = period_days(ctx.data, ctx.obj)
    _issue(ctx, kind=kind, requirements=requirements, days=days, setting=setting)
    ctx.set(handled_on=ctx.act_on)


@CLUES.handlers.handles("respond")
def _respond(ctx: Ctx) -> None:
    notice = current_notice(ctx.obj)
    if ctx.act_on < notice.issued_on:
        raise InvalidInput(_("The response cannot predate the notice."), detail={"field": "on"})
    response = text(ctx.data, "response", min_length=4)
    files = ctx.data.get("files") or []
    if not isinstance(files, list):
        raise InvalidInput(_("The materials are a list of uploaded files."), detail={"field": "files"})
    blob_ids = [_material_blob_id(item, ctx.obj) for item in files]
    now = timezone.now()
    for item, blob_id in zip(files, blob_ids, strict=True):
        NoticeMaterial.objects.create(
            notice=notice,
            blob_id=blob_id,
            name=str(item.get("name", ""))[:200] or _("material"),
            content_type=str(item.get("content_type", "application/octet-stream"))[:100],
            uploaded_by=ctx.actor,
            uploaded_at=now,
        )
    notice.response, notice.responded_on, notice.state = response, ctx.act_on, NoticeState.RESPONDED
    notice.save(update_fields=["response", "responded_on", "state"])
    rows = deadline_resolve(
        Subject(OBJECT_TYPE, notice.pk, notice.agency_id), kind=DEADLINE_KIND, on=ctx.act_on
    )
    ctx.record.update(
        notice_id=notice.pk,
        response=response,
        files=[{"blob_id": b, "name": str(i.get("name", ""))} for i, b in zip(files, blob_ids, strict=True)],
        in_time=all(r.resolution == "met" for r in rows),
    )


def _close_notice(ctx: Ctx, state: str, opinion: str) -> SupervisionNotice:
    notice = current_notice(ctx.obj)
    notice.state, notice.opinion, notice.closed_on = state, opinion, ctx.act_on
    notice.save(update_fields=["state", "opinion", "closed_on"])
    subject = Subject(OBJECT_TYPE, notice.pk, notice.agency_id)
    if open_rows(subject):  # escalated before any response: the old period no longer applies
        deadline_resolve(subject, kind=DEADLINE_KIND, on=ctx.act_on, resolution="moot", explanation=opinion)
    return notice


@CLUES.handlers.handles("verify")
def _verify(ctx: Ctx) -> None:
    opinion = text(ctx.data, "opinion", min_length=2)
    notice = _close_notice(ctx, NoticeState.VERIFIED, opinion)
    ctx.record.update(notice_id=notice.pk, opinion=opinion)


@CLUES.handlers.handles("return")
def _return(ctx: Ctx) -> None:
    opinion = text(ctx.data, "opinion", min_length=4)
    days, setting = period_days(ctx.data, ctx.obj)
    old = _close_notice(ctx, NoticeState.RETURNED, opinion)
    notice = _issue(
        ctx, kind=old.kind, requirements=f"{old.requirements}\n{opinion}", days=days, setting=setting
    )
    ctx.record.update(returned_notice_id=old.pk, opinion=opinion, notice_id=notice.pk)


@CLUES.handlers.handles("escalate")
def _escalate(ctx: Ctx) -> None:
    reason = text(ctx.data, "reason", min_length=4)
    days, setting = period_days(ctx.data, ctx.obj)
    old = _close_notice(ctx, NoticeState.ESCALATED, reason)
    notice = _issue(ctx, kind=NoticeKind.DECISION, requirements=reason, days=days, setting=setting)
    ctx.record.update(escalated_notice_id=old.pk, reason=reason, notice_id=notice.pk)


def due_of(notice: SupervisionNotice) -> dt.date:
    return notice.due_on
