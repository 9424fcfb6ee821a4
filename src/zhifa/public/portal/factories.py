"""Test and demo builders for publications, through the real services: a decision goes public only
by the reviewed path — served on the party, prepared by an officer, published by the approver who
confirms the masking."""

from __future__ import annotations

import datetime as dt
from typing import Any

from zhifa.public.portal import services as svc
from zhifa.public.portal.models import PublishedDecision


def agency_staff(agency: Any) -> tuple[Any, Any]:
    """An officer and an approver of `agency` (made once per agency and reused)."""
    from zhifa.org.factories import make_user
    from zhifa.org.models import User
    from zhifa.org.roles import Role

    people = []
    for role in (Role.OFFICER, Role.APPROVER):
        username = f"pub-{role}-{agency.pk}"
        user = User.objects.filter(username=username).first() or make_user(
            username, node=agency, roles=[(role, agency)], full_name=f"{agency.abbreviation}{role}"
        )
        people.append(user)
    return people[0], people[1]


def publish_reviewed(
    decision: PublishedDecision,
    *,
    officer: Any | None = None,
    approver: Any | None = None,
    served_on: dt.date | None = None,
) -> PublishedDecision:
    """Serve (if the case listener has not), prepare and publish `decision`."""
    if officer is None or approver is None:
        default_officer, default_approver = agency_staff(decision.agency)
        officer, approver = officer or default_officer, approver or default_approver
    if decision.case_served_on is None:
        svc.publication_case_served(case_id=decision.case_id, served_on=served_on or decision.decided_on)
    svc.publication_prepare(decision_id=decision.pk, actor=officer)
    return svc.publication_publish(decision_id=decision.pk, actor=approver, masking_checked=True)
