"""The review API (shared/API.md): rubrics, campaigns, the draw, one sampled file with its pre-check,
scoring, results. Unknown fields are refused (400 unknown_field)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import ConfigDict, Field

from zhifa.core import access
from zhifa.core.api import ErrorOut
from zhifa.core.roles import STAFF_ROLES, Role
from zhifa.supervision.reviews import results, selectors, services
from zhifa.supervision.reviews.models import Campaign, Rubric, SampledFile

router = Router(tags=["reviews"])
ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class Strict(Schema):
    model_config = ConfigDict(extra="forbid")


class RubricItemIn(Strict):
    code: str = Field(max_length=20)
    section: str
    text: str = Field(max_length=300)
    max_deduction: Decimal = Decimal(0)
    basis: str = Field("", max_length=200)
    check: str = ""


class RubricIn(Strict):
    code: str = Field(max_length=40)
    name: str = Field(max_length=100)
    form_points: Decimal = Decimal(20)
    substance_points: Decimal = Decimal(80)
    excellent_min: Decimal = Decimal(90)
    pass_min: Decimal = Decimal(60)
    note: str = Field("", max_length=200)
    items: list[RubricItemIn]


class CampaignIn(Strict):
    name: str = Field(max_length=100)
    kind: str
    agency_ids: list[int]
    rubric_id: int | None = None
    closed_from: dt.date
    closed_to: dt.date
    sample_mode: str
    sample_count: int | None = None
    sample_share: Decimal | None = None
    strata: str = ""
    reviewer_ids: list[int] = []
    due_on: dt.date
    rectification_days: int = 30


class DrawIn(Strict):
    seed: str | None = None


class CampaignEventIn(Strict):
    event: Literal["finish", "publish"]
    on: dt.date | None = Field(None, description="finish: the date (default today; not before the draw)")


class ScoreItemIn(Strict):
    code: str = Field(max_length=20)
    deduction: Decimal = Decimal(0)
    note: str = Field("", max_length=500)


class ScoreIn(Strict):
    items: list[ScoreItemIn] = []
    vetoes: list[str] = []


def rubric_out(r: Rubric) -> dict[str, Any]:
    return {
        "id": r.pk,
        "code": r.code,
        "version": r.version,
        "name": r.name,
        "form_points": str(r.form_points),
        "substance_points": str(r.substance_points),
        "excellent_min": str(r.excellent_min),
        "pass_min": str(r.pass_min),
        "items": [
            {
                "code": i.code,
                "section": i.section,
                "text": i.text,
                "max_deduction": str(i.max_deduction),
                "basis": i.basis,
                "check": i.auto_check,
            }
            for i in r.items.all()
        ],
    }


def campaign_out(c: Campaign) -> dict[str, Any]:
    return {
        "id": c.pk,
        "name": c.name,
        "kind": c.kind,
        "state": c.state,
        "rubric_id": c.rubric_id,
        "agency_ids": sorted(c.agencies.values_list("id", flat=True)),
        "reviewer_ids": sorted(c.reviewers.values_list("id", flat=True)),
        "closed_from": c.closed_from,
        "closed_to": c.closed_to,
        "sample_mode": c.sample_mode,
        "sample_count": c.sample_count,
        "sample_share": None if c.sample_share is None else str(c.sample_share),
        "strata": c.strata,
        "due_on": c.due_on,
        "seed": c.seed or None,
        "pool_digest": c.pool_digest or None,
        "pool_size": c.pool_size,
        "drawn_at": c.drawn_at,
        "published_at": c.published_at,
        "precheck": precheck_status(c),
    }


def precheck_status(c: Campaign) -> dict[str, Any]:
    """The background pre-check's progress (the draw queues it; it runs after the draw commits)."""
    left = max(0, c.precheck_total - c.precheck_done - c.precheck_failed)
    return {
        "total": c.precheck_total,
        "done": c.precheck_done,
        "failed": c.precheck_failed,
        "left": left,
        "percent": c.precheck_percent,
        "state": c.precheck_state,
        "started_at": c.precheck_started_at,
        "finished_at": c.precheck_finished_at,
    }


def file_out(f: SampledFile, *, detail: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": f.pk,
        "campaign_id": f.campaign_id,
        "case_id": f.case_id,
        "agency_id": f.agency_id,
        "stratum": f.stratum,
        "position": f.position,
        "reviewer_id": f.reviewer_id,
        "state": f.state,
        "score": None if f.score is None else str(f.score),
        "grade": f.grade or None,
    }
    if detail:
        out["case"] = selectors.case_summary(f)
        out["precheck"] = f.precheck
        out["prechecked_at"] = f.prechecked_at
        out["precheck_error"] = f.precheck_error or None
        sheet = f.current_sheet
        out["sheet"] = (
            None
            if sheet is None
            else {
                "form": str(sheet.form_score),
                "substance": str(sheet.substance_score),
                "vetoed": sheet.vetoed,
                "items": [
                    {"code": ln.code, "deduction": str(ln.deduction), "vetoed": ln.vetoed, "note": ln.note}
                    for ln in sheet.lines.all()
                ],
            }
        )
    return out


@router.get("/reviews/rubrics", response={200: list[dict[str, Any]], **ERRORS})
@access.roles(*STAFF_ROLES)
def rubric_list(request: HttpRequest) -> list[dict[str, Any]]:
    return [rubric_out(r) for r in selectors.rubric_list()]


@router.post("/reviews/rubrics", response={201: dict[str, Any], **ERRORS})
@access.roles(Role.SUPERVISOR)
def rubric_create(request: HttpRequest, payload: RubricIn) -> Status[dict[str, Any]]:
    data = payload.model_dump()
    for item in data["items"]:
        item["max_deduction"] = str(item["max_deduction"])
    rubric = services.rubric_create(actor=request.user, data=data)
    return Status(201, rubric_out(selectors.rubric_get(rubric.pk)))


@router.get("/reviews/campaigns", response={200: list[dict[str, Any]], **ERRORS})
@access.roles(*STAFF_ROLES)
def campaign_list(request: HttpRequest) -> list[dict[str, Any]]:
    return [campaign_out(c) for c in selectors.campaign_list_for(request.user)]


@router.get("/reviews/campaigns/{int:campaign_id}", response={200: dict[str, Any], **ERRORS})
@access.roles(*STAFF_ROLES)
def campaign_get(request: HttpRequest, campaign_id: int) -> dict[str, Any]:
    """One campaign; poll it for the background pre-check's progress (`precheck`)."""
    return campaign_out(selectors.campaign_get_for(request.user, campaign_id))


@router.post("/reviews/campaigns", response={201: dict[str, Any], **ERRORS})
@access.roles(Role.SUPERVISOR)
def campaign_create(request: HttpRequest, payload: CampaignIn) -> Status[dict[str, Any]]:
    data = payload.model_dump()
    if data["sample_share"] is not None:
        data["sample_share"] = str(data["sample_share"])
    campaign = services.campaign_create(actor=request.user, data=data)
    return Status(201, campaign_out(campaign))


@router.post("/reviews/campaigns/{int:campaign_id}/draw", response={200: dict[str, Any], **ERRORS})
@access.roles(Role.SUPERVISOR)
def campaign_draw(request: HttpRequest, campaign_id: int, payload: DrawIn) -> dict[str, Any]:
    selectors.campaign_get_for(request.user, campaign_id)
    campaign = services.campaign_draw(actor=request.user, campaign_id=campaign_id, seed=payload.seed)
    out = campaign_out(campaign)
    out["groups"] = [
        {
            "agency_id": g.agency_id,
            "stratum": g.stratum,
            "pool_size": g.pool_size,
            "pool_digest": g.pool_digest,
            "n": g.n,
            "chosen": g.chosen,
            "ranks": g.ranks,
        }
        for g in campaign.groups.order_by("agency_id", "stratum")
    ]
    out["files"] = [file_out(f) for f in selectors.file_list_for(request.user, campaign)]
    return out


@router.post("/reviews/campaigns/{int:campaign_id}/events", response={200: dict[str, Any], **ERRORS})
@access.roles(Role.SUPERVISOR)
def campaign_event(request: HttpRequest, campaign_id: int, payload: CampaignEventIn) -> dict[str, Any]:
    """`finish` (every file scored; rectification notices) or `publish` (the public summary): events of
    the campaign's workflow table (docs/workflow-reviews.md)."""
    from zhifa.supervision.reviews.workflow import campaign_apply_event

    selectors.campaign_get_for(request.user, campaign_id)
    data = {"on": payload.on} if payload.on else {}
    campaign = campaign_apply_event(
        campaign_id=campaign_id, actor=request.user, event=payload.event, data=data
    )
    return campaign_out(campaign)


@router.get("/reviews/files/{int:file_id}", response={200: dict[str, Any], **ERRORS})
@access.roles(*STAFF_ROLES)
def file_get(request: HttpRequest, file_id: int) -> dict[str, Any]:
    """One sampled file with its pre-check, its current sheet and the case's evidence files (masked;
    each `url` opens the file for the assigned reviewer and the bureau, audited)."""
    from django.urls import reverse

    from zhifa.enforcement.evidence.selectors import evidence_of_case_for_review

    f = selectors.file_get_for(request.user, file_id)
    out = file_out(f, detail=True)
    out["evidence"] = [
        {
            "id": e["id"],
            "kind": e["kind"],
            "name": e["name"],
            "description": e["description"],
            "captured_at": e["captured_at"],
            "sha256": e["sha256"],
            "size": e["size"],
            "url": reverse("reviews:evidence", args=[f.pk, e["id"]]),
        }
        for e in evidence_of_case_for_review(user=request.user, case_id=f.case_id)
    ]
    return out


@router.post("/reviews/files/{int:file_id}/score", response={200: dict[str, Any], **ERRORS})
@access.roles(*STAFF_ROLES)
def file_score(request: HttpRequest, file_id: int, payload: ScoreIn) -> dict[str, Any]:
    selectors.file_get_for(request.user, file_id)
    sheet = services.file_score(
        actor=request.user,
        file_id=file_id,
        items=[{"code": i.code, "deduction": i.deduction, "note": i.note} for i in payload.items],
        vetoes=payload.vetoes,
    )
    return {
        "file_id": file_id,
        "score": str(sheet.score),
        "grade": sheet.grade,
        "form": str(sheet.form_score),
        "substance": str(sheet.substance_score),
        "vetoed": sheet.vetoed,
    }


@router.get("/reviews/campaigns/{int:campaign_id}/results", response={200: dict[str, Any], **ERRORS})
@access.roles(*STAFF_ROLES)
def campaign_results(request: HttpRequest, campaign_id: int) -> dict[str, Any]:
    campaign = selectors.campaign_get_for(request.user, campaign_id)
    rows = results.campaign_results(campaign)
    return {
        "campaign_id": campaign.pk,
        "state": campaign.state,
        "ranking_rule": results.RANKING_RULE,
        "agencies": [r.as_dict() for r in rows],
    }
