"""Qualification gates other apps call: may this officer enforce, may this person do legal review.

`can_enforce` is what the case workflow asks for every handling officer (行政处罚法第四十二条). It reads
the officer's credentials (prefetched ones when the caller passed an officer loaded by
`officer_queryset_for_rules`, so checking many officers costs no extra queries) and applies
`zhifa.law.officers.credential_problem`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from zhifa.law import jurisdiction
from zhifa.law import officers as law
from zhifa.officers.models import Credential, Officer


@dataclass(frozen=True)
class Eligibility:
    """`ok` with an empty reason, or not ok with a translated sentence naming the rule and article."""

    ok: bool
    reason: str = ""
    credential: Credential | None = None
    article: str = ""

    def __bool__(self) -> bool:
        return self.ok


def officer_queryset_for_rules() -> QuerySet[Officer]:
    """Officers with what `can_enforce` reads, in two queries for any number of officers."""
    return Officer.objects.select_related("agency").prefetch_related("credentials__events")


def _problem_reason(
    problem: law.CredentialProblem, officer: Officer, credential: Credential, **kw: Any
) -> str:
    values = {"name": officer.name, "number": credential.number, **kw}
    messages = {
        law.CredentialProblem.REVOKED: _(
            "The enforcement credential %(number)s of %(name)s has been revoked "
            "(Administrative Penalty Law, art. 42)."
        ),
        law.CredentialProblem.SUSPENDED: _(
            "The enforcement credential %(number)s of %(name)s is suspended "
            "(Administrative Penalty Law, art. 42)."
        ),
        law.CredentialProblem.EXPIRED: _(
            "The enforcement credential %(number)s of %(name)s expired on %(expires_on)s "
            "(Administrative Penalty Law, art. 42)."
        ),
        law.CredentialProblem.NOT_YET_VALID: _(
            "The enforcement credential %(number)s of %(name)s is valid only from %(issued_on)s "
            "(Administrative Penalty Law, art. 42)."
        ),
        law.CredentialProblem.REVIEW_OVERDUE: _(
            "The annual review of the enforcement credential %(number)s of %(name)s was due on "
            "%(review_due_on)s and has not been passed (Administrative Penalty Law, art. 42)."
        ),
        law.CredentialProblem.AREA_NOT_COVERED: _(
            "The enforcement credential %(number)s of %(name)s does not cover the area %(area)s "
            "(Administrative Penalty Law, art. 42)."
        ),
    }
    return messages[problem] % values


# Which failing credential to explain when none qualifies: the one closest to being usable.
_CLOSENESS = [
    law.CredentialProblem.AREA_NOT_COVERED,
    law.CredentialProblem.REVIEW_OVERDUE,
    law.CredentialProblem.NOT_YET_VALID,
    law.CredentialProblem.SUSPENDED,
    law.CredentialProblem.EXPIRED,
    law.CredentialProblem.REVOKED,
]


def review_lapse_suspends(agency: Any) -> bool:
    """The jurisdiction's choice for `law.REVIEW_LAPSE_SUSPENDS` (one query; cache it for lists)."""
    return bool(jurisdiction.value(law.REVIEW_LAPSE_SUSPENDS.key, agency=agency))


def credential_validity(
    credential: Credential, *, on: dt.date, area: str | None = None, lapse_suspends: bool = True
) -> law.CredentialProblem | None:
    """None when `credential` allows enforcement on `on` (see law.credential_problem)."""
    return law.credential_problem(
        status=credential.status_on(on),
        issued_on=credential.issued_on,
        expires_on=credential.expires_on,
        review_due_on=credential.review_due_on,
        areas=credential.areas,
        on=on,
        area=area,
        review_lapse_suspends=lapse_suspends,
    )


def can_enforce(
    officer: Officer, *, on: dt.date, area: str | None = None, agency_id: int | None = None
) -> Eligibility:
    """May `officer` act as a handling officer on `on` (in `area`; for `agency_id` when given)?

    行政处罚法第四十二条: only officers with enforcement qualification, i.e. an enforcement credential
    (行政执法证) that is valid that day — issued, not past its expiry day, not suspended or revoked,
    annual review not overdue where the jurisdiction suspends lapsed cards — and, when an area is
    given, listing that area (执法领域). `area=None` checks validity only. With `agency_id`, the
    officer must also act for that agency (a credential lets its holder act for their own agency).
    """
    article = law.ENFORCEMENT_ARTICLE
    if not officer.is_active:
        return Eligibility(
            False,
            _(
                "%(name)s is no longer in service as an enforcement officer (Administrative Penalty Law, art. 42)."
            )
            % {"name": officer.name},
            article=article,
        )
    if agency_id is not None and officer.agency_id != agency_id:
        return Eligibility(
            False,
            _(
                "%(name)s is an officer of another agency and cannot act for this one "
                "(Administrative Penalty Law, art. 42)."
            )
            % {"name": officer.name},
            article=article,
        )
    lapse_suspends = review_lapse_suspends(officer.agency)
    failures: list[tuple[law.CredentialProblem, Credential]] = []
    for credential in officer.credentials.all():
        if credential.kind != Credential.Kind.ENFORCEMENT:
            continue
        problem = credential_validity(credential, on=on, area=area, lapse_suspends=lapse_suspends)
        if problem is None:
            return Eligibility(True, "", credential=credential, article=article)
        failures.append((problem, credential))
    if not failures:
        return Eligibility(
            False,
            _("%(name)s holds no enforcement credential (Administrative Penalty Law, art. 42).")
            % {"name": officer.name},
            article=article,
        )
    problem, credential = min(failures, key=lambda f: (_CLOSENESS.index(f[0]), -f[1].expires_on.toordinal()))
    reason = _problem_reason(
        problem,
        officer,
        credential,
        expires_on=credential.expires_on.isoformat(),
        issued_on=credential.issued_on.isoformat(),
        review_due_on=credential.review_due_on.isoformat() if credential.review_due_on else "",
        area=area or "",
    )
    return Eligibility(False, reason, credential=credential, article=article)


def surely_can_enforce(on: dt.date) -> QuerySet[Officer]:
    """Officers `can_enforce(officer, on=on)` (no area, no agency) surely allows, in SQL: in service,
    with an enforcement credential whose current status is valid since `on` or earlier, issued by
    `on`, not expired, its annual review not overdue. A sufficient condition only (an officer outside
    it may still be allowed, e.g. a lapsed review where the jurisdiction does not suspend the card):
    for a cheap test of "nobody here can be refused", never for a refusal."""
    usable = Credential.objects.filter(
        officer=OuterRef("pk"),
        kind=Credential.Kind.ENFORCEMENT,
        status=Credential.Status.VALID,
        status_since__lte=on,
        issued_on__lte=on,
        expires_on__gte=on,
    ).filter(Q(review_due_on__isnull=True) | Q(review_due_on__gte=on))
    return Officer.objects.filter(is_active=True).filter(Exists(usable))


def can_legal_review(officer: Officer | None) -> Eligibility:
    """May this person do legal review (法制审核) of a penalty decision?

    行政处罚法第五十八条第二款: a first-time reviewer must hold 法律职业资格. `officer` is the reviewer's
    Officer profile (`Officer.objects.filter(user=user).first()`); a reviewer without a profile has
    no recorded qualification and is refused.
    """
    article = law.LEGAL_REVIEW_ARTICLE
    if officer is None:
        return Eligibility(
            False,
            _(
                "No legal-professional qualification is recorded for this reviewer: a first-time legal "
                "reviewer must hold one (Administrative Penalty Law, art. 58)."
            ),
            article=article,
        )
    if law.may_do_legal_review(
        has_legal_qualification=officer.has_legal_qualification,
        review_work_since=officer.legal_review_since,
    ):
        return Eligibility(True, "", article=article)
    return Eligibility(
        False,
        _(
            "%(name)s holds no legal-professional qualification: a first-time legal reviewer must hold one "
            "(Administrative Penalty Law, art. 58)."
        )
        % {"name": officer.name},
        article=article,
    )
