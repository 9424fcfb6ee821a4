from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Query, Router, Schema

from zhifa.core import access
from zhifa.core.api import ErrorOut
from zhifa.core.errors import InvalidInput
from zhifa.supervision.stats.selectors import stats_summary

router = Router(tags=["stats"])


class SummaryOut(Schema):
    date_from: dt.date | None
    date_to: dt.date | None
    total: int
    fines: str
    paid: str
    by_state: list[dict[str, Any]]
    by_category: list[dict[str, Any]]
    by_agency: list[dict[str, Any]]


@router.get("/stats/summary", response={200: SummaryOut, 400: ErrorOut})
@access.login
def summary(
    request: HttpRequest,
    agency: int | None = None,
    date_from: dt.date | None = Query(None, alias="from"),  # type: ignore[type-arg]  # noqa: B008
    date_to: dt.date | None = Query(None, alias="to"),  # type: ignore[type-arg]  # noqa: B008
) -> dict[str, Any]:
    if date_from and date_to and date_from > date_to:
        raise InvalidInput(
            _("The start date is after the end date."), detail={"from": str(date_from), "to": str(date_to)}
        )
    s = stats_summary(user=request.user, agency_id=agency, date_from=date_from, date_to=date_to)
    return {
        "date_from": s.date_from,
        "date_to": s.date_to,
        "total": s.total,
        "fines": f"{s.fines:.2f}",
        "paid": f"{s.paid:.2f}",
        "by_state": [r.as_dict() for r in s.by_state],
        "by_category": [r.as_dict() for r in s.by_category],
        "by_agency": [r.as_dict() for r in s.by_agency],
    }
