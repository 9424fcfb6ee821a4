"""Extension points for other apps (docs/interfaces.md).

- `register_event_listener(fn)`: `fn(case, event)` runs inside the event's transaction, after the
  case was saved and the CaseEvent written. The documents app generates 文书 here; the portal schedules
  publication on `decide`. A listener that raises rolls the whole event back, so listeners must only
  raise for real failures (never for "nothing to do").
- `register_archive_check(fn)`: `fn(case) -> list[str]` of translated problems; `archive` is refused
  (422) while any check reports one (documents: dossier completeness; evidence: mandatory AV records).

- `register_file_source(fn)`: `fn(case) -> list[law.casefile.FileItem]` — what the file holds that a
  document may cite (evidence: uploaded items; documents: 笔录). `notify` and `decide` refuse an empty
  file (行政处罚法第四十条) and record what they cite; a waiver must point at an evidence item of the
  file; `archive` flags items dated before the decision but entered after it.

- `register_case_panel(fn)`: `fn(request, case) -> str` of HTML (already escaped, e.g. from
  `render_to_string`) or "" — a read-only panel another app adds to the case page (appeals lists the
  case's reconsiderations and lawsuits). Panels must not raise for "nothing to show".

- `register_no_penalty_list_listener(fn)`: `fn()` runs after the commit of any change to the 免罚清单
  (a line added, changed or retired); the portal rebuilds its cached pages.

Register in AppConfig.ready(). Registration is idempotent per function (ready() may run twice in tests).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from zhifa.enforcement.cases.models import Case, CaseEvent
    from zhifa.law.casefile import FileItem

EventListener = Callable[["Case", "CaseEvent"], Any]
ArchiveCheck = Callable[["Case"], list[str]]
CasePanel = Callable[[Any, "Case"], str]
FileSource = Callable[["Case"], list["FileItem"]]

_listeners: list[EventListener] = []
_archive_checks: list[ArchiveCheck] = []
_panels: list[CasePanel] = []
_file_sources: list[FileSource] = []
_list_listeners: list[Callable[[], Any]] = []


def register_no_penalty_list_listener(fn: Callable[[], Any]) -> Callable[[], Any]:
    if fn not in _list_listeners:
        _list_listeners.append(fn)
    return fn


def no_penalty_list_changed() -> None:
    for fn in list(_list_listeners):
        fn()


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


def register_case_panel(fn: CasePanel) -> CasePanel:
    if fn not in _panels:
        _panels.append(fn)
    return fn


def case_panels(request: Any, case: Case) -> list[str]:
    """The HTML of every registered panel that has something to show, in registration order."""
    return [html for html in (str(fn(request, case) or "") for fn in list(_panels)) if html]


def register_file_source(fn: FileSource) -> FileSource:
    if fn not in _file_sources:
        _file_sources.append(fn)
    return fn


def file_items(case: Case) -> list[FileItem]:
    """Everything the registered sources say the case's file holds, oldest first."""
    items: list[FileItem] = []
    for fn in list(_file_sources):
        items.extend(fn(case) or [])
    return sorted(items, key=lambda i: (i.dated_on or i.entered_on, i.ref))
