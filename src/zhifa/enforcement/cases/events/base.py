"""What a case event handler gets and may do: the engine's context (`zhifa.core.workflow.Ctx`) with
the case under its own name.

A handler reads its payload from `ctx.data`, checks its guards (raising DomainError subclasses: the
engine's transaction then rolls everything back), changes the case only through `ctx.set(...)`
(so exactly those fields are saved), records what the event row should keep in `ctx.record`, and
may choose the next state (`ctx.target`) when the table lists several.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from zhifa.core import workflow
from zhifa.enforcement.cases.models import Case
from zhifa.enforcement.cases.workflow import Transition

Handler = Callable[["Ctx"], None]
HANDLERS = workflow.Handlers()


def handles(event: str) -> Callable[[Handler], Handler]:
    return HANDLERS.handles(event)  # type: ignore[return-value]


@dataclass
class Ctx(workflow.Ctx[Case, Transition]):
    reindex: bool = False  # the searchable text changed (number, party, facts …)

    @property
    def case(self) -> Case:
        return self.obj
