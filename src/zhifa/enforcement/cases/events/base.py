"""What an event handler gets and may do.

A handler reads its payload from `ctx.data`, checks its guards (raising DomainError subclasses: the
service's transaction then rolls everything back), changes the case only through `ctx.set(...)`
(so the service saves exactly those fields), records what the event row should keep in
`ctx.record`, and may choose the next state (`ctx.target`) when the table lists several.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from zhifa.enforcement.cases.models import Case
from zhifa.enforcement.cases.workflow import Transition

Handler = Callable[["Ctx"], None]
HANDLERS: dict[str, Handler] = {}


def handles(event: str) -> Callable[[Handler], Handler]:
    def decorator(fn: Handler) -> Handler:
        HANDLERS[event] = fn
        return fn

    return decorator


@dataclass
class Ctx:
    case: Case
    actor: Any
    transition: Transition
    data: dict[str, Any]
    act_on: dt.date  # the real-world date of the act (given by the caller, checked by the service)
    today: dt.date
    changed: set[str] = field(default_factory=set)
    record: dict[str, Any] = field(default_factory=dict)
    target: str | None = None
    reindex: bool = False  # the searchable text changed (number, party, facts …)
    after_commit: list[Callable[[], None]] = field(default_factory=list)

    def set(self, **values: Any) -> None:
        for name, value in values.items():
            setattr(self.case, name, value)
            self.changed.add(name)
