"""A complaint's periods on the shared deadline engine (zhifa.foundation.deadlines).

Three kinds of row run on a complaint (object type "complaints.complaint"):
- `acceptance`: 15 days to decide on acceptance, from receipt or from a transfer to this agency
  (信访工作条例第二十三条);
- `conclusion`: 60 days to reply from acceptance, lengthened by an approved extension (第三十四条);
- `reopened`: the period of a re-opened matter, from the day it was re-opened (第三十五、三十六条).

The complaint keeps copies of the last days on its own row — `acceptance_due`, `conclusion_due`, and
`due_on`/`due_provisional`/`due_start` of the period running now — because the queue filters and sorts
on them with one indexed query. Those columns are written only by `sync` below, from the engine's
rows: by the services right after they open, resolve or extend a row, and by the engine's jobs
(provisional recompute) through the mirror registered in `ComplaintsConfig.ready()`.
"""

from __future__ import annotations

import datetime as dt

from zhifa.foundation.deadlines import services as deadlines
from zhifa.foundation.deadlines.provisional import Moved
from zhifa.law import complaints as rules
from zhifa.law.days import Period
from zhifa.public.complaints.models import Complaint

OBJECT_TYPE = "complaints.complaint"
ACCEPTANCE, CONCLUSION, REOPENED = "acceptance", "conclusion", "reopened"
PERIODS: dict[str, Period] = {
    ACCEPTANCE: rules.ACCEPTANCE_PERIOD,
    CONCLUSION: rules.CONCLUSION_PERIOD,
    REOPENED: rules.REOPENED_PERIOD,
}
REPLY_KINDS = (CONCLUSION, REOPENED)
DUE_FIELDS = ["acceptance_due", "conclusion_due", "due_on", "due_provisional", "due_start"]


def subject(complaint: Complaint) -> deadlines.Subject:
    return deadlines.Subject(OBJECT_TYPE, complaint.pk, complaint.agency_id)


def sync(complaint: Complaint) -> list[str]:
    """Copy the engine's rows onto the complaint (in memory); the fields to save."""
    rows = deadlines.deadlines_of(subject(complaint))  # read once: the three reads below are of these
    acceptance = deadlines.latest_of(rows, [ACCEPTANCE])
    reply = deadlines.latest_of(rows, REPLY_KINDS)
    # Only the complaint's own periods: the 复查/复核 answer (held by the reviewing body) is not the
    # handling agency's current deadline.
    running = deadlines.open_of(rows, PERIODS)
    current = running[-1] if running else None
    complaint.acceptance_due = acceptance.due_on if acceptance else None
    complaint.conclusion_due = reply.due_on if reply else None
    if current is None:
        complaint.due_on, complaint.due_provisional, complaint.due_start = None, False, None
    else:
        complaint.due_on, complaint.due_provisional = current.due_on, current.provisional
        complaint.due_start = current.start_on
    return list(DUE_FIELDS)


def open_period(complaint: Complaint, kind: str, start_on: dt.date) -> list[str]:
    """A period starts (receipt, transfer, acceptance, re-opening); the fields to save."""
    deadlines.deadline_open(subject(complaint), kind=kind, period=PERIODS[kind], start_on=start_on)
    return sync(complaint)


def resolve(complaint: Complaint, kinds: tuple[str, ...], on: dt.date) -> list[str]:
    """The act that answers the running period (met, or late after the last day)."""
    for kind in kinds:
        deadlines.deadline_resolve(subject(complaint), kind=kind, on=on)
    return sync(complaint)


def extend(complaint: Complaint, days: int) -> list[str]:
    """An approved extension of the reply period (the rule was checked by the handler)."""
    deadlines.deadline_extend(subject(complaint), kind=CONCLUSION, days=days)
    return sync(complaint)


def mirror(complaint_id: int) -> None:
    """Called by the engine after its jobs moved a row of this complaint (inside their transaction)."""
    from zhifa.public.complaints.services.common import audit

    complaint = Complaint.objects.select_for_update().filter(pk=complaint_id).first()
    if complaint is None:
        return
    old = (complaint.due_on, complaint.due_provisional)
    fields = sync(complaint)
    if (complaint.due_on, complaint.due_provisional) == old:
        return
    complaint.save(update_fields=fields)
    audit(
        None,
        "recompute_due",
        complaint,
        old=str(old[0]),
        new=str(complaint.due_on),
        provisional=complaint.due_provisional,
    )


def describe(complaint_id: int) -> str:
    complaint = Complaint.objects.filter(pk=complaint_id).only("tracking_code").first()
    return str(complaint) if complaint is not None else f"{OBJECT_TYPE}:{complaint_id}"


def recompute_provisional_dues(moved: list[Moved] | None = None) -> int:
    """The complaints' share of the one provisional job (kept as this app's door for tests and
    commands): rows computed on a year whose holidays were unknown follow the entered calendar."""
    return deadlines.recompute_provisional([] if moved is None else moved, object_type=OBJECT_TYPE)
