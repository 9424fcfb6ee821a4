"""Who may do what with evidence. Role checks on views are the coarse gate; these are the fine ones."""

from __future__ import annotations

from typing import Any

from zhifa.org.roles import Role
from zhifa.org.selectors import scope_agency_ids

WRITERS = (Role.OFFICER, Role.APPROVER)
VERIFIERS = (Role.APPROVER, Role.SUPERVISOR, Role.ADMIN, Role.LEGAL_REVIEWER)
APPROVERS = (Role.APPROVER,)


def can_add(user: Any, agency_id: int) -> bool:
    """Officers and approvers of the agency register evidence for it."""
    return agency_id in scope_agency_ids(user, roles=WRITERS)


def can_verify(user: Any, agency_id: int) -> bool:
    return agency_id in scope_agency_ids(user, roles=VERIFIERS)


def can_approve(user: Any, agency_id: int) -> bool:
    """The agency's approvers (its head or deputy) decide retention and destruction."""
    return agency_id in scope_agency_ids(user, roles=APPROVERS)
