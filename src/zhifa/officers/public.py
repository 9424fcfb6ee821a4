"""The public credential check (事中公示): what anyone may learn about a credential number on the spot.

Deliberately small: name, photo, agency, kind, areas and scope, issuer, expiry date, and whether the
credential allows enforcement today. Never the ID number, gender, reasons for a suspension or
revocation, history or the officer's account.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from zhifa.law import officers as law
from zhifa.officers.models import Credential
from zhifa.officers.rules import credential_validity, review_lapse_suspends


def public_status_label(problem: law.CredentialProblem | None) -> str:
    labels = {
        None: _("Valid"),
        law.CredentialProblem.REVOKED: _("Invalid: revoked"),
        law.CredentialProblem.SUSPENDED: _("Invalid: suspended"),
        law.CredentialProblem.EXPIRED: _("Invalid: expired"),
        law.CredentialProblem.NOT_YET_VALID: _("Invalid: not yet in force"),
        law.CredentialProblem.REVIEW_OVERDUE: _("Invalid: annual review overdue"),
        law.CredentialProblem.AREA_NOT_COVERED: _("Valid"),  # no area is asked for here
    }
    return labels[problem]


@dataclass(frozen=True)
class PublicCredential:
    number: str
    name: str
    agency: str
    kind: str
    areas: list[str]
    scope: str
    issuer: str
    expires_on: dt.date
    valid: bool
    status: str
    photo_url: str | None
    checked_on: dt.date

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def public_credential(credential: Credential, *, on: dt.date | None = None) -> PublicCredential:
    day = on or timezone.localdate()
    officer = credential.officer
    problem = credential_validity(credential, on=day, lapse_suspends=review_lapse_suspends(officer.agency))
    return PublicCredential(
        number=credential.number,
        name=officer.name,
        agency=officer.agency.name,
        kind=str(credential.get_kind_display()),
        areas=list(credential.areas),
        scope=credential.scope,
        issuer=credential.issuer,
        expires_on=credential.expires_on,
        valid=problem is None,
        status=public_status_label(problem),
        photo_url=reverse("officers:check_photo", args=[credential.number]) if officer.photo else None,
        checked_on=day,
    )
