"""Who may do what with a case. The coarse gate is the role (zhifa.core.access on the view); the fine
gate is here: the role must cover the case's agency, and investigation steps belong to the case's
own handling officers. Personal data of the party is shown whole only to handlers and approvers."""

from __future__ import annotations

from typing import Any

from zhifa.enforcement.cases.models import Case, CaseOfficer
from zhifa.enforcement.cases.workflow import Transition
from zhifa.org.roles import Role
from zhifa.org.selectors import scope_agency_ids


def can_see(user: Any, case: Case) -> bool:
    return case.agency_id in scope_agency_ids(user)


def has_role_for(user: Any, case: Case, role: str) -> bool:
    return case.agency_id in scope_agency_ids(user, roles=[role])


def handler_user_ids(case: Case) -> set[int]:
    """Active handling officers' accounts; uses prefetched `officers` when the caller loaded them."""
    cache = getattr(case, "_prefetched_objects_cache", {})
    if "officers" in cache:
        return {co.user_id for co in case.officers.all() if co.removed_on is None and co.user_id}
    return set(
        CaseOfficer.objects.filter(case=case, removed_on__isnull=True, user__isnull=False).values_list(
            "user_id", flat=True
        )
    )


def is_handler(user: Any, case: Case) -> bool:
    return bool(getattr(user, "pk", None)) and user.pk in handler_user_ids(case)


def may_apply(user: Any, case: Case, t: Transition) -> bool:
    """Role and scope (and handling officer where the table says so); not the legal guards."""
    for role in t.roles:
        if not has_role_for(user, case, role):
            continue
        if role == Role.OFFICER and t.handler and not is_handler(user, case):
            continue
        return True
    return False


def is_registrar(user: Any, case: Case) -> bool:
    """The officer who registered the lead: before filing there are no handling officers yet, and he is
    the one who handles it (he must see his own lead's party unmasked)."""
    return bool(getattr(user, "pk", None)) and case.registered_by_id == user.pk and can_see(user, case)


def may_see_personal_data(user: Any, case: Case) -> bool:
    return is_handler(user, case) or is_registrar(user, case) or has_role_for(user, case, Role.APPROVER)
