"""`GET/POST /api/v1/calendar/years`: which years' official holiday calendars are known, and entering a
year from the State Council's notice (docs/calendar.md)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router, Status
from ninja.pagination import paginate
from pydantic import BaseModel, ConfigDict, Field

from zhifa.core import access, selectors, services
from zhifa.core.api import ErrorOut, Page
from zhifa.core.calendar_notice import MAX_NOTICE_CHARS
from zhifa.core.roles import Role

router = Router(tags=["calendar"])
ERRORS: dict[int, Any] = {400: ErrorOut, 403: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class CalendarYearOut(BaseModel):
    year: int
    status: str = Field(description="official (package), entered (an administrator), provisional, missing")
    source: str
    provisional: bool = Field(description="dates in this year follow the weekday rule and may move")
    entered_at: dt.datetime | None
    holidays: int = Field(description="entered holidays (0 when only the package knows the year)")
    workdays: int = Field(description="entered adjusted working days (调休上班)")
    overrides_package: bool


class CalendarYearIn(BaseModel):
    """The notice as text; unknown fields are refused (400 `unknown_field`)."""

    model_config = ConfigDict(extra="forbid")
    notice_text: str = Field(
        max_length=MAX_NOTICE_CHARS, description="国务院办公厅关于20XX年部分节假日安排的通知"
    )
    source: str = Field("", max_length=200, description="default: the notice's title and number")
    override_official: bool = Field(False, description="required to enter a year the package already knows")


class CalendarYearEnteredOut(BaseModel):
    year: int
    status: str
    source: str
    holidays: int
    workdays: int
    other_year_days: int
    replaced: bool
    overrides_package: bool
    entered_at: dt.datetime


@router.get("/calendar/years", response=list[CalendarYearOut])
@paginate(Page)
@access.login
def calendar_years(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {
            "year": row.year,
            "status": row.state.value,
            "source": row.source,
            "provisional": row.provisional,
            "entered_at": row.entered_at,
            "holidays": row.holidays,
            "workdays": row.workdays,
            "overrides_package": row.overrides_package,
        }
        for row in selectors.calendar_year_rows()
    ]


@router.post("/calendar/years", response={201: CalendarYearEnteredOut, **ERRORS})
@access.roles(Role.ADMIN)
def calendar_year_enter(request: HttpRequest, payload: CalendarYearIn) -> Status[dict[str, Any]]:
    entered = services.calendar_notice_enter(
        actor=request.user,
        notice_text=payload.notice_text,
        source=payload.source,
        override_official=payload.override_official,
    )
    return Status(
        201,
        {
            "year": entered.year,
            "status": "official" if entered.official else "entered",
            "source": entered.source,
            "holidays": entered.holidays,
            "workdays": entered.workdays,
            "other_year_days": entered.other_year_days,
            "replaced": entered.replaced,
            "overrides_package": entered.official,
            "entered_at": entered.entered_at,
        },
    )
