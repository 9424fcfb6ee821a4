"""What a case event handler gets and may do: the engine's context (`zhifa.core.workflow.Ctx`) with
the case under its own name.

A handler reads its payload from `ctx.data`, checks its guards (raising DomainError subclasses: the
engine's transaction then rolls everything back), changes the case only through `ctx.set(...)`
(so exactly those fields are saved), records what the event row should keep in `ctx.record`, and
may choose the next state (`ctx.target`) when the table lists several.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from zhifa.core import workflow
from zhifa.enforcement.cases.models import Case
from zhifa.enforcement.cases.workflow import Transition
from zhifa.foundation.deadlines.services import Subject
from zhifa.law.court_enforcement import AppealSpan

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


# Deadlines of a case that run on the shared engine (zhifa.foundation.deadlines), object type
# "cases.case": the cash collected on the spot, handed in within 2 working days (行政处罚法第七十一条).
CASE_OBJECT = "cases.case"
CASH_KIND = "cases.cash_hand_in"


def cash_subject(case: Case) -> Subject:
    return Subject(CASE_OBJECT, case.pk, case.agency_id)


def appeal_spans(case: Case) -> list[AppealSpan]:
    """The appeals recorded on the case, for the court window (行政强制法第五十三条)."""
    return [
        AppealSpan(
            str(s.get("kind", "")),
            dt.date.fromisoformat(str(s["from"])),
            dt.date.fromisoformat(str(s["to"])) if s.get("to") else None,
        )
        for s in case.appeal_spans or []
    ]
