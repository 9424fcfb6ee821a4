"""Two administrators issuing the same credential number, or registering the same officer, at the same
moment: one wins, the other gets 409 — whichever of them commits first and wherever the other then is."""

import datetime as dt
import threading

import pytest
from django.db import connection

from zhifa.core.errors import Conflict
from zhifa.core.tests.interleave import second_checks_then_first_commits
from zhifa.officers.factories import make_officer
from zhifa.officers.models import Credential
from zhifa.officers.services import credential_issue


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_issues_of_one_number_leave_one_credential(world) -> None:
    officers = [make_officer(agency=world.agency_a), make_officer(agency=world.agency_a)]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def issue(officer_id: int) -> None:
        try:
            barrier.wait()
            credential_issue(
                actor=None,
                officer_id=officer_id,
                number="RACE0001",
                issuer="测试市人民政府",
                areas=["城市管理"],
                issued_on=dt.date(2025, 1, 1),
                expires_on=dt.date(2030, 1, 1),
            )
            outcomes.append("issued")
        except Conflict as exc:
            outcomes.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=issue, args=(o.pk,)) for o in officers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["credential_number_taken", "issued"]
    assert Credential.objects.filter(number="RACE0001").count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_an_issue_committed_while_another_is_between_its_checks_gives_the_other_a_409(
    world, monkeypatch
) -> None:
    """The interleaving CI met on a busy host: the second issue has checked that the number is free,
    then the first commits it. The second must still answer Conflict (credential_number_taken), not a
    ValidationError from a second uniqueness check of its own."""
    officers = {"first": make_officer(agency=world.agency_a), "second": make_officer(agency=world.agency_a)}

    def issue() -> None:
        credential_issue(
            actor=None,
            officer_id=officers[threading.current_thread().name].pk,
            number="RACE0002",
            issuer="测试市人民政府",
            areas=["城市管理"],
            issued_on=dt.date(2025, 1, 1),
            expires_on=dt.date(2030, 1, 1),
        )

    outcomes = second_checks_then_first_commits(monkeypatch, hold=(Credential, "full_clean"), act=issue)
    assert outcomes == {"first": "done", "second": "credential_number_taken"}
    assert Credential.objects.filter(number="RACE0002").count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_registration_committed_while_another_is_between_its_checks_gives_the_other_a_409(
    world, monkeypatch
) -> None:
    """The same interleaving for registering an officer: the second has checked that the ID number is
    free, then the first commits it. The second answers Conflict (officer_exists), never a 500."""
    from zhifa.officers.factories import make_id_number
    from zhifa.officers.models import Officer
    from zhifa.officers.services import officer_create

    id_number = make_id_number()

    def register() -> None:
        officer_create(actor=None, agency=world.agency_a, name="并发登记", gender="male", id_number=id_number)

    outcomes = second_checks_then_first_commits(monkeypatch, hold=(Officer, "full_clean"), act=register)
    assert outcomes == {"first": "done", "second": "officer_exists"}
    assert Officer.objects.filter(id_number=id_number).count() == 1
