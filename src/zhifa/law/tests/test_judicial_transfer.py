import datetime as dt
from decimal import Decimal

import pytest

from zhifa.core.errors import InvalidInput, RuleViolation
from zhifa.law import judicial_transfer as jt


def test_a_transfer_names_the_organ_the_document_and_the_suspicion() -> None:
    jt.check_transfer(
        document_number="移字〔2025〕1号", organ="测试市公安局", suspicion="非法占用农用地，面积达到立案标准"
    )
    with pytest.raises(InvalidInput):
        jt.check_transfer(document_number="", organ="测试市公安局", suspicion="达到立案标准")
    with pytest.raises(RuleViolation) as exc:
        jt.check_transfer(document_number="1", organ="测试市公安局", suspicion="")
    assert "第二十七条" in str(exc.value.message)


def test_paid_fines_are_credited_and_only_acceptance_ends_the_case() -> None:
    assert jt.credit_on_transfer(paid_amount=Decimal("500")) == Decimal("500.00")
    assert jt.parse_answer("accepted") in jt.ENDS_CASE
    assert jt.parse_answer("returned") not in jt.ENDS_CASE
    with pytest.raises(InvalidInput):
        jt.parse_answer("maybe")
    with pytest.raises(InvalidInput):
        jt.check_answer(
            transferred_on=dt.date(2025, 6, 3),
            receipt_on=dt.date(2025, 6, 4),
            answered_on=dt.date(2025, 6, 3),
        )
