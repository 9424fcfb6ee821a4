"""Two writers racing one check-then-insert, in the order a busy host can produce: the second has
passed its "does it exist?" check when the first commits. Used by the PostgreSQL concurrency tests of
services that must answer a refusal then, never a 500 (org, officers, powers)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from zhifa.core.errors import Conflict


def second_checks_then_first_commits(
    monkeypatch: pytest.MonkeyPatch, *, hold: tuple[Any, str], act: Callable[[], object]
) -> dict[str, str]:
    """Run `act` in two threads. `hold` names a method (an object and the attribute) that `act` calls
    after its check and before its insert. "second" runs until that call and waits there; only then
    does "first" start, and "second" goes on once "first" has returned (committed). Each thread's
    outcome: "done", the Conflict's code, or the name of any other exception (the finding, when a race
    answers a 500)."""
    owner, attribute = hold
    real = getattr(owner, attribute)
    second_checked = threading.Event()
    first_done = threading.Event()

    def held_back(*args: Any, **kwargs: Any) -> Any:
        if threading.current_thread().name == "second":
            second_checked.set()
            assert first_done.wait(10)
        return real(*args, **kwargs)

    monkeypatch.setattr(owner, attribute, held_back)
    outcomes: dict[str, str] = {}

    def run() -> None:
        name = threading.current_thread().name
        try:
            act()
            outcomes[name] = "done"
        except Conflict as exc:
            outcomes[name] = exc.code
        except Exception as exc:  # any other answer is what the test reports
            outcomes[name] = type(exc).__name__
        finally:
            if name == "first":
                first_done.set()
            connection.close()

    second = threading.Thread(target=run, name="second")
    second.start()
    assert second_checked.wait(10), "the second writer never reached the held call"
    first = threading.Thread(target=run, name="first")
    first.start()
    first.join()
    second.join()
    return outcomes
