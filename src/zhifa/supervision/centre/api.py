"""Supervision centre API (shared/API.md): `GET /supervision/models`, `GET /supervision/clues`,
`GET /supervision/clues/{id}`, `POST /supervision/clues/{id}/events` (one schema per event,
discriminated by `event`; unknown fields 400), `GET /supervision/clues/{id}/events`,
`POST /supervision/clues/{id}/materials`, `GET /supervision/notices/{id}/pdf`,
`GET,POST /supervision/accountability`, `GET /stats/dashboard`, `GET /stats/monthly-report`.
"""

# No `from __future__ import annotations`: ninja reads the handlers' annotations at runtime.
import datetime as dt
from typing import Annotated, Any, Literal

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Body, File, Query, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate
from pydantic import BaseModel, ConfigDict, Field

from zhifa.core import access
from zhifa.core.api import ErrorOut, Page
from zhifa.core.errors import InvalidInput
from zhifa.core.files.serving import serve_blob
from zhifa.core.indicators import DateSpan
from zhifa.core.roles import Role
from zhifa.supervision.centre import dashboard as dash
from zhifa.supervision.centre import documents, reports
from zhifa.supervision.centre import selectors as sel
from zhifa.supervision.centre import services as svc
from zhifa.supervision.centre.models import Clue, FaultRecord, SupervisionNotice

router = Router(tags=["supervision centre"])
ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
HANDLERS = tuple(sorted(sel.HANDLER_ROLES))
STAFF = tuple(sorted({*sel.HANDLER_ROLES, Role.OFFICER, Role.ASSESSOR, Role.ADMIN}))


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Step(Strict):
    on: dt.date | None = Field(None, description="the real-world date of the act (default today)")


class DismissIn(Step):
    event: Literal["dismiss"]
    reason: str = Field(max_length=2000)


class IssueNoticeIn(Step):
    event: Literal["issue_notice"]
    kind: Literal["notice", "suggestion", "decision"] = "notice"
    requirements: str = Field(max_length=5000)
    days: int | None = Field(None, description="rectification period; default the jurisdiction's setting")


class MaterialRef(Strict):
    blob_id: int
    name: str = Field("", max_length=200)
    content_type: str = Field("", max_length=100)
    sha256: str = Field("", max_length=64)
    ref: str = Field(max_length=300, description="the signed reference the upload returned")


class RespondIn(Step):
    event: Literal["respond"]
    response: str = Field(max_length=5000)
    files: list[MaterialRef] = Field(default_factory=list, description="from POST …/materials")


class VerifyIn(Step):
    event: Literal["verify"]
    opinion: str = Field(max_length=2000)


class ReturnIn(Step):
    event: Literal["return"]
    opinion: str = Field(max_length=2000)
    days: int | None = None


class EscalateIn(Step):
    event: Literal["escalate"]
    reason: str = Field(max_length=2000)
    days: int | None = None


EventIn = Annotated[
    DismissIn | IssueNoticeIn | RespondIn | VerifyIn | ReturnIn | EscalateIn, Field(discriminator="event")
]


class ModelOut(BaseModel):
    code: str
    name: str
    article: str
    settings: list[str]
    subject: str
    open: int


class NoticeOut(BaseModel):
    id: int
    kind: str
    kind_label: str
    number: str
    issuer_organ: str
    state: str
    issued_on: dt.date
    due_on: dt.date
    provisional: bool
    requirements: str
    response: str
    responded_on: dt.date | None
    opinion: str
    pdf: str
    materials: list[dict[str, Any]]
    deadlines: list[dict[str, Any]]


class ClueOut(BaseModel):
    id: int
    model: str
    model_name: str
    agency_id: int
    agency: str
    state: str
    state_label: str
    title: str
    explanation: str
    records: list[dict[str, Any]]
    object_type: str
    object_id: int
    case_id: int | None
    condition_open: bool
    raised_on: dt.date
    last_seen_on: dt.date
    cleared_on: dt.date | None
    dismiss_reason: str
    notices: list[NoticeOut]
    deadlines: list[dict[str, Any]]
    allowed_events: list[str]


class ClueRowOut(BaseModel):
    id: int
    model: str
    agency: str
    state: str
    title: str
    raised_on: dt.date
    condition_open: bool


class EventOut(BaseModel):
    kind: str
    on: dt.date
    at: dt.datetime
    by: str
    from_state: str
    to_state: str
    data: dict[str, Any]


def _notice(request: HttpRequest, n: SupervisionNotice) -> dict[str, Any]:
    return {
        "id": n.pk,
        "kind": n.kind,
        "kind_label": n.get_kind_display(),
        "number": n.number,
        "issuer_organ": n.issuer_organ_name,
        "state": n.state,
        "issued_on": n.issued_on,
        "due_on": n.due_on,
        "provisional": n.due_provisional,
        "requirements": n.requirements,
        "response": n.response,
        "responded_on": n.responded_on,
        "opinion": n.opinion,
        "pdf": f"/api/v1/supervision/notices/{n.pk}/pdf",
        "materials": [
            {"name": m.name, "content_type": m.content_type, "sha256": m.blob.sha256}
            for m in n.materials.all()
        ],
        "deadlines": [{**d, "due_on": d["due_on"].isoformat()} for d in sel.notice_deadlines(n)],
    }


def clue_out(request: HttpRequest, clue: Clue) -> dict[str, Any]:
    notices = [_notice(request, n) for n in sel.clue_notices(clue).select_related("blob")]
    return {
        "id": clue.pk,
        "model": clue.model_code,
        "model_name": sel.model_names().get(clue.model_code, clue.model_code),
        "agency_id": clue.agency_id,
        "agency": clue.agency.name,
        "state": clue.state,
        "state_label": clue.get_state_display(),
        "title": clue.title,
        "explanation": clue.explanation,
        "records": clue.records,
        "object_type": clue.object_type,
        "object_id": clue.object_id,
        "case_id": clue.case_id,
        "condition_open": clue.condition_open,
        "raised_on": clue.raised_on,
        "last_seen_on": clue.last_seen_on,
        "cleared_on": clue.cleared_on,
        "dismiss_reason": clue.dismiss_reason,
        "notices": notices,
        "deadlines": [d for n in notices for d in n["deadlines"] if d["status"] != "met"],
        "allowed_events": sel.allowed_events(clue, request.user),
    }


def _get(request: HttpRequest, clue_id: int) -> Clue:
    clue = sel.clue_get_for(user=request.user, clue_id=clue_id)
    if clue is None:
        raise Http404
    return clue


@router.get("/supervision/models", response=list[ModelOut])
@access.roles(*HANDLERS)
def model_list(request: HttpRequest) -> Any:
    """The problem models: code, name, legal basis, the settings holding their thresholds, open clues."""
    return sel.models_with_counts(user=request.user)


@router.get("/supervision/clues", response=list[ClueRowOut])
@paginate(Page)
@access.roles(*HANDLERS)
def clue_list(request: HttpRequest, model: str = "", agency: int | None = None, status: str = "") -> Any:
    """Clues in your scope, newest first. `status`: open, handling, closed or a state."""
    qs = sel.clue_list_for(
        user=request.user, filters=sel.ClueFilters(model=model, agency=agency, status=status)
    )
    return [
        {
            "id": c.pk,
            "model": c.model_code,
            "agency": c.agency.name,
            "state": c.state,
            "title": c.title,
            "raised_on": c.raised_on,
            "condition_open": c.condition_open,
        }
        for c in qs
    ]


@router.get("/supervision/clues/{clue_id}", response={200: ClueOut, **ERRORS})
@access.roles(*HANDLERS)
def clue_detail(request: HttpRequest, clue_id: int) -> dict[str, Any]:
    return clue_out(request, _get(request, clue_id))


@router.post("/supervision/clues/{clue_id}/events", response={200: ClueOut, **ERRORS})
@access.roles(*HANDLERS)
def clue_event(request: HttpRequest, clue_id: int, payload: Body[EventIn]) -> dict[str, Any]:
    """Handle the clue: dismiss, issue a notice; the agency responds; verify, return or escalate."""
    data = payload.model_dump(exclude_none=True)
    event = str(data.pop("event"))
    svc.clue_apply_event(clue_id=clue_id, actor=request.user, event=event, data=data)
    return clue_out(request, _get(request, clue_id))


@router.get("/supervision/clues/{clue_id}/events", response={200: list[EventOut], **ERRORS})
@paginate(Page)
@access.roles(*HANDLERS)
def clue_history(request: HttpRequest, clue_id: int) -> Any:
    clue = _get(request, clue_id)
    return [
        {
            "kind": e.kind,
            "on": e.on,
            "at": e.at,
            "by": e.actor_name,
            "from_state": e.from_state,
            "to_state": e.to_state,
            "data": e.data,
        }
        for e in sel.clue_events(clue)
    ]


@router.post("/supervision/clues/{clue_id}/materials", response={201: dict[str, Any], **ERRORS})
@access.roles(Role.APPROVER)
def material_upload(request: HttpRequest, clue_id: int, file: File[UploadedFile]) -> Status[dict[str, Any]]:
    """One response material (multipart `file`); pass the answer in the `respond` event's `files`."""
    content = file.read(svc.MATERIAL_MAX_BYTES + 1)
    return Status(
        201, svc.material_store(actor=request.user, clue_id=clue_id, name=file.name or "", content=content)
    )


@router.get("/supervision/notices/{notice_id}/pdf", response={200: None, **ERRORS})
@access.roles(*HANDLERS)
def notice_pdf(request: HttpRequest, notice_id: int) -> HttpResponseBase:
    notice = SupervisionNotice.objects.select_related("blob").filter(pk=notice_id).first()
    if notice is None or sel.clue_get_for(user=request.user, clue_id=notice.clue_id) is None:
        raise Http404
    return serve_blob(
        request,
        documents.notice_blob(notice),  # rendered now if the worker has not yet (503 if that fails)
        audit_action="centre.notice_download",
        audit_obj=notice,
        agency_id=notice.agency_id,
        filename=f"{notice.number}.pdf",
        content_type="application/pdf",
    )


# --- accountability ---------------------------------------------------------------------------------


class FaultIn(Strict):
    officer_id: int
    fault: str = Field(max_length=20)
    sanction: str = Field(max_length=24)
    description: str = Field(max_length=4000)
    finding: str = Field(max_length=4000)
    found_on: dt.date
    decided_on: dt.date
    occurred_on: dt.date | None = None
    source: str = Field("other", max_length=10)
    clue_id: int | None = None
    case_id: int | None = None
    review_file_id: int | None = None
    appeal_id: int | None = None


class FaultOut(BaseModel):
    id: int
    agency_id: int
    agency: str
    officer_id: int
    officer_name: str
    fault: str
    fault_label: str
    sanction: str
    sanction_label: str
    description: str
    finding: str
    source: str
    clue_id: int | None
    case_id: int | None
    case_number: str
    review_file_id: int | None
    appeal_id: int | None
    occurred_on: dt.date | None
    found_on: dt.date
    decided_on: dt.date


def _fault(r: FaultRecord) -> dict[str, Any]:
    return {
        "id": r.pk,
        "agency_id": r.agency_id,
        "agency": r.agency.name,
        "officer_id": r.officer_id,
        "officer_name": r.officer_name,
        "fault": r.fault,
        "fault_label": r.get_fault_display(),
        "sanction": r.sanction,
        "sanction_label": r.get_sanction_display(),
        "description": r.description,
        "finding": r.finding,
        "source": r.source,
        "clue_id": r.clue_id,
        "case_id": r.case_id,
        "case_number": r.case_number,
        "review_file_id": r.review_file_id,
        "appeal_id": r.appeal_id,
        "occurred_on": r.occurred_on,
        "found_on": r.found_on,
        "decided_on": r.decided_on,
    }


@router.get("/supervision/accountability", response=list[FaultOut])
@paginate(Page)
@access.login
def fault_list(request: HttpRequest) -> Any:
    """Fault records: supervisors and agency heads see their scope, an officer the records about them."""
    return [_fault(r) for r in sel.faults_for(user=request.user)]


@router.post("/supervision/accountability", response={201: FaultOut, **ERRORS})
@access.roles(Role.SUPERVISOR)
def fault_create(request: HttpRequest, payload: FaultIn) -> Status[dict[str, Any]]:
    record = svc.fault_record(actor=request.user, data=payload.model_dump())
    record = FaultRecord.objects.select_related("agency").get(pk=record.pk)
    return Status(201, _fault(record))


# --- dashboard and monthly report -------------------------------------------------------------------


def _agencies(request: HttpRequest, agency: int | None) -> frozenset[int]:
    ids = sel.agencies_for(request.user)
    if agency is not None:
        if agency not in ids:
            raise InvalidInput(_("That agency is not in your scope."), detail={"field": "agency"})
        ids = frozenset({agency})
    return ids


@router.get("/stats/dashboard", response={200: dict[str, Any], **ERRORS})
@access.roles(*HANDLERS)
def dashboard(
    request: HttpRequest,
    agency: int | None = None,
    date_from: dt.date | None = Query(None, alias="from"),  # type: ignore[type-arg]  # noqa: B008
    date_to: dt.date | None = Query(None, alias="to"),  # type: ignore[type-arg]  # noqa: B008
) -> dict[str, Any]:
    """The dashboard's indicators for your agencies (or one) over the period, the monthly trend,
    the top violations and open clues by model."""
    if date_from and date_to and date_from > date_to:
        raise InvalidInput(_("The start date is after the end date."), detail={"from": str(date_from)})
    ids = _agencies(request, agency)
    span = DateSpan(date_from, date_to)
    data = dash.dashboard(ids, span, trend_end=date_to or timezone.localdate())
    return {
        "from": date_from,
        "to": date_to,
        "agencies": sorted(ids),
        "groups": [{"title": t, "indicators": [x.as_dict() for x in tiles]} for t, tiles in data["groups"]],
        "trend": data["trend"],
        "top_violations": [r.as_dict() for r in data["top_violations"]],
        "clues_by_model": [{"model": c, "name": n, "open": k} for c, n, k in data["clues_by_model"]],
    }


@router.get("/stats/monthly-report", response={200: dict[str, Any], **ERRORS})
@access.roles(*HANDLERS)
def monthly_report(
    request: HttpRequest, year: int, month: int, agency: int | None = None, format: str = "json"
) -> Any:
    """The monthly penalty and supervision report: one row per agency and the total
    (`format=json|xlsx|pdf`)."""
    if not 1 <= month <= 12 or not 2000 <= year <= 2100:
        raise InvalidInput(_("Enter a valid year and month."), detail={"field": "month"})
    if format not in ("json", "xlsx", "pdf"):
        raise InvalidInput(_("The format is json, xlsx or pdf."), detail={"field": "format"})
    report = reports.monthly_report(_agencies(request, agency), year, month)
    if format == "json":
        return report.as_dict()
    if format == "xlsx":
        response = HttpResponse(
            reports.to_xlsx(report),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="monthly-report-{year}-{month:02d}.xlsx"'
        return response
    response = HttpResponse(reports.to_pdf(report), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="monthly-report-{year}-{month:02d}.pdf"'
    return response
