"""Each workflow's drawing (docs/workflow*.md) drawn from its table: Mermaid state diagrams and the
table as Markdown.

An app registers its document in `AppConfig.ready()` with `register_doc(path, render)`;
`manage.py workflow_docs` writes every registered document and `--check` refuses a stale one, as does
`core/tests/test_workflow_docs.py`, so a drawing can never drift from the rules the engine applies.
Labels are drawn in English (the message ids): a file must not depend on which catalogue is compiled.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils import translation

from zhifa.core.workflow import Transition


def edges(
    rows: Iterable[Transition],
    *,
    skip: Iterable[str] = (),
    include: Callable[[Transition], bool] | None = None,
) -> list[tuple[str, str, str]]:
    """(source, target, event) for every row, creating events from `[*]`; `skip` leaves out events
    that apply from (almost) every state and would turn the drawing into a hairball."""
    skipped = set(skip)
    found: list[tuple[str, str, str]] = []
    for t in rows:
        if t.event in skipped or (include is not None and not include(t)):
            continue
        if not t.sources:
            found.append(("[*]", t.target or "", t.event))
            continue
        for source in sorted(t.sources):
            for target in t.possible_targets(source):
                found.append((source, target, t.event))
    return found


def mermaid(
    rows: Iterable[Transition],
    states: Iterable[tuple[str, str]],
    *,
    skip: Iterable[str] = (),
    include: Callable[[Transition], bool] | None = None,
) -> str:
    """A Mermaid `stateDiagram-v2`: each state used, with its label, then one arrow per edge."""
    lines = ["```mermaid", "stateDiagram-v2"]
    drawn = edges(rows, skip=skip, include=include)
    used = {s for source, target, _event in drawn for s in (source, target)}
    for value, label in states:
        if value in used:
            lines.append(f"    {value}: {value} ({label})")
    for source, target, event in drawn:
        lines.append(f"    {source} --> {target}: {event}")
    lines.append("```")
    return "\n".join(lines)


def checks(t: Transition) -> str:
    """Guards, then what the event creates and the documents it produces, one per line."""
    parts = [
        *(str(g) for g in t.guards),
        *(f"+ {c}" for c in t.creates),
        *(f"+ document: {d}" for d in t.documents),
    ]
    return "<br>".join(parts) or "—"


def table_row(t: Transition) -> str:
    """The generic table line: | event | from | to | who | date of the act | checks |."""
    sources = ", ".join(sorted(t.sources)) if t.sources else "—"
    target = t.target or ("/".join(t.targets) if t.targets else "(same)")
    roles = ", ".join(sorted(t.roles))
    date = f"`{t.date_field}`" if t.date_field else "—"
    return f"| `{t.event}` | {sources} | {target} | {roles} | {date} | {checks(t)} |"


TABLE_HEAD = (
    "| event | from | to | who | date of the act | checks (article) and what it creates |\n"
    "|---|---|---|---|---|---|"
)


def in_english(fn: Callable[[], str]) -> str:
    with translation.override("en"):
        return fn()


@dataclass(frozen=True)
class WorkflowDoc:
    path: str  # relative to the repository (settings.BASE_DIR)
    render: Callable[[], str]

    def file(self) -> Path:
        return Path(settings.BASE_DIR) / self.path

    def is_current(self) -> bool:
        f = self.file()
        return f.exists() and f.read_text(encoding="utf-8") == self.render()


_docs: dict[str, WorkflowDoc] = {}


def register_doc(path: str, render: Callable[[], str]) -> None:
    """Idempotent per path (AppConfig.ready() may run twice in tests)."""
    _docs[path] = WorkflowDoc(path, render)


def workflow_docs() -> Mapping[str, WorkflowDoc]:
    return dict(_docs)
