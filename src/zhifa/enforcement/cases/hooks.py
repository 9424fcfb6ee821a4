"""Extension points for other apps (docs/interfaces.md).

- `register_event_listener(fn)`: `fn(case, event)` runs inside the event's transaction, after the
  case was saved and the CaseEvent written. The documents app generates 文书 here; the portal schedules
  publication on `decide`. A listener that raises rolls the whole event back, so listeners must only
  raise for real failures (never for "nothing to do").
- `register_archive_check(fn)`: `fn(case) -> list[str]` of translated problems; `archive` is refused
  (422) while any check reports one (documents: dossier completeness; evidence: mandatory AV records).

Register in AppConfig.ready(). Registration is idempotent per function (ready() may run twice in tests).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from zhifa.enforcement.cases.models import Case, CaseEvent

EventListener = Callable[["Case", "CaseEvent"], Any]
ArchiveCheck = Callable[["Case"], list[str]]

_listeners: list[EventListener] = []
_archive_checks: list[ArchiveCheck] = []


def register_event_listener(fn: EventListener) -> EventListener:
    if fn not in _listeners:
        _listeners.append(fn)
    return fn


def register_archive_check(fn: ArchiveCheck) -> ArchiveCheck:
    if fn not in _archive_checks:
        _archive_checks.append(fn)
    return fn


def event_listeners() -> list[EventListener]:
    return list(_listeners)


def archive_checks() -> list[ArchiveCheck]:
    return list(_archive_checks)


def notify_listeners(case: Case, event: CaseEvent) -> None:
    for fn in list(_listeners):
        fn(case, event)


def archive_problems(case: Case) -> list[str]:
    problems: list[str] = []
    for fn in list(_archive_checks):
        problems.extend(str(p) for p in fn(case) or [])
    return problems
