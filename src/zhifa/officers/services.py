"""Every write to officers and credentials: one transaction, the row locked, the rule checked, a
history row and an audit entry. Training, exams and imports are in services_training.py."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhifa.audit.services import audit_record
from zhifa.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from zhifa.officers import deadlines as dues
from zhifa.officers.models import Credential, CredentialEvent, Officer
from zhifa.officers.validators import (
    check_photo,
    normalize_areas,
    normalize_credential_number,
    normalize_id_number,
)
from zhifa.org.models import OrgNode, User
from zhifa.org.roles import Role
from zhifa.org.selectors import scope_agency_ids

OFFICER_EDITABLE = (
    "name",
    "gender",
    "position",
    "unit",
    "areas",
    "has_legal_qualification",
    "legal_qualification_number",
    "legal_review_since",
    "is_active",
)


def require_manager(actor: Any | None, agency_id: int) -> None:
    """Officers and credentials are managed by administrators whose scope covers the agency.

    `actor=None` is the system itself (demo loader, periodic tasks)."""
    if actor is None:
        return
    if agency_id not in scope_agency_ids(actor, roles=[Role.ADMIN]):
        raise Forbidden(_("Only an administrator responsible for this agency may manage its officers."))


def _today() -> dt.date:
    return timezone.localdate()


def _actor_name(actor: Any | None) -> str:
    return (getattr(actor, "username", "") or "")[:150]


def _check_agency_and_unit(agency: OrgNode, unit: OrgNode | None) -> None:
    if agency.kind != OrgNode.Kind.AGENCY:
        raise InvalidInput(_("An officer belongs to an agency."), detail={"field": "agency"})
    if unit is not None and (unit.kind != OrgNode.Kind.UNIT or unit.agency_id != agency.pk):
        raise InvalidInput(_("The unit must be a unit of the officer's agency."), detail={"field": "unit"})


# --- Officers ------------------------------------------------------------------------------------


def officer_create(
    *,
    actor: Any | None,
    agency: OrgNode,
    name: str,
    gender: str,
    id_number: str,
    unit: OrgNode | None = None,
    user: User | None = None,
    position: str = "",
    areas: Any = (),
    has_legal_qualification: bool = False,
    legal_qualification_number: str = "",
    legal_review_since: dt.date | None = None,
) -> Officer:
    require_manager(actor, agency.pk)
    _check_agency_and_unit(agency, unit)
    name = (name or "").strip()
    if not name:
        raise InvalidInput(_("The officer's name is required."), detail={"field": "name"})
    if gender not in Officer.Gender.values:
        raise InvalidInput(_("Choose the officer's gender."), detail={"field": "gender"})
    id_number = normalize_id_number(id_number)
    area_list = normalize_areas(list(areas))
    with transaction.atomic():
        if Officer.objects.filter(id_number=id_number).exists():
            raise Conflict(_("An officer with this ID number is already registered."), code="officer_exists")
        if user is not None and Officer.objects.filter(user=user).exists():
            raise Conflict(_("This user account is already linked to an officer."), code="officer_user_taken")
        officer = Officer(
            user=user,
            agency=agency,
            unit=unit,
            name=name,
            gender=gender,
            id_number=id_number,
            position=position.strip(),
            areas=area_list,
            has_legal_qualification=has_legal_qualification,
            legal_qualification_number=legal_qualification_number.strip(),
            legal_review_since=legal_review_since,
        )
        # Uniqueness (ID number, user account) is checked above and enforced by the database below: a
        # second check here would race a concurrent registration and answer a ValidationError (as
        # credential_issue did) instead of the Conflict.
        officer.full_clean(exclude=["photo"], validate_unique=False)
        try:
            with transaction.atomic():
                officer.save()
        except IntegrityError as exc:  # a concurrent registration of the same person or account won
            if Officer.objects.filter(id_number=id_number).exists():
                raise Conflict(
                    _("An officer with this ID number is already registered."), code="officer_exists"
                ) from exc
            raise Conflict(
                _("This user account is already linked to an officer."), code="officer_user_taken"
            ) from exc
        audit_record(
            actor=actor,
            action="officers.officer_create",
            obj=officer,
            summary={"name": name, "agency": agency.pk, "user": user.pk if user else None},
        )
    return officer


def officer_update(*, actor: Any | None, officer_id: int, data: dict[str, Any]) -> Officer:
    unknown = set(data) - set(OFFICER_EDITABLE)
    if unknown:
        raise InvalidInput(_("These fields cannot be changed here."), detail={"fields": sorted(unknown)})
    with transaction.atomic():
        officer = Officer.objects.select_for_update().filter(id=officer_id).first()
        if officer is None:
            raise NotFound(_("No such officer."))
        require_manager(actor, officer.agency_id)
        changed: dict[str, Any] = {}
        for field, raw in data.items():
            value = raw
            if field == "areas":
                value = normalize_areas(raw)
            elif field in ("name", "position", "legal_qualification_number"):
                value = (raw or "").strip()
                if field == "name" and not value:
                    raise InvalidInput(_("The officer's name is required."), detail={"field": "name"})
            elif field == "gender" and value not in Officer.Gender.values:
                raise InvalidInput(_("Choose the officer's gender."), detail={"field": "gender"})
            elif field == "unit":
                _check_agency_and_unit(officer.agency, value)
            if getattr(officer, field) != value:
                before = getattr(officer, field)
                setattr(officer, field, value)
                changed[field] = [_plain(before), _plain(value)]
        if changed:
            officer.save(update_fields=list(changed))
            audit_record(
                actor=actor, action="officers.officer_update", obj=officer, summary={"changed": changed}
            )
            if "is_active" in changed:  # leaving (or returning to) service changes the credential alerts
                for credential in officer.credentials.all():
                    _after_change(credential)
    return officer


def _plain(value: Any) -> Any:
    if isinstance(value, OrgNode):
        return value.pk
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def officer_photo_set(*, actor: Any | None, officer_id: int, data: bytes) -> Officer:
    extension = check_photo(data)
    with transaction.atomic():
        officer = Officer.objects.select_for_update().filter(id=officer_id).first()
        if officer is None:
            raise NotFound(_("No such officer."))
        require_manager(actor, officer.agency_id)
        old_name = officer.photo.name if officer.photo else ""
        # A fresh name per upload: cached copies and printed cards never show a mismatched photo.
        officer.photo.save(f"{uuid.uuid4().hex}.{extension}", ContentFile(data), save=False)
        officer.save(update_fields=["photo"])
        audit_record(
            actor=actor,
            action="officers.photo_set",
            obj=officer,
            summary={"before": old_name, "after": officer.photo.name, "bytes": len(data)},
        )
    return officer


# --- Credentials ---------------------------------------------------------------------------------


def _event(
    credential: Credential,
    *,
    actor: Any | None,
    action: str,
    from_status: str,
    reason: str = "",
    effective_on: dt.date,
    data: dict[str, Any] | None = None,
) -> CredentialEvent:
    return CredentialEvent.objects.create(
        credential=credential,
        action=action,
        from_status=from_status,
        to_status=credential.status,
        effective_on=effective_on,
        reason=reason,
        data=data or {},
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=_actor_name(actor),
        at=timezone.now(),
    )


def _audit_credential(actor: Any | None, action: str, credential: Credential, **summary: Any) -> None:
    audit_record(
        actor=actor,
        action=f"officers.credential_{action}",
        obj=credential,
        summary={"number": credential.number, "status": credential.status, **summary},
    )


def _required_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("Give the reason."), detail={"field": "reason"})
    if len(reason) > 300:
        raise InvalidInput(_("The reason is at most 300 characters."), detail={"field": "reason"})
    return reason


def _locked_credential(credential_id: int) -> Credential:
    credential = Credential.objects.select_for_update().filter(id=credential_id).first()
    if credential is None:
        raise NotFound(_("No such credential."))
    return credential


def credential_issue(
    *,
    actor: Any | None,
    officer_id: int,
    number: str,
    issuer: str,
    areas: Any,
    issued_on: dt.date,
    expires_on: dt.date,
    kind: str = Credential.Kind.ENFORCEMENT,
    scope: str = "",
) -> Credential:
    """Issue a credential. The number is unique across the system; one live card per kind."""
    number = normalize_credential_number(number)
    area_list = normalize_areas(list(areas) if not isinstance(areas, str) else areas)
    if not area_list:
        raise InvalidInput(_("List at least one enforcement area."), detail={"field": "areas"})
    issuer = (issuer or "").strip()
    if not issuer:
        raise InvalidInput(_("Name the issuing authority."), detail={"field": "issuer"})
    if kind not in Credential.Kind.values:
        raise InvalidInput(_("Unknown credential kind."), detail={"field": "kind"})
    if expires_on <= issued_on:
        raise InvalidInput(_("The expiry date must be after the issue date."), detail={"field": "expires_on"})
    with transaction.atomic():
        officer = Officer.objects.select_for_update().filter(id=officer_id).first()
        if officer is None:
            raise NotFound(_("No such officer."))
        require_manager(actor, officer.agency_id)
        if not officer.is_active:
            raise Conflict(_("The officer is no longer in service."), code="officer_inactive")
        if Credential.objects.filter(number=number).exists():
            raise Conflict(
                _("The credential number %(number)s is already in use.") % {"number": number},
                code="credential_number_taken",
                detail={"field": "number"},
            )
        live = officer.credentials.filter(kind=kind, status__in=["valid", "suspended"]).first()
        if live is not None:
            raise Conflict(
                _(
                    "The officer already holds credential %(number)s of this kind: renew it, or revoke it "
                    "before issuing a new one."
                )
                % {"number": live.number},
                code="credential_live_exists",
            )
        credential = Credential(
            officer=officer,
            agency_id=officer.agency_id,
            number=number,
            kind=kind,
            issuer=issuer,
            areas=area_list,
            scope=(scope or "").strip(),
            issued_on=issued_on,
            expires_on=expires_on,
            status=Credential.Status.VALID,
            status_since=issued_on,
        )
        # The number's uniqueness and the one live card of a kind are checked above and enforced by the
        # database (the IntegrityError below). Checked again here, they would race a concurrent issue
        # that commits in between and answer a ValidationError instead of the Conflict (seen on
        # PostgreSQL: officers/tests/test_concurrency.py). The dates and status hold by construction.
        credential.full_clean(validate_unique=False, validate_constraints=False)
        try:
            with transaction.atomic():
                credential.save(force_insert=True)
        except IntegrityError as exc:  # a concurrent issue (same number, or a second live card) won the race
            if Credential.objects.filter(number=number).exists():
                raise Conflict(
                    _("The credential number %(number)s is already in use.") % {"number": number},
                    code="credential_number_taken",
                    detail={"field": "number"},
                ) from exc
            raise Conflict(
                _("The officer already holds a live credential of this kind."), code="credential_live_exists"
            ) from exc
        _event(credential, actor=actor, action="issue", from_status="", effective_on=issued_on)
        _audit_credential(actor, "issue", credential, officer=officer.pk, expires_on=expires_on.isoformat())
        # A new card resolves the alerts of the one it replaces.
        for previous in officer.credentials.filter(kind=kind).exclude(id=credential.pk):
            _after_change(previous)
        _after_change(credential)
    return credential


def _transition(
    *,
    actor: Any | None,
    credential_id: int,
    action: str,
    allowed_from: tuple[str, ...],
    to_status: str,
    reason: str,
) -> Credential:
    reason = _required_reason(reason)
    with transaction.atomic():
        credential = _locked_credential(credential_id)
        require_manager(actor, credential.agency_id)
        if credential.status not in allowed_from:
            raise Conflict(
                _("This credential is %(status)s; that cannot be done now.")
                % {"status": credential.get_status_display()},
                code="credential_state",
            )
        today = _today()
        before = credential.status
        credential.status = to_status
        credential.status_reason = reason
        credential.status_since = max(today, credential.status_since)
        credential.save(update_fields=["status", "status_reason", "status_since"])
        _event(
            credential,
            actor=actor,
            action=action,
            from_status=before,
            reason=reason,
            effective_on=credential.status_since,
        )
        _audit_credential(actor, action, credential, before=before, reason=reason)
        _after_change(credential)
    return credential


def credential_suspend(*, actor: Any | None, credential_id: int, reason: str) -> Credential:
    """暂扣/暂停: the holder may not enforce until reinstated."""
    return _transition(
        actor=actor,
        credential_id=credential_id,
        action="suspend",
        allowed_from=(Credential.Status.VALID,),
        to_status=Credential.Status.SUSPENDED,
        reason=reason,
    )


def credential_reinstate(*, actor: Any | None, credential_id: int, reason: str) -> Credential:
    return _transition(
        actor=actor,
        credential_id=credential_id,
        action="reinstate",
        allowed_from=(Credential.Status.SUSPENDED,),
        to_status=Credential.Status.VALID,
        reason=reason,
    )


def credential_revoke(*, actor: Any | None, credential_id: int, reason: str) -> Credential:
    """注销/吊销: final. A new credential gets a new number."""
    return _transition(
        actor=actor,
        credential_id=credential_id,
        action="revoke",
        allowed_from=(Credential.Status.VALID, Credential.Status.SUSPENDED, Credential.Status.EXPIRED),
        to_status=Credential.Status.REVOKED,
        reason=reason,
    )


def credential_renew(
    *, actor: Any | None, credential_id: int, expires_on: dt.date, reason: str = ""
) -> Credential:
    """Extend the validity of a valid or expired credential (same number: printed QR codes stay right)."""
    with transaction.atomic():
        credential = _locked_credential(credential_id)
        require_manager(actor, credential.agency_id)
        if credential.status not in (Credential.Status.VALID, Credential.Status.EXPIRED):
            raise Conflict(
                _("Only a valid or expired credential can be renewed; this one is %(status)s.")
                % {"status": credential.get_status_display()},
                code="credential_state",
            )
        today = _today()
        if expires_on <= max(credential.expires_on, today):
            raise InvalidInput(
                _("The new expiry date must be later than both today and the current expiry date."),
                detail={"field": "expires_on"},
            )
        if credential.status == Credential.Status.EXPIRED:
            other = (
                Credential.objects.filter(
                    officer_id=credential.officer_id, kind=credential.kind, status__in=["valid", "suspended"]
                )
                .exclude(id=credential.pk)
                .first()
            )
            if other is not None:
                raise Conflict(
                    _("The officer already holds credential %(number)s of this kind.")
                    % {"number": other.number},
                    code="credential_live_exists",
                )
        before_status, before_expiry = credential.status, credential.expires_on
        credential.expires_on = expires_on
        fields = ["expires_on"]
        if credential.status == Credential.Status.EXPIRED:
            credential.status = Credential.Status.VALID
            credential.status_reason = (reason or "").strip()[:300]
            credential.status_since = max(today, credential.status_since)
            fields += ["status", "status_reason", "status_since"]
        credential.save(update_fields=fields)
        _event(
            credential,
            actor=actor,
            action="renew",
            from_status=before_status,
            reason=(reason or "").strip()[:300],
            effective_on=max(today, credential.status_since),
            data={"expires_on_before": before_expiry.isoformat(), "expires_on_after": expires_on.isoformat()},
        )
        _audit_credential(
            actor, "renew", credential, before=before_expiry.isoformat(), after=expires_on.isoformat()
        )
        _after_change(credential)
    return credential


def credential_review_record(
    *, actor: Any | None, credential_id: int, reviewed_on: dt.date, passed: bool, note: str = ""
) -> Credential:
    """年审. A pass sets the next due date a year on; a failure suspends a valid credential."""
    from zhifa.officers.models import AnnualReview

    note = (note or "").strip()[:300]
    today = _today()
    if reviewed_on > today:
        raise InvalidInput(_("The review date cannot be in the future."), detail={"field": "reviewed_on"})
    if not passed and not note:
        raise InvalidInput(_("Say why the review was not passed."), detail={"field": "note"})
    with transaction.atomic():
        credential = _locked_credential(credential_id)
        require_manager(actor, credential.agency_id)
        if credential.status in (Credential.Status.REVOKED, Credential.Status.EXPIRED):
            raise Conflict(
                _("A credential that is %(status)s is not reviewed.")
                % {"status": credential.get_status_display()},
                code="credential_state",
            )
        if reviewed_on < credential.issued_on:
            raise InvalidInput(
                _("The review date is before the credential was issued."), detail={"field": "reviewed_on"}
            )
        if AnnualReview.objects.filter(credential=credential, year=reviewed_on.year).exists():
            raise Conflict(
                _("The annual review for %(year)s is already recorded.") % {"year": reviewed_on.year},
                code="review_exists",
            )
        AnnualReview.objects.create(
            credential=credential,
            year=reviewed_on.year,
            reviewed_on=reviewed_on,
            passed=passed,
            note=note,
            reviewer=actor if getattr(actor, "pk", None) else None,
            reviewer_name=_actor_name(actor),
            at=timezone.now(),
        )
        before = credential.status
        fields: list[str] = []
        if passed:
            fields += dues.review_passed(credential, reviewed_on)
        elif credential.status == Credential.Status.VALID:
            credential.status = Credential.Status.SUSPENDED
            credential.status_reason = note
            credential.status_since = max(today, credential.status_since)
            fields += ["status", "status_reason", "status_since"]
        if fields:
            credential.save(update_fields=fields)
        _event(
            credential,
            actor=actor,
            action="review",
            from_status=before,
            reason=note,
            effective_on=max(reviewed_on, credential.status_since) if not passed else reviewed_on,
            data={"passed": passed, "year": reviewed_on.year},
        )
        _audit_credential(actor, "review", credential, passed=passed, year=reviewed_on.year)
        _after_change(credential)
    return credential


def credentials_expire(*, on: dt.date | None = None) -> int:
    """Mark credentials past their expiry day as expired (periodic). Validity checks never rely on
    this — `credential_problem` compares dates itself — it keeps lists and history truthful."""
    day = on or _today()
    count = 0
    ids = list(
        Credential.objects.filter(status__in=["valid", "suspended"], expires_on__lt=day).values_list(
            "id", flat=True
        )
    )
    for credential_id in ids:
        with transaction.atomic():
            credential = _locked_credential(credential_id)
            if credential.status not in ("valid", "suspended") or credential.expires_on >= day:
                continue
            before = credential.status
            credential.status = Credential.Status.EXPIRED
            credential.status_reason = ""
            credential.status_since = credential.expires_on + dt.timedelta(days=1)
            credential.save(update_fields=["status", "status_reason", "status_since"])
            _event(
                credential,
                actor=None,
                action="expire",
                from_status=before,
                effective_on=credential.status_since,
            )
            _audit_credential(None, "expire", credential, before=before)
            _after_change(credential)
            count += 1
    return count


def _after_change(credential: Credential) -> None:
    """Keep the credential's deadline rows (and its copy `review_due_on`) and its alerts in step with
    its new state (inside the same transaction)."""
    from zhifa.officers.alerts import credential_alerts_sync

    fields = dues.track(credential, today=_today())
    if fields:
        credential.save(update_fields=fields)
    credential_alerts_sync(credential=credential, on=_today())
