"""Reads of officers and credentials, with the org-tree scope applied.

Lists run a constant number of queries: officers with agency and unit joined, credentials (and their
events, which `Credential.status_on` reads for past dates) prefetched in one query each.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from zhifa.core.prepared import Prepared, PreparedIn
from zhifa.law import jurisdiction
from zhifa.law import officers as law
from zhifa.officers.models import (
    Credential,
    CredentialEvent,
    ExamResult,
    ExamSession,
    Officer,
    TrainingRecord,
)
from zhifa.org.roles import Role
from zhifa.org.selectors import restrict_to_scope, scope_agency_ids

STATUS_FILTERS = ("valid", "suspended", "revoked", "expired", "none")


@dataclass(frozen=True)
class OfficerFilters:
    agency: int | None = None
    status: str = ""  # one of STATUS_FILTERS: the officer's current enforcement credential
    expiring: bool = False  # a credential expires, or its annual review falls due, within the alert window
    q: str = ""
    active: bool | None = True  # None: in service and not


def _valid_on(day: dt.date) -> Q:
    """Credentials whose stored state and dates allow enforcement on `day` (review lapse aside)."""
    return Q(status=Credential.Status.VALID, issued_on__lte=day, expires_on__gte=day)


def credential_prefetch() -> Prefetch[Any]:
    return Prefetch(
        "credentials",
        queryset=Credential.objects.select_related("agency")
        .order_by("-issued_on", "-id")
        .prefetch_related(
            Prefetch("events", queryset=CredentialEvent.objects.order_by("effective_on", "id"))
        ),
    )


def officer_list_for(
    *, user: Any, filters: OfficerFilters | None = None, on: dt.date | None = None
) -> QuerySet[Officer]:
    """Officers of the agencies in the user's scope.

    Ordered so that officers holding an enforcement credential valid today come first (the
    conformance client files a case with the first two), then by agency and id (the order officers were registered: NULL units would sort differently on
    SQLite and PostgreSQL)."""
    day = on or timezone.localdate()
    valid_now = Credential.objects.filter(
        _valid_on(day), officer=OuterRef("pk"), kind=Credential.Kind.ENFORCEMENT
    )
    qs = (
        _officers_filtered(user, filters or OfficerFilters(), day)
        .select_related("agency", "unit", "user")
        .prefetch_related(credential_prefetch())
        .annotate(valid_now=Exists(valid_now))
    )
    return qs.order_by("-valid_now", "agency_id", "id")


def officer_count_for(*, user: Any, filters: OfficerFilters | None = None, on: dt.date | None = None) -> int:
    """`officer_list_for(…).count()` without building what the count leaves out (the related rows,
    the credentials' prefetch, the ordering): the same statement (the home page's attention panel)."""
    return _officers_filtered(user, filters or OfficerFilters(), on or timezone.localdate()).count()


def _officers_filtered(user: Any, f: OfficerFilters, day: dt.date) -> QuerySet[Officer]:
    """The officers `officer_list_for` lists: in the user's scope, through the filters."""
    qs = restrict_to_scope(Officer.objects.all(), user)
    if f.active is not None:
        qs = qs.filter(is_active=f.active)
    if f.agency:
        qs = qs.filter(agency_id=f.agency)
    if f.q:
        q = f.q.strip()
        qs = qs.filter(
            Q(name__icontains=q) | Q(position__icontains=q) | Q(credentials__number__iexact=q)
        ).distinct()
    if f.status:
        # Any kind of card counts here (a justice bureau's officers hold 执法监督证); the ordering
        # above only looks at enforcement cards, which are what handling officers need.
        cards = Credential.objects.filter(officer=OuterRef("pk"))
        live = cards.filter(status__in=["valid", "suspended"])
        valid_any = Exists(cards.filter(_valid_on(day)))
        if f.status == "valid":
            qs = qs.filter(valid_any)
        elif f.status == "suspended":
            qs = qs.filter(Exists(cards.filter(status=Credential.Status.SUSPENDED)))
        elif f.status == "expired":
            expired = cards.filter(
                Q(status=Credential.Status.EXPIRED) | Q(status=Credential.Status.VALID, expires_on__lt=day)
            )
            qs = (
                qs.filter(Exists(expired))
                .exclude(valid_any)
                .exclude(Exists(cards.filter(status=Credential.Status.SUSPENDED)))
            )
        elif f.status == "revoked":
            qs = qs.filter(Exists(cards.filter(status=Credential.Status.REVOKED))).exclude(Exists(live))
        elif f.status == "none":
            qs = qs.exclude(Exists(cards))
    if f.expiring:
        days = int(jurisdiction.value(law.ALERT_DAYS_BEFORE.key))
        horizon = day + dt.timedelta(days=days)
        soon = Credential.objects.filter(officer=OuterRef("pk"), status__in=["valid", "suspended"]).filter(
            Q(expires_on__gte=day, expires_on__lte=horizon) | Q(review_due_on__lte=horizon)
        )
        qs = qs.filter(Exists(soon))
    return qs


def officer_get_for(*, user: Any, officer_id: int) -> Officer | None:
    return (
        restrict_to_scope(Officer.objects.all(), user)
        .select_related("agency", "unit", "user")
        .prefetch_related(credential_prefetch())
        .filter(id=officer_id)
        .first()
    )


# compiled once per process (core.prepared): the home page asks it for every signed-in user
_OFFICER_OF_USER: Prepared[Officer] = Prepared(
    lambda user_id: (
        Officer.objects.filter(user_id=user_id).select_related("agency", "unit").order_by("pk")[:1]
    ),
    markers=(-730_200_001,),
)


def officer_for_user(user: Any) -> Officer | None:
    """The signed-in person's own officer profile, if any."""
    if not getattr(user, "is_authenticated", False):
        return None
    return _OFFICER_OF_USER.first(user.pk)


def credential_get_for(*, user: Any, credential_id: int) -> Credential | None:
    return (
        restrict_to_scope(Credential.objects.all(), user)
        .select_related("officer", "agency")
        .filter(id=credential_id)
        .first()
    )


def credential_public_get(*, number: str) -> Credential | None:
    """A credential by its number for the public check (事中公示). Numbers are stored upper-case."""
    value = (number or "").strip().upper()
    if not value or len(value) > 32:
        return None
    return (
        Credential.objects.select_related("officer", "officer__agency")
        .prefetch_related("events")
        .filter(number=value)
        .first()
    )


def can_see_full_id_number(user: Any, officer: Officer) -> bool:
    """ID numbers are shown unmasked only to administrators responsible for the officer's agency."""
    return officer.agency_id in scope_agency_ids(user, roles=[Role.ADMIN])


def current_credential(officer: Officer) -> Credential | None:
    """The credential to show for an officer: a live (valid or suspended) enforcement card, else a
    live card of another kind (执法监督证), else the latest card of any kind.

    Reads the prefetched `credentials` (ordered newest first by `credential_prefetch`)."""
    creds = list(officer.credentials.all())
    live = [c for c in creds if c.status in (Credential.Status.VALID, Credential.Status.SUSPENDED)]
    for c in live:
        if c.kind == Credential.Kind.ENFORCEMENT:
            return c
    if live:
        return live[0]
    return creds[0] if creds else None


def training_list_for(
    *, user: Any, officer_id: int | None = None, year: int | None = None
) -> QuerySet[TrainingRecord]:
    qs = restrict_to_scope(TrainingRecord.objects.all(), user, field="officer__agency_id").select_related(
        "officer"
    )
    if officer_id is not None:
        qs = qs.filter(officer_id=officer_id)
    if year is not None:
        qs = qs.filter(year=year)
    return qs.order_by("-held_on", "-id")


def exam_session_list(*, year: int | None = None) -> QuerySet[ExamSession]:
    """Exams are not secret (titles, dates, thresholds); their results are scoped."""
    qs = ExamSession.objects.select_related("organiser")
    if year is not None:
        qs = qs.filter(year=year)
    return qs.order_by("-held_on", "-id")


def exam_result_list_for(
    *, user: Any, session_id: int | None = None, officer_id: int | None = None, year: int | None = None
) -> QuerySet[ExamResult]:
    qs = restrict_to_scope(ExamResult.objects.all(), user, field="officer__agency_id").select_related(
        "officer", "session"
    )
    if session_id is not None:
        qs = qs.filter(session_id=session_id)
    if officer_id is not None:
        qs = qs.filter(officer_id=officer_id)
    if year is not None:
        qs = qs.filter(year=year)
    return qs.order_by("-session__held_on", "officer_id")


# active_officer_names: compiled once per process and count of agencies (core.prepared)
_ACTIVE_OFFICER_NAMES: PreparedIn[tuple[int, str]] = PreparedIn(
    lambda ids: (
        Officer.objects.filter(agency_id__in=ids, is_active=True)
        .order_by("name")
        .values_list("id", "name")[:500]
    ),
    markers=(),
    list_marker=-730_100_310,
)


def active_officer_names(agency_ids: list[int]) -> list[tuple[int, str]]:
    """(id, name) of the active officers of these agencies by name, the first 500 (a filter's choices)."""
    return _ACTIVE_OFFICER_NAMES(agency_ids)


class OfficerChoice(NamedTuple):
    """An officer as a form offers them: `{{ o.id }}` and `{{ o.name }}` in a template."""

    id: int
    name: str


def officer_choices(agency_id: int, *, excluding: int | None = None) -> list[OfficerChoice]:
    """Every active officer of one agency by name (a form's picker: the handling officers of a case, the
    second officer on the spot, the officers of a seizure), uncapped, unlike `active_officer_names`: a
    form that left an officer out could not record what they did."""
    rows = Officer.objects.filter(agency_id=agency_id, is_active=True)
    if excluding is not None:
        rows = rows.exclude(pk=excluding)
    return [OfficerChoice(pk, name) for pk, name in rows.order_by("name", "pk").values_list("pk", "name")]


class CredentialInForce(NamedTuple):
    """An officer and the enforcement credential they hold in force, as the public may see them: the
    data the credential check shows, nothing more."""

    name: str
    unit: str
    number: str
    areas: list[str]
    expires_on: dt.date


def credentials_in_force(*, agency_id: int, on: dt.date) -> list[CredentialInForce]:
    """The agency's active officers holding an enforcement credential in force on `on` (status valid and
    within its dates), one row an officer (the first card by unit, name and number). Two queries."""
    creds = (
        Credential.objects.filter(
            officer__agency_id=agency_id,
            officer__is_active=True,
            kind=Credential.Kind.ENFORCEMENT,
            status=Credential.Status.VALID,
            issued_on__lte=on,
            expires_on__gte=on,
        )
        .select_related("officer__unit")
        .order_by("officer__unit__path", "officer__name", "number")
    )
    seen: set[int] = set()
    out = []
    for c in creds:
        if c.officer_id in seen:
            continue
        seen.add(c.officer_id)
        officer = c.officer
        unit = officer.unit.name if officer.unit else ""
        out.append(CredentialInForce(officer.name, unit, c.number, list(c.areas or []), c.expires_on))
    return out
