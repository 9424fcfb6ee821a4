"""The assessment API (the names of the API contract): rounds (`/assessments`), their lifecycle
(`/events`), self-check submissions, assessors' scores, the ranking and the report; and the indicator
sets under `/assessments/indicator-sets`. Unknown fields are refused (400 unknown_field).

No `from __future__ import annotations`: ninja reads the File/Form annotations at runtime.
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import ConfigDict, Field

from zhifa.core import access
from zhifa.core.api import ErrorOut
from zhifa.core.errors import InvalidInput, NotFound
from zhifa.core.roles import STAFF_ROLES, Role
from zhifa.supervision.assessment import figures, ranking, report, selectors, services, set_io
from zhifa.supervision.assessment.models import IndicatorSet, Participant, Round
from zhifa.supervision.assessment.workflow import ROUNDS, SELF_CHECKS

router = Router(tags=["assessment"])
ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class AssessmentStrict(Schema):
    model_config = ConfigDict(extra="forbid")


class AssessmentNodeIn(AssessmentStrict):
    code: str = Field(max_length=20)
    parent: str = Field("", max_length=20)
    name: str = Field(max_length=200)
    points: Decimal
    method: str = ""
    indicator_code: str = Field("", max_length=80)
    formula: str = ""
    target: Decimal | None = None
    zero_at: Decimal | None = None
    per_item: Decimal | None = None
    criteria: str = Field("", max_length=2000)
    materials: str = Field("", max_length=2000)


class AssessmentSetIn(AssessmentStrict):
    code: str = Field(max_length=40)
    year: int
    name: str = Field(max_length=100)
    total_points: Decimal | None = None
    late_deduction: Decimal | None = None
    note: str = Field("", max_length=200)
    nodes: list[AssessmentNodeIn]


class AssessmentRoundIn(AssessmentStrict):
    name: str = Field(max_length=100)
    year: int
    set_id: int
    agency_ids: list[int]
    assessor_ids: list[int] = []
    self_check_due: dt.date
    cutoff_on: dt.date


class AssessmentEventIn(AssessmentStrict):
    event: str = Field(max_length=30)
    on: dt.date | None = None
    reason: str = Field("", max_length=500)


class AssessmentSelfItemIn(AssessmentStrict):
    code: str = Field(max_length=20)
    score: Decimal | None = None
    explanation: str = Field("", max_length=2000)


class AssessmentSubmissionIn(AssessmentStrict):
    agency_id: int
    items: list[AssessmentSelfItemIn] = []
    submit: bool = False


class AssessmentScoreItemIn(AssessmentStrict):
    code: str = Field(max_length=20)
    score: Decimal | None = None
    note: str = Field("", max_length=2000)
    reason: str = Field("", max_length=2000)


class AssessmentScoresIn(AssessmentStrict):
    agency_id: int
    items: list[AssessmentScoreItemIn]


def _d(v: Decimal | None) -> str | None:
    return None if v is None else str(v)


def set_out(s: IndicatorSet, *, nodes: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": s.pk,
        "code": s.code,
        "year": s.year,
        "version": s.version,
        "name": s.name,
        "total_points": str(s.total_points),
        "late_deduction": str(s.late_deduction),
        "note": s.note,
    }
    if nodes:
        tree = selectors.set_nodes(s)
        codes = {n.pk: n.code for n in tree}
        out["nodes"] = [
            {
                "code": n.code,
                "parent": codes.get(n.parent_id, "") if n.parent_id else "",
                "level": n.level,
                "name": n.name,
                "points": str(n.points),
                "weight": str(set_io.weight(n, s.total_points)),
                "leaf": n.leaf,
                "method": n.method or None,
                "indicator_code": n.indicator_code or None,
                "formula": n.formula or None,
                "target": _d(n.target),
                "zero_at": _d(n.zero_at),
                "per_item": _d(n.per_item),
                "criteria": n.criteria,
                "materials": n.materials,
            }
            for n in tree
        ]
    return out


def participant_out(p: Participant) -> dict[str, Any]:
    return {
        "agency_id": p.agency_id,
        "agency": p.agency.name,
        "state": p.state,
        "submitted_on": p.submitted_on,
        "late": p.late,
        "late_deduction": str(p.late_deduction),
        "total": _d(p.total),
        "rank": p.rank,
        "grade": p.grade or None,
        "deadline": selectors.deadline_for(p),
    }


def round_out(request: HttpRequest, r: Round) -> dict[str, Any]:
    return {
        "id": r.pk,
        "name": r.name,
        "year": r.year,
        "state": r.state,
        "set_id": r.indicator_set_id,
        "bureau_id": r.bureau_id,
        "self_check_due": r.self_check_due,
        "cutoff_on": r.cutoff_on,
        "frozen_at": r.frozen_at,
        "finished_on": r.finished_on,
        "published_at": r.published_at,
        "thresholds": {"excellent": str(r.excellent_min), "good": str(r.good_min), "pass": str(r.pass_min)},
        "late_deduction": str(r.late_deduction),
        "assessor_ids": sorted(r.assessors.values_list("id", flat=True)),
        "agencies": [participant_out(p) for p in selectors.participants_for(request.user, r)],
        "allowed_events": [t.event for t in ROUNDS.allowed_events(r, request.user)],
    }


def leaves_out(p: Participant) -> list[dict[str, Any]]:
    out = []
    for leaf in selectors.leaves_of(p):
        n = leaf.node
        out.append(
            {
                "code": n.code,
                "name": n.name,
                "points": str(n.points),
                "method": n.method,
                "indicator_code": n.indicator_code or None,
                "figure": leaf.figure or None,
                "value": _d(leaf.value),
                "numerator": _d(leaf.numerator),
                "denominator": _d(leaf.denominator),
                "value_text": figures.value_text(leaf) or None,
                "records": figures.records_link(leaf, p) or None,
                "computed_score": _d(leaf.computed_score),
                "frozen": leaf.frozen,
                "self_score": _d(leaf.self_score),
                "explanation": leaf.self_note,
                "assessor_score": _d(leaf.assessor_score),
                "assessor_note": leaf.assessor_note,
                "adjust_reason": leaf.adjust_reason,
                "final_score": _d(leaf.final_score),
                "disagreement": _d(leaf.disagreement),
                "materials": [
                    {"id": m.pk, "name": m.original_name, "size": m.size, "sha256": m.blob.sha256}
                    for m in leaf.materials.all()
                ],
            }
        )
    return out


@router.get("/assessments/indicator-sets", response={200: list[dict[str, Any]], **ERRORS})
@access.roles(*STAFF_ROLES)
def set_list(request: HttpRequest) -> list[dict[str, Any]]:
    return [set_out(s) for s in selectors.set_list()]


@router.post("/assessments/indicator-sets", response={201: dict[str, Any], **ERRORS})
@access.roles(Role.SUPERVISOR)
def set_create(request: HttpRequest, payload: AssessmentSetIn) -> Status[dict[str, Any]]:
    data = payload.model_dump()
    data["rows"] = [{k: (None if v is None else str(v)) for k, v in n.items()} for n in data.pop("nodes")]
    s = services.set_create(actor=request.user, data=data)
    return Status(201, set_out(s, nodes=True))


@router.post("/assessments/indicator-sets/import", response={201: dict[str, Any], **ERRORS})
@access.roles(Role.SUPERVISOR)
def set_import(  # noqa: PLR0917 — ninja reads the form fields from the parameters
    request: HttpRequest,
    file: File[UploadedFile],
    code: Form[str],
    year: Form[int],
    name: Form[str],
    late_deduction: Form[str] = "",
) -> Status[dict[str, Any]]:
    """XLSX with the Chinese headers of the export; all or nothing (422 `import_rejected` with
    `detail.errors: [{row, field, code, message}]`)."""
    if file.size and file.size > set_io.MAX_BYTES:
        raise InvalidInput(_("The file is larger than 2 MB."), code="too_large")
    rows = set_io.parse_rows(file.read())
    s = services.set_create(
        actor=request.user,
        data={
            "code": code,
            "year": year,
            "name": name,
            "late_deduction": late_deduction,
            "rows": rows,
            "first_row": 2,
        },
    )
    return Status(201, set_out(s, nodes=True))


@router.get("/assessments/indicator-sets/{int:set_id}", response={200: dict[str, Any], **ERRORS})
@access.roles(*STAFF_ROLES)
def set_get(request: HttpRequest, set_id: int) -> dict[str, Any]:
    return set_out(selectors.set_get(set_id), nodes=True)


@router.get("/assessments", response={200: list[dict[str, Any]], **ERRORS})
@access.roles(*STAFF_ROLES)
def round_list(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {"id": r.pk, "name": r.name, "year": r.year, "state": r.state, "set_id": r.indicator_set_id}
        for r in selectors.round_list_for(request.user)
    ]


@router.post("/assessments", response={201: dict[str, Any], **ERRORS})
@access.roles(Role.SUPERVISOR)
def round_create(request: HttpRequest, payload: AssessmentRoundIn) -> Status[dict[str, Any]]:
    r = services.round_create(actor=request.user, data=payload.model_dump())
    return Status(201, round_out(request, r))


@router.get("/assessments/{int:round_id}", response={200: dict[str, Any], **ERRORS})
@access.roles(*STAFF_ROLES)
def round_get(request: HttpRequest, round_id: int) -> dict[str, Any]:
    return round_out(request, selectors.round_get_for(request.user, round_id))


@router.post("/assessments/{int:round_id}/events", response={200: dict[str, Any], **ERRORS})
@access.roles(Role.SUPERVISOR)
def round_event(request: HttpRequest, round_id: int, payload: AssessmentEventIn) -> dict[str, Any]:
    selectors.round_get_for(request.user, round_id)
    data: dict[str, Any] = {"reason": payload.reason}
    if payload.on is not None:
        data["on"] = payload.on
    r = services.round_apply_event(round_id=round_id, actor=request.user, event=payload.event, data=data)
    return round_out(request, r)


@router.get("/assessments/{int:round_id}/agencies/{int:agency_id}", response={200: dict[str, Any], **ERRORS})
@access.roles(*STAFF_ROLES)
def participant_get(request: HttpRequest, round_id: int, agency_id: int) -> dict[str, Any]:
    p = selectors.participant_get_for(request.user, round_id, agency_id)
    return participant_out(p) | {
        "allowed_events": [t.event for t in SELF_CHECKS.allowed_events(p, request.user)],
        "leaves": leaves_out(p),
    }


@router.post("/assessments/{int:round_id}/submissions", response={200: dict[str, Any], **ERRORS})
@access.roles(Role.APPROVER, Role.LEGAL_REVIEWER)
def submission(request: HttpRequest, round_id: int, payload: AssessmentSubmissionIn) -> dict[str, Any]:
    """The agency's self-scores and explanations; `submit: true` then submits the self-check (a late
    first submission loses the set's points)."""
    selectors.participant_get_for(request.user, round_id, payload.agency_id)
    items = [{"code": i.code, "score": i.score, "explanation": i.explanation} for i in payload.items]
    p = services.self_check_save(
        actor=request.user, round_id=round_id, agency_id=payload.agency_id, items=items
    )
    if payload.submit:
        p = services.self_check_apply_event(participant_id=p.pk, actor=request.user, event="submit", data={})
    p = selectors.participant_get_for(request.user, round_id, payload.agency_id)
    return participant_out(p) | {"leaves": leaves_out(p)}


@router.post("/assessments/{int:round_id}/materials", response={201: dict[str, Any], **ERRORS})
@access.roles(Role.APPROVER, Role.LEGAL_REVIEWER)
def material_add(
    request: HttpRequest, round_id: int, file: File[UploadedFile], agency_id: Form[int], code: Form[str]
) -> Status[dict[str, Any]]:
    selectors.participant_get_for(request.user, round_id, agency_id)
    if file.size and file.size > services.MAX_MATERIAL_BYTES:
        raise InvalidInput(_("The file is too large (at most 20 MB)."), code="too_large")
    m = services.material_add(
        actor=request.user,
        round_id=round_id,
        agency_id=agency_id,
        code=code,
        name=file.name or "material",
        content=file.read(),
    )
    return Status(
        201, {"id": m.pk, "code": code, "name": m.original_name, "size": m.size, "sha256": m.blob.sha256}
    )


@router.post("/assessments/{int:round_id}/scores", response={200: dict[str, Any], **ERRORS})
@access.roles(Role.ASSESSOR)
def scores(request: HttpRequest, round_id: int, payload: AssessmentScoresIn) -> dict[str, Any]:
    """An assessor's scores for one agency (never their own: 403 `own_agency`); a computed leaf is
    adjusted only with a `reason` (400 `reason_required`)."""
    selectors.participant_get_for(request.user, round_id, payload.agency_id)
    items = [i.model_dump() for i in payload.items]
    services.scores_record(actor=request.user, round_id=round_id, agency_id=payload.agency_id, items=items)
    p = selectors.participant_get_for(request.user, round_id, payload.agency_id)
    return participant_out(p) | {"leaves": leaves_out(p)}


@router.get("/assessments/{int:round_id}/ranking", response={200: dict[str, Any], **ERRORS})
@access.roles(*STAFF_ROLES)
def ranking_get(request: HttpRequest, round_id: int) -> dict[str, Any]:
    r = selectors.round_get_for(request.user, round_id)
    if not (selectors.may_manage(request.user, r) or r.state == Round.State.FINISHED):
        raise NotFound(_("The ranking is shown once the results are confirmed."), code="not_ready")
    return {
        "round_id": r.pk,
        "state": r.state,
        "final": r.state == Round.State.FINISHED,
        "ranking_rule": ranking.RANKING_RULE,
        "agencies": [row.as_dict() for row in ranking.results(r)],
    }


@router.get("/assessments/{int:round_id}/report", response={200: None, **ERRORS})
@access.roles(*STAFF_ROLES)
def report_pdf(request: HttpRequest, round_id: int, agency: int | None = None) -> HttpResponse:
    """The report as a PDF: overall (the bureau, once finished also the assessors) or for one agency
    (`?agency=`, also that agency's own staff once the round is finished)."""
    r = selectors.round_get_for(request.user, round_id)
    manage = selectors.may_manage(request.user, r)
    if agency is None:
        if not manage:
            raise NotFound(_("No report to show."))
        pdf = report.round_pdf(r)
    else:
        p = selectors.participant_get_for(request.user, round_id, agency)
        if not manage and r.state != Round.State.FINISHED:
            raise NotFound(_("The report is shown once the results are confirmed."), code="not_ready")
        pdf = report.round_pdf(r, participant=p)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="assessment-{r.pk}{"-" + str(agency) if agency else ""}.pdf"'
    )
    response["Cache-Control"] = "private, no-store"
    return response
