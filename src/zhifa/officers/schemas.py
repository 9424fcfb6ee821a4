"""API schemas for officers and credentials. Personal data is resolved with the request in context:
ID numbers are masked unless the caller administers the officer's agency."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from ninja import Schema
from pydantic import Field

from zhifa.officers.models import Credential, Officer
from zhifa.officers.rules import credential_validity, review_lapse_suspends
from zhifa.officers.selectors import can_see_full_id_number
from zhifa.officers.validators import mask_id_number


def _request(context: Any) -> HttpRequest | None:
    return (context or {}).get("request")


def lapse_for(request: HttpRequest | None, credential: Credential) -> bool:
    """The agency's review-lapse rule, cached on the request so a page of officers costs one query
    per agency rather than one per officer."""
    cache: dict[int, bool] = getattr(request, "_officers_lapse", None) or {}
    if request is not None and not hasattr(request, "_officers_lapse"):
        request._officers_lapse = cache  # type: ignore[attr-defined]
    if credential.agency_id not in cache:
        cache[credential.agency_id] = review_lapse_suspends(credential.agency)
    return cache[credential.agency_id]


class CredentialOut(Schema):
    id: int
    number: str
    kind: str
    kind_label: str
    issuer: str
    areas: list[str]
    scope: str
    issued_on: dt.date
    expires_on: dt.date
    review_due_on: dt.date | None
    status: str = Field(description="stored status: valid / suspended / revoked / expired")
    status_label: str
    status_reason: str
    valid_today: bool
    problem: str | None = Field(None, description="why it does not allow enforcement today, if it does not")

    @staticmethod
    def resolve_kind_label(obj: Credential) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_status_label(obj: Credential) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_valid_today(obj: Credential, context: Any) -> bool:
        return CredentialOut.resolve_problem(obj, context) is None

    @staticmethod
    def resolve_problem(obj: Credential, context: Any) -> str | None:
        problem = credential_validity(
            obj, on=timezone.localdate(), lapse_suspends=lapse_for(_request(context), obj)
        )
        return str(problem) if problem else None


class OfficerOut(Schema):
    id: int
    name: str
    gender: str
    agency: int
    agency_name: str
    unit: int | None
    unit_name: str
    position: str
    areas: list[str]
    has_legal_qualification: bool
    is_active: bool
    user: int | None
    id_number: str = Field(description="masked unless the caller administers the officer's agency")
    photo_url: str | None
    valid_today: bool = Field(description="holds an enforcement credential valid today")
    credentials: list[CredentialOut]

    @staticmethod
    def resolve_agency(obj: Officer) -> int:
        return obj.agency_id

    @staticmethod
    def resolve_agency_name(obj: Officer) -> str:
        return obj.agency.name

    @staticmethod
    def resolve_unit(obj: Officer) -> int | None:
        return obj.unit_id

    @staticmethod
    def resolve_unit_name(obj: Officer) -> str:
        return obj.unit.name if obj.unit else ""

    @staticmethod
    def resolve_user(obj: Officer) -> int | None:
        return obj.user_id

    @staticmethod
    def resolve_id_number(obj: Officer, context: Any) -> str:
        request = _request(context)
        user = getattr(request, "user", None)
        return obj.id_number if can_see_full_id_number(user, obj) else mask_id_number(obj.id_number)

    @staticmethod
    def resolve_photo_url(obj: Officer) -> str | None:
        return reverse("officers:photo", args=[obj.pk]) if obj.photo else None

    @staticmethod
    def resolve_valid_today(obj: Officer, context: Any) -> bool:
        request = _request(context)
        today = timezone.localdate()
        return any(
            c.kind == Credential.Kind.ENFORCEMENT
            and credential_validity(c, on=today, lapse_suspends=lapse_for(request, c)) is None
            for c in obj.credentials.all()
        )

    @staticmethod
    def resolve_credentials(obj: Officer) -> list[Credential]:
        return list(obj.credentials.all())


class OfficerIn(Schema):
    agency_id: int
    unit_id: int | None = None
    user_id: int | None = None
    name: str = Field(max_length=50)
    gender: str
    id_number: str = Field(max_length=18)
    position: str = Field("", max_length=50)
    areas: list[str] = []
    has_legal_qualification: bool = False
    legal_qualification_number: str = Field("", max_length=40)
    legal_review_since: dt.date | None = None


class OfficerPatch(Schema):
    name: str | None = Field(None, max_length=50)
    gender: str | None = None
    position: str | None = Field(None, max_length=50)
    unit_id: int | None = None
    areas: list[str] | None = None
    has_legal_qualification: bool | None = None
    legal_qualification_number: str | None = Field(None, max_length=40)
    legal_review_since: dt.date | None = None
    is_active: bool | None = None


class CredentialIn(Schema):
    number: str = Field(max_length=32)
    kind: str = Credential.Kind.ENFORCEMENT
    issuer: str = Field(max_length=100)
    areas: list[str]
    scope: str = Field("", max_length=300)
    issued_on: dt.date
    expires_on: dt.date


class ReasonIn(Schema):
    reason: str = Field(max_length=300)


class RenewIn(Schema):
    expires_on: dt.date
    reason: str = Field("", max_length=300)


class ReviewIn(Schema):
    reviewed_on: dt.date
    passed: bool
    note: str = Field("", max_length=300)


class PublicCredentialOut(Schema):
    """What the public may see on the spot (事中公示): nothing personal beyond name and photo."""

    number: str
    name: str
    agency: str
    kind: str
    areas: list[str]
    scope: str
    issuer: str
    expires_on: dt.date
    valid: bool
    status: str = Field(description="有效 or why not: 已暂停 / 已注销 / 已过期 / 未到有效期 / 逾期未年审")
    photo_url: str | None
    checked_on: dt.date


class TrainingOut(Schema):
    id: int
    officer: int
    year: int
    kind: str
    kind_label: str
    title: str
    held_on: dt.date
    hours: str
    days: str
    points: str
    note: str

    @staticmethod
    def resolve_officer(obj: Any) -> int:
        return int(obj.officer_id)

    @staticmethod
    def resolve_kind_label(obj: Any) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_hours(obj: Any) -> str:
        return str(obj.hours)

    @staticmethod
    def resolve_days(obj: Any) -> str:
        return str(obj.days)

    @staticmethod
    def resolve_points(obj: Any) -> str:
        return str(obj.points)


class TrainingIn(Schema):
    kind: str
    title: str = Field(max_length=200)
    held_on: dt.date
    hours: str = Field(description="decimal string, one decimal place")
    days: str = "0"
    points: str = "0"
    note: str = Field("", max_length=200)


class ExamSessionOut(Schema):
    id: int
    organiser: int
    organiser_name: str
    kind: str
    title: str
    held_on: dt.date
    year: int
    pass_score: str
    excellent_score: str
    thresholds_source: str

    @staticmethod
    def resolve_organiser(obj: Any) -> int:
        return int(obj.organiser_id)

    @staticmethod
    def resolve_organiser_name(obj: Any) -> str:
        return str(obj.organiser.name)

    @staticmethod
    def resolve_pass_score(obj: Any) -> str:
        return str(obj.pass_score)

    @staticmethod
    def resolve_excellent_score(obj: Any) -> str:
        return str(obj.excellent_score)


class ExamSessionIn(Schema):
    organiser_id: int
    kind: str
    title: str = Field(max_length=200)
    held_on: dt.date


class ExamResultOut(Schema):
    id: int
    session: int
    session_title: str
    officer: int
    officer_name: str
    year: int
    score: str | None
    absent: bool
    passed: bool
    excellent: bool

    @staticmethod
    def resolve_session(obj: Any) -> int:
        return int(obj.session_id)

    @staticmethod
    def resolve_session_title(obj: Any) -> str:
        return str(obj.session.title)

    @staticmethod
    def resolve_officer(obj: Any) -> int:
        return int(obj.officer_id)

    @staticmethod
    def resolve_officer_name(obj: Any) -> str:
        return str(obj.officer.name)

    @staticmethod
    def resolve_score(obj: Any) -> str | None:
        return None if obj.score is None else str(obj.score)


class ExamResultIn(Schema):
    officer_id: int
    score: str | None = None
    absent: bool = False


class ImportOut(Schema):
    created: int
    batch_id: int | None
    errors: list[dict[str, Any]] = []
