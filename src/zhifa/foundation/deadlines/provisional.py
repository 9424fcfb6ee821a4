"""One recompute for every provisional deadline of every domain.

A date computed while its year's official holiday arrangement was unknown is stored with a
`provisional` flag (law.days.Due). Each app that stores such dates registers a function here in its
`AppConfig.ready()`; the function recomputes its provisional rows, returns how many changed, and
reports every date that moved in `moved`. One job runs them all: daily, and at once after an
administrator enters a year (calendar.year_entered). A date that moved *earlier* and has now passed
raises a supervision alert: somebody planned on the later, provisional day.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Moved:
    """A provisional date that the official calendar moved."""

    key: str  # stable for the deadline, e.g. "case:12:decision"
    agency_id: int | None
    title: str  # what the deadline is, for people ("HZCG-2026-0012 作出处罚决定")
    old: dt.date
    new: dt.date
    object_type: str = ""
    object_id: str = ""
    article: str = ""


Recompute = Callable[[list[Moved]], int]
_registry: dict[str, Recompute] = {}


def register_recompute(name: str, fn: Recompute) -> None:
    """`fn(moved) -> changed`: recompute one kind of provisional deadline (idempotent)."""
    _registry[name] = fn


def registered() -> dict[str, Recompute]:
    return dict(_registry)


def recompute_all(*, today: dt.date | None = None) -> dict[str, int]:
    """Run every registered recompute; alert where a date moved earlier and is now overdue."""
    from zhifa.foundation.alerts.services import alert_raise

    today = today or timezone.localdate()
    counts: dict[str, int] = {}
    moved: list[Moved] = []
    for name, fn in sorted(_registry.items()):
        counts[name] = fn(moved)
    counts["moved_earlier_overdue"] = 0
    for m in moved:
        if m.new < m.old and m.new < today and m.agency_id is not None:
            counts["moved_earlier_overdue"] += 1
            alert_raise(
                kind="deadline_moved_earlier",
                key=f"{m.key}:moved_earlier",
                agency_id=m.agency_id,
                title=_(
                    "%(what)s: the official calendar moved the last day from %(old)s to %(new)s, now past"
                )
                % {"what": m.title, "old": m.old.isoformat(), "new": m.new.isoformat()},
                message=_(
                    "The deadline was computed while that year's holidays were not published (provisional). "
                    "The State Council's arrangement makes it earlier; it has passed."
                ),
                due_on=m.new,
                severity="critical",
                object_type=m.object_type,
                object_id=m.object_id,
                article=m.article,
            )
    log.info("provisional recompute: %s", counts)
    return counts
