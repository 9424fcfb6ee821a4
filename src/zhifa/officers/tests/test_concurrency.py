"""Two administrators issuing the same credential number at the same moment: one wins, one gets 409."""

import datetime as dt
import threading

import pytest
from django.db import connection

from zhifa.core.errors import Conflict
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
