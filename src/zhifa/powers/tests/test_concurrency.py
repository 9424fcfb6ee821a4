"""Two administrators creating a power item with the same code at the same moment: one item, one 409
`duplicate_code` — also when the first commits while the second is between its check and its insert."""

import pytest

from zhifa.core.tests.interleave import second_checks_then_first_commits
from zhifa.powers.factories import content
from zhifa.powers.models import PowerItem
from zhifa.powers.services import power_item_create


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_creation_committed_while_another_is_between_its_check_and_insert_gives_the_other_a_409(
    world, monkeypatch
) -> None:
    def create() -> None:
        power_item_create(actor=None, code="RACE-001", content=content(), agency=world.agency_a)

    outcomes = second_checks_then_first_commits(monkeypatch, hold=(PowerItem.objects, "create"), act=create)
    assert outcomes == {"first": "done", "second": "duplicate_code"}
    assert PowerItem.objects.filter(code="RACE-001").count() == 1
