from decimal import Decimal

import pytest

from zhifa.core.errors import InvalidInput, RuleViolation
from zhifa.law import hearing


def test_a_challenged_presider_needs_a_decision_and_a_granted_one_may_not_preside() -> None:
    hearing.check_presider_challenge(challenged=False, decision=None)
    hearing.check_presider_challenge(challenged=True, decision="refused")
    with pytest.raises(InvalidInput):
        hearing.check_presider_challenge(challenged=True, decision=None)
    with pytest.raises(RuleViolation) as exc:
        hearing.check_presider_challenge(challenged=True, decision="granted")
    assert "第六十四条第（四）项" in str(exc.value.message)


def test_the_record_is_signed_or_the_refusal_noted() -> None:
    hearing.check_record_signed(signed=True, refusal_note="")
    hearing.check_record_signed(signed=False, refusal_note="当事人拒绝签字")
    with pytest.raises(RuleViolation) as exc:
        hearing.check_record_signed(signed=False, refusal_note=" ")
    assert exc.value.code == "hearing_record_unsigned" and "第（八）项" in str(exc.value.message)


def test_a_confiscation_needs_its_value() -> None:
    hearing.check_confiscation_value(confiscating=True, value=Decimal("0"))
    hearing.check_confiscation_value(confiscating=False, value=None)
    with pytest.raises(RuleViolation) as exc:
        hearing.check_confiscation_value(confiscating=True, value=None)
    assert "第六十三条" in str(exc.value.message)
