from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate

from zhifa.core import access
from zhifa.core.api import Page
from zhifa.foundation.alerts.kinds import kind_label
from zhifa.foundation.alerts.models import Alert
from zhifa.foundation.alerts.selectors import alert_list_for

router = Router(tags=["alerts"])


class AlertOut(Schema):
    id: int
    kind: str
    kind_label: str
    key: str
    agency: int
    title: str
    message: str
    severity: str
    due_on: dt.date | None
    article: str
    object_type: str
    object_id: str
    raised_at: dt.datetime
    resolved_at: dt.datetime | None
    resolution: str
    open: bool

    @staticmethod
    def resolve_kind_label(obj: Alert) -> str:
        return kind_label(obj.kind)

    @staticmethod
    def resolve_agency(obj: Alert) -> int:
        return obj.agency_id

    @staticmethod
    def resolve_open(obj: Alert) -> bool:
        return obj.is_open


@router.get("/alerts", response=list[AlertOut])
@paginate(Page)
@access.login
def alert_list(
    request: HttpRequest,
    agency: int | None = None,
    kind: str | None = None,
    open: bool | None = None,
) -> object:
    return alert_list_for(user=request.user, agency_id=agency, kind=kind, is_open=open)
