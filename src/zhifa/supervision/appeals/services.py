"""The one door for every write to an appeal: receiving an application or registering a suit,
applying a workflow step (through the shared engine), and a party's online application (一键复议)."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhifa.audit.services import audit_record
from zhifa.core import workflow as engine
from zhifa.core.errors import Conflict, DomainError, Forbidden, InvalidInput, NotFound
from zhifa.core.identity import validate_party_id
from zhifa.foundation.deadlines import services as deadline_engine
from zhifa.law import litigation as lit
from zhifa.law import reconsideration as rec
from zhifa.org.selectors import agency_get, user_can_see_agency
from zhifa.supervision.appeals import case_link, uploads
from zhifa.supervision.appeals import deadlines as dl
from zhifa.supervision.appeals import handlers as _handlers  # noqa: F401 — registers the step handlers
from zhifa.supervision.appeals.models import (
    LITIGATION_OPEN,
    Appeal,
    AppealEvent,
    AppealFile,
    ApplicantKind,
    Channel,
    FileKind,
    Kind,
    State,
)
from zhifa.supervision.appeals.rules import LITIGATION_ROLES, ORGAN_ROLES, date, flag, text
from zhifa.supervision.appeals.selectors import reconsideration_organ
from zhifa.supervision.appeals.workflow import APPEALS

TRACKING_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: codes are read out on the phone


def new_tracking_code(on: dt.date) -> str:
    rand = "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(10))
    return f"FY{on:%Y%m%d}-{rand[:5]}-{rand[5:]}"


def normalise_tracking_code(code: str) -> str:
    return (code or "").strip().upper().replace(" ", "").replace("－", "-")[:24]


def _applicant(raw: Any) -> dict[str, str]:
    if not isinstance(raw, Mapping):
        raise InvalidInput(_("Enter the applicant."), detail={"field": "applicant"})
    kind = str(raw.get("kind") or "")
    if kind not in ApplicantKind.values:
        raise InvalidInput(
            _("Choose whether the applicant is a person or an organisation."),
            detail={"field": "applicant.kind"},
        )
    ident = str(raw.get("id_number") or "").strip().upper()
    if ident:
        ident = validate_party_id(kind=kind, value=ident)
    return {
        "applicant_kind": kind,
        "applicant_name": text(
            raw.get("name"), field="applicant.name", label=_("Applicant"), min_len=1, max_len=100
        ),
        "applicant_id_number": ident,
        "applicant_phone": text(raw.get("phone"), field="applicant.phone", label=_("Phone"), max_len=30),
        "applicant_address": text(
            raw.get("address"), field="applicant.address", label=_("Address"), max_len=200
        ),
    }


def _linked_case(actor: Any, case_id: Any, respondent_id: int) -> Any:
    if case_id in (None, ""):
        return None
    from zhifa.enforcement.cases.selectors import case_get_for

    try:
        cid = int(case_id)
    except (TypeError, ValueError):
        raise InvalidInput(_("Choose a case."), detail={"field": "case_id"}) from None
    case = case_get_for(user=actor, case_id=cid)
    if case is None:
        raise InvalidInput(_("No such case in your scope."), detail={"field": "case_id"})
    if case.agency_id != respondent_id:
        raise InvalidInput(
            _("The case belongs to another agency than the respondent."), detail={"field": "case_id"}
        )
    return case


def _limit_fields(appeal: Appeal, *, knew_rights_on: dt.date | None) -> None:
    """Whether the application or suit was brought in time (party's favour while provisional). Kept on
    the row; a late reconsideration is refused through the `refuse` step, which names the article."""
    if appeal.kind == Kind.RECONSIDERATION:
        limit = rec.application_limit(
            knew_act_on=appeal.known_on,
            informed=appeal.informed,
            knew_rights_on=knew_rights_on,
            acted_on=appeal.acted_on,
        ).limit
    else:
        limit = lit.suit_limit(
            knew_act_on=appeal.known_on,
            informed=appeal.informed,
            knew_period_on=knew_rights_on,
            acted_on=appeal.acted_on,
        ).limit
    answer = limit.timeliness(appeal.received_on)
    appeal.in_time, appeal.in_time_provisional = answer.in_time, answer.provisional
    appeal.period_end, appeal.period_article = limit.on, limit.article


def appeal_create(*, actor: Any, data: Mapping[str, Any], channel: str | None = None) -> Appeal:
    """Receive a reconsideration application (the organ) or register a suit against an agency (the
    agency or the organ). Opens the first deadline: the acceptance review, or the defence."""
    kind = str(data.get("kind") or "")
    if kind not in Kind.values:
        raise InvalidInput(_("Choose reconsideration or litigation."), detail={"field": "kind"})
    try:
        respondent_id = int(data.get("respondent_id") or 0)
    except (TypeError, ValueError):
        respondent_id = 0
    respondent = agency_get(node_id=respondent_id)
    if respondent is None or not respondent.is_agency:
        raise InvalidInput(_("Choose the respondent agency."), detail={"field": "respondent_id"})
    roles = ORGAN_ROLES if kind == Kind.RECONSIDERATION else LITIGATION_ROLES
    if actor is not None and not user_can_see_agency(actor, respondent.pk, roles=roles):
        raise Forbidden(_("You may not record appeals against this agency."))
    known_on = date(data.get("known_on"), field="known_on")
    received_on = date(data.get("received_on"), field="received_on", required=False) or timezone.localdate()
    acted_on = date(data.get("acted_on"), field="acted_on", required=False)
    knew_rights_on = date(data.get("knew_rights_on"), field="knew_rights_on", required=False)
    assert known_on is not None
    if received_on < known_on:
        raise InvalidInput(
            _("The application cannot be received before the act was known."), detail={"field": "received_on"}
        )
    if acted_on is not None and acted_on > known_on:
        raise InvalidInput(
            _("The party cannot know of the act before it was made."), detail={"field": "acted_on"}
        )
    channel = channel or str(
        data.get("channel") or (Channel.WRITTEN if kind == Kind.RECONSIDERATION else Channel.COURT)
    )
    if channel not in Channel.values:
        raise InvalidInput(_("Choose how the application came in."), detail={"field": "channel"})
    organ_label = _("Reconsideration organ") if kind == Kind.RECONSIDERATION else _("Court")
    appeal = Appeal(
        kind=kind,
        channel=channel,
        state=State.RECEIVED if kind == Kind.RECONSIDERATION else State.FILED,
        respondent=respondent,
        organ=text(data.get("organ"), field="organ", label=organ_label, min_len=2, max_len=100),
        court_case_number=text(
            data.get("court_case_number"), field="court_case_number", label=_("Court case number"), max_len=60
        ),
        act=text(data.get("act"), field="act", label=_("Act appealed against"), min_len=2, max_len=2000),
        act_number=text(data.get("act_number"), field="act_number", label=_("Document number"), max_len=60),
        acted_on=acted_on,
        claims=text(data.get("claims"), field="claims", label=_("Claims"), min_len=2, max_len=4000),
        reasons=text(data.get("reasons"), field="reasons", label=_("Facts and reasons"), max_len=8000),
        known_on=known_on,
        informed=flag(data.get("informed", True)),
        received_on=received_on,
        simple=flag(data.get("simple", False)),
        review_from=received_on if kind == Kind.RECONSIDERATION else None,
        created_by=actor if getattr(actor, "pk", None) else None,
        **_applicant(data.get("applicant")),
    )
    if appeal.kind == Kind.LITIGATION and appeal.simple:
        raise InvalidInput(
            _("The simple procedure is a reconsideration procedure here."), detail={"field": "simple"}
        )
    _limit_fields(appeal, knew_rights_on=knew_rights_on)
    with transaction.atomic():
        case = (
            _linked_case(actor, data.get("case_id"), respondent.pk)
            if actor is not None
            else data.get("_case")
        )
        appeal.case = case
        if channel == Channel.ONLINE:
            appeal.tracking_code = new_tracking_code(received_on)
        appeal.save(force_insert=True)
        if kind == Kind.RECONSIDERATION:
            dl.open_(appeal, dl.ACCEPTANCE_REVIEW, rec.ACCEPTANCE_REVIEW_PERIOD, received_on)
            event = "receive"
            note = _("Application received on %(date)s.") % {"date": received_on.isoformat()}
        else:
            dl.open_(appeal, dl.DEFENCE, lit.DEFENCE_PERIOD, received_on)
            event = "register"
            note = ""
        AppealEvent.objects.create(
            appeal=appeal,
            kind=event,
            at=timezone.now(),
            on=received_on,
            actor=actor if getattr(actor, "pk", None) else None,
            actor_name=(getattr(actor, "full_name", "") or getattr(actor, "username", "") or "")[:50],
            from_state="",
            to_state=appeal.state,
            public_note=note,
            data={
                "channel": channel,
                "in_time": appeal.in_time,
                "provisional": appeal.in_time_provisional,
                "period_end": appeal.period_end.isoformat() if appeal.period_end else None,
                "article": appeal.period_article,
            },
        )
        audit_record(
            actor=actor,
            action=f"appeals.{event}",
            obj=appeal,
            summary={"kind": kind, "channel": channel, "case_id": appeal.case_id},
            agency_id=respondent.pk,
        )
        # The case records the pending appeal (行政处罚法第七十三条: the surcharge stops running).
        case_link.appeal_opened(appeal, actor=actor)
    return appeal


def appeal_apply_event(*, appeal_id: int, actor: Any, event: str, data: Mapping[str, Any]) -> Appeal:
    """Apply one step of the workflow (`workflow.TABLE`); refusals name the article."""
    if event in ("receive", "register"):
        raise APPEALS.unknown_event(event)
    return engine.apply_event(APPEALS, obj_id=appeal_id, actor=actor, event=event, data=data)


def _organ_for(agency: Any) -> str:
    """行政复议法第二十四条 (2023): the organ to apply to, by name (`selectors.reconsideration_organ`)."""
    return str(reconsideration_organ(agency).name)


def _party_case(decision_number: str, id_number: str) -> Any:
    """The decided case whose decision number and party's ID number both match; one answer for every
    mismatch (404 `no_matching_decision`, the same words) whether or not the decision exists."""
    from zhifa.enforcement.cases.selectors import case_for_decision

    case = case_for_decision(decision_number=decision_number, id_number=id_number)
    if case is None:
        raise NotFound(
            _("No decision matches this decision number and ID number."), code="no_matching_decision"
        )
    return case


def public_preview(*, decision_number: str, id_number: str) -> dict[str, Any]:
    """What the party sees of its own decision before it files (一键复议): the decision, the penalty,
    the organ to apply to and the last day to apply (行政复议法第二十条). Only after both numbers match;
    nothing is written."""
    case = _party_case(decision_number, id_number)
    known_on = case.served_on or case.decided_on
    limit = rec.application_limit(
        knew_act_on=known_on, informed=True, knew_rights_on=None, acted_on=case.decided_on
    ).limit
    return {
        "decision_number": case.decision_number,
        "agency": case.agency.name,
        "decided_on": case.decided_on,
        "served_on": case.served_on,
        "facts": case.facts,
        "measures": [str(m) for m in (case.measures or [])],
        "fine_amount": case.fine_amount,
        "organ": _organ_for(case.agency),
        "apply_by": limit.on,
        "apply_by_article": limit.article,
    }


def public_apply(
    *,
    decision_number: str,
    id_number: str,
    claims: str,
    reasons: str,
    phone: str = "",
    attachments: list[Any] | tuple[Any, ...] = (),
) -> Appeal:
    """一键复议: a party applies online against its own penalty decision. The decision number and the
    party's own ID number must both match a decided case; any mismatch gets one answer (404
    `no_matching_decision`, the same words) whether or not the decision exists. Attachments (at most
    five PDF/JPEG/PNG files, `uploads.check_files`) are checked before anything is written and kept
    with the application (`AppealFile`, kind `attachment`)."""
    case = _party_case(decision_number, id_number)
    checked = uploads.check_files(attachments, field="attachments")
    known_on = case.served_on or case.decided_on
    data = {
        "kind": Kind.RECONSIDERATION,
        "respondent_id": case.agency_id,
        "organ": _organ_for(case.agency),
        "act": _("Administrative penalty decision %(number)s") % {"number": case.decision_number},
        "act_number": case.decision_number,
        "acted_on": case.decided_on,
        "claims": claims,
        "reasons": reasons,
        "known_on": known_on,
        "received_on": timezone.localdate(),
        "applicant": {
            "kind": case.party_kind,
            "name": case.party_name,
            "id_number": case.party_id_number,
            "phone": phone or case.party_phone,
            "address": case.party_address,
        },
        "_case": case,
    }
    with transaction.atomic():
        appeal = appeal_create(actor=None, data=data, channel=Channel.ONLINE)
        now = timezone.now()
        for f in checked:
            # by content, after the application passed its checks; a rollback keeps no row
            blob = uploads.store(f)
            AppealFile.objects.create(
                appeal=appeal,
                kind=FileKind.ATTACHMENT,
                original_name=f.name,
                content_type=f.mime,
                size=f.size,
                sha256=blob.sha256,
                blob=blob,
                uploaded_at=now,
            )
    return appeal


def court_papers_upload(*, actor: Any, appeal_id: int, upload: Any, served_on: Any) -> AppealFile:
    """The court's notice of response (应诉通知书, served with the complaint's copy) kept as a file on
    the lawsuit. The defence period (fifteen days from receipt, 行政诉讼法第六十七条) then runs from
    the day it was served: the open `appeals.defence` row is closed as moot and a new one opened.
    Once the defence is submitted (or the trial begun) the file is only kept. The respondent's approver or legal reviewer,
    or the organ's supervisor, within scope."""
    served = date(served_on, field="served_on")
    assert served is not None
    if served > timezone.localdate():
        raise InvalidInput(_("The date cannot be in the future."), detail={"field": "served_on"})
    checked = uploads.check_files([upload] if upload is not None else [], field="file", max_files=1)
    if not checked:
        raise InvalidInput(_("Choose the file to upload."), detail={"field": "file"})
    with transaction.atomic():
        appeal = Appeal.objects.select_for_update().filter(pk=appeal_id).first()
        if appeal is None or not user_can_see_agency(actor, appeal.respondent_id):
            raise NotFound(_("Not found, or not visible to you."))
        if not user_can_see_agency(actor, appeal.respondent_id, roles=LITIGATION_ROLES):
            raise Forbidden(_("You may not record appeals against this agency."))
        if appeal.kind != Kind.LITIGATION or appeal.state not in LITIGATION_OPEN:
            raise Conflict(
                _("The court's notice of response belongs to a pending lawsuit."),
                code="not_a_pending_suit",
                detail={"field": "file"},
            )
        if served < appeal.known_on:
            raise InvalidInput(
                _("The notice cannot be served before the act was known."), detail={"field": "served_on"}
            )
        f = checked[0]
        blob = uploads.store(f)  # only once every check passed
        row = AppealFile.objects.create(
            appeal=appeal,
            kind=FileKind.RESPONSE_NOTICE,
            original_name=f.name,
            content_type=f.mime,
            size=f.size,
            sha256=blob.sha256,
            blob=blob,
            served_on=served,
            uploaded_at=timezone.now(),
            uploaded_by=actor,
        )
        record: dict[str, Any] = {"file_id": row.pk, "served_on": served.isoformat(), "article": lit.ART_67}
        running = deadline_engine.open_rows(dl.subject(appeal), [dl.DEFENCE])
        same_start = bool(running) and all(r.start_on == served for r in running)
        if appeal.state == State.FILED and appeal.answered_on is None and not same_start:
            dl.resolve(
                appeal,
                dl.DEFENCE,
                timezone.localdate(),
                resolution=deadline_engine.Resolution.MOOT,
                explanation="应诉通知书",
            )
            dl.open_(appeal, dl.DEFENCE, lit.DEFENCE_PERIOD, served)
            record["defence_due"] = lit.defence_due(complaint_copy_received_on=served).on.isoformat()
        AppealEvent.objects.create(
            appeal=appeal,
            kind="court_papers",
            at=timezone.now(),
            on=served,
            actor=actor,
            actor_name=(getattr(actor, "full_name", "") or getattr(actor, "username", "") or "")[:50],
            from_state=appeal.state,
            to_state=appeal.state,
            data=record,
        )
        audit_record(
            actor=actor,
            action="appeals.court_papers",
            obj=appeal,
            summary={"file_id": row.pk, "sha256": blob.sha256, "served_on": served.isoformat()},
            agency_id=appeal.respondent_id,
        )
    return row


def deemed_acceptance_sweep() -> dict[str, int]:
    """Daily (huey `appeals_deemed_acceptance`): every application whose acceptance review on the
    deadline engine has passed its last day while still `received` — neither accepted, refused nor
    sent for amendment — counts as accepted from that last day (行政复议法第三十条第三款), through the
    workflow's `deem_accept` step. The engine's rows pick the candidates; the law's rule
    (`law.reconsideration.deemed_accepted`) decides. Idempotent; one failure does not stop the rest."""
    from zhifa.foundation.deadlines.models import Deadline

    today = timezone.localdate()  # the step itself is dated today by the engine
    counts = {"accepted": 0, "skipped": 0, "failed": 0}
    rows = Deadline.objects.filter(
        object_type="appeals.appeal", kind=dl.ACCEPTANCE_REVIEW, resolved_on__isnull=True, due_on__lt=today
    ).values_list("object_id", flat=True)
    for appeal_id in sorted(set(rows)):
        appeal = Appeal.objects.filter(pk=appeal_id, state=State.RECEIVED).first()
        if appeal is None or appeal.review_from is None:
            counts["skipped"] += 1
            continue
        if not rec.deemed_accepted(received_on=appeal.review_from, on=today, decided=False):
            counts["skipped"] += 1  # e.g. a provisional due date the official calendar moved later
            continue
        try:
            engine.apply_event(APPEALS, obj_id=appeal.pk, actor=None, event="deem_accept", data={})
        except DomainError:
            counts["failed"] += 1  # e.g. decided by a person meanwhile; the next run looks again
            continue
        counts["accepted"] += 1
    return counts
