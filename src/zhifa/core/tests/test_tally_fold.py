"""The nightly fold of the roll-up (`state_counts.compact_tallies`) and an event's upsert of the same
agency's rows, interleaved the way that deadlocked in CI (stop 32): the fold holds a key's row, the
event has just inserted a key the fold would create, and each waits for the other. The interleaving
is forced with a third transaction holding one row, so the test does not rely on timing luck."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.db import connection, transaction

from zhifa.core import state_counts
from zhifa.core.models import StateTally
from zhifa.core.state_counts import Tally

WF = "fold_test"
AGENCY = 7
MONTH = dt.date(2025, 5, 1)


def _tally(state: str) -> Tally:
    return Tally(agency_id=AGENCY, month=MONTH, state=state, amount=Decimal("50.00"))


def _backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return int(cursor.fetchone()[0])


def _wait_until_blocked(pids: dict[str, int], name: str, errors: list[str]) -> None:
    """Until `name`'s session waits for a lock (10 s at most)."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not errors:
        if name in pids:
            with connection.cursor() as cursor:
                cursor.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [pids[name]])
                row = cursor.fetchone()
            if row and row[0] == "Lock":
                return
        time.sleep(0.02)
    raise AssertionError(f"{name} never waited for a lock: {errors}")


def _thread(
    name: str, pids: dict[str, int], errors: list[str], body: Callable[[], object]
) -> threading.Thread:
    def run() -> None:
        try:
            pids[name] = _backend_pid()
            body()
        except Exception as exc:  # the assertions below report it
            errors.append(f"{name}: {exc!r}")
        finally:
            connection.close()

    t = threading.Thread(target=run)
    t.start()
    return t


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_fold_and_event_never_deadlock() -> None:
    # the key "closed" has a row on shard 3 only; "served" on shards 0 and 5
    state_counts.tallied(workflow=WF, before=None, after=_tally("closed"), key=3)
    state_counts.tallied(workflow=WF, before=None, after=_tally("served"), key=16)
    state_counts.tallied(workflow=WF, before=None, after=_tally("served"), key=5)
    pids: dict[str, int] = {}
    errors: list[str] = []
    release, held = threading.Event(), threading.Event()

    def hold() -> None:  # holds served#5, the last row the fold locks
        with transaction.atomic():
            list(StateTally.objects.select_for_update().filter(workflow=WF, state="served", shard=5))
            held.set()
            release.wait(20)

    def event() -> None:  # a case of shard 0 moves from served to closed: inserts closed#0, then served#0
        with transaction.atomic():
            state_counts.tallied(workflow=WF, before=_tally("served"), after=_tally("closed"), key=32)

    threads = [_thread("holder", pids, errors, hold)]
    try:
        assert held.wait(10), errors
        threads.append(_thread("fold", pids, errors, lambda: state_counts.compact_tallies(workflow=WF)))
        _wait_until_blocked(pids, "fold", errors)  # holds closed#3 and served#0, waits for served#5
        threads.append(_thread("event", pids, errors, event))
        _wait_until_blocked(pids, "event", errors)  # waits for the fold's served#0
    finally:
        release.set()  # even when a step above failed: no thread is left holding a lock
        for t in threads:
            t.join(30)
    assert errors == []
    rows = {(r.state, r.shard): r.n for r in StateTally.objects.filter(workflow=WF)}
    sums: dict[str, int] = {}
    for (state, _shard), n in rows.items():
        sums[state] = sums.get(state, 0) + n
    assert sums == {"closed": 2, "served": 1}
    assert sum(1 for state, _shard in rows if state == "served") == 1  # served folded into one row
