"""The four indicators against hand counts (docs/appeals.md)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from zhifa.core.indicators import DateSpan, indicator_value
from zhifa.supervision.appeals import services
from zhifa.supervision.appeals.tests.conftest import lit_data, rec_data

pytestmark = pytest.mark.django_db


def ev(a: Any, actor: Any, event: str, **data: Any) -> Any:
    return services.appeal_apply_event(appeal_id=a.pk, actor=actor, event=event, data=data)


def decided(world: Any, outcome: str, *, agency: Any = None) -> Any:
    data = rec_data(world, respondent_id=(agency or world.agency_a).pk)
    a = services.appeal_create(actor=world.supervisor, data=data)
    ev(a, world.supervisor, "accept")
    ev(a, world.supervisor, "send_copy")
    answerer = world.reviewer_a if agency is None else None
    if answerer is not None:
        ev(a, answerer, "answer", summary="答复意见")
    return ev(a, world.supervisor, "decide", outcome=outcome, reasons="理由如下")


def suit(world: Any, appearances: list[str], judgment: str | None) -> Any:
    a = services.appeal_create(actor=world.reviewer_a, data=lit_data(world))
    ev(a, world.reviewer_a, "submit_defence", summary="答辩状")
    for appearance in appearances:
        extra = {"head_name": "王局长"} if appearance == "head" else {"delegate_name": "赵科长"}
        ev(a, world.reviewer_a, "record_hearing", appearance=appearance, **extra)
    if judgment is not None:
        ev(a, world.reviewer_a, "judge", judgment=judgment)
        ev(a, world.reviewer_a, "appeal", appellant="被告")
        ev(a, world.reviewer_a, "judge", judgment=judgment)  # second instance: final
    return a


def test_rates_against_hand_counts(world: Any, frozen: Any) -> None:
    span = DateSpan(dt.date(2025, 9, 1), dt.date(2025, 9, 30))
    ids = [world.agency_a.pk, world.agency_b.pk]
    for code in (
        "appeals.head_appearance_rate",
        "appeals.correction_rate",
        "appeals.loss_rate",
        "appeals.answer_on_time_rate",
    ):
        assert indicator_value(code, ids, span).value is None  # nothing yet: no rate, not 0 %

    # reconsideration: 4 decisions of agency A — upheld, dismissed, revoked, changed → 2 of 4 corrected
    for outcome in ("upheld", "dismissed", "revoked", "changed"):
        decided(world, outcome)
    # agency B never answered: only a correcting outcome is possible (art. 70) → 1 of 1
    decided(world, "declared_unlawful", agency=world.agency_b)
    # a mediated one is not a decision
    m = services.appeal_create(actor=world.supervisor, data=rec_data(world))
    ev(m, world.supervisor, "accept")
    ev(
        m,
        world.supervisor,
        "mediate",
        checklist={"voluntary": 1, "lawful": 1, "no_harm_to_public_interest": 1, "no_harm_to_others": 1},
        signed_by_all_parties=True,
        sealed=True,
        terms="双方达成调解协议",
    )

    # litigation: hearings head, staff, head | head | staff → 3 of 5; concluded: revoked (lost), dismissed → 1 of 2
    suit(world, ["head", "staff", "head"], "revoked")
    suit(world, ["head"], "dismissed")
    suit(world, ["staff"], None)  # still on trial: not concluded

    v = indicator_value("appeals.correction_rate", ids, span)
    assert (v.numerator, v.denominator, v.value) == (Decimal(3), Decimal(5), Decimal("60.0"))
    v = indicator_value("appeals.correction_rate", [world.agency_a.pk], span)
    assert (v.numerator, v.denominator, v.value) == (Decimal(2), Decimal(4), Decimal("50.0"))
    v = indicator_value("appeals.head_appearance_rate", ids, span)
    assert (v.numerator, v.denominator, v.value) == (Decimal(3), Decimal(5), Decimal("60.0"))
    v = indicator_value("appeals.loss_rate", ids, span)
    assert (v.numerator, v.denominator, v.value) == (Decimal(1), Decimal(2), Decimal("50.0"))
    # answers: 4 reconsideration answers on time + 3 defences on time → 7 of 7
    v = indicator_value("appeals.answer_on_time_rate", ids, span)
    assert (v.numerator, v.denominator) == (Decimal(7), Decimal(7))
    # outside the span: nothing
    assert indicator_value("appeals.loss_rate", ids, DateSpan(dt.date(2025, 10, 1), None)).value is None


def test_late_answer_counts_against_on_time_rate(world: Any, frozen: Any) -> None:
    a = services.appeal_create(actor=world.supervisor, data=rec_data(world))
    ev(a, world.supervisor, "accept")
    ev(a, world.supervisor, "send_copy")
    frozen.move_to("2025-09-16 10:00+08:00")  # the answer was due on 15 September
    ev(a, world.reviewer_a, "answer", summary="迟到的答复")
    v = indicator_value("appeals.answer_on_time_rate", [world.agency_a.pk], DateSpan.year(2025))
    assert (v.numerator, v.denominator, v.value) == (Decimal(0), Decimal(1), Decimal("0.0"))
