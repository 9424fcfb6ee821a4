"""Inspections API (shared/API.md): 一单两库, plans and draws, tasks and their events; the public draw
record, the inspection code and its rating.

No `from __future__ import annotations`: ninja reads the handlers' annotations at runtime, through the
access decorators' wrappers, whose globals are not this module's.
"""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Schema, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile
from ninja.pagination import paginate
from pydantic import ConfigDict, Field

from zhifa.core import access
from zhifa.core.api import ErrorOut, Page
from zhifa.core.errors import InvalidInput
from zhifa.enforcement.inspections import imports, presenters, ratelimit, selectors, services
from zhifa.enforcement.inspections.common import DIRECTORY_ROLES, PLAN_ROLES, READ_ROLES
from zhifa.enforcement.inspections.models import InspectionItem, Plan, Target
from zhifa.enforcement.inspections.workflow import task_apply_event

router = Router(tags=["inspections"])
ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut, 429: ErrorOut}


class Strict(Schema):
    model_config = ConfigDict(extra="forbid")


# --- 一单: items ---------------------------------------------------------------------------------


class ItemIn(Strict):
    agency_id: int
    code: str = Field(max_length=40)
    name: str = Field(max_length=200)
    basis: str = Field(max_length=2000, description="legal basis as text")
    article_ids: list[int] = Field(default_factory=list, description="law library articles (GET /laws)")
    object_type: Literal["enterprise", "individual", "other"]
    ratio: Decimal = Field(description="sampling ratio, percent")
    frequency: int = Field(1, description="times a year")
    method: Literal["on_site", "documents", "online", "sampling"]


class ItemOut(Schema):
    id: int
    agency_id: int
    code: str
    name: str
    basis: str
    articles: list[str]
    object_type: str
    ratio: Decimal
    frequency: int
    method: str

    @staticmethod
    def resolve_articles(obj: InspectionItem) -> list[str]:
        return [str(a) for a in obj.articles.all()]


@router.get("/inspections/items", response=list[ItemOut])
@paginate(Page)
@access.roles(*READ_ROLES)
def item_list(request: HttpRequest) -> Any:
    return selectors.item_list_for(user=request.user)


@router.post("/inspections/items", response={201: ItemOut, **ERRORS})
@access.roles(*DIRECTORY_ROLES)
def item_create(request: HttpRequest, payload: ItemIn) -> Status[InspectionItem]:
    return Status(201, services.item_create(actor=request.user, data=payload.dict()))


# --- 一库: targets -------------------------------------------------------------------------------


class TargetIn(Strict):
    agency_id: int
    name: str = Field(max_length=200)
    credit_code: str = Field(
        "", max_length=40, description="统一社会信用代码; required unless object_type is other"
    )
    object_type: Literal["enterprise", "individual", "other"]
    area: str = Field("", max_length=100)
    industry: str = Field("", max_length=100)
    risk_level: Literal["low", "medium", "high"] = "low"
    address: str = Field("", max_length=200)
    no_disturbance: bool = False
    no_disturbance_reason: str = Field("", max_length=300)
    conflict_officer_ids: list[int] = Field(default_factory=list, description="officers to recuse (回避)")


class TargetOut(Schema):
    id: int
    agency_id: int
    number: str
    name: str
    credit_code: str
    object_type: str
    area: str
    industry: str
    risk_level: str
    address: str
    no_disturbance: bool
    no_disturbance_reason: str


@router.get("/inspections/targets", response=list[TargetOut])
@paginate(Page)
@access.roles(*READ_ROLES)
def target_list(request: HttpRequest, q: str = "", risk_level: str = "") -> Any:
    return selectors.target_list_for(user=request.user, q=q[:100], risk_level=risk_level[:10])


@router.post("/inspections/targets", response={201: TargetOut, **ERRORS})
@access.roles(*DIRECTORY_ROLES)
def target_create(request: HttpRequest, payload: TargetIn) -> Status[Target]:
    return Status(201, services.target_create(actor=request.user, data=payload.dict()))


class ImportErrorOut(Schema):
    row: int
    field: str
    message: str


class ImportOut(Schema):
    created: int
    errors: list[ImportErrorOut]


class ImportRejectedOut(ImportOut):
    code: str
    message: str
    detail: dict[str, Any]


@router.post("/inspections/targets/import", response={200: ImportOut, **ERRORS, 422: ImportRejectedOut})
@access.roles(*DIRECTORY_ROLES)
def target_import(request: HttpRequest, file: File[UploadedFile], agency_id: Form[int]) -> Any:
    """CSV (UTF-8 with or without BOM, or GB18030) or XLSX with Chinese headers; all rows are checked
    and nothing is written while any row has an error (422 listing every row error)."""
    if file.size and file.size > imports.MAX_BYTES:
        raise InvalidInput(_("The file is larger than 5 MB."), code="import_file_invalid")
    result = imports.import_targets(
        actor=request.user, agency_id=agency_id, data=file.read(), filename=file.name or ""
    )
    body = {"created": result.created, "errors": result.errors}
    if result.errors:
        return Status(
            422,
            {
                "code": "import_rejected",
                "message": _("The file has errors; nothing was imported."),
                "detail": {"errors": result.errors},
                **body,
            },
        )
    return Status(200, body)


@router.get("/inspections/targets/export", response={200: None, **ERRORS})
@access.roles(*READ_ROLES)
def target_export(request: HttpRequest, format: Literal["csv", "xlsx"] = "csv") -> HttpResponse:
    rows = imports.export_rows(selectors.target_list_for(user=request.user))
    if format == "xlsx":
        response = HttpResponse(
            imports.to_xlsx(rows),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        response = HttpResponse(imports.to_csv(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="inspection-targets.{format}"'
    return response


# --- Plans and draws ---------------------------------------------------------------------------------


class PlanIn(Strict):
    agency_id: int
    kind: Literal["annual", "special"]
    name: str = Field(max_length=200)
    item_ids: list[int]
    enforcement_area: str = Field(
        max_length=50, description="执法领域 the inspectors' credentials must cover"
    )
    filter_object_type: Literal["", "enterprise", "individual", "other"] = ""
    filter_area: str = Field("", max_length=100)
    filter_industry: str = Field("", max_length=100)
    filter_risk_levels: list[Literal["low", "medium", "high"]] = Field(default_factory=list)
    ratio: Decimal | None = Field(None, description="percent of the matching targets (or give number)")
    number: int | None = None
    weighted: bool = Field(False, description="risk-weighted draw (high 3, medium 2, low 1)")
    team_size: int = 2
    starts_on: dt.date
    ends_on: dt.date
    joint_agency_ids: list[int] = Field(default_factory=list, description="跨部门联合抽查")


class DrawSummaryOut(Schema):
    id: int
    drawn_on: dt.date
    seed: str
    pool_digest: str
    n: int


class PlanOut(Schema):
    id: int
    agency_id: int
    kind: str
    name: str
    item_ids: list[int]
    enforcement_area: str
    filter_object_type: str
    filter_area: str
    filter_industry: str
    filter_risk_levels: list[str]
    ratio: Decimal | None
    number: int | None
    weighted: bool
    team_size: int
    starts_on: dt.date
    ends_on: dt.date
    joint_agency_ids: list[int]
    draws: list[DrawSummaryOut]

    @staticmethod
    def resolve_item_ids(obj: Plan) -> list[int]:
        return [i.pk for i in obj.items.all()]

    @staticmethod
    def resolve_joint_agency_ids(obj: Plan) -> list[int]:
        return [a.pk for a in obj.joint_agencies.all()]

    @staticmethod
    def resolve_draws(obj: Plan) -> list[Any]:
        return list(obj.draws.all())


@router.get("/inspections/plans", response=list[PlanOut])
@paginate(Page)
@access.roles(*READ_ROLES)
def plan_list(request: HttpRequest) -> Any:
    return selectors.plan_list_for(user=request.user)


@router.post("/inspections/plans", response={201: PlanOut, **ERRORS})
@access.roles(*PLAN_ROLES)
def plan_create(request: HttpRequest, payload: PlanIn) -> Status[Plan]:
    return Status(201, services.plan_create(actor=request.user, data=payload.dict()))


class DrawIn(Strict):
    reasons: dict[str, str] = Field(
        default_factory=dict,
        description="target id (credit code or directory number) on the no-disturbance list → recorded reason",
    )


class PublicDrawOut(Schema):
    id: int
    plan: str
    agency: str
    drawn_on: dt.date
    algorithm: str
    seed: str
    pool_digest: str
    pool_size: int
    pool_url: str = Field(description="the pool file: its canonical serialisation, `id<TAB>weight` lines")
    pool: list[str] | None = Field(description="the pool's ids, for a pool of at most 100,000 (else null)")
    weights: dict[str, int] | None
    risk_weights: dict[str, int]
    n: int
    chosen: list[str]
    no_disturbance_reasons: dict[str, str]
    teams: dict[str, Any]


@router.post("/inspections/plans/{plan_id}/draw", response={201: PublicDrawOut, **ERRORS})
@access.roles(*PLAN_ROLES)
def plan_draw(request: HttpRequest, plan_id: int, payload: DrawIn) -> Status[dict[str, Any]]:
    """Draw the plan (once). The seed is generated by the server after the pool is fixed."""
    if selectors.plan_get_for(user=request.user, plan_id=plan_id) is None:
        raise Http404
    row = services.plan_draw(actor=request.user, plan_id=plan_id, reasons=payload.reasons)
    return Status(201, presenters.draw_public(row))


# --- Tasks -----------------------------------------------------------------------------------------------


class TaskOut(Schema):
    id: int
    code: str
    plan_id: int
    plan: str
    agency_id: int
    target: dict[str, Any]
    inspectors: list[dict[str, Any]]
    state: str
    on_site_on: dt.date | None
    result_on: dt.date | None
    outcome: str
    findings: str
    signed_by: str
    refusal_note: str
    publish_due_on: dt.date | None
    publish_due_provisional: bool
    published_on: dt.date | None
    published_in_time: bool | None
    case_id: int | None
    photos: list[dict[str, Any]]
    deadlines: list[dict[str, Any]]
    allowed_events: list[str]


class TaskListOut(Schema):
    id: int
    code: str
    plan_id: int
    target_name: str
    state: str
    on_site_on: dt.date | None
    publish_due_on: dt.date | None
    case_id: int | None

    @staticmethod
    def resolve_target_name(obj: Any) -> str:
        return str(obj.target.name)


@router.get("/inspections/tasks", response=list[TaskListOut])
@paginate(Page)
@access.roles(*READ_ROLES)
def task_list(request: HttpRequest, state: str = "", plan: int | None = None, mine: bool = False) -> Any:
    if mine:
        return selectors.my_tasks(request.user)
    return selectors.task_list_for(user=request.user, state=state[:20], plan_id=plan)


@router.get("/inspections/tasks/{task_id}", response={200: TaskOut, **ERRORS})
@access.roles(*READ_ROLES)
def task_detail(request: HttpRequest, task_id: int) -> dict[str, Any]:
    task = selectors.task_get_for(user=request.user, task_id=task_id)
    if task is None:
        raise Http404
    return presenters.task_detail(task, request.user)


class StartIn(Strict):
    event: Literal["start"]
    on: dt.date | None = Field(None, description="date of the visit (default today)")


class RecordResultIn(Strict):
    event: Literal["record_result"]
    on: dt.date | None = None
    outcome: Literal["no_problem", "problems_found", "not_located"]
    findings: str = Field("", max_length=5000)
    signed_by: str = Field("", max_length=50, description="who signed the record for the enterprise")
    refusal_note: str = Field("", max_length=300, description="the enterprise refused to sign: as noted")


class PublishIn(Strict):
    event: Literal["publish"]
    on: dt.date | None = None


class PartyIn(Strict):
    kind: Literal["person", "organisation"] = "organisation"
    name: str = Field("", max_length=100)
    id_number: str = Field("", max_length=40)
    phone: str = Field("", max_length=30)
    address: str = Field("", max_length=200)


class ConvertIn(Strict):
    event: Literal["convert"]
    facts: str = Field("", max_length=5000, description="default: the findings")
    occurred_on: dt.date | None = Field(None, description="default: the date of the visit")
    power_item_id: int | None = None
    party: PartyIn | None = Field(None, description="default: the target (name, credit code, address)")


class ReassignIn(Strict):
    event: Literal["reassign"]
    officer_ids: list[int] = Field(..., max_length=20, description="the new team (officer ids)")
    reason: str = Field(..., max_length=500)


class CancelIn(Strict):
    event: Literal["cancel"]
    on: dt.date | None = None
    reason: str = Field(..., max_length=500)


EventIn = Annotated[
    StartIn | RecordResultIn | PublishIn | ConvertIn | ReassignIn | CancelIn, Field(discriminator="event")
]


@router.post("/inspections/tasks/{task_id}/events", response={200: TaskOut, **ERRORS})
@access.roles(*READ_ROLES)
def task_event(request: HttpRequest, task_id: int, payload: EventIn) -> dict[str, Any]:  # type: ignore[valid-type]
    data = {k: v for k, v in payload.dict().items() if v not in (None, "")}
    if isinstance(data.get("party"), dict):
        data["party"] = {k: v for k, v in data["party"].items() if v}
    event = str(data.pop("event"))
    task = task_apply_event(task_id=task_id, actor=request.user, event=event, data=data)
    shown = selectors.task_get_for(user=request.user, task_id=task.pk)
    assert shown is not None
    return presenters.task_detail(shown, request.user)


# --- Public ----------------------------------------------------------------------------------------------


def _limit(request: HttpRequest, limits: tuple[ratelimit.Limit, ...]) -> None:
    if not ratelimit.allow(request, limits):
        raise HttpError(429, "rate limited")


@router.get("/public/inspections/draws/{draw_id}", auth=None, response={200: PublicDrawOut, **ERRORS})
@access.public
def public_draw(request: HttpRequest, draw_id: int) -> dict[str, Any]:
    """Everything needed to replay the draw with scripts/verify_draw.py (docs/inspections.md)."""
    row = selectors.draw_public_get(draw_id=draw_id)
    if row is None:
        raise Http404
    return presenters.draw_public(row)


@router.get(
    "/public/inspections/draws/{draw_id}/pool",
    auth=None,
    response={200: None, **ERRORS},
    url_name="inspections_public_draw_pool",
)
@access.public
def public_draw_pool(request: HttpRequest, draw_id: int) -> StreamingHttpResponse:
    """The frozen pool of a draw as a file, streamed: lines `id<TAB>weight<LF>` in canonical order.
    SHA-256 of the line `zhifa-draw-v1<LF>` followed by this file is the published pool digest."""
    row = selectors.draw_public_get(draw_id=draw_id)
    if row is None:
        raise Http404
    response = StreamingHttpResponse(services.draw_pool_text(row), content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="draw-{row.pk}-pool.txt"'
    return response


class CodeOut(Schema):
    code: str
    agency: str
    plan: str
    plan_kind: str
    target: str
    state: str
    state_label: str
    on_site_on: dt.date | None
    published_on: dt.date | None
    outcome: str
    items: list[dict[str, str]]
    inspectors: list[dict[str, Any]]
    draw_id: int
    inspections_this_year: int
    yearly_limit: int
    too_often: bool
    rated: bool
    can_rate: bool


@router.get("/public/inspection-codes/{code}", auth=None, response={200: CodeOut, **ERRORS})
@access.public
def public_code(request: HttpRequest, code: str) -> dict[str, Any]:
    _limit(request, ratelimit.LOOKUP)
    task = selectors.task_by_code(code)
    if task is None:
        raise Http404
    return presenters.code_page(task)


class RatingIn(Strict):
    visit_confirmed: bool
    score: Literal["satisfied", "basically", "dissatisfied"]
    comment: str = Field("", max_length=1000)


@router.post("/public/inspection-codes/{code}/rating", auth=None, response={201: CodeOut, **ERRORS})
@access.public
def public_rating(request: HttpRequest, code: str, payload: RatingIn) -> Status[dict[str, Any]]:
    _limit(request, ratelimit.RATING)
    services.rating_submit(
        code=code, visit_confirmed=payload.visit_confirmed, score=payload.score, comment=payload.comment
    )
    task = selectors.task_by_code(code)
    assert task is not None
    return Status(201, presenters.code_page(task))
