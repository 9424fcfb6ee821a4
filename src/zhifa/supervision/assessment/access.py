"""Who is who in an assessment round (the fine gate; views and the API check roles first).

- the bureau: supervisors whose scope covers every agency of the round; they run it;
- assessors: users holding the assessor role named on the round; they score every agency but their
  own — an agency is a person's own when they work there or hold any role on it (the cross rule);
- an agency's own staff (approvers and legal reviewers) fill in and submit its self-check.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _

from zhifa.core.errors import Forbidden
from zhifa.core.roles import ALL_ROLES, Role
from zhifa.org.selectors import granted_nodes, scope_agency_ids, user_can_see_agency

SELF_CHECK_ROLES = frozenset({Role.APPROVER, Role.LEGAL_REVIEWER})
BUREAU_ROLES = frozenset({Role.SUPERVISOR})
ASSESSOR_ROLES = frozenset({Role.ASSESSOR})


def own_agencies(user: Any) -> frozenset[int]:
    """The agencies a person belongs to: where they work and every agency they hold a role on."""
    if user is None or not getattr(user, "is_authenticated", False):
        return frozenset()
    ids = {a for _n, a in granted_nodes(user, roles=ALL_ROLES) if a is not None}
    node = getattr(user, "node", None)
    if node is not None and node.agency_id is not None:
        ids.add(node.agency_id)
    return frozenset(ids)


def is_bureau_for(user: Any, agency_ids: Iterable[int]) -> bool:
    scope = scope_agency_ids(user, roles=BUREAU_ROLES)
    ids = set(agency_ids)
    return bool(scope) and ids <= scope


def require_bureau(user: Any, agency_ids: Iterable[int]) -> None:
    if not is_bureau_for(user, agency_ids):
        raise Forbidden(
            _("Only the supervising bureau, for agencies in its scope, runs an assessment."),
            code="not_bureau",
        )


def is_assessor(user: Any, round_assessor_ids: Iterable[int]) -> bool:
    """Named on the round and holding the assessor role somewhere."""
    return (
        user is not None
        and user.pk in set(round_assessor_ids)
        and bool(granted_nodes(user, roles=ASSESSOR_ROLES))
    )


def require_not_own(user: Any, agency_id: int) -> None:
    """An assessor never scores the agency they belong to."""
    if agency_id in own_agencies(user):
        raise Forbidden(
            _("An assessor may not score their own agency (cross assessment)."),
            code="own_agency",
            detail={"agency": agency_id},
        )


def may_self_check(user: Any, agency_id: int) -> bool:
    return user is not None and user_can_see_agency(user, agency_id, roles=SELF_CHECK_ROLES)
