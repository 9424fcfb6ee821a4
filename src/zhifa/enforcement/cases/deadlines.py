"""The deadlines engine: statutory periods running on a case, as rows.

A row is opened by the event that triggers the period (filing opens the 90-day decision period,
the decision opens the service period …) with the period from `zhifa.law.penalty`, computed from the
real-world date of that act. It is resolved once, by the act that meets it (or by the party's waiver,
or when a party's window simply elapses). Extensions and suspensions lengthen the decision period:
an approved extension adds its days; a suspension (中止) adds the days the case stood still, counted in
the period's own kind (natural or working days) — suspended time does not count.

Status, as the API shows it: `met` once resolved (a party window that has passed counts as met: it is
the party's right, not the agency's duty), `overdue` after the last day, `due_soon` within
DUE_SOON_DAYS of it, else `ok`. While the case is suspended the decision period is paused: its
effective last day moves a day for every day of the suspension so far.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from zhifa.core import calendar
from zhifa.enforcement.cases.models import Case, CaseDeadline, DeadlineKind, Resolution
from zhifa.foundation.deadlines.provisional import Moved
from zhifa.law.days import DayKind, Period, period_end

DUE_SOON_DAYS = 3  # natural days before the last day: enough to act on a yellow light

SUSPENDABLE_KINDS = frozenset({DeadlineKind.DECISION})  # 中止 stops the case-handling period (第六十条)
EXTENDABLE_KINDS = frozenset({DeadlineKind.DECISION, DeadlineKind.PAYMENT})


def _period(row: CaseDeadline) -> Period:
    return Period(row.days, DayKind(row.day_kind), row.article)


def _intervals(case: Case, *, today: dt.date | None) -> list[tuple[dt.date, dt.date]]:
    """Completed suspensions, plus the running one up to `today` when given."""
    out = [(dt.date.fromisoformat(s["from"]), dt.date.fromisoformat(s["to"])) for s in case.suspensions]
    if today is not None and case.suspended_since is not None and today > case.suspended_since:
        out.append((case.suspended_since, today))
    return out


def _days_between(start: dt.date, end: dt.date, kind: DayKind) -> int:
    """Days in (start, end] of the given kind (weekday rule where the calendar is unknown)."""
    if end <= start:
        return 0
    if kind == DayKind.NATURAL:
        return (end - start).days
    count, current = 0, start
    while current < end:
        current += dt.timedelta(days=1)
        count += calendar.is_working_day(current)  # weekday rule where the year is not known yet
    return count


def suspended_days(row: CaseDeadline, case: Case, *, today: dt.date | None = None) -> int:
    if row.kind not in SUSPENDABLE_KINDS:
        return 0
    kind = DayKind(row.day_kind)
    total = 0
    for start, end in _intervals(case, today=today):
        total += _days_between(max(start, row.start_on), end, kind)
    return total


def _extra_days(row: CaseDeadline, case: Case) -> int:
    extension = {
        DeadlineKind.DECISION: case.extension_days,  # 第六十条 with the approved extension
        DeadlineKind.PAYMENT: case.payment_deferral_days,  # 第六十六条第二款 deferral
    }.get(DeadlineKind(row.kind), 0)
    return extension + suspended_days(row, case)


def deadline_open(
    *,
    case: Case,
    kind: str,
    period: Period,
    start_on: dt.date,
    party_window: bool = False,
    setting: dict[str, Any] | None = None,
) -> CaseDeadline:
    row = CaseDeadline(
        case=case,
        agency_id=case.agency_id,
        kind=kind,
        start_on=start_on,
        days=period.days,
        day_kind=str(period.kind),
        article=period.article,
        party_window=party_window,
        setting=setting or {},
        created_at=timezone.now(),
    )
    row.extra_days = _extra_days(row, case)
    due = period_end(period, start_on, extra_days=row.extra_days)
    row.due_on, row.provisional = due.on, due.provisional
    row.status = status_of(row, case=case, today=timezone.localdate())
    row.save(force_insert=True)
    return row


def open_rows(case: Case, kinds: Iterable[str] | None = None) -> list[CaseDeadline]:
    qs = CaseDeadline.objects.filter(case=case, resolved_on__isnull=True)
    if kinds is not None:
        qs = qs.filter(kind__in=list(kinds))
    return list(qs.order_by("id"))


def deadline_close(row: CaseDeadline, *, on: dt.date, resolution: str, explanation: str = "") -> None:
    """Resolve one row (once). An overdue row's supervision alert is closed after commit."""
    if row.status == "overdue":
        _resolve_alert_after_commit(alert_key(row))
    row.resolved_on = on
    row.resolution = resolution
    row.explanation = explanation
    row.status = "met"
    row.save(update_fields=["resolved_on", "resolution", "explanation", "status"])


def deadline_resolve(
    *, case: Case, kind: str, on: dt.date, resolution: str = "", explanation: str = ""
) -> list[CaseDeadline]:
    """Resolve the open rows of `kind`. Without an explicit resolution an act after the last day is
    recorded as `late` (still resolved: the lateness stays visible and needs an explanation)."""
    rows = open_rows(case, [kind])
    for row in rows:
        deadline_close(
            row,
            on=on,
            resolution=resolution or (Resolution.LATE if on > row.due_on else Resolution.MET),
            explanation=explanation,
        )
    return rows


def _resolve_alert_after_commit(key: str) -> None:
    from django.db import transaction

    def resolve() -> None:
        from zhifa.foundation.alerts.services import alert_resolve

        alert_resolve(key=key, note="met")

    transaction.on_commit(resolve)


def deadlines_recompute(case: Case) -> list[CaseDeadline]:
    """After a suspension ends or an extension is approved: move the open rows' last days."""
    changed = []
    for row in open_rows(case):
        extra = _extra_days(row, case)
        due = period_end(_period(row), row.start_on, extra_days=extra)
        if (extra, due.on, due.provisional) != (row.extra_days, row.due_on, row.provisional):
            row.extra_days, row.due_on, row.provisional = extra, due.on, due.provisional
            row.status = status_of(row, case=case, today=timezone.localdate())
            row.save(update_fields=["extra_days", "due_on", "provisional", "status"])
            changed.append(row)
    return changed


def effective_due(row: CaseDeadline, *, case: Case, today: dt.date) -> dt.date:
    """The last day as of `today`: a paused decision period moves with the running suspension."""
    if row.resolved_on is None and case.suspended_since is not None and row.kind in SUSPENDABLE_KINDS:
        running = _days_between(max(case.suspended_since, row.start_on), today, DayKind(row.day_kind))
        if running:
            return period_end(_period(row), row.start_on, extra_days=row.extra_days + running).on
    return row.due_on


def status_of(row: CaseDeadline, *, case: Case, today: dt.date) -> str:
    if row.resolved_on is not None:
        return "met"
    due = effective_due(row, case=case, today=today)
    if today > due:
        return "met" if row.party_window else "overdue"
    if (due - today).days <= DUE_SOON_DAYS:
        return "due_soon"
    return "ok"


def explained(row: CaseDeadline) -> bool:
    return bool(row.explanation.strip())


def archive_blockers(case: Case, *, today: dt.date) -> list[CaseDeadline]:
    """Rows that stop archiving: still open and not a lapsed party window, or met late without an
    explanation."""
    blockers = []
    for row in CaseDeadline.objects.filter(case=case).order_by("id"):
        if row.resolved_on is None:
            if row.party_window and today > row.due_on:
                continue
            blockers.append(row)
        elif row.resolution == Resolution.LATE and not explained(row):
            blockers.append(row)
    return blockers


# --- The daily refresh -----------------------------------------------------------------------------

BATCH = 2000


def alert_key(row: CaseDeadline) -> str:
    return f"case:{row.case_id}:{row.kind}_overdue"


def _recompute_row(row: CaseDeadline, case: Case, moved: list[Moved] | None = None) -> bool:
    """Recompute a provisional row's last day in memory; True when it changed."""
    due = period_end(_period(row), row.start_on, extra_days=row.extra_days)
    if (due.on, due.provisional) == (row.due_on, row.provisional):
        return False
    if moved is not None and due.on != row.due_on:
        moved.append(
            Moved(
                key=f"case:{row.case_id}:{row.kind}",
                agency_id=row.agency_id,
                title=f"{case} {row.get_kind_display()}",
                old=row.due_on,
                new=due.on,
                object_type="cases.case",
                object_id=str(row.case_id),
                article=row.article,
            )
        )
    row.due_on, row.provisional = due.on, due.provisional
    return True


def recompute_provisional(moved: list[Moved]) -> int:
    """For the one provisional job (zhifa.foundation.deadlines.provisional): open rows computed on an unknown year."""
    from django.db import transaction

    changed = 0
    ids = list(
        CaseDeadline.objects.filter(resolved_on__isnull=True, provisional=True).values_list("id", flat=True)
    )
    for row_id in ids:
        with transaction.atomic():
            row = CaseDeadline.objects.select_for_update().select_related("case").get(pk=row_id)
            if row.provisional and _recompute_row(row, row.case, moved):
                row.status = status_of(row, case=row.case, today=timezone.localdate())
                row.save(update_fields=["due_on", "provisional", "status"])
                changed += 1
    return changed


def deadlines_refresh(*, today: dt.date | None = None) -> dict[str, int]:
    """The periodic job: recompute provisional rows (the admins may have entered next year's calendar),
    close party windows that have passed, store each open row's status, and raise or resolve the
    supervision alert of every agency duty that is (no longer) overdue. Idempotent."""
    from django.db import transaction
    from django.utils.translation import gettext as _

    from zhifa.foundation.alerts.services import alert_raise, alert_resolve

    today = today or timezone.localdate()
    counts = {"checked": 0, "recomputed": 0, "elapsed": 0, "overdue": 0, "changed": 0}
    last_id = 0
    while True:
        rows = list(
            CaseDeadline.objects.filter(resolved_on__isnull=True, id__gt=last_id)
            .select_related("case")
            .order_by("id")[:BATCH]
        )
        if not rows:
            break
        last_id = rows[-1].pk
        for row in rows:
            counts["checked"] += 1
            with transaction.atomic():
                case = row.case
                fields: list[str] = []
                if row.provisional and _recompute_row(row, case):
                    fields += ["due_on", "provisional"]
                    counts["recomputed"] += 1
                if row.party_window and today > row.due_on:
                    row.resolved_on, row.resolution = row.due_on, Resolution.ELAPSED
                    fields += ["resolved_on", "resolution"]
                    counts["elapsed"] += 1
                status = status_of(row, case=case, today=today)
                if status != row.status:
                    row.status = status
                    fields.append("status")
                    counts["changed"] += 1
                if fields:
                    row.save(update_fields=fields)
                if status == "overdue":
                    counts["overdue"] += 1
                    alert_raise(
                        kind="case_deadline",
                        key=alert_key(row),
                        agency_id=row.agency_id,
                        title=_("%(case)s: %(deadline)s overdue since %(due)s")
                        % {
                            "case": str(case),
                            "deadline": row.get_kind_display(),
                            "due": row.due_on.isoformat(),
                        },
                        due_on=row.due_on,
                        severity="critical" if row.kind == DeadlineKind.DECISION else "warning",
                        object_type="cases.case",
                        object_id=str(case.pk),
                        article=row.article,
                    )
                elif "status" in fields:
                    alert_resolve(key=alert_key(row), note=_("No longer overdue."))
    return counts
