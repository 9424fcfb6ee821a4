"""The portal listens to the case workflow (zhifa.enforcement.cases.hooks):

- `decide` / `decide_on_spot`: the decision is scheduled for publication, masked, with its deadline
  (the jurisdiction's window, default 7 working days, 国办发〔2018〕118号);
- `serve` (and `decide_on_spot`, handed over at once, 第五十二条): the decision reached the party, so
  it may now be prepared for publication. Nothing is published automatically: an officer prepares it
  and the approver checks the masking and publishes (services.publication_prepare / _publish).
  Whatever is still unpublished when its deadline passes raises a `publication_overdue` alert.

Listeners run inside the case event's transaction: a failure here rolls the event back, so nothing
here raises for "nothing to do", and deadlines never block on an unpublished calendar.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import TYPE_CHECKING

from zhifa.public.portal.services import DecisionSnapshot, publication_case_served, publication_schedule

if TYPE_CHECKING:
    from zhifa.enforcement.cases.models import Case, CaseEvent

DECIDING_EVENTS = frozenset({"decide", "decide_on_spot"})
_LAW_TITLE = re.compile(r"《([^》]{2,60})》")


def category_of(case: Case) -> str:
    """The law the penalty rests on (《城市道路管理条例》 → 城市道路管理条例), for the statistics."""
    version = case.power_version
    for text in (getattr(version, "penalty_provision", ""), getattr(version, "violated_provision", "")):
        found = _LAW_TITLE.search(text or "")
        if found:
            return found.group(1)
    item = case.power_item
    return (item.area if item is not None else "") or ""


def snapshot_of(case: Case) -> DecisionSnapshot:
    version = case.power_version
    assert case.decided_on is not None
    return DecisionSnapshot(
        case_id=case.pk,
        agency=case.agency,
        decision_number=case.decision_number,
        decided_on=case.decided_on,
        party_kind=case.party_kind,
        party_name=case.party_name,
        party_id_number=case.party_id_number,
        measures=list(case.measures or []),
        fine_amount=case.fine_amount or Decimal("0"),
        case_number=case.number,
        procedure=case.procedure,
        facts=case.facts,
        violated_provision=getattr(version, "violated_provision", "") or "",
        penalty_provision=getattr(version, "penalty_provision", "") or "",
        category=category_of(case),
    )


def on_case_event(case: Case, event: CaseEvent) -> None:
    if event.name in DECIDING_EVENTS and case.decision_number:
        publication_schedule(snapshot=snapshot_of(case), actor=event.actor)
    if event.name == "decide_on_spot" and case.decided_on is not None:
        publication_case_served(case_id=case.pk, served_on=case.decided_on)
    elif event.name == "serve" and case.served_on is not None:
        publication_case_served(case_id=case.pk, served_on=case.served_on)
