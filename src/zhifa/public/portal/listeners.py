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

import datetime as dt
import re
from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from zhifa.public.portal.services import (
    DecisionSnapshot,
    publication_case_served,
    publication_schedule,
    publication_withdraw_for_case,
)

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
    elif event.name in CHANGING_EVENTS:
        withdraw_changed(case, event)


# `revoke` / `change` (行政处罚法第四十八条第二款): the published decision is withdrawn by the event
# itself, with a public reason, and its 3-working-day deadline counts from the date of the change.
# Entered late, the withdrawal is late: recorded so, and alerted to the agency.
CHANGING_EVENTS = frozenset({"revoke", "change"})
BY_LABELS = {"agency": "本机关", "reconsideration": "行政复议机关", "court": "人民法院"}
KIND_LABELS = {
    "revoked": "撤销",
    "confirmed_void": "确认无效",
    "confirmed_illegal": "确认违法",
    "changed": "变更",
}


def withdraw_changed(case: Case, event: CaseEvent) -> None:
    payload = event.payload or {}
    kind = str(payload.get("kind") or ("changed" if event.name == "change" else "revoked"))
    ground = kind if kind in KIND_LABELS else "revoked"
    reference = str(payload.get("reference") or "")
    # The public reason names who acted and the act's number, never the party or the internal reasons.
    note = "本行政处罚决定已于{on}被{by}{what}{ref}，依照《中华人民共和国行政处罚法》第四十八条第二款撤回。".format(
        on=event.occurred_on.isoformat(),
        by=BY_LABELS.get(str(payload.get("by")), "有权机关"),
        what=KIND_LABELS[ground],
        ref=f"（{reference}）" if reference else "",
    )
    for decision in publication_withdraw_for_case(
        case_id=case.pk, actor=event.actor, ground=ground, changed_on=event.occurred_on, note=note
    ):
        due, done = decision.withdraw_due, decision.withdrawn_on
        if due is not None and done is not None and done > due:
            _alert_late_withdrawal(decision.pk, decision.agency_id, decision.decision_number, due)


def _alert_late_withdrawal(decision_id: int, agency_id: int, number: str, due: dt.date) -> None:
    from zhifa.foundation.alerts.services import alert_raise
    from zhifa.law.disclosure import ARTICLE_WITHDRAW

    alert_raise(
        kind="publication_withdrawal_late",
        key=f"portal.publisheddecision:{decision_id}:withdrawal_late",
        agency_id=agency_id,
        title=str(
            _("Decision %(number)s was withdrawn after %(date)s")
            % {"number": number, "date": due.isoformat()}
        ),
        message=str(
            _("The change was entered late; the published decision stayed online past the deadline.")
        ),
        due_on=due,
        object_type="portal.publisheddecision",
        object_id=str(decision_id),
        article=ARTICLE_WITHDRAW,
    )
