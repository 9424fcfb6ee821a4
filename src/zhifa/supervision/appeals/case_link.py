"""What an appeal's outcome does to the penalty case it is linked to.

Done here: a decision or a final judgment that revokes, changes, declares unlawful or void the penalty
withdraws the case's published decision from the portal (`portal.services.publication_withdraw_for_case`,
行政处罚法第四十八条第二款), whose own deadline is three working days from the change; the withdrawal
runs inside the appeal's transaction, so the outcome is never recorded without it.

Also done here, through the cases app's public door `cases.services.case_apply_appeal_event` (never its
models): an appeal registered against a case with a decision is recorded on the case as pending
(`record_appeal`: the surcharge stops, 行政处罚法第七十三条第三款, and the court window stays shut,
行政强制法第五十三条); closing the appeal ends it on the case (`end_appeal`); an outcome that revokes,
declares void or unlawful applies the case's `revoke` event, and a change its `change` event with the
penalty as changed (`changed_measures`, `changed_fine_amount` on the deciding step). The case's portal
listener would withdraw the publication too; the withdrawal here runs first, with the organ's public
reason, so the listener finds nothing left to withdraw.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from zhifa.law.disclosure import WithdrawalGround
from zhifa.law.litigation import Judgment
from zhifa.law.reconsideration import Outcome
from zhifa.supervision.appeals.models import Appeal

WITHDRAWAL_GROUNDS: dict[str, WithdrawalGround] = {
    Outcome.REVOKED: WithdrawalGround.REVOKED,
    Outcome.CHANGED: WithdrawalGround.CHANGED,
    Outcome.DECLARED_UNLAWFUL: WithdrawalGround.CONFIRMED_ILLEGAL,
    Outcome.DECLARED_VOID: WithdrawalGround.CONFIRMED_VOID,
    Judgment.REVOKED: WithdrawalGround.REVOKED,
    Judgment.CHANGED: WithdrawalGround.CHANGED,
    Judgment.DECLARED_UNLAWFUL: WithdrawalGround.CONFIRMED_ILLEGAL,
    Judgment.DECLARED_VOID: WithdrawalGround.CONFIRMED_VOID,
}


def withdrawal_ground(outcome: str) -> WithdrawalGround | None:
    return WITHDRAWAL_GROUNDS.get(outcome)


CASE_OUTCOME: dict[str, str] = {  # withdrawal ground → the case's revoke outcome
    WithdrawalGround.REVOKED: "revoked",
    WithdrawalGround.CONFIRMED_VOID: "confirmed_void",
    WithdrawalGround.CONFIRMED_ILLEGAL: "confirmed_illegal",
}


def appeal_ref(appeal: Appeal) -> str:
    """How the case names this appeal (stable: the end is matched on it)."""
    return f"appeals#{appeal.pk}"


def _by(appeal: Appeal) -> str:
    return "reconsideration" if appeal.kind == "reconsideration" else "court"


def _status(appeal: Appeal) -> Any:
    if appeal.case_id is None:
        return None
    from zhifa.enforcement.cases.selectors import decision_status

    return decision_status(appeal.case_id)


def appeal_opened(appeal: Appeal, *, actor: Any) -> bool:
    """Record the appeal as pending on its case (when the case has a decision to appeal against)."""
    status = _status(appeal)
    if status is None or not status.stands or appeal_ref(appeal) in status.pending_refs:
        return False
    from zhifa.enforcement.cases.services import case_apply_appeal_event

    case_apply_appeal_event(
        case_id=status.case_id,
        actor=actor,
        event="record_appeal",
        data={
            "kind": appeal.kind,
            "organ": appeal.organ[:100],
            "reference": appeal_ref(appeal),
            "filed_on": appeal.received_on.isoformat(),
        },
    )
    return True


def appeal_ended(appeal: Appeal, *, on: dt.date, actor: Any, result: str) -> bool:
    """The appeal closed: the surcharge runs again and the court window counts from `on`."""
    status = _status(appeal)
    if status is None or not status.stands or appeal_ref(appeal) not in status.pending_refs:
        return False  # e.g. the case ended meanwhile (terminated): nothing runs on it any more
    from zhifa.enforcement.cases.services import case_apply_appeal_event

    case_apply_appeal_event(
        case_id=status.case_id,
        actor=actor,
        event="end_appeal",
        data={"reference": appeal_ref(appeal), "result": (result or "—")[:200], "ended_on": on.isoformat()},
    )
    return True


def _apply_case_event(
    appeal: Appeal, ground: WithdrawalGround, *, on: dt.date, actor: Any, note: str, change: dict[str, Any]
) -> str:
    status = _status(appeal)
    if status is None or not status.stands or status.revoked:
        return ""
    from zhifa.enforcement.cases.services import case_apply_appeal_event

    reference = (appeal.court_case_number or appeal.act_number or appeal_ref(appeal))[:80]
    data: dict[str, Any] = {"by": _by(appeal), "reason": note, "reference": reference}
    if ground == WithdrawalGround.CHANGED:
        event = "change"
        if not change.get("changed_measures") and change.get("changed_fine_amount") in (None, ""):
            from django.utils.translation import gettext as _

            from zhifa.core.errors import InvalidInput

            raise InvalidInput(
                _("The decision changes a penalty case: state the penalty as changed."),
                detail={"field": "changed_measures"},
            )
        if change.get("changed_measures"):
            data["measures"] = list(change["changed_measures"])
        if change.get("changed_fine_amount") not in (None, ""):
            data["fine_amount"] = change["changed_fine_amount"]
        data["changed_on"] = on.isoformat()
    else:
        event = "revoke"
        data["outcome"] = CASE_OUTCOME[ground]
        data["revoked_on"] = on.isoformat()
    case_apply_appeal_event(case_id=status.case_id, actor=actor, event=event, data=data)
    return event


def apply_outcome(
    appeal: Appeal, *, on: dt.date, note: str, actor: Any = None, change: dict[str, Any] | None = None
) -> list[Any]:
    """Apply the outcome to the linked case (its `revoke` / `change` event) and withdraw the case's
    publication when the outcome calls for it; returns what was withdrawn here."""
    ground = withdrawal_ground(appeal.outcome)
    if appeal.case_id is None or ground is None:
        return []
    from zhifa.public.portal.services import publication_withdraw_for_case

    # The publication first, with the organ's public reason; the case event's portal listener then
    # finds nothing left to withdraw.
    withdrawn = publication_withdraw_for_case(
        case_id=appeal.case_id, actor=None, ground=str(ground), changed_on=on, note=note
    )
    _apply_case_event(appeal, ground, on=on, actor=actor, note=note, change=change or {})
    return withdrawn
