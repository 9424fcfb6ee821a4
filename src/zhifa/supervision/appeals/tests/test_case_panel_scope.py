"""The case page's appeals panel reads a case's appeals through a prepared query and applies the
reader's scope to the rows (core.prepared): the respondent agency's staff and the city supervisor see
the appeal, another agency's officer does not."""

from __future__ import annotations

from typing import Any

import pytest

from zhifa.supervision.appeals import services
from zhifa.supervision.appeals.selectors import appeals_for_case
from zhifa.supervision.appeals.tests.conftest import rec_data

pytestmark = [pytest.mark.django_db, pytest.mark.clock]


def test_appeals_of_a_case_follow_the_readers_scope(world: Any, decided_case: Any) -> None:
    appeal = services.appeal_create(
        actor=world.supervisor, data=rec_data(world, case_id=decided_case.pk, known_on="2025-08-07")
    )
    assert [a.pk for a in appeals_for_case(user=world.officer_a, case_id=decided_case.pk)] == [appeal.pk]
    assert [a.pk for a in appeals_for_case(user=world.supervisor, case_id=decided_case.pk)] == [appeal.pk]
    assert appeals_for_case(user=world.officer_b, case_id=decided_case.pk) == []
    assert appeals_for_case(user=world.officer_a, case_id=-1) == []
