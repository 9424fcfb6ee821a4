"""An appeal's effect on its penalty case, through the cases app's public door (issue 12 item 9–10):
pending → the case records it (surcharge paused, court window shut); decided → the case's own
`revoke` / `change` event, with the publication withdrawn on the day."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from zhifa.core.errors import InvalidInput
from zhifa.enforcement.cases.models import Case
from zhifa.supervision.appeals import services
from zhifa.supervision.appeals.models import Appeal
from zhifa.supervision.appeals.tests.conftest import lit_data, rec_data

pytestmark = [pytest.mark.django_db, pytest.mark.clock]


def ev(appeal: Appeal, actor: Any, event: str, **data: Any) -> Appeal:
    return services.appeal_apply_event(appeal_id=appeal.pk, actor=actor, event=event, data=data)


def reviewing(world: Any, case: Case) -> Appeal:
    a = services.appeal_create(
        actor=world.supervisor, data=rec_data(world, case_id=case.pk, known_on="2025-08-07")
    )
    a = ev(a, world.supervisor, "accept")
    a = ev(a, world.supervisor, "send_copy")
    return ev(a, world.reviewer_a, "answer", summary="事实清楚，证据确凿", evidence="现场检查笔录")


def test_a_pending_reconsideration_is_recorded_on_the_case_and_a_revocation_revokes_it(
    world: Any, decided_case: Any
) -> None:
    a = reviewing(world, decided_case)
    case = Case.objects.get(pk=decided_case.pk)
    assert case.appeal_pending
    assert case.appeal_spans[0]["from"] == "2025-09-01" and case.appeal_spans[0]["kind"] == "reconsideration"
    ev(a, world.supervisor, "decide", outcome="revoked", reasons="认定事实不清")
    case = Case.objects.get(pk=decided_case.pk)
    assert not case.appeal_pending and case.appeal_spans[0]["to"] is not None
    assert case.state == "closed" and case.revoked_on is not None
    assert case.decision_changes[-1]["by"] == "reconsideration"
    assert {"record_appeal", "end_appeal", "revoke"} <= set(case.events.values_list("name", flat=True))


def test_a_change_needs_the_changed_penalty_and_is_applied_to_the_case(world: Any, decided_case: Any) -> None:
    a = reviewing(world, decided_case)
    with pytest.raises(InvalidInput):
        ev(a, world.supervisor, "decide", outcome="changed", reasons="处罚过重")
    ev(a, world.supervisor, "decide", outcome="changed", reasons="处罚过重", changed_measures=["warning"])
    case = Case.objects.get(pk=decided_case.pk)
    assert case.measures == ["warning"] and case.fine_amount is None
    assert case.decision_changes[-1]["kind"] == "changed"


def test_a_lawsuit_is_pending_until_the_judgment_is_final(world: Any, decided_case: Any, frozen: Any) -> None:
    a = services.appeal_create(
        actor=world.reviewer_a, data=lit_data(world, case_id=decided_case.pk, known_on="2025-08-07")
    )
    assert Case.objects.get(pk=decided_case.pk).appeal_pending
    a = ev(a, world.reviewer_a, "submit_defence", summary="答辩状已提交")
    a = ev(a, world.reviewer_a, "withdraw", note="原告撤诉，法院裁定准许")
    case = Case.objects.get(pk=decided_case.pk)
    assert not case.appeal_pending and case.state == "served"
    assert dt.date.fromisoformat(case.appeal_spans[0]["to"]) >= dt.date(2025, 9, 1)
