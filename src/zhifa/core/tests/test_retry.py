"""`core.retry`: a transaction PostgreSQL aborts to break a deadlock runs again and both writers get
through; any other error, and a deadlock inside the caller's transaction, is raised at once."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import OperationalError, connection, transaction

from zhifa.core.models import Counter
from zhifa.core.retry import is_deadlock, retry_on_deadlock


class _Cause(Exception):
    def __init__(self, sqlstate: str) -> None:
        super().__init__(sqlstate)
        self.sqlstate = sqlstate


def _db_error(sqlstate: str) -> OperationalError:
    try:
        raise OperationalError("from the database") from _Cause(sqlstate)
    except OperationalError as exc:
        return exc


def test_only_a_deadlock_abort_is_run_again() -> None:
    calls: list[int] = []

    def once_a_deadlock() -> str:
        calls.append(1)
        if len(calls) == 1:
            raise _db_error("40P01")
        return "done"

    assert retry_on_deadlock(once_a_deadlock) == "done" and len(calls) == 2
    assert is_deadlock(_db_error("40P01")) and not is_deadlock(_db_error("57014"))

    def other_error() -> None:
        calls.append(1)
        raise _db_error("57014")  # a cancelled statement: not ours to repeat

    calls.clear()
    with pytest.raises(OperationalError):
        retry_on_deadlock(other_error)
    assert len(calls) == 1

    def always_a_deadlock() -> None:
        calls.append(1)
        raise _db_error("40P01")

    calls.clear()
    with pytest.raises(OperationalError):
        retry_on_deadlock(always_a_deadlock, attempts=3)
    assert len(calls) == 3


@pytest.mark.django_db
def test_inside_the_callers_transaction_the_error_goes_to_the_caller() -> None:
    calls: list[int] = []

    def a_deadlock() -> None:
        calls.append(1)
        raise _db_error("40P01")

    with pytest.raises(OperationalError), transaction.atomic():
        retry_on_deadlock(a_deadlock)
    assert len(calls) == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_writers_locking_in_opposite_orders_both_get_through() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's deadlock detection")
    Counter.objects.create(key="retry:a", value=0)
    Counter.objects.create(key="retry:b", value=0)
    both_hold_one = threading.Barrier(2, timeout=10)
    attempts: dict[str, int] = {"ab": 0, "ba": 0}
    errors: list[BaseException] = []

    def writer(first: str, second: str, name: str) -> None:
        def door() -> None:
            attempts[name] += 1
            with transaction.atomic():
                Counter.objects.select_for_update().get(key=f"retry:{first}")
                if attempts[name] == 1:
                    both_hold_one.wait()  # the first attempts: each holds one row, then wants the other
                row = Counter.objects.select_for_update().get(key=f"retry:{second}")
                Counter.objects.filter(pk=row.pk).update(value=row.value + 1)

        try:
            retry_on_deadlock(door)
        except BaseException as exc:  # reported to the test thread
            errors.append(exc)
        finally:
            connection.close()

    threads: list[Any] = [
        threading.Thread(target=writer, args=("a", "b", "ab")),
        threading.Thread(target=writer, args=("b", "a", "ba")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert errors == []
    assert sorted(attempts.values()) == [1, 2]  # one was the deadlock's victim and ran again
    assert Counter.objects.get(key="retry:a").value + Counter.objects.get(key="retry:b").value == 2
