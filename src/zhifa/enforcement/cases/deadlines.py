"""A penalty case's statutory periods, on the shared deadline engine (zhifa.foundation.deadlines).

A row (object type "cases.case", seen as `cases.CaseDeadline`) is opened by the event that triggers
the period (filing opens the 90-day decision period, the decision opens the service period …) with the
period from `zhifa.law.penalty`, computed from the real-world date of that act. It is resolved once, by
the act that meets it (or by the party's waiver, or when a party's window simply elapses).

Extensions and suspensions lengthen the decision period: an approved extension adds its days
(`extend`); a suspension (中止) stops the decision period (`suspend`) and, when the case resumes, adds
the days it stood still, counted in the period's own kind (natural or working days) — suspended time
does not count (`resume`). A payment deferral (第六十六条第二款) extends the payment period.

Status, as the API shows it: `met` once resolved (a party window that has passed counts as met: it is
the party's right, not the agency's duty), `overdue` after the last day, `due_soon` within
DUE_SOON_DAYS of it, else `ok`. While the case is suspended the decision period is paused: its
effective last day moves a day for every day of the suspension so far.

The case's own overdue alert (`case_deadline`, key `case:{id}:{kind}_overdue`, critical for the
decision period) is raised by the engine's daily refresh through `overdue_alert`, registered with the
object type in `CasesConfig.ready()`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from zhifa.core.prepared import Prepared
from zhifa.enforcement.cases.models import OBJECT_TYPE, Case, CaseDeadline, DeadlineKind, Resolution
from zhifa.enforcement.cases.selectors import case_deadline_rows
from zhifa.foundation.deadlines import services as engine
from zhifa.foundation.deadlines.models import Deadline
from zhifa.law.days import Period

DUE_SOON_DAYS = engine.DUE_SOON_DAYS

SUSPENDABLE_KINDS = frozenset({DeadlineKind.DECISION})  # 中止 stops the case-handling period (第六十条)
EXTENDABLE_KINDS = frozenset({DeadlineKind.DECISION, DeadlineKind.PAYMENT})


def subject(case: Case) -> engine.Subject:
    return engine.Subject(OBJECT_TYPE, case.pk, case.agency_id)


def _as_case_rows(rows: Iterable[Deadline]) -> list[CaseDeadline]:
    ids = [r.pk for r in rows]
    return list(CaseDeadline.objects.filter(pk__in=ids).order_by("id")) if ids else []


def deadline_open(
    *,
    case: Case,
    kind: str,
    period: Period,
    start_on: dt.date,
    party_window: bool = False,
    setting: dict[str, Any] | None = None,
) -> CaseDeadline:
    row = engine.deadline_open(
        subject(case), kind=kind, period=period, start_on=start_on, party_window=party_window, setting=setting
    )
    if case.suspended_since is not None and kind in SUSPENDABLE_KINDS:
        engine.deadline_suspend(subject(case), on=max(case.suspended_since, start_on), kinds=[kind])
    return _ROW.get(row.pk)  # (the row as the case code reads it, compiled once per process)


# One row compiled once per process (core.prepared): an opened period is read back as the case code
# sees it. The case's rows come from the selector (`case_deadline_rows`), compiled once too.
_ROW: Prepared[CaseDeadline] = Prepared(
    lambda pk: CaseDeadline.objects.filter(pk=pk), markers=(-730_100_070,)
)


def open_rows(case: Case, kinds: Iterable[str] | None = None) -> list[CaseDeadline]:
    """The case's unresolved rows (of these kinds), oldest first."""
    return engine.open_of(case_deadline_rows(case=case), kinds)


def deadline_close(row: CaseDeadline, *, on: dt.date, resolution: str, explanation: str = "") -> None:
    """Resolve one row (once). An overdue row's supervision alert is closed after commit."""
    engine.deadline_close(row, on=on, resolution=resolution, explanation=explanation)


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


def suspend(case: Case, *, on: dt.date) -> list[CaseDeadline]:
    """中止: the decision period stops running from `on`."""
    return _as_case_rows(engine.deadline_suspend(subject(case), on=on, kinds=SUSPENDABLE_KINDS))


def resume(case: Case, *, on: dt.date) -> list[CaseDeadline]:
    """The case resumes: the days the decision period stood still are added; the rows that moved."""
    before = {r.pk: (r.extra_days, r.due_on, r.provisional) for r in open_rows(case)}
    rows = _as_case_rows(engine.deadline_resume(subject(case), on=on))
    return [r for r in rows if before.get(r.pk) != (r.extra_days, r.due_on, r.provisional)]


def extend(case: Case, *, kind: str, days: int) -> list[CaseDeadline]:
    """An approved extension (第六十条) or payment deferral (第六十六条第二款) of `days`."""
    assert kind in EXTENDABLE_KINDS
    return _as_case_rows(engine.deadline_extend(subject(case), kind=kind, days=days))


def effective_due(row: engine.DeadlineFields, *, today: dt.date) -> dt.date:
    """The last day as of `today`: a paused decision period moves with the running suspension (the row
    carries it)."""
    return engine.effective_due(row, today=today)


def status_of(row: engine.DeadlineFields, *, today: dt.date) -> str:
    return engine.status_of(row, today=today)


def explained(row: CaseDeadline) -> bool:
    return bool(row.explanation.strip())


def archive_blockers(case: Case, *, today: dt.date) -> list[CaseDeadline]:
    """Rows that stop archiving: still open and not a lapsed party window, or met late without an
    explanation."""
    blockers = []
    # the case's statutory periods; other duties on the case (cash hand-in, 第七十一条) alert on their own
    for row in CaseDeadline.objects.of_case(case).filter(kind__in=DeadlineKind.values).order_by("id"):
        if row.resolved_on is None:
            if row.party_window and today > row.due_on:
                continue
            blockers.append(row)
        elif row.resolution == Resolution.LATE and not explained(row):
            blockers.append(row)
    return blockers


# --- The engine's hooks for the case rows, and the refresh command ---------------------------------


def alert_key(row: Deadline) -> str:
    return engine.alert_key(row)  # "case:{id}:{kind}_overdue" (registered prefix and suffix)


def describe(case_id: int) -> str:
    case = Case.objects.filter(pk=case_id).first()
    return str(case) if case is not None else f"case {case_id}"


def overdue_alert(row: Deadline, today: dt.date) -> None:
    """The case's own overdue alert (kind `case_deadline`), raised by the engine's daily refresh."""
    from django.utils.translation import gettext as _

    from zhifa.foundation.alerts.services import alert_raise

    assert row.agency_id is not None  # the engine raises alerts for rows with an agency only
    alert_raise(
        kind="case_deadline",
        key=alert_key(row),
        agency_id=row.agency_id,
        title=_("%(case)s: %(deadline)s overdue since %(due)s")
        % {
            "case": describe(row.object_id),
            "deadline": engine.kind_label(row.kind),
            "due": row.due_on.isoformat(),
        },
        due_on=row.due_on,
        severity="critical" if row.kind == DeadlineKind.DECISION else "warning",
        object_type=OBJECT_TYPE,
        object_id=str(row.object_id),
        article=row.article,
    )


def deadlines_refresh(*, today: dt.date | None = None) -> dict[str, int]:
    """The cases' periodic job: recompute provisional rows (the admins may have entered next year's
    calendar), then the engine's refresh of the case rows — party windows that passed are closed,
    statuses stored, the overdue alerts raised or resolved. Idempotent."""
    counts = {"recomputed": engine.recompute_provisional([], object_type=OBJECT_TYPE)}
    counts.update(engine.deadlines_refresh(today=today, object_type=OBJECT_TYPE))
    return counts


def register() -> None:
    """In CasesConfig.ready(): the case rows' keys, names, alerts and provisional count."""
    engine.register_object_type(
        OBJECT_TYPE,
        describe=describe,
        overdue_alert=overdue_alert,
        key_prefix="case",
        alert_suffix="_overdue",
        recompute_name="cases",
    )
    for kind, label in DeadlineKind.choices:
        engine.register_deadline_kind(kind, label)
