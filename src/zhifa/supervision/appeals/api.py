"""Appeals API (shared/API.md): `GET,POST /appeals`, `GET /appeals/{id}`, `POST /appeals/{id}/events`
(one schema per event, discriminated by `event`; unknown fields 400), `GET /appeals/{id}/events`,
the numbered 文书 `GET /appeals/{id}/documents` and `…/documents/{code}` (stored PDF), the files
`GET,POST /appeals/{id}/files` (the court's notice of response) and `…/files/{file_id}/content`;
public one-click reconsideration `POST /public/appeals/preview`, `POST /public/appeals` (JSON, or
multipart with `attachments`) and `GET /public/appeals/{tracking_code}` (rate limited, no identity
shown).
"""

# No `from __future__ import annotations`: ninja reads the handlers' annotations at runtime.
import datetime as dt
import json
from collections.abc import Callable
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.utils.translation import gettext as _
from ninja import Body, File, Form, Router, Status
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.files import UploadedFile
from ninja.pagination import paginate
from pydantic import BaseModel, ConfigDict, Field
from pydantic import ValidationError as PydanticValidationError

from zhifa.core import access
from zhifa.core.api import ErrorOut, Page
from zhifa.core.errors import InvalidInput
from zhifa.core.files.serving import serve_blob
from zhifa.core.ratelimit import Limit, allow
from zhifa.enforcement.cases import selectors as case_selectors
from zhifa.supervision.appeals import selectors as sel
from zhifa.supervision.appeals import services as svc
from zhifa.supervision.appeals import wenshu
from zhifa.supervision.appeals.handlers import outcome_label
from zhifa.supervision.appeals.models import Appeal, AppealEvent
from zhifa.supervision.appeals.rules import HANDLER_ROLES

router = Router(tags=["appeals"])
ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut, 429: ErrorOut}
VIEW_ROLES = tuple(sorted(HANDLER_ROLES | {"officer", "assessor", "admin"}))

# The same limits as the public complaint intake: a party files once or twice; a script hundreds.
SUBMIT_LIMITS = (Limit("appeal-submit-10m", 5, 600), Limit("appeal-submit-1d", 20, 86400))
LOOKUP_LIMITS = (Limit("appeal-lookup-1m", 30, 60),)
# Seeing one's decision needs the decision number and the ID number, like filing: the same low limits.
PREVIEW_LIMITS = (Limit("appeal-preview-10m", 10, 600), Limit("appeal-preview-1d", 40, 86400))


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ApplicantIn(Strict):
    kind: Literal["person", "organisation"]
    name: str = Field(max_length=100)
    id_number: str = Field("", max_length=18)
    phone: str = Field("", max_length=30)
    address: str = Field("", max_length=200)


class AppealIn(Strict):
    kind: Literal["reconsideration", "litigation"]
    respondent_id: int
    organ: str = Field(max_length=100, description="the reconsideration organ, or the court")
    court_case_number: str = Field("", max_length=60)
    case_id: int | None = None
    applicant: ApplicantIn
    act: str = Field(max_length=2000)
    act_number: str = Field("", max_length=60)
    acted_on: dt.date | None = None
    claims: str = Field(max_length=4000)
    reasons: str = Field("", max_length=8000)
    known_on: dt.date
    informed: bool = True
    knew_rights_on: dt.date | None = None
    received_on: dt.date | None = None
    channel: Literal["written", "online", "oral", "court"] | None = None
    simple: bool = False


# --- one schema per event -------------------------------------------------------------------------


class Step(Strict):
    on: dt.date | None = Field(None, description="the real-world date of the act (default today)")


class AcceptIn(Step):
    event: Literal["accept"]


class RefuseIn(Step):
    event: Literal["refuse"]
    ground: str = Field(
        description="no_proper_parties|no_interest|no_claim|late|out_of_scope|not_competent|already_brought"
    )
    reason: str = Field(max_length=2000)
    competent_organ: str = Field("", max_length=100)


class RequestAmendmentIn(Step):
    event: Literal["request_amendment"]
    items: str = Field(max_length=2000)
    notice_received_on: dt.date | None = None


class AmendIn(Step):
    event: Literal["amend"]
    extension_days: int = Field(0, ge=0, le=60)


class AbandonIn(Step):
    event: Literal["abandon"]
    extension_days: int = Field(0, ge=0, le=60)


class SendCopyIn(Step):
    event: Literal["send_copy"]
    copy_received_on: dt.date | None = None


class AnswerIn(Step):
    event: Literal["answer"]
    summary: str = Field(max_length=4000)
    evidence: str = Field("", max_length=2000)


class HoldHearingIn(Step):
    event: Literal["hold_hearing"]
    notice_served_on: dt.date
    minutes: str = Field(max_length=4000)


class ExtendIn(Step):
    event: Literal["extend"]
    days: int
    reason: str = Field(max_length=1000)


class SuspendIn(Step):
    event: Literal["suspend"]
    ground: str
    reason: str = Field(max_length=1000)
    both_parties_agree: bool = False


class ResumeIn(Step):
    event: Literal["resume"]


class TerminateIn(Step):
    event: Literal["terminate"]
    ground: str
    reason: str = Field(max_length=1000)


class MediationChecklist(Strict):
    voluntary: bool
    lawful: bool
    no_harm_to_public_interest: bool
    no_harm_to_others: bool


class MediateIn(Step):
    event: Literal["mediate"]
    checklist: MediationChecklist
    signed_by_all_parties: bool
    sealed: bool
    terms: str = Field(max_length=4000)


class DecideIn(Step):
    event: Literal["decide"]
    outcome: str = Field(
        description="upheld|revoked|changed|declared_unlawful|declared_void|ordered_to_perform|dismissed"
    )
    reasons: str = Field(max_length=8000)
    third_party_evidence: bool = False
    changed_measures: list[Annotated[str, Field(max_length=20)]] | None = Field(
        None,
        max_length=6,
        description="for `changed` on a linked case: the penalty as changed (warning, fine …)",
    )
    changed_fine_amount: str | None = Field(None, max_length=20, description="yuan, the fine as changed")


class SubmitDefenceIn(Step):
    event: Literal["submit_defence"]
    summary: str = Field(max_length=4000)


class RecordHearingIn(Step):
    event: Literal["record_hearing"]
    appearance: Literal["head", "staff", "lawyer_only", "none"]
    head_name: str = Field("", max_length=50)
    delegate_name: str = Field("", max_length=100)
    head_required: bool = False
    absence_reason: str = Field("", max_length=2000)


class JudgeIn(Step):
    event: Literal["judge"]
    judgment: str
    reasons: str = Field("", max_length=8000)
    changed_measures: list[Annotated[str, Field(max_length=20)]] | None = Field(
        None,
        max_length=6,
        description="for `changed` on a linked case: the penalty as changed (warning, fine …)",
    )
    changed_fine_amount: str | None = Field(None, max_length=20, description="yuan, the fine as changed")


class AppealStepIn(Step):
    event: Literal["appeal"]
    appellant: str = Field(max_length=50)


class FinaliseIn(Step):
    event: Literal["finalise"]


class WithdrawIn(Step):
    event: Literal["withdraw"]
    note: str = Field(max_length=4000)


class SettleIn(Step):
    event: Literal["settle"]
    terms: str = Field(max_length=4000)


EventIn = Annotated[
    AcceptIn
    | RefuseIn
    | RequestAmendmentIn
    | AmendIn
    | AbandonIn
    | SendCopyIn
    | AnswerIn
    | HoldHearingIn
    | ExtendIn
    | SuspendIn
    | ResumeIn
    | TerminateIn
    | MediateIn
    | DecideIn
    | SubmitDefenceIn
    | RecordHearingIn
    | JudgeIn
    | AppealStepIn
    | FinaliseIn
    | WithdrawIn
    | SettleIn,
    Field(discriminator="event"),
]


# --- outputs --------------------------------------------------------------------------------------


class DeadlineOut(BaseModel):
    kind: str
    label: str
    due_on: dt.date
    status: str
    colour: str
    provisional: bool
    article: str
    resolved_on: dt.date | None
    resolution: str


class HearingOut(BaseModel):
    instance: int
    held_on: dt.date
    appearance: str
    head_name: str
    delegate_name: str
    compliant: bool
    problem: str
    article: str


class CaseSummaryOut(BaseModel):
    id: int
    number: str
    decision_number: str
    state: str
    decided_on: dt.date | None
    fine_amount: str | None


class AppealOut(BaseModel):
    id: int
    kind: str
    channel: str
    state: str
    state_label: str
    respondent: dict[str, Any]
    organ: str
    court_case_number: str
    case_id: int | None
    case: CaseSummaryOut | None
    applicant: dict[str, str]
    act: str
    act_number: str
    acted_on: dt.date | None
    claims: str
    reasons: str
    known_on: dt.date
    received_on: dt.date
    in_time: bool
    in_time_provisional: bool
    period_end: dt.date | None
    period_article: str
    simple: bool
    tracking_code: str | None
    accepted_on: dt.date | None
    answered_on: dt.date | None
    answer_late: bool | None
    instance: int
    outcome: str
    outcome_label: str
    outcome_article: str
    closed_on: dt.date | None
    deadlines: list[DeadlineOut]
    hearings: list[HearingOut]
    documents: list["AppealDocumentOut"]
    files: list["AppealFileOut"]
    allowed_events: list[str]


class AppealDocumentOut(BaseModel):
    code: str
    title: str
    number: str
    issued_on: dt.date


class AppealFileOut(BaseModel):
    """A file kept with the appeal; `name` and `sha256` only for those handling it."""

    id: int
    kind: str
    kind_label: str
    name: str
    content_type: str
    size: int
    sha256: str
    served_on: dt.date | None
    uploaded_at: dt.datetime


AppealOut.model_rebuild()


class AppealRowOut(BaseModel):
    id: int
    kind: str
    state: str
    respondent: str
    organ: str
    received_on: dt.date
    case_id: int | None
    outcome: str
    next_due_on: dt.date | None
    colour: str


class EventOut(BaseModel):
    kind: str
    on: dt.date
    at: dt.datetime
    actor: str
    from_state: str
    to_state: str
    data: dict[str, Any]


class PublicAppealIn(Strict):
    decision_number: str = Field(max_length=60)
    id_number: str = Field(max_length=18)
    claims: str = Field(max_length=4000)
    reasons: str = Field("", max_length=8000)
    phone: str = Field("", max_length=30)


class PublicAppealLookupIn(Strict):
    decision_number: str = Field(max_length=60)
    id_number: str = Field(max_length=18)


class PublicAppealDecisionOut(BaseModel):
    """The party's own decision, shown only when both numbers match."""

    decision_number: str
    agency: str
    decided_on: dt.date | None
    served_on: dt.date | None
    facts: str
    measures: list[str]
    fine_amount: Decimal | None
    organ: str
    apply_by: dt.date
    apply_by_article: str


class PublicEventOut(BaseModel):
    kind: str
    on: dt.date
    note: str


class PublicProgressOut(BaseModel):
    """What anyone holding the tracking code sees: never who applied."""

    tracking_code: str
    organ: str
    respondent: str
    act: str
    state: str
    state_label: str
    received_on: dt.date
    outcome: str
    outcome_label: str
    outcome_article: str
    events: list[PublicEventOut]


def case_summary(user: Any, case_id: int | None) -> dict[str, Any] | None:
    if case_id is None:
        return None
    case = case_selectors.case_get_for(user=user, case_id=case_id)
    if case is None:
        return None
    return {
        "id": case.pk,
        "number": case.number,
        "decision_number": case.decision_number,
        "state": case.state,
        "decided_on": case.decided_on,
        "fine_amount": str(case.fine_amount) if case.fine_amount is not None else None,
    }


def appeal_out(request: HttpRequest, appeal: Appeal) -> dict[str, Any]:
    return {
        "id": appeal.pk,
        "kind": appeal.kind,
        "channel": appeal.channel,
        "state": appeal.state,
        "state_label": str(appeal.get_state_display()),
        "respondent": {"id": appeal.respondent_id, "name": appeal.respondent.name},
        "organ": appeal.organ,
        "court_case_number": appeal.court_case_number,
        "case_id": appeal.case_id,
        "case": case_summary(request.user, appeal.case_id),
        "applicant": sel.applicant(appeal, full=sel.can_see_identity(request.user, appeal)),
        "act": appeal.act,
        "act_number": appeal.act_number,
        "acted_on": appeal.acted_on,
        "claims": appeal.claims,
        "reasons": appeal.reasons,
        "known_on": appeal.known_on,
        "received_on": appeal.received_on,
        "in_time": appeal.in_time,
        "in_time_provisional": appeal.in_time_provisional,
        "period_end": appeal.period_end,
        "period_article": appeal.period_article,
        "simple": appeal.simple,
        "tracking_code": appeal.tracking_code if sel.can_see_identity(request.user, appeal) else None,
        "accepted_on": appeal.accepted_on,
        "answered_on": appeal.answered_on,
        "answer_late": appeal.answer_late,
        "instance": appeal.instance,
        "outcome": appeal.outcome,
        "outcome_label": outcome_label(appeal.outcome),
        "outcome_article": appeal.outcome_article,
        "closed_on": appeal.closed_on,
        "deadlines": sel.appeal_deadlines(appeal),
        "hearings": [
            {
                "instance": h.instance,
                "held_on": h.held_on,
                "appearance": h.appearance,
                "head_name": h.head_name,
                "delegate_name": h.delegate_name,
                "compliant": h.compliant,
                "problem": h.problem,
                "article": h.article,
            }
            for h in sel.appeal_hearings(appeal)
        ],
        "documents": wenshu.issued(appeal),
        "files": sel.appeal_files(appeal, full=sel.can_see_identity(request.user, appeal)),
        "allowed_events": sel.allowed_events(appeal, request.user),
    }


def _row(appeal: Appeal) -> dict[str, Any]:
    nxt = sel.next_deadline(appeal)
    return {
        "id": appeal.pk,
        "kind": appeal.kind,
        "state": appeal.state,
        "respondent": appeal.respondent.name,
        "organ": appeal.organ,
        "received_on": appeal.received_on,
        "case_id": appeal.case_id,
        "outcome": appeal.outcome,
        "next_due_on": nxt["due_on"] if nxt else None,
        "colour": nxt["colour"] if nxt else "",
    }


class Presented:
    """A queryset the paginator can count and slice, rendering only the rows of the page."""

    def __init__(self, qs: Any, render: Callable[[Any], dict[str, Any]]) -> None:
        self.qs, self.render = qs, render

    def __len__(self) -> int:
        return int(self.qs.count())

    def __getitem__(self, item: slice) -> list[dict[str, Any]]:
        return [self.render(obj) for obj in self.qs[item]]


def _get(request: HttpRequest, appeal_id: int) -> Appeal:
    appeal = sel.appeal_get_for(user=request.user, appeal_id=appeal_id)
    if appeal is None:
        raise Http404
    return appeal


@router.get("/appeals", response=list[AppealRowOut])
@paginate(Page)
@access.login
def appeal_list(
    request: HttpRequest, kind: str = "", state: str = "", agency: int | None = None, open: bool = False
) -> Any:
    """Appeals against the agencies in your scope, newest first, with the next deadline's colour."""
    qs = sel.appeal_list_for(
        user=request.user, filters=sel.AppealFilters(kind=kind, state=state, agency=agency, open_only=open)
    )
    return Presented(qs, _row)


@router.post("/appeals", response={201: AppealOut, **ERRORS})
@access.roles(*sorted(HANDLER_ROLES))
def appeal_create(request: HttpRequest, payload: AppealIn) -> Status[dict[str, Any]]:
    """Receive a reconsideration application (the organ's office) or register a suit (the agency)."""
    appeal = svc.appeal_create(actor=request.user, data=payload.model_dump())
    appeal = _get(request, appeal.pk)
    return Status(201, appeal_out(request, appeal))


@router.get("/appeals/{appeal_id}", response={200: AppealOut, **ERRORS})
@access.login
def appeal_detail(request: HttpRequest, appeal_id: int) -> dict[str, Any]:
    """The appeal, the applicant (masked unless you handle it), deadlines, hearings, the linked case's
    summary (read-only, when in your scope) and the steps you may take."""
    return appeal_out(request, _get(request, appeal_id))


def document_response(request: HttpRequest, appeal: Appeal, code: str) -> HttpResponseBase:
    """The stored PDF of a 文书 (full or masked for this reader), streamed and audited
    (`appeals.document_download`); its SHA-256 in `X-Content-SHA256`."""
    doc, blob, name = wenshu.document_stored(actor=request.user, appeal=appeal, code=code)
    return serve_blob(
        request,
        blob,
        audit_action="appeals.document_download",
        audit_obj=appeal,
        agency_id=appeal.respondent_id,
        audit_repr=f"{code} {doc.number}",
        filename=name,
        content_type="application/pdf",
    )


def file_response(request: HttpRequest, appeal: Appeal, file_id: int) -> HttpResponseBase:
    """A file kept with the appeal, to those handling it only (404 otherwise), audited."""
    row = sel.file_get_for(user=request.user, appeal=appeal, file_id=file_id)
    if row is None:
        raise Http404
    return serve_blob(
        request,
        row.blob,
        audit_action="appeals.file_download",
        audit_obj=appeal,
        agency_id=appeal.respondent_id,
        audit_repr=f"file {row.pk}",  # not its name, which may name the applicant
        filename=row.original_name,
        as_attachment=row.content_type == "application/pdf",
        content_type=row.content_type,
    )


@router.get("/appeals/{appeal_id}/documents", response={200: list[AppealDocumentOut], **ERRORS})
@access.login
def appeal_documents(request: HttpRequest, appeal_id: int) -> list[dict[str, Any]]:
    """The numbered 文书 of the appeal (latest step per document)."""
    return wenshu.issued(_get(request, appeal_id))


class AppealDecisionPreviewIn(Strict):
    outcome: str = Field(
        description="upheld|revoked|changed|declared_unlawful|declared_void|ordered_to_perform|dismissed"
    )
    reasons: str = Field(max_length=8000)
    third_party_evidence: bool = False


@router.post("/appeals/{appeal_id}/documents/decision/preview", response={200: None, **ERRORS})
@access.roles(*sorted(HANDLER_ROLES))
def appeal_decision_preview(
    request: HttpRequest, appeal_id: int, payload: AppealDecisionPreviewIn
) -> HttpResponse:
    """The 行政复议决定书 as `decide` with this outcome and these reasons would issue it: a draft PDF
    (草稿, no number), not stored, nothing changed; the step's guards apply (409 state, 403 role,
    400/422 outcome)."""
    pdf = wenshu.decision_preview(
        actor=request.user, appeal=_get(request, appeal_id), data=payload.model_dump()
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="appeal-{appeal_id}-decision-draft.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@router.get("/appeals/{appeal_id}/documents/{code}", response={200: None, **ERRORS})
@access.login
def appeal_document(request: HttpRequest, appeal_id: int, code: str) -> HttpResponseBase:
    """A reconsideration 文书 as PDF (`acceptance_notice`, `refusal_decision`, `amendment_notice`,
    `answer_notice`, `decision`), numbered when its step was taken, rendered once and stored; the same
    bytes every time (applicant masked unless you handle the appeal). 409 `document_not_available`
    before its step."""
    return document_response(request, _get(request, appeal_id), code)


@router.get("/appeals/{appeal_id}/files", response={200: list[AppealFileOut], **ERRORS})
@access.login
def appeal_file_list(request: HttpRequest, appeal_id: int) -> list[dict[str, Any]]:
    """The files kept with the appeal (names and digests only for those handling it)."""
    appeal = _get(request, appeal_id)
    return sel.appeal_files(appeal, full=sel.can_see_identity(request.user, appeal))


@router.post("/appeals/{appeal_id}/files", response={201: AppealFileOut, **ERRORS})
@access.roles(*sorted(HANDLER_ROLES))
def appeal_file_upload(
    request: HttpRequest,
    appeal_id: int,
    file: File[UploadedFile],
    served_on: Form[dt.date],
    kind: Form[Literal["response_notice"]] = "response_notice",
) -> Status[dict[str, Any]]:
    """Upload the court's notice of response (应诉通知书; multipart `file`, `served_on`) to a pending
    lawsuit: PDF/JPEG/PNG checked from the bytes, ≤ 10 MB; the defence period (15 days, 行政诉讼法第六十七条)
    runs from `served_on` while the defence is not submitted."""
    appeal = _get(request, appeal_id)
    row = svc.court_papers_upload(actor=request.user, appeal_id=appeal.pk, upload=file, served_on=served_on)
    out = next(f for f in sel.appeal_files(appeal, full=True) if f["id"] == row.pk)
    return Status(201, out)


@router.get("/appeals/{appeal_id}/files/{file_id}/content", response={200: None, **ERRORS})
@access.login
def appeal_file_content(request: HttpRequest, appeal_id: int, file_id: int) -> HttpResponseBase:
    return file_response(request, _get(request, appeal_id), file_id)


@router.post("/appeals/{appeal_id}/events", response={200: AppealOut, **ERRORS})
@access.roles(*sorted(HANDLER_ROLES))
def appeal_event(request: HttpRequest, appeal_id: int, payload: Body[EventIn]) -> dict[str, Any]:
    """Apply one step; its fields are the schema of its `event`."""
    data = payload.model_dump(exclude_none=True)
    event = str(data.pop("event"))
    svc.appeal_apply_event(appeal_id=appeal_id, actor=request.user, event=event, data=data)
    return appeal_out(request, _get(request, appeal_id))


@router.get("/appeals/{appeal_id}/events", response={200: list[EventOut], **ERRORS})
@paginate(Page)
@access.login
def appeal_history(request: HttpRequest, appeal_id: int) -> Any:
    """The append-only history, oldest first."""
    appeal = _get(request, appeal_id)
    full = sel.can_see_identity(request.user, appeal)
    return [_event(e, full=full) for e in sel.appeal_events(appeal)]


def _event(e: AppealEvent, *, full: bool) -> dict[str, Any]:
    return {
        "kind": e.kind,
        "on": e.on,
        "at": e.at,
        "actor": e.actor_name,
        "from_state": e.from_state,
        "to_state": e.to_state,
        "data": e.data
        if full
        else {k: v for k, v in e.data.items() if k in {"article", "outcome", "ground", "judgment"}},
    }


# --- public: one-click reconsideration --------------------------------------------------------------


def _limit(request: HttpRequest, limits: tuple[Limit, ...]) -> None:
    if not allow(request, limits):
        raise HttpError(429, "rate limited")


def public_progress(appeal: Appeal) -> dict[str, Any]:
    return {
        "tracking_code": appeal.tracking_code or "",
        "organ": appeal.organ,
        "respondent": appeal.respondent.name,
        "act": appeal.act,
        "state": appeal.state,
        "state_label": str(appeal.get_state_display()),
        "received_on": appeal.received_on,
        "outcome": appeal.outcome,
        "outcome_label": outcome_label(appeal.outcome),
        "outcome_article": appeal.outcome_article,
        "events": sel.public_timeline(appeal),
    }


@router.post("/public/appeals/preview", auth=None, response={200: PublicAppealDecisionOut, **ERRORS})
@access.public
def public_appeal_preview(request: HttpRequest, payload: PublicAppealLookupIn) -> dict[str, Any]:
    """The party's own decision before filing: shown only when the decision number and the party's
    ID number both match (404 `no_matching_decision` otherwise, the same whether or not the decision
    exists); nothing is written. Rate limited like filing."""
    _limit(request, PREVIEW_LIMITS)
    return svc.public_preview(decision_number=payload.decision_number, id_number=payload.id_number)


BAD_BODY = "The request could not be read (malformed JSON or form data)."  # core.api's words


def _public_payload(request: HttpRequest) -> tuple[PublicAppealIn, list[Any]]:
    """JSON, or multipart form fields with up to five files in `attachments`."""
    content_type = request.META.get("CONTENT_TYPE", "")
    files: list[Any] = []
    if content_type.startswith("multipart/form-data"):
        raw: Any = {k: request.POST.get(k) for k in request.POST}
        unknown = [k for k in request.FILES if k != "attachments"]
        if unknown:
            raise InvalidInput(
                _("Unknown field %(field)s: this operation does not take it.") % {"field": unknown[0]},
                code="unknown_field",
                detail={"field": unknown[0]},
            )
        files = list(request.FILES.getlist("attachments"))
    else:
        try:
            raw = json.loads(request.body or b"{}")
        except (ValueError, UnicodeDecodeError):
            raise InvalidInput(_(BAD_BODY), code="bad_request") from None
        if not isinstance(raw, dict):
            raise InvalidInput(_(BAD_BODY), code="bad_request")
    try:
        return PublicAppealIn.model_validate(raw), files
    except PydanticValidationError as exc:  # the API's own handler words it (unknown_field, 422)
        raise NinjaValidationError(
            [{**e, "loc": ("body", "payload", *e.get("loc", ()))} for e in exc.errors()]  # type: ignore[typeddict-item]
        ) from None


@router.post(
    "/public/appeals",
    auth=None,
    response={201: PublicProgressOut, **ERRORS},
    openapi_extra={
        "requestBody": {
            "content": {
                "application/json": {"schema": PublicAppealIn.model_json_schema()},
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "properties": {
                            **PublicAppealIn.model_json_schema()["properties"],
                            "attachments": {"type": "array", "items": {"type": "string", "format": "binary"}},
                        },
                    }
                },
            },
            "required": True,
        }
    },
)
@access.public
def public_appeal_submit(request: HttpRequest) -> Status[dict[str, Any]]:
    """一键复议: the decision number and the party's own ID number must match a decided case; a
    mismatch answers 404 `no_matching_decision` whether or not the decision exists. Multipart may
    carry up to five `attachments` (PDF/JPEG/PNG, type from the bytes, ≤ 10 MB each, ≤ 30 MB in
    all); a refused file refuses the application and nothing is kept."""
    _limit(request, SUBMIT_LIMITS)
    payload, files = _public_payload(request)
    appeal = svc.public_apply(
        decision_number=payload.decision_number,
        id_number=payload.id_number,
        claims=payload.claims,
        reasons=payload.reasons,
        phone=payload.phone,
        attachments=files,
    )
    return Status(201, public_progress(appeal))


@router.get("/public/appeals/{tracking_code}", auth=None, response={200: PublicProgressOut, **ERRORS})
@access.public
def public_appeal_progress(request: HttpRequest, tracking_code: str) -> dict[str, Any]:
    _limit(request, LOOKUP_LIMITS)
    appeal = sel.public_get(svc.normalise_tracking_code(tracking_code))
    if appeal is None:
        raise Http404
    return public_progress(appeal)
