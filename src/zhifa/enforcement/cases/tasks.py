"""Periodic case work, discovered by huey's Django integration."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from zhifa.enforcement.cases import rollup
from zhifa.enforcement.cases.deadlines import deadlines_refresh


@db_periodic_task(crontab(hour="0", minute="20"))
def refresh_case_deadlines() -> None:
    """Statuses turn from ok to due soon to overdue with the date, not with an event: once a day,
    after midnight, every open deadline is looked at again (and alerts raised or resolved)."""
    deadlines_refresh()


@db_periodic_task(crontab(hour="0", minute="40"))
def compact_case_tallies() -> None:
    """The statistics' roll-up folded back to one row per (agency, month, state, category): the day's
    events spread the rows they touched over the shards (`cases.rollup.compact`)."""
    rollup.compact()
