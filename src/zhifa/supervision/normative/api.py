"""Normative documents API (shared/API.md): `GET,POST /normative-documents`,
`GET /normative-documents/{id}`, `POST /normative-documents/{id}/events` (one schema per event,
discriminated by `event`; unknown fields 400), `GET /normative-documents/{id}/events` (history), the files
(`POST /normative-documents/{id}/files` multipart, `GET /normative-documents/{id}/files/{file_id}`,
audited) and the public register `GET /public/normative-documents?q=&status=valid|repealed` with the
published texts' files `GET /public/normative-documents/{id}/files/{file_id}`."""

# No `from __future__ import annotations`: ninja reads the handlers' annotations at runtime.
import datetime as dt
from typing import Annotated, Any, Literal

from django.http import Http404, HttpRequest, HttpResponseBase
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate
from pydantic import ConfigDict, Field

from zhifa.core import access
from zhifa.core.api import ErrorOut, Page
from zhifa.core.errors import DomainError, InvalidInput
from zhifa.core.files.serving import serve_blob
from zhifa.core.roles import Role
from zhifa.supervision.normative import selectors as sel
from zhifa.supervision.normative import services as svc
from zhifa.supervision.normative.models import NormativeDocument

router = Router(tags=["normative"])
ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 413: ErrorOut, 422: ErrorOut}
STAFF = tuple(Role.values)
DRAFTERS = (Role.OFFICER, Role.APPROVER)


class Strict(Schema):
    model_config = ConfigDict(extra="forbid")


class DraftIn(Strict):
    agency_id: int
    title: str = Field(max_length=200)
    basis: str = Field(max_length=5000)
    explanation: str = Field("", max_length=20000)
    public_comment: bool = False
    public_comment_summary: str = Field("", max_length=5000)
    trial: bool = False
    text: str = Field("", max_length=200000)


class SubmitIn(Strict):
    event: Literal["submit"]
    on: dt.date | None = None


class ReviewIn(Strict):
    event: Literal["review"]
    on: dt.date | None = None
    checklist: dict[str, bool]
    passed: bool
    opinion: str = Field(max_length=5000)


class DeliberateIn(Strict):
    event: Literal["deliberate"]
    on: dt.date | None = None
    meeting: str = Field(max_length=200)
    record: str = Field(max_length=5000)


class PublishIn(Strict):
    event: Literal["publish"]
    number: str = Field(max_length=60)
    published_on: dt.date | None = None
    effective_on: dt.date | None = None
    text: str = Field("", max_length=200000)
    trial: bool | None = None


class FileIn(Strict):
    event: Literal["file"]
    on: dt.date | None = None


class ReceiveIn(Strict):
    event: Literal["receive"]
    on: dt.date | None = None


class FilingReviewIn(Strict):
    event: Literal["filing_review"]
    on: dt.date | None = None
    result: Literal["no_objection", "correction"]
    problems: str = Field("", max_length=5000)


class CorrectIn(Strict):
    event: Literal["correct"]
    on: dt.date | None = None
    correction: str = Field(max_length=5000)


class AmendIn(Strict):
    event: Literal["amend"]
    title: str = Field("", max_length=200)
    explanation: str = Field("", max_length=20000)


class RepealIn(Strict):
    event: Literal["repeal"]
    on: dt.date | None = None
    reason: str = Field(max_length=2000)


EventIn = Annotated[
    SubmitIn
    | ReviewIn
    | DeliberateIn
    | PublishIn
    | FileIn
    | ReceiveIn
    | FilingReviewIn
    | CorrectIn
    | AmendIn
    | RepealIn,
    Field(discriminator="event"),
]


class AgencyOut(Schema):
    id: int
    name: str


class DocumentRow(Schema):
    id: int
    agency: AgencyOut
    title: str
    state: str
    state_label: str
    version: int
    number: str
    published_on: dt.date | None
    effective_on: dt.date | None
    expires_on: dt.date | None
    repealed_on: dt.date | None
    validity: str


class ReviewOut(Schema):
    submitted_on: dt.date
    due_on: dt.date
    checklist: dict[str, bool]
    opinion: str
    passed: bool | None
    reviewed_on: dt.date | None
    too_quick: bool
    setting: dict[str, Any]


class FilingOut(Schema):
    body: AgencyOut
    filed_on: dt.date
    due_on: dt.date
    late: bool
    setting: dict[str, Any]
    received_on: dt.date | None
    review_due_on: dt.date | None
    result: str
    reviewed_on: dt.date | None
    problems: str
    correction_due_on: dt.date | None
    corrected_on: dt.date | None
    correction: str
    correction_late: bool


class FileOut(Schema):
    id: int
    role: str
    name: str
    sha256: str
    size: int


class DeadlineOut(Schema):
    kind: str
    label: str
    due_on: dt.date
    status: str
    colour: str
    provisional: bool
    article: str
    resolved_on: dt.date | None
    resolution: str
    setting: dict[str, Any]


class DocumentOut(DocumentRow):
    basis: str
    explanation: str
    public_comment: bool
    public_comment_summary: str
    trial: bool
    text: str
    previous_id: int | None
    next_version_id: int | None
    validity_years: int | None
    validity_setting: dict[str, Any]
    repeal_reason: str
    deliberated_on: dt.date | None
    deliberation_meeting: str
    deliberation_record: str
    reviews: list[ReviewOut]
    filing: FilingOut | None
    files: list[FileOut]
    deadlines: list[DeadlineOut]
    allowed_events: list[str]


class EventOut(Schema):
    kind: str
    at: dt.datetime
    on: dt.date
    actor_name: str
    from_state: str
    to_state: str
    data: dict[str, Any]


class PublicFileOut(Schema):
    id: int
    name: str
    sha256: str
    size: int


class PublicDocumentOut(Schema):
    id: int
    agency: str
    number: str
    title: str
    status: str
    published_on: dt.date | None
    effective_on: dt.date | None
    expires_on: dt.date | None
    repealed_on: dt.date | None
    text: str
    files: list[PublicFileOut]


class PublicQuery(Schema):
    q: str = Field("", max_length=100)
    status: Literal["valid", "repealed", ""] = ""


def _row(doc: NormativeDocument) -> dict[str, Any]:
    return {
        "id": doc.pk,
        "agency": {"id": doc.agency_id, "name": doc.agency.name},
        "title": doc.title,
        "state": doc.state,
        "state_label": str(doc.get_state_display()),
        "version": doc.version,
        "number": doc.number,
        "published_on": doc.published_on,
        "effective_on": doc.effective_on,
        "expires_on": doc.expires_on,
        "repealed_on": doc.repealed_on,
        "validity": sel.validity(doc),
    }


def _detail(request: HttpRequest, doc: NormativeDocument) -> dict[str, Any]:
    filing = getattr(doc, "filing", None)
    nxt = NormativeDocument.objects.filter(previous=doc).values_list("id", flat=True).first()
    return {
        **_row(doc),
        "basis": doc.basis,
        "explanation": doc.explanation,
        "public_comment": doc.public_comment,
        "public_comment_summary": doc.public_comment_summary,
        "trial": doc.trial,
        "text": doc.text,
        "previous_id": doc.previous_id,
        "next_version_id": nxt,
        "validity_years": doc.validity_years,
        "validity_setting": doc.validity_setting,
        "repeal_reason": doc.repeal_reason,
        "deliberated_on": doc.deliberated_on,
        "deliberation_meeting": doc.deliberation_meeting,
        "deliberation_record": doc.deliberation_record,
        "reviews": list(doc.reviews.order_by("id")),
        "filing": None
        if filing is None
        else {
            **{f.name: getattr(filing, f.name) for f in filing._meta.concrete_fields if f.name != "body"},
            "body": {"id": filing.body_id, "name": filing.body.name},
        },
        "files": [
            {"id": f.pk, "role": f.role, "name": f.name, "sha256": f.blob.sha256, "size": f.blob.size}
            for f in doc.files.select_related("blob").order_by("id")
        ],
        "deadlines": sel.deadlines_of(doc),
        "allowed_events": sel.allowed_events(doc, request.user),
    }


def _get(request: HttpRequest, document_id: int) -> NormativeDocument:
    doc = sel.document_get_for(user=request.user, document_id=document_id)
    if doc is None:
        raise Http404
    return doc


@router.get("/normative-documents", response={200: list[DocumentRow], **ERRORS})
@paginate(Page)
@access.roles(*STAFF)
def normative_list(request: HttpRequest, state: str = "") -> Any:
    """Documents of the agencies in your scope, newest first (optionally one state)."""
    qs = sel.documents_for(user=request.user).order_by("-id")
    if state:
        qs = qs.filter(state=state)
    return [_row(d) for d in qs]


@router.post("/normative-documents", response={201: DocumentOut, **ERRORS})
@access.roles(*DRAFTERS)
def normative_create(request: HttpRequest, payload: DraftIn) -> Status[dict[str, Any]]:
    """Register a draft (the drafting agency's staff)."""
    doc = svc.document_create(actor=request.user, data=svc.DraftInput(**payload.model_dump()))
    return Status(201, _detail(request, _get(request, doc.pk)))


@router.get("/normative-documents/{document_id}", response={200: DocumentOut, **ERRORS})
@access.roles(*STAFF)
def normative_detail(request: HttpRequest, document_id: int) -> dict[str, Any]:
    """The document with its reviews, filing, files, deadlines (with the setting applied) and the
    steps you may take now."""
    return _detail(request, _get(request, document_id))


@router.post("/normative-documents/{document_id}/events", response={200: DocumentOut, **ERRORS})
@access.roles(*STAFF)
def normative_event(request: HttpRequest, document_id: int, payload: EventIn) -> dict[str, Any]:
    """Apply one step; answers with the document (for `amend`, the new draft version)."""
    _get(request, document_id)
    data = payload.model_dump(exclude_none=True)
    event = str(data.pop("event"))
    doc = svc.document_apply_event(document_id=document_id, actor=request.user, event=event, data=data)
    return _detail(request, _get(request, doc.pk))


@router.get("/normative-documents/{document_id}/events", response={200: list[EventOut], **ERRORS})
@paginate(Page)
@access.roles(*STAFF)
def normative_history(request: HttpRequest, document_id: int) -> Any:
    """The append-only history, oldest first."""
    return list(sel.events_of(_get(request, document_id)))


@router.post("/normative-documents/{document_id}/files", response={201: FileOut, **ERRORS})
@access.roles(*DRAFTERS)
def normative_file_upload(
    request: HttpRequest,
    document_id: int,
    file: File[UploadedFile],
    role: Form[str],
    sha256: Form[str] = "",
) -> Status[dict[str, Any]]:
    """Add a file (multipart: `file`, `role` draft|explanation|comments|published|correction|other,
    optional `sha256` of the bytes sent). A PDF, word-processor document, text file or image up to
    50 MB, while the document is drafted, returned, deliberated or corrected; a refused file
    (400 `unsupported_file_type`, `file_too_large`, `sha256_mismatch`) leaves nothing stored."""
    _get(request, document_id)
    if file.size and file.size > svc.MAX_FILE_BYTES:  # refused before it is read
        raise InvalidInput(
            _("The file is too large (at most 50 MB)."), code="file_too_large", detail={"field": "file"}
        )
    if file.file is None:
        raise InvalidInput(_("Choose a file."), detail={"field": "file"})
    row = svc.file_attach(
        document_id=document_id,
        actor=request.user,
        role=role,
        name=file.name or "file",
        content=file.file,
        declared_sha256=sha256.strip() or None,
    )
    blob = row.blob
    return Status(
        201, {"id": row.pk, "role": row.role, "name": row.name, "sha256": blob.sha256, "size": blob.size}
    )


@router.get("/normative-documents/{document_id}/files/{file_id}", response={200: None, **ERRORS})
@access.roles(*STAFF)
def normative_file_download(request: HttpRequest, document_id: int, file_id: int) -> HttpResponseBase:
    """The stored bytes (any file of a document you may see), each download audited
    (`normative.file_download`)."""
    doc = _get(request, document_id)
    item = doc.files.filter(pk=file_id).select_related("blob").first()
    if item is None:
        raise Http404
    return serve_blob(
        request,
        item.blob,
        audit_action="normative.file_download",
        audit_obj=doc,
        agency_id=doc.agency_id,
        filename=item.name,
        as_attachment=True,
        content_type=item.blob.mime,
    )


@router.get("/public/normative-documents", auth=None, response={200: list[PublicDocumentOut], **ERRORS})
@paginate(Page)
@access.public
def public_normative_list(request: HttpRequest, filters: Query[PublicQuery]) -> Any:
    """The public register: valid documents and those no longer in force, full-text search."""
    return [
        {
            "id": e.document.pk,
            "agency": e.document.agency.name,
            "number": e.document.number,
            "title": e.document.title,
            "status": e.status,
            "published_on": e.document.published_on,
            "effective_on": e.document.effective_on,
            "expires_on": e.document.expires_on,
            "repealed_on": e.document.repealed_on,
            "text": e.document.text,
            "files": [
                {"id": f.pk, "name": f.name, "sha256": f.blob.sha256, "size": f.blob.size}
                for f in sel.public_files(e.document)
            ],
        }
        for e in sel.public_register(q=filters.q, status=filters.status)
    ]


@router.get(
    "/public/normative-documents/{document_id}/files/{file_id}", auth=None, response={200: None, **ERRORS}
)
@access.public
def public_normative_file(request: HttpRequest, document_id: int, file_id: int) -> HttpResponseBase:
    """A published text's file of a published version (never a draft or any other file: 404)."""
    item = sel.public_file_get(document_id=document_id, file_id=file_id)
    if item is None:
        raise Http404
    try:
        return serve_blob(
            request,
            item.blob,
            audit_action="normative.public_download",
            audit_obj=item.document,
            agency_id=item.document.agency_id,
            filename=item.name,
            as_attachment=True,
            content_type=item.blob.mime,
        )
    except DomainError:
        raise Http404 from None
