"""Converting a complaint into a penalty case (投诉举报 → 案源).

The case is registered through the cases app's one door (`case_register`, the `register` event with
`source="complaint"` and `source_ref=<tracking code>`), and the complaint records the case it became,
in the same transaction: either both are linked or neither exists. The party of the case is who the
complaint is about, not the complainant, whose identity never travels into the case.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from zhifa.core.access import user_has_any_role
from zhifa.org.roles import Role
from zhifa.org.selectors import user_can_see_agency
from zhifa.public.complaints.models import HANDLING_STATES, Complaint
from zhifa.public.complaints.services.common import locked, require, require_state
from zhifa.public.complaints.services.feedback import complaint_link_case

CONVERT_ROLES = (Role.OFFICER, Role.APPROVER)  # who may register a case (cases.workflow "register")


def conversion_available(user: Any, complaint: Complaint) -> bool:
    return (
        complaint.state in HANDLING_STATES
        and not complaint.case_id
        and user_has_any_role(user, frozenset(CONVERT_ROLES))
        and user_can_see_agency(user, complaint.agency_id, roles=CONVERT_ROLES)
    )


def complaint_convert_to_case(
    *,
    complaint_id: int,
    actor: Any,
    party: dict[str, str],
    facts: str,
    occurred_on: dt.date,
    location: str = "",
    power_item_id: int | None = None,
) -> tuple[Complaint, Any]:
    """Register a case from an accepted complaint and link both. Refusals of the case rules
    (limitation, party ID checksum, power item of another agency …) come from `case_register`
    unchanged and leave the complaint as it was."""
    from zhifa.enforcement.cases.services import case_register

    with transaction.atomic():
        complaint = locked(complaint_id)
        require(actor, complaint, roles=CONVERT_ROLES)
        require_state(complaint, HANDLING_STATES)
        data: dict[str, Any] = {
            "procedure": "ordinary",
            "agency_id": complaint.agency_id,
            "source": "complaint",
            "source_ref": complaint.tracking_code,
            "party": party,
            "facts": facts,
            "occurred_on": occurred_on.isoformat(),
            "location": location or complaint.location,
            # The agency learned of the act when the complaint arrived.
            "discovered_on": complaint.received_on.isoformat(),
        }
        if power_item_id:
            data["power_item_id"] = power_item_id
        case = case_register(actor=actor, data=data)
        complaint = complaint_link_case(complaint_id=complaint.pk, actor=actor, case_id=case.pk)
    return complaint, case
