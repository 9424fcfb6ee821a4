""" "What happens next, and who does it" for the case page: read from the workflow table (the same
table the service applies), so a new step added to the table shows here without a change."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from zhifa.enforcement.cases import workflow
from zhifa.enforcement.cases.models import Case, State
from zhifa.org.roles import Role
from zhifa.org.selectors import first_users_with_role

# Steps that branch off the main path (refusals, pauses, corrections): shown among the forms, not as
# "the next step".
SIDE_EVENTS = frozenset(
    {
        "decline",
        "terminate",
        "suspend",
        "assign_officers",
        "record_recusal",
        "record_preservation",
        "resolve_preservation",
        "extend_deadline",
        "explain_deadline",
        "decide_no_penalty",
        "approve_deferral",
    }
)
NAMES_SHOWN = 3


def _people(case: Case, role: str, handler: bool, cache: dict[str, list[str]]) -> list[str]:
    if role == Role.OFFICER and handler:
        return [co.officer.name for co in case.officers.all() if co.removed_on is None]
    if role not in cache:
        # the case's agency came with the case (its path names the nodes above it); the names only
        users = first_users_with_role(role, agency=case.agency, limit=NAMES_SHOWN + 1)
        cache[role] = [u.display_name for u in users]
    return cache[role]


def next_steps(case: Case) -> list[dict[str, Any]]:
    """The main-path events the table allows from the case's state, each with the roles and, where
    known, the people who take it (the handling officers, the agency's approvers or reviewers)."""
    candidates = workflow.events_from(case.state, procedure=case.procedure, suspended=case.is_suspended)
    # Steps that keep the state count too: a served case waits for its payment (record_payment).
    main = [t for t in candidates if t.event not in SIDE_EVENTS]
    role_labels = dict(Role.choices)
    cache: dict[str, list[str]] = {}
    steps = []
    for t in main:
        who = []
        for role in sorted(t.roles):
            names = _people(case, role, t.handler, cache)
            label = str(role_labels.get(role, role))
            if role == Role.OFFICER and t.handler:
                label = _("handling officers")
            who.append(
                {
                    "role": label,
                    "names": names[:NAMES_SHOWN],
                    "more": len(names) > NAMES_SHOWN,
                }
            )
        steps.append({"event": t.event, "label": str(t.label), "who": who})
    return steps


def waiting_note(case: Case) -> str:
    """A sentence for states where the case waits on the party or on nobody."""
    if case.is_suspended:
        return _("The case is suspended: an approver resumes it.")
    if case.state == State.REGISTERED and not (case.party_name and case.party_id_number):
        return _("The party is not identified yet: find out who it is before the case is filed.")
    if case.state == State.ARCHIVED:
        return _("The file is archived: no further step.")
    return ""
