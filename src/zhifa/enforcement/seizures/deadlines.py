"""A seizure's term on the shared deadline engine (zhifa.foundation.deadlines).

One row runs on each measure (object type "seizures.seizure"): `term`, 30 natural days for 查封、扣押
and 暂扣 (行政强制法第二十五条), or `preservation`, 7 working days for 先行登记保存 (行政处罚法第五十六条、
第八十五条). An approved extension adds its days (`deadline_extend`); testing or appraisal stops the
clock (`deadline_suspend` when it starts) and, when it ends, adds the days the statute leaves out —
every calendar day of testing, both ends included, overlaps once (第二十五条第三款, `law.excluded_days`),
which is why the resumption passes its own count of days. The measure being dealt with resolves it.

The seizure keeps a copy of the last day (`due_on`, `due_provisional`) for the register's filters and
the warning sweep. It is written only by `sync` below, from the engine's row: empty while testing is
under way (the law gives no last day then), by the services after each change, and by the engine's
provisional job through the mirror registered in `SeizuresConfig.ready()`.
"""

from __future__ import annotations

import datetime as dt

from zhifa.enforcement.seizures.models import Seizure
from zhifa.foundation.deadlines import services as deadlines
from zhifa.law import seizure as law
from zhifa.law.days import Period

OBJECT_TYPE = "seizures.seizure"
TERM, PRESERVATION = "term", "preservation"
DUE_FIELDS = ["due_on", "due_provisional"]


def subject(seizure: Seizure) -> deadlines.Subject:
    return deadlines.Subject(OBJECT_TYPE, seizure.pk, seizure.agency_id)


def kind_of(seizure: Seizure) -> str:
    return PRESERVATION if seizure.measure == law.Measure.PRESERVATION else TERM


def period_of(seizure: Seizure) -> Period:
    return law.PRESERVATION_TERM if seizure.measure == law.Measure.PRESERVATION else law.SEIZURE_TERM


def sync(seizure: Seizure) -> list[str]:
    """Copy the engine's row onto the seizure (in memory); the fields to save."""
    row = deadlines.latest(subject(seizure), [kind_of(seizure)])
    testing = seizure.appraisals.filter(ended_on__isnull=True).exists()
    if row is None or testing:
        seizure.due_on, seizure.due_provisional = None, False
    else:
        seizure.due_on, seizure.due_provisional = row.due_on, row.provisional
    return list(DUE_FIELDS)


def open_term(seizure: Seizure) -> list[str]:
    deadlines.deadline_open(
        subject(seizure), kind=kind_of(seizure), period=period_of(seizure), start_on=seizure.started_on
    )
    return sync(seizure)


def extend(seizure: Seizure, days: int) -> list[str]:
    deadlines.deadline_extend(subject(seizure), kind=kind_of(seizure), days=days)
    return sync(seizure)


def testing_started(seizure: Seizure, on: dt.date) -> list[str]:
    deadlines.deadline_suspend(subject(seizure), on=on, kinds=[kind_of(seizure)])
    return sync(seizure)


def testing_ended(seizure: Seizure, on: dt.date, *, before: list[law.AppraisalInterval]) -> list[str]:
    """`before`: the finished intervals without the one that just ended (its days are added)."""
    after = [law.AppraisalInterval(a.started_on, a.ended_on) for a in seizure.appraisals.all()]
    added = law.excluded_days(after) - law.excluded_days(before)
    deadlines.deadline_resume(subject(seizure), on=on, days=added)
    return sync(seizure)


def dealt_with(seizure: Seizure, on: dt.date) -> None:
    """The measure ended (every item dealt with): the term is met, or late after its last day."""
    deadlines.deadline_resolve(subject(seizure), kind=kind_of(seizure), on=on)


def mirror(seizure_id: int) -> None:
    """Called by the engine after its jobs moved the row of this seizure (inside their transaction)."""
    seizure = Seizure.objects.select_for_update().filter(pk=seizure_id).first()
    if seizure is not None:
        seizure.save(update_fields=sync(seizure))


def describe(seizure_id: int) -> str:
    seizure = Seizure.objects.filter(pk=seizure_id).first()
    return str(seizure) if seizure is not None else f"{OBJECT_TYPE}:{seizure_id}"
