"""What an appeal's outcome does to the penalty case it is linked to.

Done here: a decision or a final judgment that revokes, changes, declares unlawful or void the penalty
withdraws the case's published decision from the portal (`portal.services.publication_withdraw_for_case`,
行政处罚法第四十八条第二款), whose own deadline is three working days from the change; the withdrawal
runs inside the appeal's transaction, so the outcome is never recorded without it.

Not done (issue 12, the case's `revoke`/`change` events, is not built): the case's own state and
amounts are not changed, and the late-payment surcharge (行政处罚法第七十二条、第七十三条) is not paused;
`selectors.pending_appeal_for_case` is the read that work will use.
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


def apply_outcome(appeal: Appeal, *, on: dt.date, note: str) -> list[Any]:
    """Withdraw the linked case's publication when the outcome calls for it; returns what was withdrawn."""
    ground = withdrawal_ground(appeal.outcome)
    if appeal.case_id is None or ground is None:
        return []
    from zhifa.public.portal.services import publication_withdraw_for_case

    return publication_withdraw_for_case(
        case_id=appeal.case_id, actor=None, ground=str(ground), changed_on=on, note=note
    )
