"""Test and demo builders for officers, going through the real services (history and audit included)."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from django.utils import timezone

from zhifa.officers.models import Credential, Officer
from zhifa.officers.services import credential_issue, officer_create
from zhifa.officers.validators import id_check_digit
from zhifa.org.models import OrgNode, User

_serial = itertools.count(1)


def make_id_number(
    *, region: str = "350902", born: dt.date = dt.date(1985, 6, 1), seq: int | None = None
) -> str:
    """A well-formed 公民身份号码 (correct check digit) that is unique within a test run."""
    n = next(_serial) if seq is None else seq
    first17 = f"{region}{born:%Y%m%d}{n % 1000:03d}"
    if seq is None and n >= 1000:  # spread further serials over birth dates so they stay unique
        first17 = f"{region}{born + dt.timedelta(days=n // 1000):%Y%m%d}{n % 1000:03d}"
    return first17 + id_check_digit(first17)


def make_officer(
    *,
    agency: OrgNode,
    unit: OrgNode | None = None,
    user: User | None = None,
    name: str = "",
    gender: str = Officer.Gender.MALE,
    areas: list[str] | None = None,
    **extra: Any,
) -> Officer:
    return officer_create(
        actor=None,
        agency=agency,
        unit=unit,
        user=user,
        name=name or (user.full_name if user else "") or f"执法员{next(_serial)}",
        gender=gender,
        id_number=extra.pop("id_number", None) or make_id_number(),
        areas=areas if areas is not None else ["城市管理"],
        **extra,
    )


def make_credential(
    officer: Officer,
    *,
    number: str | None = None,
    areas: list[str] | None = None,
    issued_on: dt.date | None = None,
    expires_on: dt.date | None = None,
    kind: str = Credential.Kind.ENFORCEMENT,
    issuer: str = "测试市人民政府",
) -> Credential:
    today = timezone.localdate()
    issued = issued_on or today - dt.timedelta(days=180)
    return credential_issue(
        actor=None,
        officer_id=officer.pk,
        number=number or f"T{next(_serial):08d}",
        issuer=issuer,
        areas=areas if areas is not None else ["城市管理"],
        issued_on=issued,
        expires_on=expires_on or issued.replace(year=issued.year + 5),
        kind=kind,
    )


def make_credentialed_officer(*, agency: OrgNode, **kwargs: Any) -> Officer:
    """An officer holding an enforcement credential valid today (areas default to 城市管理)."""
    credential_kwargs = {k: kwargs.pop(k) for k in ("number", "issued_on", "expires_on") if k in kwargs}
    officer = make_officer(agency=agency, **kwargs)
    make_credential(officer, areas=kwargs.get("areas"), **credential_kwargs)
    return officer
