"""Evidence API: streamed uploads, metadata, content, verification, resumable uploads, on-site actions.

Uploads are parsed by `staging.streamed_upload` inside the handler (the operations declare no body
parameters, so ninja never reads the body into memory first).

No `from __future__ import annotations` here: ninja resolves parameter annotations against the view
function's globals, and the role decorator's wrapper lives in another module.
"""

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field

from zhifa.core import access
from zhifa.core.api import ErrorOut, Page
from zhifa.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from zhifa.core.files.models import BlobCheck
from zhifa.core.files.services import blob_verify
from zhifa.core.files.serving import serve_blob
from zhifa.core.files.storage import get_store
from zhifa.enforcement.evidence import disclosure, permissions, selectors, services, uploads
from zhifa.enforcement.evidence.meta import parse_meta
from zhifa.enforcement.evidence.models import Evidence, SiteAction, UploadSession
from zhifa.enforcement.evidence.staging import streamed_upload
from zhifa.org.roles import Role
from zhifa.org.selectors import agency_by_id

router = Router(tags=["evidence"])

ERRORS: dict[int, Any] = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}

MULTIPART_DOC = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        "file": {"type": "string", "format": "binary"},
                        "agency_id": {"type": "integer", "description": "only for POST /evidence"},
                        "kind": {"type": "string", "enum": list(Evidence.Kind.values)},
                        "description": {"type": "string"},
                        "captured_at": {"type": "string", "format": "date-time"},
                        "captured_by_name": {"type": "string"},
                        "location": {"type": "string"},
                        "latitude": {"type": "string"},
                        "longitude": {"type": "string"},
                        "device": {"type": "string"},
                        "sha256": {"type": "string", "description": "declared digest; mismatch → refused"},
                        "size": {"type": "integer"},
                        "party_name": {"type": "string"},
                        "party_id_number": {"type": "string"},
                        "action_id": {"type": "integer"},
                    },
                }
            }
        },
    }
}


class EvidenceOut(Schema):
    id: int
    agency_id: int
    case_id: int | None = None
    kind: str
    description: str
    original_name: str
    mime: str
    size: int
    sha256: str
    sm3: str
    captured_at: dt.datetime | None
    captured_by_name: str
    location: str
    latitude: Decimal | None
    longitude: Decimal | None
    device: str
    party_name: str
    action_id: int | None
    uploaded_by: str
    uploaded_at: dt.datetime
    verified: bool | None
    last_verified_at: dt.datetime | None
    retention_until: dt.date | None
    destroyed_at: dt.datetime | None
    content_url: str

    @staticmethod
    def resolve_case_id(obj: Evidence) -> int | None:
        return getattr(obj, "case_id", None)

    @staticmethod
    def resolve_mime(obj: Evidence) -> str:
        return obj.blob.mime

    @staticmethod
    def resolve_size(obj: Evidence) -> int:
        return obj.blob.size

    @staticmethod
    def resolve_sha256(obj: Evidence) -> str:
        return obj.blob.sha256

    @staticmethod
    def resolve_sm3(obj: Evidence) -> str:
        return obj.blob.sm3

    @staticmethod
    def resolve_uploaded_by(obj: Evidence) -> str:
        return obj.uploaded_by.username

    @staticmethod
    def resolve_verified(obj: Evidence) -> bool | None:
        return obj.blob.last_check_ok

    @staticmethod
    def resolve_last_verified_at(obj: Evidence) -> dt.datetime | None:
        return obj.blob.last_checked_at

    # Personal data only to those handling the matter (evidence.disclosure, docs/security.md).
    @staticmethod
    def resolve_party_name(obj: Evidence, context: Any) -> str:
        return disclosure.party_name_for(context["request"].user, obj)

    @staticmethod
    def resolve_description(obj: Evidence, context: Any) -> str:
        return disclosure.text_for(context["request"].user, obj, obj.description)

    @staticmethod
    def resolve_content_url(obj: Evidence) -> str:
        return f"/api/v1/evidence/{obj.pk}/content"


class CheckOut(Schema):
    checked_at: dt.datetime
    trigger: str
    ok: bool
    found_sha256: str
    found_sm3: str
    found_size: int | None
    detail: str


def agency_from(raw: Any) -> Any:
    try:
        agency_id = int(raw)
    except (TypeError, ValueError):
        raise InvalidInput(
            _("Say which agency the evidence belongs to."), detail={"fields": {"agency_id": ""}}
        ) from None
    agency = agency_by_id(agency_id)
    if agency is None:
        raise InvalidInput(_("No such agency."), detail={"fields": {"agency_id": raw}})
    return agency


def case_for(request: HttpRequest, case_id: int) -> Any:
    from zhifa.enforcement.cases.selectors import case_get_for

    case = case_get_for(user=request.user, case_id=case_id)
    if case is None:
        raise NotFound(_("Case not found, or not visible to you."))
    return case


def ingest_from_request(request: HttpRequest, *, agency: Any | None, case: Any | None = None) -> Evidence:
    """Shared by the API and the upload page: stream, validate, register."""
    with streamed_upload(request, staging_dir=get_store().staging_dir) as upload:
        meta = parse_meta(upload.fields)
        target = agency or agency_from(upload.fields.get("agency_id"))
        return services.evidence_ingest(
            actor=request.user, staged=upload.staged, agency=target, meta=meta, case=case
        )


@router.post(
    "/cases/{int:case_id}/evidence", response={201: EvidenceOut, **ERRORS}, openapi_extra=MULTIPART_DOC
)
@access.roles(Role.OFFICER, Role.APPROVER)
def case_evidence_upload(request: HttpRequest, case_id: int) -> Status[Evidence]:
    """Register evidence of a case. Multipart body: `file` and the metadata fields; a declared `sha256`
    that does not match the bytes received refuses the upload and keeps nothing."""
    case = case_for(request, case_id)
    return Status(201, ingest_from_request(request, agency=case.agency, case=case))


@router.get("/cases/{int:case_id}/evidence", response={200: list[EvidenceOut], **ERRORS})
@paginate(Page)
@access.login
def case_evidence_list(request: HttpRequest, case_id: int) -> Any:
    case = case_for(request, case_id)
    return selectors.evidence_list_for(user=request.user, filters=selectors.EvidenceFilters(case_id=case.pk))


@router.post("/evidence", response={201: EvidenceOut, **ERRORS}, openapi_extra=MULTIPART_DOC)
@access.roles(Role.OFFICER, Role.APPROVER)
def evidence_upload(request: HttpRequest) -> Status[Evidence]:
    """Register evidence of an agency that belongs to no case yet (e.g. of a party). Multipart body."""
    return Status(201, ingest_from_request(request, agency=None))


@router.get("/evidence", response=list[EvidenceOut])
@paginate(Page)
@access.login
def evidence_list(  # noqa: PLR0917 — ninja maps each query parameter to an argument
    request: HttpRequest,
    agency: int | None = None,
    case: int | None = None,
    kind: str = "",
    q: str = "",
    destroyed: bool = False,
) -> Any:
    return selectors.evidence_list_for(
        user=request.user,
        filters=selectors.EvidenceFilters(
            agency_id=agency, case_id=case, kind=kind, q=q, include_destroyed=destroyed
        ),
    )


@router.get("/evidence/{int:evidence_id}", response={200: EvidenceOut, **ERRORS})
@access.login
def evidence_detail(request: HttpRequest, evidence_id: int) -> Evidence:
    return selectors.evidence_get_for(user=request.user, evidence_id=evidence_id)


def content_response(request: HttpRequest, evidence: Evidence, *, download: bool) -> HttpResponseBase:
    """Stream stored content (never loaded whole, Range requests answered). Each access is recorded
    (chain of custody: `evidence.download`). The caller found `evidence` through its selector."""
    if evidence.destroyed_at is not None or evidence.blob.destroyed_at is not None:
        raise Conflict(_("The content of this evidence was destroyed on approval."), code="content_destroyed")
    return serve_blob(
        request,
        evidence.blob,
        audit_action="evidence.download",
        audit_obj=evidence,
        filename=f"evidence-{evidence.pk}-{evidence.blob.short_hash}",
        as_attachment=download,
    )


@router.get("/evidence/{int:evidence_id}/content", response={200: None, **ERRORS})
@access.login
def evidence_content(request: HttpRequest, evidence_id: int) -> HttpResponseBase:
    evidence = selectors.evidence_get_for(user=request.user, evidence_id=evidence_id)
    return content_response(request, evidence, download=True)


@router.get("/evidence/{int:evidence_id}/checks", response={200: list[CheckOut], **ERRORS})
@access.login
def evidence_checks(request: HttpRequest, evidence_id: int) -> list[BlobCheck]:
    evidence = selectors.evidence_get_for(user=request.user, evidence_id=evidence_id)
    return selectors.blob_checks(blob=evidence.blob)


@router.post("/evidence/{int:evidence_id}/verify", response={200: CheckOut, **ERRORS})
@access.roles(Role.APPROVER, Role.SUPERVISOR, Role.ADMIN, Role.LEGAL_REVIEWER)
def evidence_verify(request: HttpRequest, evidence_id: int) -> BlobCheck:
    """Re-hash the stored content now and record the result."""
    evidence = selectors.evidence_get_for(user=request.user, evidence_id=evidence_id)
    if not permissions.can_verify(request.user, evidence.agency_id):
        raise Forbidden(_("You cannot verify this agency's evidence."))
    return blob_verify(blob=evidence.blob, trigger="manual", actor=request.user)


# --- Resumable uploads ----------------------------------------------------------------------------


class UploadOpenIn(Schema):
    agency_id: int | None = None
    size: int = Field(..., gt=0)
    filename: str = ""
    kind: str = ""
    description: str = ""
    captured_at: str = ""
    captured_by_name: str = ""
    location: str = ""
    latitude: str = ""
    longitude: str = ""
    device: str = ""
    sha256: str = ""
    party_name: str = ""
    party_id_number: str = ""
    action_id: int | None = None


class UploadOut(Schema):
    id: uuid.UUID
    size: int
    offset: int
    state: str
    expires_at: dt.datetime
    upload_url: str
    error: str
    evidence: EvidenceOut | None = None

    @staticmethod
    def resolve_upload_url(obj: UploadSession) -> str:
        return f"/api/v1/evidence/uploads/{obj.pk}"

    @staticmethod
    def resolve_evidence(obj: UploadSession) -> Evidence | None:
        return uploads.completed_evidence(obj)


def _upload_headers(response: HttpResponse, session: UploadSession) -> HttpResponse:
    response["Upload-Offset"] = str(session.offset)
    response["Upload-Length"] = str(session.size)
    response["Cache-Control"] = "no-store"
    return response


def open_session(
    request: HttpRequest, payload: UploadOpenIn, *, agency: Any | None, case: Any | None
) -> UploadSession:
    fields = payload.model_dump(exclude={"agency_id", "filename"})
    fields = {k: ("" if v is None else v) for k, v in fields.items()}
    return uploads.upload_session_open(
        actor=request.user,
        agency=agency or agency_from(payload.agency_id),
        size=payload.size,
        filename=payload.filename,
        fields=fields,
        case=case,
    )


@router.post("/cases/{int:case_id}/evidence/uploads", response={201: UploadOut, **ERRORS})
@access.roles(Role.OFFICER, Role.APPROVER)
def case_upload_open(request: HttpRequest, case_id: int, payload: UploadOpenIn) -> Status[UploadSession]:
    """Open a resumable upload of evidence for a case."""
    case = case_for(request, case_id)
    return Status(201, open_session(request, payload, agency=case.agency, case=case))


@router.post("/evidence/uploads", response={201: UploadOut, **ERRORS})
@access.roles(Role.OFFICER, Role.APPROVER)
def upload_open(request: HttpRequest, payload: UploadOpenIn) -> Status[UploadSession]:
    """Open a resumable upload: declare size and metadata, then PATCH the bytes (docs/evidence.md)."""
    return Status(201, open_session(request, payload, agency=None, case=None))


@router.get("/evidence/uploads/{uuid:session_id}", response={200: UploadOut, **ERRORS})
@access.roles(Role.OFFICER, Role.APPROVER)
def upload_status(request: HttpRequest, session_id: uuid.UUID, response: HttpResponse) -> UploadSession:
    session = uploads.upload_session_get(actor=request.user, session_id=session_id)
    _upload_headers(response, session)
    return session


@router.api_operation(["HEAD"], "/evidence/uploads/{uuid:session_id}", response={200: None, **ERRORS})
@access.roles(Role.OFFICER, Role.APPROVER)
def upload_head(request: HttpRequest, session_id: uuid.UUID) -> HttpResponse:
    """The offset to continue from, in the `Upload-Offset` header (as tus clients expect)."""
    session = uploads.upload_session_get(actor=request.user, session_id=session_id)
    return _upload_headers(HttpResponse(status=200), session)


@router.patch(
    "/evidence/uploads/{uuid:session_id}",
    response={200: UploadOut, **ERRORS},
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/offset+octet-stream": {"schema": {"type": "string", "format": "binary"}}
            },
        },
        "parameters": [
            {"in": "header", "name": "Upload-Offset", "required": True, "schema": {"type": "integer"}}
        ],
    },
)
@access.roles(Role.OFFICER, Role.APPROVER)
def upload_patch(request: HttpRequest, session_id: uuid.UUID, response: HttpResponse) -> UploadSession:
    """Append the body at `Upload-Offset`. The response carries the new offset; when it equals the size
    the upload is complete and `evidence` is set."""
    content_type = request.META.get("CONTENT_TYPE", "").split(";")[0].strip()
    if content_type != "application/offset+octet-stream":
        raise InvalidInput(_("Send the chunk as application/offset+octet-stream."), code="bad_content_type")
    try:
        offset = int(request.headers["Upload-Offset"])
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except (KeyError, ValueError):
        raise InvalidInput(
            _("The Upload-Offset and Content-Length headers are required."), code="offset_required"
        ) from None
    session = uploads.upload_session_append(
        actor=request.user, session_id=session_id, offset=offset, length=length, read=request.read
    )
    _upload_headers(response, session)
    return session


@router.delete("/evidence/uploads/{uuid:session_id}", response={204: None, **ERRORS})
@access.roles(Role.OFFICER, Role.APPROVER)
def upload_abort(request: HttpRequest, session_id: uuid.UUID) -> Status[None]:
    uploads.upload_session_abort(actor=request.user, session_id=session_id)
    return Status(204, None)


# --- On-site actions ------------------------------------------------------------------------------


class SiteActionIn(Schema):
    agency_id: int | None = None
    case_id: int | None = None
    kind: str
    occurred_at: dt.datetime
    location: str = ""
    description: str = ""
    emergency_reason: str = ""  # 行政强制法第四十三条: enforcement at night or on a day off


class SiteActionOut(Schema):
    id: int
    agency_id: int
    case_id: int | None = None
    kind: str
    occurred_at: dt.datetime
    location: str
    description: str
    av_required: bool
    av_rule: str
    av_missing: bool

    @staticmethod
    def resolve_case_id(obj: SiteAction) -> int | None:
        return getattr(obj, "case_id", None)

    @staticmethod
    def resolve_av_missing(obj: SiteAction) -> bool:
        has_video = getattr(obj, "has_video", None)  # annotated by the list selector
        if has_video is not None:
            return bool(obj.av_required and not has_video)
        return services.av_missing(obj)


@router.post("/evidence/site-actions", response={201: SiteActionOut, **ERRORS})
@access.roles(Role.OFFICER, Role.APPROVER)
def site_action_create(request: HttpRequest, payload: SiteActionIn) -> Status[SiteAction]:
    case = case_for(request, payload.case_id) if payload.case_id else None
    agency = case.agency if case is not None else agency_from(payload.agency_id)
    action = services.site_action_record(
        actor=request.user,
        case=case,
        agency=agency,
        kind=payload.kind,
        occurred_at=payload.occurred_at,
        location=payload.location,
        description=payload.description,
        emergency_reason=payload.emergency_reason,
    )
    return Status(201, action)


@router.get("/evidence/site-actions", response=list[SiteActionOut])
@paginate(Page)
@access.login
def site_action_list(request: HttpRequest, agency: int | None = None, case: int | None = None) -> Any:
    """On-site actions in scope, newest first (a body camera client finds the action its video records)."""
    return selectors.site_action_list_for(user=request.user, agency_id=agency, case_id=case)


@router.get("/evidence/site-actions/{int:action_id}", response={200: SiteActionOut, **ERRORS})
@access.login
def site_action_detail(request: HttpRequest, action_id: int) -> SiteAction:
    return selectors.site_action_get_for(user=request.user, action_id=action_id)
