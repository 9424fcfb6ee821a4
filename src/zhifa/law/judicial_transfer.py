"""Transfer of a case suspected of a crime to the judicial organs (行刑衔接).

- 行政处罚法第二十七条第一款: an act suspected of being a crime is transferred to the judicial organs
  without delay; where they find no criminal liability is to be pursued but an administrative
  penalty is due, they send the case back. The transfer is made with a written 涉嫌犯罪案件移送书 (its
  number is kept) and the organ's receipt is recorded.
- 行政处罚法第五十七条第一款第（四）项: a case suspected of a crime is transferred rather than decided.
- 行政处罚法第三十五条第二款: a fine the agency already imposed is credited against a criminal fine
  (罚金) the court imposes; if none was imposed, none is imposed afterwards. The transfer therefore
  records what the party has already paid, so the court can credit it.
- On the answer: a case the organ accepts (立案) ends here (terminated, the criminal case goes on); a
  case it declines or sends back resumes, and the administrative procedure continues.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from zhifa.core.errors import InvalidInput, RuleViolation

ART_27 = "行政处罚法第二十七条"
ART_35 = "行政处罚法第三十五条第二款"
ART_57_4 = "行政处罚法第五十七条第一款第（四）项"
MIN_CHARS = 4


class Answer(StrEnum):
    ACCEPTED = "accepted"  # 立案侦查: the case ends here
    DECLINED = "declined"  # 不予立案: the administrative procedure resumes
    RETURNED = "returned"  # 移送回行政机关（不需要追究刑事责任但应当给予行政处罚）: resumes


ENDS_CASE = frozenset({Answer.ACCEPTED})


def check_transfer(*, document_number: str, organ: str, suspicion: str) -> None:
    """The transfer names the organ, the 移送书's number and the suspected crime (第二十七条)."""
    for field, value in (("document_number", document_number), ("organ", organ)):
        if not value.strip():
            raise InvalidInput(
                _("This field is required: %(field)s.") % {"field": field}, detail={"field": field}
            )
    if len(suspicion.strip()) < MIN_CHARS:
        raise RuleViolation(
            _("State the facts that make the act a suspected crime (%(article)s).") % {"article": ART_27},
            code="transfer_without_suspicion",
            article=ART_27,
            detail={"field": "suspicion"},
        )


def credit_on_transfer(*, paid_amount: Decimal) -> Decimal:
    """What the court is to credit against a criminal fine: the fine already paid (第三十五条第二款)."""
    return max(paid_amount, Decimal("0.00")).quantize(Decimal("0.01"))


def parse_answer(raw: object) -> Answer:
    try:
        return Answer(str(raw))
    except ValueError:
        raise InvalidInput(
            _("Choose the judicial organ's answer."),
            detail={"field": "answer", "choices": [a.value for a in Answer]},
        ) from None


def check_answer(*, transferred_on: dt.date, receipt_on: dt.date | None, answered_on: dt.date) -> None:
    """The answer follows the transfer (and the receipt, where recorded)."""
    if answered_on < (receipt_on or transferred_on):
        raise InvalidInput(
            _("The answer cannot be before the transfer or its receipt."), detail={"field": "answered_on"}
        )
