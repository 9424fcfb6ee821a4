"""A published decision's periods on the shared deadline engine (zhifa.foundation.deadlines).

Two kinds of row run on a decision (object type "portal.publisheddecision"):
- `publication`: publish within the jurisdiction's window of working days from the decision
  (行政处罚法第四十八条, 政府信息公开条例第二十条; the window is a jurisdiction setting);
- `withdrawal`: withdraw within 3 working days of the decision being changed, revoked or confirmed
  illegal (行政处罚法第四十八条第二款、第八十五条).

The decision keeps copies of the last days (`publish_due`, `publish_due_provisional`, `withdraw_due`)
because the publication page and the overdue sweep filter on them. Those columns are written only by
`sync` below, from the engine's rows: by the services after they open or resolve a row, and by the
engine's provisional job through the mirror registered in `PortalConfig.ready()`.
"""

from __future__ import annotations

import datetime as dt

from zhifa.foundation.deadlines import services as deadlines
from zhifa.foundation.deadlines.models import Deadline
from zhifa.foundation.deadlines.provisional import Moved
from zhifa.law import disclosure as law
from zhifa.public.portal.models import PublishedDecision

OBJECT_TYPE = "portal.publisheddecision"
PUBLICATION, WITHDRAWAL = "publication", "withdrawal"
DUE_FIELDS = ["publish_due", "publish_due_provisional", "withdraw_due"]


def subject(decision: PublishedDecision) -> deadlines.Subject:
    return deadlines.Subject(OBJECT_TYPE, decision.pk, decision.agency_id)


def sync(decision: PublishedDecision) -> list[str]:
    """Copy the engine's rows onto the decision (in memory); the fields to save."""
    s = subject(decision)
    publication = deadlines.latest(s, [PUBLICATION])
    withdrawal = deadlines.latest(s, [WITHDRAWAL])
    decision.publish_due = publication.due_on if publication else None
    decision.publish_due_provisional = bool(publication and publication.provisional)
    decision.withdraw_due = withdrawal.due_on if withdrawal else None
    return list(DUE_FIELDS)


def open_publication(decision: PublishedDecision) -> list[str]:
    deadlines.deadline_open(
        subject(decision),
        kind=PUBLICATION,
        period=law.publication_period(decision.window_days),
        start_on=decision.decided_on,
    )
    return sync(decision)


def close_publication(decision: PublishedDecision, *, on: dt.date, moot: bool = False) -> list[str]:
    """Published (met or late), or no longer to be published (exempted, withdrawn before publishing)."""
    deadlines.deadline_resolve(
        subject(decision),
        kind=PUBLICATION,
        on=on,
        resolution=deadlines.Resolution.MOOT if moot else "",
    )
    return sync(decision)


def withdrawal(decision: PublishedDecision, *, changed_on: dt.date, withdrawn_on: dt.date) -> Deadline:
    """The withdrawal period runs from the change and is answered by this withdrawal (met or late)."""
    s = subject(decision)
    row = deadlines.deadline_open(s, kind=WITHDRAWAL, period=law.WITHDRAWAL_PERIOD, start_on=changed_on)
    deadlines.deadline_resolve(s, kind=WITHDRAWAL, on=withdrawn_on)
    return row


def mirror(decision_id: int) -> None:
    """Called by the engine after its jobs moved a row of this decision (inside their transaction)."""
    decision = PublishedDecision.objects.select_for_update().filter(pk=decision_id).first()
    if decision is not None:
        decision.save(update_fields=sync(decision))


def describe(decision_id: int) -> str:
    decision = PublishedDecision.objects.filter(pk=decision_id).only("decision_number").first()
    return str(decision) if decision is not None else f"{OBJECT_TYPE}:{decision_id}"


def recompute_provisional_dues(moved: list[Moved] | None = None) -> int:
    """The portal's share of the one provisional job (this app's door for tests and commands)."""
    return deadlines.recompute_provisional([] if moved is None else moved, object_type=OBJECT_TYPE)
