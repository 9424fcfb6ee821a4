"""The registry of problem models (问题模型): rules over live data that find supervision clues.

Each app owns the models over its own data (its module `problems.py`) and registers them in
`AppConfig.ready()`; the supervision centre runs them, keeps one clue per condition and closes it when
the condition clears. The centre imports no domain's models: it only reads `Finding`s.

    register_problem_model(ProblemModel(
        code="cases.decision_overdue", name=_("Decision overdue"), article="行政处罚法第六十条",
        settings=("supervision.decision_grace_days",), subject="cases.case", find=find_overdue,
    ))

`find(scope, today)` yields a `Finding` for each condition that holds now, within the scope: all data
(the nightly sweep), some agencies, or some objects of the model's `subject` (the incremental check
after an event on those objects). A finding's `key` is stable for the condition ("cases.case:12"), so
running a model twice raises nothing new; its `explanation` says why, naming the threshold applied and
where it came from; its `records` list the rows that triggered it.

In an incremental check an aggregate model (an officer's share, a pair's day: `incremental=False`,
`recheck=True`) re-evaluates only the aggregates the changed objects feed, and yields a `Checked(key)`
for each of them that no longer holds, so its clue is closed without waiting for the sweep. The
finders of one check share `scope.memo` (rows read once for several models, the jurisdiction
settings), and `rows(qs, scope=scope)` reads a check's few rows in one go instead of through a
server-side cursor.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise


@dataclass(frozen=True)
class Scope:
    """What to look at. `subject`/`ids`: only these objects (an incremental check); `agency_ids`: only
    these agencies. Both None: everything (the sweep)."""

    subject: str | None = None
    ids: frozenset[int] | None = None
    agency_ids: frozenset[int] | None = None
    # what the finders of one run share (rows of the subject read once, settings): never compared
    memo: dict[str, Any] = field(default_factory=dict, compare=False, hash=False, repr=False)

    @property
    def incremental(self) -> bool:
        """Some objects only (the check after an event), not a sweep."""
        return self.ids is not None

    def remember(self, key: str, load: Callable[[], Any]) -> Any:
        """`load()` once per run for all the finders that ask for `key`."""
        if key not in self.memo:
            self.memo[key] = load()
        return self.memo[key]

    def applies_to(self, subject: str) -> bool:
        """Whether a model over `subject` has anything to look at in this scope."""
        return self.subject is None or self.subject == subject

    def ids_for(self, subject: str) -> frozenset[int] | None:
        """The object ids to restrict to (None: no restriction)."""
        return self.ids if self.subject == subject else None


@dataclass(frozen=True)
class Record:
    """A row that triggered a finding, as the explanation lists it."""

    object_type: str
    object_id: int
    label: str
    facts: dict[str, str] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "object_type": self.object_type,
            "object_id": self.object_id,
            "label": self.label,
            "facts": dict(self.facts),
        }


@dataclass(frozen=True)
class Finding:
    key: str  # stable for the condition
    agency_id: int
    object_type: str
    object_id: int
    title: str
    explanation: str
    records: tuple[Record, ...] = ()
    case_id: int | None = None
    officer_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class Checked:
    """An aggregate condition re-evaluated by an incremental check that does not hold (any more): an
    open clue under this key is closed. (The sweep needs no such marker: it sees every condition.)"""

    key: str


Find = Callable[[Scope, dt.date], Iterable[Finding | Checked]]
# The rows a finder would read in an incremental check (a queryset; None: it reads nothing).
Probe = Callable[[Scope, dt.date], Any]


@dataclass(frozen=True)
class ProblemModel:
    code: str  # "<app>.<name>"
    name: str | Promise
    article: str  # the legal basis
    settings: tuple[str, ...]  # law.jurisdiction keys holding its thresholds
    subject: str  # the object type whose events re-check it ("cases.case")
    find: Find
    description: str | Promise = ""
    # Demo data only (`manage.py seed_demo`): make the condition hold on some existing record, as a
    # record imported without the platform's checks would; returns whether it planted anything.
    plant: Callable[[dict[str, Any]], bool] | None = None
    # False for aggregate models (an officer's share of cases, a pair's day): the condition is not about
    # the changed object itself. With `recheck`, the check after an event on an object re-evaluates the
    # aggregates that object feeds (its officers' shares, its officers' pairs on its days) and raises or
    # closes their clues at once; without it, such a model runs in the nightly sweep only.
    incremental: bool = True
    recheck: bool = False
    # An incremental check's cheap test (module docstring): a superset of what `find` reads there —
    # every finding comes from a row of it — so a probe without rows skips the finder. None: always run.
    probe: Probe | None = None


_REGISTRY: dict[str, ProblemModel] = {}


class UnknownProblemModel(LookupError):
    pass


def register_problem_model(model: ProblemModel) -> ProblemModel:
    """Register (or, on a repeated ready(), replace) a model."""
    if "." not in model.code:
        raise ValueError(f"problem model code {model.code!r} must be '<app>.<name>'")
    _REGISTRY[model.code] = model
    return model


def problem_models(codes: Collection[str] | None = None) -> list[ProblemModel]:
    """The registered models by code (only `codes` when given)."""
    return [_REGISTRY[c] for c in sorted(_REGISTRY) if codes is None or c in codes]


def problem_model(code: str) -> ProblemModel:
    try:
        return _REGISTRY[code]
    except KeyError:
        raise UnknownProblemModel(code) from None


def subjects() -> frozenset[str]:
    return frozenset(m.subject for m in _REGISTRY.values())


def rows(queryset: Any, chunk: int = 2000, *, scope: Scope | None = None) -> Iterator[dict[str, Any]]:
    """The rows of a `.values(...)` queryset, streamed in chunks (constant memory over any number of
    rows): what finders iterate. In an incremental check (`scope` of some objects) the few rows are
    read in one query, without the server-side cursor's extra round trips."""
    if scope is not None and scope.incremental:
        yield from list(queryset)
    else:
        yield from queryset.iterator(chunk)
