"""Seizures API: the register, one measure, and the writes on it (record, approve, extend, testing,
dispose). Rules: law.seizure; refusals are 422 naming the article.

No `from __future__ import annotations` here: ninja resolves parameter annotations against the view
function's globals, and the role decorator's wrapper lives in another module.
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field

from zhifa.core import access
from zhifa.core.api import ErrorOut, Page
from zhifa.core.errors import NotFound
from zhifa.enforcement.seizures import selectors, services
from zhifa.enforcement.seizures.models import Seizure
from zhifa.law import seizure as law
from zhifa.org.roles import Role

router = Router(tags=["seizures"])
ERRORS: dict[int, Any] = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class ItemOut(Schema):
    id: int
    position: int
    description: str
    quantity: Decimal
    unit: str
    storage_location: str
    estimated_value: Decimal | None
    outcome: str | None

    @staticmethod
    def resolve_outcome(obj: Any) -> str | None:
        return obj.disposition.outcome if obj.disposition_id else None


class SeizureOut(Schema):
    id: int
    case_id: int
    agency_id: int
    measure: str
    number: str
    reason: str
    basis: str
    started_at: dt.datetime
    started_on: dt.date
    due_on: dt.date | None
    due_provisional: bool
    extension_days: int
    status: str
    term_status: str
    disposed_on: dt.date | None
    storage_location: str
    approved: bool
    emergency: bool
    document_id: int | None
    site_action_id: int | None

    @staticmethod
    def resolve_approved(obj: Seizure) -> bool:
        return obj.approved_by_id is not None

    @staticmethod
    def resolve_term_status(obj: Seizure) -> str:
        return term_status(obj)


class SeizureDetailOut(SeizureOut):
    items: list[ItemOut]


def term_status(seizure: Seizure, *, today: dt.date | None = None, alert_days: int | None = None) -> str:
    if alert_days is None:
        alert_days = services.alert_window(seizure.agency)
    return str(
        law.term_status(
            seizure.due_on,
            today=today or timezone.localdate(),
            alert_days=alert_days,
            disposed_on=seizure.disposed_on,
        )
    )


class SeizureQuery(Schema):
    agency: int | None = None
    case: int | None = None
    status: str = Field("", description="active, disposed, due_soon or overdue")
    measure: str = ""
    q: str = ""


@router.get("/seizures", response=list[SeizureOut])
@paginate(Page)
@access.login
def seizure_list(request: HttpRequest, filters: Query[SeizureQuery]) -> Any:
    """The register of seized property (罚没物品台账) for the agencies in the caller's scope."""
    return selectors.seizure_list_for(
        user=request.user,
        filters=selectors.SeizureFilters(
            agency_id=filters.agency,
            case_id=filters.case,
            status=filters.status,
            measure=filters.measure,
            q=filters.q,
            today=timezone.localdate(),
        ),
    )


@router.get("/seizures/{int:seizure_id}", response={200: SeizureDetailOut, **ERRORS})
@access.login
def seizure_detail(request: HttpRequest, seizure_id: int) -> Seizure:
    return selectors.seizure_get_for(user=request.user, seizure_id=seizure_id)


class ItemIn(Schema):
    description: str
    quantity: Decimal
    unit: str
    storage_location: str = ""
    condition: str = ""
    estimated_value: Decimal | None = None
    photo_ids: list[int] = []


class SeizureIn(Schema):
    measure: str = Field(..., description="sealing, seizure, detention or preservation")
    reason: str
    basis: str
    started_at: dt.datetime
    officer_ids: list[int]
    items: list[ItemIn]
    storage_location: str
    location: str = ""
    party_present: bool = True
    witness: str = ""
    emergency: bool = False


@router.post("/cases/{int:case_id}/seizures", response={201: SeizureDetailOut, **ERRORS})
@access.roles(Role.OFFICER, Role.APPROVER)
def seizure_create(request: HttpRequest, case_id: int, payload: SeizureIn) -> Status[Seizure]:
    """Record a measure with its item list; the decision (or notice) is generated and handed over."""
    from zhifa.enforcement.cases.selectors import case_get_for

    if case_get_for(user=request.user, case_id=case_id) is None:
        raise NotFound(_("Case not found, or not visible to you."))
    seizure = services.seizure_record(
        actor=request.user,
        case_id=case_id,
        measure=payload.measure,
        reason=payload.reason,
        basis=payload.basis,
        started_at=payload.started_at,
        officer_ids=payload.officer_ids,
        items=[i.model_dump() for i in payload.items],
        storage_location=payload.storage_location,
        location=payload.location,
        party_present=payload.party_present,
        witness=payload.witness,
        emergency=payload.emergency,
    )
    return Status(201, selectors.seizure_get_for(user=request.user, seizure_id=seizure.pk))


@router.post("/seizures/{int:seizure_id}/approve", response={200: SeizureOut, **ERRORS})
@access.roles(Role.APPROVER)
def seizure_approve(request: HttpRequest, seizure_id: int) -> Seizure:
    return services.seizure_approve(actor=request.user, seizure_id=seizure_id)


class ExtensionIn(Schema):
    days: int
    reason: str
    decided_on: dt.date


@router.post("/seizures/{int:seizure_id}/extension", response={200: SeizureOut, **ERRORS})
@access.roles(Role.APPROVER)
def seizure_extend(request: HttpRequest, seizure_id: int, payload: ExtensionIn) -> Seizure:
    """Extend once by ≤ 30 days (行政强制法第二十五条)."""
    return services.seizure_extend(
        actor=request.user,
        seizure_id=seizure_id,
        days=payload.days,
        reason=payload.reason,
        decided_on=payload.decided_on,
    )


class AppraisalIn(Schema):
    kind: str
    description: str
    started_on: dt.date
    party_notified_on: dt.date


@router.post("/seizures/{int:seizure_id}/appraisals", response={200: SeizureOut, **ERRORS})
@access.roles(Role.OFFICER, Role.APPROVER)
def appraisal_start(request: HttpRequest, seizure_id: int, payload: AppraisalIn) -> Seizure:
    """Testing begins; the term stops running (行政强制法第二十五条第三款)."""
    services.appraisal_start(
        actor=request.user,
        seizure_id=seizure_id,
        kind=payload.kind,
        description=payload.description,
        started_on=payload.started_on,
        party_notified_on=payload.party_notified_on,
    )
    return selectors.seizure_get_for(user=request.user, seizure_id=seizure_id)


class AppraisalEndIn(Schema):
    ended_on: dt.date


@router.post("/seizures/{int:seizure_id}/appraisals/end", response={200: SeizureOut, **ERRORS})
@access.roles(Role.OFFICER, Role.APPROVER)
def appraisal_end(request: HttpRequest, seizure_id: int, payload: AppraisalEndIn) -> Seizure:
    return services.appraisal_end(actor=request.user, seizure_id=seizure_id, ended_on=payload.ended_on)


class DispositionIn(Schema):
    outcome: str = Field(..., description="returned, confiscated, auctioned, destroyed or transferred")
    decided_on: dt.date
    item_ids: list[int] = []
    basis: str = ""
    proceeds: Decimal | None = None
    receiver: str = ""
    note: str = ""


@router.post("/seizures/{int:seizure_id}/dispositions", response={200: SeizureDetailOut, **ERRORS})
@access.roles(Role.OFFICER, Role.APPROVER)
def seizure_dispose(request: HttpRequest, seizure_id: int, payload: DispositionIn) -> Seizure:
    """Deal with some or all items; the disposition document is generated."""
    services.seizure_dispose(
        actor=request.user,
        seizure_id=seizure_id,
        outcome=payload.outcome,
        decided_on=payload.decided_on,
        item_ids=payload.item_ids or None,
        basis=payload.basis,
        proceeds=payload.proceeds,
        receiver=payload.receiver,
        note=payload.note,
    )
    return selectors.seizure_get_for(user=request.user, seizure_id=seizure_id)
