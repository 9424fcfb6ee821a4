"""Who sees an evidence record's personal data in full (the party's name and ID, free text naming
people): the case's handlers and approvers (`cases.permissions.may_see_personal_data`); for evidence
not yet attached to a case, its uploader and the agency's approvers. Everyone else gets the one
masking rule of `zhifa.core.masking` (docs/security.md)."""

from __future__ import annotations

from typing import Any

from zhifa.core import masking
from zhifa.enforcement.evidence.models import Evidence
from zhifa.org.roles import Role
from zhifa.org.selectors import user_can_see_agency


def sees_in_full(user: Any, evidence: Evidence) -> bool:
    case = evidence.case if evidence.case_id else None
    if case is not None:
        from zhifa.enforcement.cases.selectors import may_see_personal_data

        return may_see_personal_data(user, case)
    if getattr(user, "pk", None) and evidence.uploaded_by_id == user.pk:
        return True
    return user_can_see_agency(user, evidence.agency_id, roles=[Role.APPROVER])


def person_names(evidence: Evidence) -> list[str]:
    names = [evidence.party_name]
    case = evidence.case if evidence.case_id else None
    if case is not None and case.party_kind == "person":
        names.append(case.party_name)
    return [n for n in names if n]


def party_name_for(user: Any, evidence: Evidence) -> str:
    if sees_in_full(user, evidence):
        return evidence.party_name
    return masking.mask_name(evidence.party_name) if evidence.party_name else ""


def text_for(user: Any, evidence: Evidence, text: str) -> str:
    if sees_in_full(user, evidence):
        return text
    return masking.redact_text(text, names=person_names(evidence))
