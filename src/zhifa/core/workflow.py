"""The workflow engine every domain with a lifecycle runs on: a transition table (data) and one
`apply_event` skeleton (code) that applies a row of it.

A domain declares
- its table: `Transition(event, label, sources, target, roles, …)` rows — which event moves an object
  from which state to which, who may apply it, which date of the act it records, what it checks (with
  the article) and what it creates (deadlines, numbers, documents);
- one handler per event (`Handlers.handles("event")`): the guards and effects that are not data;
- a `Workflow` subclass saying how to lock and see an object, who holds a role on it, and how to
  write its append-only event row.

`apply_event` does the rest in one order for everyone: lock the row, table check (409), role and
scope check (403), date of the act (400), handler (guards 422 naming the article, payload 400),
`save(update_fields=…)`, the event row, the audit entry, the alerts the event answers, listeners
inside the transaction, side effects after commit. A refused event changes nothing (the transaction rolls back).

Slow work an event causes (rendering its 文书 to PDF) is not done in the event: a listener queues it
with `after_commit(fn)`, which runs `fn` once the event's transaction has committed — `fn` enqueues a
task for the worker, so the event returns in the time of its SQL. A rolled-back event queues nothing.

The engine imports no domain, no org, no audit and no alerts code: the audit entry and the alert
resolution go through the doors those apps install at start-up (`set_audit_recorder`,
`set_alert_resolver`), so the import graph keeps core at the bottom.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Generic, TypeVar

from django.db import models, transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from zhifa.core import auditing, state_counts
from zhifa.core.auditing import AuditRecorder
from zhifa.core.errors import Conflict, Forbidden, InvalidInput

_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Transition:
    """One row of a workflow table."""

    event: str
    label: str | Promise
    sources: frozenset[str]  # empty only for a creating event (drawn from [*])
    target: str | None  # None: the object stays in its state; see `targets` for computed ones
    roles: frozenset[str]
    date_field: str | None = None  # payload field with the real-world date of the act (default today)
    guards: tuple[str | Promise, ...] = ()  # the rules checked, with their articles (drawn, documented)
    creates: tuple[str | Promise, ...] = ()  # deadlines opened, numbers issued
    targets: tuple[str, ...] = field(default=())  # possible targets when the handler chooses one
    documents: tuple[str | Promise, ...] = ()  # documents (文书) the event produces

    def possible_targets(self, source: str) -> tuple[str, ...]:
        if self.targets:
            return self.targets
        return (self.target or source,)


class Table:
    """The rows of one workflow, by event name, checked once when declared: a duplicate event, a
    target or source outside the states, or a computed target without its list is a programming
    error caught at import time."""

    def __init__(self, states: Iterable[str], rows: Iterable[Transition]) -> None:
        self.states = tuple(str(s) for s in states)
        self.rows: tuple[Transition, ...] = tuple(rows)
        self.by_event: dict[str, Transition] = {}
        known = set(self.states)
        for t in self.rows:
            if t.event in self.by_event:
                raise ValueError(f"workflow table: event {t.event!r} declared twice")
            named = set(t.sources) | set(t.targets) | ({t.target} if t.target else set())
            unknown = named - known
            if unknown:
                raise ValueError(f"workflow table: {t.event!r} names unknown states {sorted(unknown)}")
            self.by_event[t.event] = t

    def __iter__(self) -> Any:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    @property
    def events(self) -> tuple[str, ...]:
        return tuple(t.event for t in self.rows)

    def get(self, event: str) -> Transition | None:
        return self.by_event.get(event)


M = TypeVar("M", bound=models.Model)
T = TypeVar("T", bound=Transition)


@dataclass
class Ctx(Generic[M, T]):
    """What a handler gets and may do: read the payload from `data`, check guards (raising
    DomainError subclasses), change the object only through `set(...)` (the engine saves exactly
    those fields), put what the event row keeps into `record`, choose the next state (`target`) when
    the table lists several, and queue side effects for after the commit."""

    obj: M
    actor: Any
    transition: T
    data: dict[str, Any]
    act_on: dt.date  # the real-world date of the act (given by the caller, checked by the workflow)
    today: dt.date
    changed: set[str] = field(default_factory=set)
    record: dict[str, Any] = field(default_factory=dict)
    target: str | None = None
    after_commit: list[Callable[[], None]] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)  # what a workflow's hooks pass each other

    def set(self, **values: Any) -> None:
        for name, value in values.items():
            setattr(self.obj, name, value)
            self.changed.add(name)


Handler = Callable[[Any], None]


class Handlers:
    """The registry of one workflow's handlers: `@handlers.handles("event")`."""

    def __init__(self) -> None:
        self._by_event: dict[str, Handler] = {}

    def handles(self, event: str) -> Callable[[Handler], Handler]:
        def decorator(fn: Handler) -> Handler:
            self._by_event[event] = fn
            return fn

        return decorator

    def __getitem__(self, event: str) -> Handler:
        return self._by_event[event]

    def __contains__(self, event: object) -> bool:
        return event in self._by_event

    def __iter__(self) -> Any:
        return iter(self._by_event)

    def __len__(self) -> int:
        return len(self._by_event)


def no_effect(ctx: Any) -> None:
    """The handler of an event the table fully describes (state change, date): nothing else to do."""


Listener = Callable[[Any, Any], Any]


def set_audit_recorder(fn: AuditRecorder) -> None:
    """Installed by the audit app in `AppConfig.ready()` (zhifa.core.auditing); the engine refuses to
    run without it, so an event can never go unaudited."""
    auditing.set_audit_recorder(fn)


def _audit_record(**kwargs: Any) -> None:
    auditing.audit_record(**kwargs)


AlertResolver = Callable[..., Any]
_alerts: list[AlertResolver] = []


def set_alert_resolver(fn: AlertResolver) -> None:
    """Installed by the alerts app in `AppConfig.ready()`: `fn(key=…)` closes the open alerts with
    that key. A workflow names the keys an event answers (`Workflow.resolved_alerts`)."""
    _alerts[:] = [fn]


def _resolve_alerts(keys: Iterable[str]) -> None:
    keys = list(keys)
    if keys and not _alerts:
        raise RuntimeError("zhifa.core.workflow: no alert resolver installed (is the alerts app loaded?)")
    for key in keys:
        _alerts[0](key=key)


class AfterCommit:
    """A side effect queued by `after_commit`. The type marks the engine's own on-commit callbacks, so
    the test suite (whose test-case transaction never commits) can run exactly these when the
    transaction they were queued in ends, as they would run on a real commit (root conftest.py)."""

    __slots__ = ("fn",)

    def __init__(self, fn: Callable[[], None]) -> None:
        self.fn = fn

    def __call__(self) -> None:
        try:
            self.fn()
        except Exception:  # the change is committed: a failed side effect is logged, never a 500
            _log.exception("zhifa.core.workflow: side effect after commit failed")


def after_commit(fn: Callable[[], None]) -> None:
    """Run `fn` once the transaction open now commits (at once when none is open); dropped if it rolls
    back. For slow work an event or a door causes (enqueue a task here; do not render here). `fn` must
    not raise for "nothing to do"; an exception is logged and the committed change stands."""
    transaction.on_commit(AfterCommit(fn))


def jsonable(value: dict[str, Any]) -> dict[str, Any]:
    """An event payload as JSON would keep it (dates and Decimals as strings)."""
    result: dict[str, Any] = json.loads(json.dumps(value, ensure_ascii=False, default=str))
    return result


def event_row(
    ctx: Ctx[Any, Any],
    *,
    from_state: str,
    to_state: str,
    now: dt.datetime,
    name_attrs: tuple[str, ...] = ("display_name",),
) -> dict[str, Any]:
    """The columns every domain's event row shares, for `write_event`: the event, when (`at`, and `on`,
    the real-world date of the act), who (the account, or none when the platform acts; the name as the
    first of `name_attrs` the actor has, cut to 50), the states and the payload as JSON keeps it.

        return AppealEvent.objects.create(appeal=obj, **workflow.event_row(ctx, from_state=…, …))
    """
    actor = ctx.actor
    name = next((str(v) for a in name_attrs if (v := getattr(actor, a, ""))), "")
    return {
        "kind": ctx.transition.event,
        "at": now,
        "on": ctx.act_on,
        "actor": actor if getattr(actor, "pk", None) else None,
        "actor_name": name[:50],
        "from_state": from_state,
        "to_state": to_state,
        "data": jsonable(ctx.record),
    }


class Workflow(Generic[M, T]):
    """One domain's workflow. Subclasses set the class attributes and implement `load`, `may_apply`
    and `write_event`; the other hooks have defaults that fit a plain `state` field."""

    name: ClassVar[str]  # the audit action prefix ("cases" → "cases.decide")
    noun: ClassVar[str | Promise] = _("object")  # for messages
    table: ClassVar[Table]
    handlers: ClassVar[Handlers]
    state_field: ClassVar[str] = "state"
    # Keep exact per-(agency, state) counts in `core.StateCount` (core.state_counts) for cheap list
    # counts; the domain's creating door calls `state_counts.added` for a new object.
    counts_states: ClassVar[bool] = False

    def __init__(self) -> None:
        self._listeners: list[Listener] = []

    # -- hooks a domain implements ---------------------------------------------------------------

    def load(self, obj_id: int, actor: Any) -> M:
        """Lock the row (select_for_update) and check that the actor may see it (NotFound if not)."""
        raise NotImplementedError

    def may_apply(self, actor: Any, obj: M, t: T) -> bool:
        """Role and scope for this row of the table (the legal guards are the handler's)."""
        raise NotImplementedError

    def write_event(self, obj: M, ctx: Ctx[M, T], *, from_state: str, to_state: str, now: dt.datetime) -> Any:
        """Append the event row (a `core.history.AppendOnlyModel`) and return it."""
        raise NotImplementedError

    # -- hooks with defaults ---------------------------------------------------------------------

    def state_of(self, obj: M) -> str:
        return str(getattr(obj, self.state_field))

    def agency_of(self, obj: M) -> int:
        """The agency an object's counts belong to (`counts_states`)."""
        return int(obj.agency_id)  # type: ignore[attr-defined]

    def tally_of(self, obj: M) -> state_counts.Tally | None:
        """What the object adds to the statistics' roll-up (`core.StateTally`; None: the workflow keeps
        none). The door moves it when an event changes it; the creating door adds it."""
        return None

    def applicable(self, t: T, obj: M) -> bool:
        """Does the table allow `t` from the object's state (before any role check)?"""
        return self.state_of(obj) in t.sources

    def conflict(self, obj: M, t: T) -> Conflict:
        state = self.state_of(obj)
        label = dict(self.state_labels()).get(state, state)
        return Conflict(
            _("“%(event)s” is not possible while the %(noun)s is “%(state)s”.")
            % {"event": t.label, "noun": self.noun, "state": label},
            code="event_not_allowed_in_state",
            detail={"state": state, "event": t.event},
        )

    def forbidden(self, obj: M, t: T) -> Forbidden:
        return Forbidden(
            _("You may not apply “%(event)s” to this %(noun)s.") % {"event": t.label, "noun": self.noun},
            code="event_forbidden",
            detail={"event": t.event},
        )

    def not_before(self, t: T, obj: M) -> dt.date | None:
        """The date of the step this act follows, where the domain knows one (default: none)."""
        return None

    def check_not_before(self, t: T, obj: M, day: dt.date) -> None:
        """An act is never dated before the step it follows (paper steps entered late keep their order)."""
        before = self.not_before(t, obj)
        if before is not None and day < before:
            raise InvalidInput(
                _("The date cannot be before %(date)s, the date of the previous step.")
                % {"date": before.isoformat()},
                detail={"field": t.date_field or "on"},
            )

    def act_date(self, t: T, obj: M, data: dict[str, Any], today: dt.date) -> dt.date:
        """The real-world date of the act: the payload's `date_field` (a date or ISO string), never in
        the future, never before the step it follows (`not_before`)."""
        if t.date_field is None:
            return today
        raw = data.get(t.date_field)
        if raw in (None, ""):
            return today
        if isinstance(raw, dt.datetime):
            day = raw.date()
        elif isinstance(raw, dt.date):
            day = raw
        else:
            try:
                day = dt.date.fromisoformat(str(raw))
            except ValueError:
                raise InvalidInput(
                    _("Enter a valid date (YYYY-MM-DD)."), detail={"field": t.date_field}
                ) from None
        if day > today:
            raise InvalidInput(
                _("The date of %(field)s cannot be in the future.") % {"field": t.date_field},
                detail={"field": t.date_field},
            )
        self.check_not_before(t, obj, day)
        return day

    def make_ctx(
        self, obj: M, actor: Any, t: T, *, data: dict[str, Any], act_on: dt.date, today: dt.date
    ) -> Any:
        return Ctx(obj=obj, actor=actor, transition=t, data=dict(data), act_on=act_on, today=today)

    def stamp(self, obj: M, ctx: Ctx[M, T], now: dt.datetime) -> set[str]:
        """Bookkeeping fields every event updates (counters, last-act dates); returns their names."""
        return set()

    def audit(self, obj: M, ctx: Ctx[M, T], row: Any, *, from_state: str, to_state: str) -> None:
        _audit_record(
            actor=ctx.actor,
            action=f"{self.name}.{ctx.transition.event}",
            obj=obj,
            summary=self.audit_summary(obj, ctx, row, from_state=from_state, to_state=to_state),
        )

    def audit_summary(
        self, obj: M, ctx: Ctx[M, T], row: Any, *, from_state: str, to_state: str
    ) -> dict[str, Any]:
        return {
            "event": ctx.transition.event,
            "from": from_state,
            "to": to_state,
            "on": ctx.act_on.isoformat(),
        }

    def resolved_alerts(self, obj: M, ctx: Ctx[M, T]) -> Iterable[str]:
        """Keys of the alerts this event answers (e.g. the deadline it meets): closed in the same
        transaction, after the audit entry."""
        return ()

    def after_save(self, obj: M, ctx: Ctx[M, T], row: Any) -> None:
        """Inside the transaction, after the event row and the audit entry (e.g. re-indexing)."""

    def unknown_event(self, event: str) -> InvalidInput:
        return InvalidInput(
            _("Unknown step: %(event)s.") % {"event": str(event)[:40]},
            code="unknown_event",
            detail={"event": str(event)[:40], "events": list(self.table.events)},
        )

    # -- listeners -------------------------------------------------------------------------------

    def register_listener(self, fn: Listener) -> Listener:
        """`fn(obj, event_row)` runs inside the event's transaction; raising rolls the event back.
        Idempotent per function (AppConfig.ready() may run twice in tests)."""
        if fn not in self._listeners:
            self._listeners.append(fn)
        return fn

    def listeners(self) -> list[Listener]:
        return list(self._listeners)

    def notify(self, obj: M, row: Any) -> None:
        for fn in list(self._listeners):
            fn(obj, row)

    # -- reading the table -------------------------------------------------------------------------

    def state_labels(self) -> list[tuple[str, str]]:
        return [(s, s) for s in self.table.states]

    def allowed_events(self, obj: M, actor: Any) -> list[T]:
        """The rows the actor could apply now (table and role; the guards are checked on applying)."""
        return [
            t  # type: ignore[misc]
            for t in self.table
            if t.sources and self.applicable(t, obj) and self.may_apply(actor, obj, t)  # type: ignore[arg-type]
        ]


def apply_event(
    workflow: Workflow[M, T], *, obj_id: int, actor: Any, event: str, data: Mapping[str, Any]
) -> M:
    """Apply one event of `workflow` to the object `obj_id`: the one skeleton every domain shares."""
    t = workflow.table.get(event)
    if t is None or not t.sources or event not in workflow.handlers:
        raise workflow.unknown_event(event)
    handler = workflow.handlers[event]
    today = timezone.localdate()
    with transaction.atomic():
        obj = workflow.load(obj_id, actor)
        if not workflow.applicable(t, obj):  # type: ignore[arg-type]
            raise workflow.conflict(obj, t)  # type: ignore[arg-type]
        if not workflow.may_apply(actor, obj, t):  # type: ignore[arg-type]
            raise workflow.forbidden(obj, t)  # type: ignore[arg-type]
        act_on = workflow.act_date(t, obj, dict(data), today)  # type: ignore[arg-type]
        ctx = workflow.make_ctx(obj, actor, t, data=dict(data), act_on=act_on, today=today)  # type: ignore[arg-type]
        tally_before = workflow.tally_of(obj)  # type: ignore[arg-type]
        handler(ctx)
        from_state = workflow.state_of(obj)
        to_state = ctx.target or t.target or from_state
        if to_state not in t.possible_targets(from_state):  # a handler may only pick a listed target
            raise RuntimeError(f"{workflow.name}.{event}: {from_state} → {to_state} is not in the table")
        now = timezone.now()
        setattr(obj, workflow.state_field, to_state)
        changed = set(ctx.changed) | {workflow.state_field} | workflow.stamp(obj, ctx, now)
        obj.save(update_fields=sorted(changed))
        if workflow.counts_states:
            state_counts.moved(
                workflow=workflow.name,
                agency_id=workflow.agency_of(obj),
                from_state=from_state,
                to_state=to_state,
                key=obj.pk,
            )
        # the roll-up: state, amounts, category … whatever the handler changed of the object's tally
        state_counts.tallied(
            workflow=workflow.name,
            before=tally_before,
            after=workflow.tally_of(obj),  # type: ignore[arg-type]
            key=obj.pk,
        )
        row = workflow.write_event(obj, ctx, from_state=from_state, to_state=to_state, now=now)
        workflow.audit(obj, ctx, row, from_state=from_state, to_state=to_state)
        _resolve_alerts(workflow.resolved_alerts(obj, ctx))
        workflow.after_save(obj, ctx, row)
        workflow.notify(obj, row)
        for fn in ctx.after_commit:
            transaction.on_commit(fn)
    return obj
