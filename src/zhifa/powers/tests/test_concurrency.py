"""Two administrators creating a power item with the same code at the same moment: one item, one 409
`duplicate_code` — also when the first commits while the second is between its check and its insert."""

import threading

import pytest
from django.db import connection

from zhifa.core.errors import Conflict
from zhifa.powers.factories import content
from zhifa.powers.models import PowerItem
from zhifa.powers.services import power_item_create


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_creation_committed_while_another_is_between_its_check_and_insert_gives_the_other_a_409(
    world, monkeypatch
) -> None:
    first_committed = threading.Event()
    real_create = PowerItem.objects.create

    def held_back(**kwargs: object) -> PowerItem:
        if threading.current_thread().name == "second":
            assert first_committed.wait(10)
        return real_create(**kwargs)

    monkeypatch.setattr(PowerItem.objects, "create", held_back)
    outcomes: dict[str, str] = {}

    def create() -> None:
        name = threading.current_thread().name
        try:
            power_item_create(actor=None, code="RACE-001", content=content(), agency=world.agency_a)
            outcomes[name] = "created"
        except Conflict as exc:
            outcomes[name] = exc.code
        except Exception as exc:  # what the old code answered (an IntegrityError: a 500) is the finding
            outcomes[name] = type(exc).__name__
        finally:
            if name == "first":
                first_committed.set()
            connection.close()

    second = threading.Thread(target=create, name="second")
    second.start()
    first = threading.Thread(target=create, name="first")
    first.start()
    first.join()
    second.join()
    assert outcomes == {"first": "created", "second": "duplicate_code"}
    assert PowerItem.objects.filter(code="RACE-001").count() == 1
