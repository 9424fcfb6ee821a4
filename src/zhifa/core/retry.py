"""Run a write door again when PostgreSQL aborted it to break a deadlock.

Two transactions that take the same locks in opposite orders wait for each other; PostgreSQL notices
after `deadlock_timeout` (1 s), aborts one of them (SQLSTATE 40P01) and lets the other go on. The
aborted one has changed nothing — its whole transaction was rolled back, its on-commit hooks dropped —
so running the door again is safe and is what the user would do by pressing the button again; the
second attempt almost always finds the other transaction gone.

Used where a door cannot keep one lock order: `cases.services.case_on_spot` registers a case (its audit
entry holds the audit chain's lock until the commit) and then applies events that take the kept
counters' rows, while an ordinary event takes a counter row first and the chain's lock last.

Only the outermost transaction can be retried: inside a caller's `atomic` block the error goes to the
caller, whose transaction is aborted anyway. SQLite never deadlocks this way (one writer at a time).
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from typing import TypeVar

from django.db import DEFAULT_DB_ALIAS, OperationalError, connections

log = logging.getLogger(__name__)

T = TypeVar("T")

DEADLOCK_DETECTED = "40P01"
ATTEMPTS = 3


def is_deadlock(exc: BaseException) -> bool:
    """Whether a database error is PostgreSQL's deadlock abort (psycopg's error is the cause)."""
    cause = exc.__cause__ or exc.__context__
    return getattr(cause, "sqlstate", None) == DEADLOCK_DETECTED


def retry_on_deadlock(fn: Callable[[], T], *, attempts: int = ATTEMPTS, using: str = DEFAULT_DB_ALIAS) -> T:
    """`fn()` — which opens its own transaction — run again (at most `attempts` times in all) when
    PostgreSQL aborted it as the victim of a deadlock. Any other error, and a deadlock inside a
    transaction the caller opened, is raised at once."""
    if connections[using].in_atomic_block:
        return fn()
    for attempt in range(1, attempts + 1):
        try:
            return fn()
        except OperationalError as exc:
            if attempt == attempts or not is_deadlock(exc):
                raise
            log.warning(
                "deadlock: attempt %d of %d aborted by the database, running it again", attempt, attempts
            )
            time.sleep(random.uniform(0.005, 0.05))  # a jitter, not a secret
    raise AssertionError("unreachable")  # pragma: no cover
