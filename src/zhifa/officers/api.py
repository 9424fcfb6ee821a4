"""JSON API for officers and credentials (shared/API.md: /officers, /officers/{id}/credentials,
/public/credentials/{number}). Handlers parse, load through selectors, call one service."""

from typing import Any

from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from zhifa.core import access
from zhifa.core.api import ErrorOut, Page
from zhifa.core.errors import InvalidInput, NotFound
from zhifa.officers import imports, selectors, services, services_training
from zhifa.officers.models import Credential, ExamResult, ExamSession, Officer, TrainingRecord
from zhifa.officers.public import public_credential
from zhifa.officers.schemas import (
    CredentialIn,
    CredentialOut,
    ExamResultIn,
    ExamResultOut,
    ExamSessionIn,
    ExamSessionOut,
    ImportOut,
    OfficerIn,
    OfficerOut,
    OfficerPatch,
    PublicCredentialOut,
    ReasonIn,
    RenewIn,
    ReviewIn,
    TrainingIn,
    TrainingOut,
)
from zhifa.officers.stats import agency_year_stats
from zhifa.org.roles import Role
from zhifa.org.selectors import active_user, agency_get

router = Router(tags=["officers"])

ERRORS: dict[int, Any] = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class OfficerQuery(Schema):
    agency: int | None = None
    status: str | None = None
    expiring: bool = False
    q: str | None = None
    active: bool | None = True


@router.get("/officers", response=list[OfficerOut])
@paginate(Page)
@access.login
def officer_list(request: HttpRequest, filters: Query[OfficerQuery]) -> Any:
    """Officers of the caller's agencies; those with a credential valid today come first."""
    status = filters.status or ""
    if status and status not in selectors.STATUS_FILTERS:
        raise InvalidInput(_("Unknown status filter."), detail={"status": status})
    return selectors.officer_list_for(
        user=request.user,
        filters=selectors.OfficerFilters(
            agency=filters.agency,
            status=status,
            expiring=filters.expiring,
            q=filters.q or "",
            active=filters.active,
        ),
    )


@router.get("/officers/stats", response=list[dict[str, Any]])
@access.login
def officer_stats(
    request: HttpRequest, year: int | None = None, agency: int | None = None
) -> list[dict[str, Any]]:
    """Per agency in the caller's scope: 持证率, study hours against the target, exam pass/excellent rates."""
    the_year = year or timezone.localdate().year
    if not 2000 <= the_year <= 2100:
        raise InvalidInput(_("Choose a year between 2000 and 2100."), detail={"field": "year"})
    return [s.as_dict() for s in agency_year_stats(user=request.user, year=the_year, agency_id=agency)]


def _officer_or_404(request: HttpRequest, officer_id: int) -> Officer:
    officer = selectors.officer_get_for(user=request.user, officer_id=officer_id)
    if officer is None:
        raise Http404
    return officer


@router.get("/officers/{officer_id}", response={200: OfficerOut, **ERRORS})
@access.login
def officer_detail(request: HttpRequest, officer_id: int) -> Officer:
    return _officer_or_404(request, officer_id)


def _node(node_id: int | None, field: str) -> Any | None:
    if node_id is None:
        return None
    node = agency_get(node_id=node_id)
    if node is None:
        raise InvalidInput(_("No such org node."), detail={"field": field})
    return node


@router.post("/officers", response={201: OfficerOut, **ERRORS})
@access.roles(Role.ADMIN)
def officer_create(request: HttpRequest, payload: OfficerIn) -> Status[Officer]:
    agency = _node(payload.agency_id, "agency_id")
    assert agency is not None
    user = None
    if payload.user_id is not None:
        user = active_user(user_id=payload.user_id)
        if user is None:
            raise InvalidInput(_("No such user."), detail={"field": "user_id"})
    officer = services.officer_create(
        actor=request.user,
        agency=agency,
        unit=_node(payload.unit_id, "unit_id"),
        user=user,
        name=payload.name,
        gender=payload.gender,
        id_number=payload.id_number,
        position=payload.position,
        areas=payload.areas,
        has_legal_qualification=payload.has_legal_qualification,
        legal_qualification_number=payload.legal_qualification_number,
        legal_review_since=payload.legal_review_since,
    )
    return Status(201, _officer_or_404(request, officer.pk))


@router.patch("/officers/{officer_id}", response={200: OfficerOut, **ERRORS})
@access.roles(Role.ADMIN)
def officer_patch(request: HttpRequest, officer_id: int, payload: OfficerPatch) -> Officer:
    _officer_or_404(request, officer_id)
    data = payload.dict(exclude_unset=True)
    if "unit_id" in data:
        data["unit"] = _node(data.pop("unit_id"), "unit_id")
    services.officer_update(actor=request.user, officer_id=officer_id, data=data)
    return _officer_or_404(request, officer_id)


@router.post("/officers/{officer_id}/credentials", response={201: CredentialOut, **ERRORS})
@access.roles(Role.ADMIN)
def credential_issue(request: HttpRequest, officer_id: int, payload: CredentialIn) -> Status[Credential]:
    _officer_or_404(request, officer_id)
    credential = services.credential_issue(
        actor=request.user,
        officer_id=officer_id,
        number=payload.number,
        kind=payload.kind,
        issuer=payload.issuer,
        areas=payload.areas,
        scope=payload.scope,
        issued_on=payload.issued_on,
        expires_on=payload.expires_on,
    )
    return Status(201, credential)


def _credential_or_404(request: HttpRequest, credential_id: int) -> Credential:
    credential = selectors.credential_get_for(user=request.user, credential_id=credential_id)
    if credential is None:
        raise Http404
    return credential


@router.get("/credentials/{credential_id}", response={200: CredentialOut, **ERRORS})
@access.login
def credential_detail(request: HttpRequest, credential_id: int) -> Credential:
    return _credential_or_404(request, credential_id)


@router.post("/credentials/{credential_id}/suspend", response={200: CredentialOut, **ERRORS})
@access.roles(Role.ADMIN)
def credential_suspend(request: HttpRequest, credential_id: int, payload: ReasonIn) -> Credential:
    _credential_or_404(request, credential_id)
    return services.credential_suspend(actor=request.user, credential_id=credential_id, reason=payload.reason)


@router.post("/credentials/{credential_id}/reinstate", response={200: CredentialOut, **ERRORS})
@access.roles(Role.ADMIN)
def credential_reinstate(request: HttpRequest, credential_id: int, payload: ReasonIn) -> Credential:
    _credential_or_404(request, credential_id)
    return services.credential_reinstate(
        actor=request.user, credential_id=credential_id, reason=payload.reason
    )


@router.post("/credentials/{credential_id}/revoke", response={200: CredentialOut, **ERRORS})
@access.roles(Role.ADMIN)
def credential_revoke(request: HttpRequest, credential_id: int, payload: ReasonIn) -> Credential:
    _credential_or_404(request, credential_id)
    return services.credential_revoke(actor=request.user, credential_id=credential_id, reason=payload.reason)


@router.post("/credentials/{credential_id}/renew", response={200: CredentialOut, **ERRORS})
@access.roles(Role.ADMIN)
def credential_renew(request: HttpRequest, credential_id: int, payload: RenewIn) -> Credential:
    _credential_or_404(request, credential_id)
    return services.credential_renew(
        actor=request.user, credential_id=credential_id, expires_on=payload.expires_on, reason=payload.reason
    )


@router.post("/credentials/{credential_id}/reviews", response={200: CredentialOut, **ERRORS})
@access.roles(Role.ADMIN)
def credential_review(request: HttpRequest, credential_id: int, payload: ReviewIn) -> Credential:
    _credential_or_404(request, credential_id)
    return services.credential_review_record(
        actor=request.user,
        credential_id=credential_id,
        reviewed_on=payload.reviewed_on,
        passed=payload.passed,
        note=payload.note,
    )


@router.get("/public/credentials/{number}", auth=None, response={200: PublicCredentialOut, 404: ErrorOut})
@access.public
def public_credential_check(request: HttpRequest, number: str) -> dict[str, Any]:
    """事中公示: anyone may check a credential number shown to them (行政处罚法第五十五条)."""
    credential = selectors.credential_public_get(number=number)
    if credential is None:
        raise NotFound(_("No credential with this number was found."), code="credential_not_found")
    return public_credential(credential).as_dict()


# --- Training, exams, statistics, imports --------------------------------------------------------


@router.get("/officers/{officer_id}/trainings", response={200: list[TrainingOut], 404: ErrorOut})
@access.login
def training_list(request: HttpRequest, officer_id: int, year: int | None = None) -> Any:
    _officer_or_404(request, officer_id)
    return list(selectors.training_list_for(user=request.user, officer_id=officer_id, year=year))


@router.post("/officers/{officer_id}/trainings", response={201: TrainingOut, **ERRORS})
@access.roles(Role.ADMIN)
def training_add(request: HttpRequest, officer_id: int, payload: TrainingIn) -> Status[TrainingRecord]:
    _officer_or_404(request, officer_id)
    record = services_training.training_record_add(
        actor=request.user, officer_id=officer_id, **payload.dict()
    )
    return Status(201, record)


@router.get("/exams", response=list[ExamSessionOut])
@paginate(Page)
@access.login
def exam_list(request: HttpRequest, year: int | None = None) -> Any:
    return selectors.exam_session_list(year=year)


@router.post("/exams", response={201: ExamSessionOut, **ERRORS})
@access.roles(Role.ADMIN)
def exam_create(request: HttpRequest, payload: ExamSessionIn) -> Status[ExamSession]:
    organiser = _node(payload.organiser_id, "organiser_id")
    assert organiser is not None
    session = services_training.exam_session_create(
        actor=request.user,
        organiser=organiser,
        kind=payload.kind,
        title=payload.title,
        held_on=payload.held_on,
    )
    return Status(201, session)


@router.get("/exams/{session_id}/results", response=list[ExamResultOut])
@paginate(Page)
@access.login
def exam_results(request: HttpRequest, session_id: int) -> Any:
    return selectors.exam_result_list_for(user=request.user, session_id=session_id)


@router.post("/exams/{session_id}/results", response={201: ExamResultOut, **ERRORS})
@access.roles(Role.ADMIN)
def exam_result_add(request: HttpRequest, session_id: int, payload: ExamResultIn) -> Status[ExamResult]:
    result = services_training.exam_result_record(
        actor=request.user,
        session_id=session_id,
        officer_id=payload.officer_id,
        score=payload.score,
        absent=payload.absent,
    )
    return Status(201, result)


@router.post("/officers/import/training", response={200: ImportOut, **ERRORS})
@access.roles(Role.ADMIN)
def training_import(request: HttpRequest, file: File[UploadedFile]) -> dict[str, Any]:
    """XLSX with the headers of the template (`/officers/import/template/training`): all rows or none;
    row errors come back as 400 `import_rows_invalid` with `detail.errors` [{row, message}]."""
    result = imports.import_training(actor=request.user, data=_read_upload(file), filename=file.name or "")
    return {"created": result.created, "batch_id": result.batch_id, "errors": []}


@router.post("/exams/{session_id}/import", response={200: ImportOut, **ERRORS})
@access.roles(Role.ADMIN)
def exam_import(request: HttpRequest, session_id: int, file: File[UploadedFile]) -> dict[str, Any]:
    result = imports.import_exam_results(
        actor=request.user, session_id=session_id, data=_read_upload(file), filename=file.name or ""
    )
    return {"created": result.created, "batch_id": result.batch_id, "errors": []}


def _read_upload(file: UploadedFile) -> bytes:
    if file.size is not None and file.size > imports.MAX_BYTES:
        raise InvalidInput(_("The file is larger than 5 MB."), code="import_file_invalid")
    data: bytes = file.read()
    return data
