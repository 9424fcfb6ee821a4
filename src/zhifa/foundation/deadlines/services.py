"""The deadline engine every domain builds on (zhifa.foundation.deadlines.services): statutory periods on any object, as rows.

A domain opens a row when the act that triggers a period happens (`deadline_open`, with a
`law.days.Period` from `zhifa.law` and the real-world date of the act), resolves it once when the act
that meets it happens (`deadline_resolve`), and may suspend, resume or extend it. The engine computes
the last day (natural or working days, a last day off work moving to the next working day, provisional
in a year whose holidays are not published), keeps each row's status (`ok`, `due_soon`, `overdue`,
`met`), raises and resolves the supervision alert of an overdue duty of the agency, and recomputes
provisional rows in the one provisional job. Nothing here knows a domain's models: the object is
named by `object_type` ("appeals.appeal") and `object_id`.

Colours for people: green (`ok`, `met`), yellow (`due_soon`, within DUE_SOON_DAYS), red (`overdue`).
A party's window that has passed is `met` (it was the party's right, not the agency's duty).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields
from typing import Any, Protocol, TypeVar

from django.db import connection, transaction
from django.utils import timezone
from django.utils.functional import Promise

from zhifa.core.prepared import Prepared, insert, list_match
from zhifa.foundation.deadlines.models import Deadline
from zhifa.foundation.deadlines.provisional import Moved
from zhifa.law.days import DayKind, Period, period_end

R = TypeVar("R", bound=Deadline)  # the engine's rows, or a domain's proxy of them

DUE_SOON_DAYS = 3  # natural days before the last day: enough to act on a yellow light
Resolution = Deadline.Resolution


class DeadlineFields(Protocol):
    """What `effective_due` and `status_of` read of a row: a `Deadline`, or the same fields read as
    values by a list that does not need the instance (`OpenDeadline`)."""

    @property
    def start_on(self) -> dt.date: ...
    @property
    def days(self) -> int: ...
    @property
    def day_kind(self) -> str: ...
    @property
    def article(self) -> str: ...
    @property
    def extra_days(self) -> int: ...
    @property
    def suspended_since(self) -> dt.date | None: ...
    @property
    def due_on(self) -> dt.date: ...
    @property
    def party_window(self) -> bool: ...
    @property
    def resolved_on(self) -> dt.date | None: ...


COLOURS = {"ok": "green", "met": "green", "due_soon": "yellow", "overdue": "red"}

_labels: dict[str, str | Promise] = {}


def register_deadline_kind(kind: str, label: str | Promise) -> None:
    """Name a kind of deadline for people (in AppConfig.ready())."""
    _labels[kind] = label


def kind_label(kind: str) -> str:
    return str(_labels.get(kind, kind))


@dataclass(frozen=True)
class ObjectType:
    """How the engine treats the rows of one domain's objects (registered in AppConfig.ready()).

    - `mirror(object_id)`: the domain keeps a copy of a row's last day on its own table for fast list
      filtering (a complaint's `due_on`, a seizure's term). The engine calls it, inside the
      transaction, after one of its jobs moved or closed a row (provisional recompute, daily refresh);
      the domain's own services call the same function after they open, resolve or extend a row. So the
      copy is written only from the engine's rows, never computed by the domain.
    - `describe(object_id)`: the object's name for people, in alert titles ("TS20260105-…").
    - `own_alerts`: the domain raises its own overdue alerts (kinds its pages and tests name, such as
      `complaint_sla`); the daily refresh then only stores statuses for its rows.
    - `overdue_alert(row, today)`: raise the domain's own overdue alert for a row instead of the
      generic `deadline_overdue` (the refresh still resolves it, by `alert_key`, once it is not overdue).
    - `key_prefix`, `alert_suffix`: keys are `"{key_prefix}:{object_id}:{kind}"` (default prefix: the
      object type); the overdue alert's key adds `alert_suffix` (cases: `case:12:decision_overdue`).
    - `recompute_name`: the name under which the provisional job counts this type's rows (its own
      entry in the registry, e.g. "cases"); without one they count under "deadlines".
    """

    object_type: str
    mirror: Callable[[int], None] | None = None
    describe: Callable[[int], str] | None = None
    own_alerts: bool = False
    overdue_alert: Callable[[Deadline, dt.date], None] | None = None
    key_prefix: str = ""
    alert_suffix: str = ""
    recompute_name: str = ""


_types: dict[str, ObjectType] = {}


def register_object_type(
    object_type: str,
    *,
    mirror: Callable[[int], None] | None = None,
    describe: Callable[[int], str] | None = None,
    own_alerts: bool = False,
    overdue_alert: Callable[[Deadline, dt.date], None] | None = None,
    key_prefix: str = "",
    alert_suffix: str = "",
    recompute_name: str = "",
) -> None:
    _types[object_type] = ObjectType(
        object_type, mirror, describe, own_alerts, overdue_alert, key_prefix, alert_suffix, recompute_name
    )
    if recompute_name:
        from zhifa.foundation.deadlines.provisional import register_recompute

        def recompute(moved: list[Moved]) -> int:
            return recompute_provisional(moved, object_type=object_type)

        register_recompute(recompute_name, recompute)


def _named_types() -> list[str]:
    return [t.object_type for t in _types.values() if t.recompute_name]


def _mirror(object_type: str, object_id: int) -> None:
    spec = _types.get(object_type)
    if spec is not None and spec.mirror is not None:
        spec.mirror(object_id)


def describe(object_type: str, object_id: int) -> str:
    spec = _types.get(object_type)
    if spec is not None and spec.describe is not None:
        return spec.describe(object_id)
    return f"{object_type}:{object_id}"


@dataclass(frozen=True)
class Subject:
    """What a deadline runs on: the object's type and id, and the agency whose duty it is."""

    object_type: str
    object_id: int
    agency_id: int | None = None


def period_of(row: DeadlineFields) -> Period:
    return Period(row.days, DayKind(row.day_kind), row.article)


def colour(status: str) -> str:
    return COLOURS.get(status, "green")


def base_key(row: Deadline) -> str:
    spec = _types.get(row.object_type)
    prefix = spec.key_prefix if spec is not None and spec.key_prefix else row.object_type
    return f"{prefix}:{row.object_id}:{row.kind}"


def alert_key(row: Deadline) -> str:
    """The key of the overdue alert of a row."""
    spec = _types.get(row.object_type)
    return base_key(row) + (spec.alert_suffix if spec is not None else "")


def _running_suspension(row: DeadlineFields, today: dt.date) -> int:
    if row.suspended_since is None or today <= row.suspended_since:
        return 0
    return days_between(max(row.suspended_since, row.start_on), today, DayKind(row.day_kind))


def days_between(start: dt.date, end: dt.date, kind: DayKind) -> int:
    """Days in (start, end] of the period's own kind (suspended time counts in the same kind)."""
    if end <= start:
        return 0
    if kind == DayKind.NATURAL:
        return (end - start).days
    from zhifa.core import calendar

    return calendar.working_days_between(start, end)


def effective_due(row: DeadlineFields, *, today: dt.date) -> dt.date:
    """The last day as of `today`: a suspended period moves a day for every day it stands still."""
    running = _running_suspension(row, today) if row.resolved_on is None else 0
    if running:
        return period_end(period_of(row), row.start_on, extra_days=row.extra_days + running).on
    return row.due_on


def status_of(row: DeadlineFields, *, today: dt.date) -> str:
    if row.resolved_on is not None:
        return "met"
    due = effective_due(row, today=today)
    if today > due:
        return "met" if row.party_window else "overdue"
    if (due - today).days <= DUE_SOON_DAYS:
        return "due_soon"
    return "ok"


FIXED = "date"
"""`day_kind` of a row whose last day the act itself fixes (a credential's printed expiry, a review a
year on) rather than a period counted in natural or working days: no holiday adjustment, never
provisional; an extension adds natural days."""


def _recompute(row: Deadline) -> None:
    if row.day_kind == FIXED:
        row.due_on = row.start_on + dt.timedelta(days=row.days + row.extra_days)
        row.provisional = False
        return
    due = period_end(period_of(row), row.start_on, extra_days=row.extra_days)
    row.due_on, row.provisional = due.on, due.provisional


def deadline_open(
    subject: Subject,
    *,
    kind: str,
    period: Period,
    start_on: dt.date,
    party_window: bool = False,
    setting: dict[str, Any] | None = None,
    today: dt.date | None = None,
) -> Deadline:
    """Open a period triggered on `start_on` (call inside the service transaction of the act)."""
    row = Deadline(
        object_type=subject.object_type,
        object_id=subject.object_id,
        agency_id=subject.agency_id,
        kind=kind,
        start_on=start_on,
        days=period.days,
        day_kind=str(period.kind),
        article=period.article,
        party_window=party_window,
        setting=setting or {},
        created_at=timezone.now(),
    )
    _recompute(row)
    row.status = status_of(row, today=today or timezone.localdate())
    insert(row)  # save(force_insert=True), its INSERT built once per process (core.prepared)
    return row


def deadline_open_fixed(
    subject: Subject,
    *,
    kind: str,
    start_on: dt.date,
    due_on: dt.date,
    article: str,
    party_window: bool = False,
    today: dt.date | None = None,
) -> Deadline:
    """Open a row whose last day is a given date (FIXED), e.g. the expiry printed on a credential."""
    if due_on < start_on:
        raise ValueError("a last day before the start")
    row = Deadline(
        object_type=subject.object_type,
        object_id=subject.object_id,
        agency_id=subject.agency_id,
        kind=kind,
        start_on=start_on,
        days=(due_on - start_on).days,
        day_kind=FIXED,
        article=article,
        party_window=party_window,
        created_at=timezone.now(),
    )
    _recompute(row)
    row.status = status_of(row, today=today or timezone.localdate())
    insert(row)  # save(force_insert=True), its INSERT built once per process (core.prepared)
    return row


# Every row of one object, compiled once per process (core.prepared): an object has a handful of rows,
# and every act on it reads them (the open ones, the latest of a kind) — one query compiled once
# instead of a filtered query compiled for each read.
_ROWS_OF: Prepared[Deadline] = Prepared(
    lambda object_type, object_id: Deadline.objects.filter(
        object_type=object_type, object_id=object_id
    ).order_by("id"),
    markers=("\x00deadline-object-marker", -730_100_068),
)


def open_rows(subject: Subject, kinds: Iterable[str] | None = None) -> list[Deadline]:
    """The object's unresolved rows (of these kinds), oldest first."""
    return open_of(deadlines_of(subject), kinds)


def open_of(rows: list[R], kinds: Iterable[str] | None = None) -> list[R]:
    """`open_rows` among rows already read (`deadlines_of`, or a domain's view of the same rows)."""
    wanted = None if kinds is None else set(kinds)
    return [row for row in rows if row.resolved_on is None and (wanted is None or row.kind in wanted)]


@dataclass(frozen=True, slots=True)
class OpenDeadline:
    """An open row read as values, for lists that show each object's next deadline: the fields
    `effective_due` and `status_of` compute from (DeadlineFields), the object and the kind, instead of a
    `Deadline` instance of 20 columns."""

    object_id: int
    kind: str
    start_on: dt.date
    days: int
    day_kind: str
    article: str
    extra_days: int
    suspended_since: dt.date | None
    due_on: dt.date
    party_window: bool
    resolved_on: dt.date | None = None  # open: always None (only open rows are read)


OPEN_DEADLINE_COLUMNS = tuple(f.name for f in fields(OpenDeadline) if f.name != "resolved_on")
_DATE_COLUMNS = frozenset({"start_on", "suspended_since", "due_on"})


def _first_open_sql(object_type: str, ids: list[int]) -> tuple[str, list[Any]]:
    """`Deadline.objects.filter(object_type=…, resolved_on__isnull=True, object_id__in=ids)
    .order_by("due_on", "id")`, the columns of `OpenDeadline` only, written as SQL rather than compiled
    by the ORM on every list request (~0.5 ms of CPU; an IN list cannot be a `Prepared` parameter). On
    PostgreSQL the ids are one array parameter (`= ANY(%s)`: the same plan as IN, one statement text
    whatever the page size); elsewhere one placeholder each."""
    table = connection.ops.quote_name(Deadline._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(c) for c in OPEN_DEADLINE_COLUMNS)  # (no db_column)
    match, id_params = list_match(ids)
    sql = (
        f"SELECT {columns} FROM {table} WHERE object_type = %s AND resolved_on IS NULL"  # noqa: S608 — names, not values
        f" AND object_id {match} ORDER BY due_on, id"
    )
    return sql, [object_type, *id_params]


def _open_deadline(values: tuple[Any, ...]) -> OpenDeadline:
    # SQLite gives dates as ISO text and booleans as 0/1 (the ORM's converters, applied by hand here)
    row = dict(zip(OPEN_DEADLINE_COLUMNS, values, strict=True))
    for name in _DATE_COLUMNS:
        if isinstance(row[name], str):
            row[name] = dt.date.fromisoformat(row[name])
    row["party_window"] = bool(row["party_window"])
    return OpenDeadline(**row)


def first_open_of(object_type: str, ids: list[int]) -> dict[int, OpenDeadline]:
    """The first open deadline (by last day, then id) of each of these objects that has one, as values,
    in one query: what a list page of 50 objects shows beside each."""
    if not ids:
        return {}
    sql, params = _first_open_sql(object_type, ids)
    first: dict[int, OpenDeadline] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for values in cursor.fetchall():
            if values[0] not in first:
                first[values[0]] = _open_deadline(values)
    return first


def deadlines_of(subject: Subject) -> list[Deadline]:
    """Every row of the object, oldest first."""
    return _ROWS_OF(subject.object_type, subject.object_id)


def latest(subject: Subject, kinds: Iterable[str]) -> Deadline | None:
    """The most recent row of these kinds, open or resolved (what a domain's copy column shows)."""
    return latest_of(deadlines_of(subject), kinds)


def latest_of(rows: list[Deadline], kinds: Iterable[str]) -> Deadline | None:
    """`latest` among rows already read (`deadlines_of`)."""
    wanted = set(kinds)
    return next((row for row in reversed(rows) if row.kind in wanted), None)


def deadline_close(row: Deadline, *, on: dt.date, resolution: str, explanation: str = "") -> None:
    """Resolve one row as the domain decided (its own rule for lateness, a waiver, an explanation).
    A running suspension simply ends with it: the last day stays as it was computed. An overdue row's
    alert is resolved after commit."""
    if row.status == "overdue":
        _resolve_alert_after_commit(alert_key(row))
    row.resolved_on = on
    row.resolution = resolution
    row.explanation = explanation
    row.status = "met"
    row.suspended_since = None
    row.save(update_fields=["resolved_on", "resolution", "explanation", "status", "suspended_since"])


def deadline_resolve(
    subject: Subject, *, kind: str, on: dt.date, resolution: str = "", explanation: str = ""
) -> list[Deadline]:
    """Resolve the open rows of `kind` once. Without an explicit resolution an act after the last day
    is `late` (still resolved: the lateness stays visible)."""
    rows = open_rows(subject, [kind])
    for row in rows:
        due = effective_due(row, today=on)
        if row.suspended_since is not None:
            row.extra_days += _running_suspension(row, on)
            row.suspended_since = None
            _recompute(row)
        was_overdue = row.status == "overdue"
        row.resolved_on = on
        row.resolution = resolution or (Resolution.LATE if on > due else Resolution.MET)
        row.explanation = explanation
        row.status = "met"
        row.save(
            update_fields=[
                "resolved_on",
                "resolution",
                "explanation",
                "status",
                "extra_days",
                "suspended_since",
                "due_on",
                "provisional",
            ]
        )
        if was_overdue:
            _resolve_alert_after_commit(alert_key(row))
    return rows


def deadline_suspend(subject: Subject, *, on: dt.date, kinds: Iterable[str]) -> list[Deadline]:
    """中止: the listed periods stop running from `on` (the day itself still counts)."""
    rows = [r for r in open_rows(subject, kinds) if r.suspended_since is None]
    for row in rows:
        row.suspended_since = on
        row.save(update_fields=["suspended_since"])
    return rows


def deadline_resume(
    subject: Subject, *, on: dt.date, days: int | None = None, today: dt.date | None = None
) -> list[Deadline]:
    """The suspended periods run again; the days they stood still are added in their own kind.

    `days`: where the domain's statute counts the standstill otherwise, the days it says to add
    (行政强制法第二十五条第三款 leaves out every calendar day of testing, both ends included)."""
    rows = [r for r in open_rows(subject) if r.suspended_since is not None]
    for row in rows:
        if days is not None:
            row.extra_days += days
        else:
            row.extra_days += days_between(
                max(row.suspended_since or on, row.start_on), on, DayKind(row.day_kind)
            )
        row.suspended_since = None
        _recompute(row)
        row.status = status_of(row, today=today or timezone.localdate())
        row.save(update_fields=["extra_days", "suspended_since", "due_on", "provisional", "status"])
    return rows


def deadline_extend(
    subject: Subject, *, kind: str, days: int, today: dt.date | None = None
) -> list[Deadline]:
    """An approved extension adds `days` of the period's own kind (the rule allowing it is the
    domain's, checked before calling)."""
    if days <= 0:
        raise ValueError("an extension adds at least one day")
    rows = open_rows(subject, [kind])
    for row in rows:
        row.extra_days += days
        _recompute(row)
        row.status = status_of(row, today=today or timezone.localdate())
        row.save(update_fields=["extra_days", "due_on", "provisional", "status"])
    return rows


def deadline_moot(subject: Subject, *, on: dt.date, note: str = "") -> list[Deadline]:
    """Every open row stops applying (the matter ended another way: withdrawn, terminated …)."""
    rows = open_rows(subject)
    for row in rows:
        deadline_resolve(subject, kind=row.kind, on=on, resolution=Resolution.MOOT, explanation=note)
    return rows


def _resolve_alert_after_commit(key: str) -> None:
    def resolve() -> None:
        from zhifa.foundation.alerts.services import alert_resolve

        alert_resolve(key=key, note="met")

    transaction.on_commit(resolve)


# --- The daily refresh and the provisional recompute ---------------------------------------------

BATCH = 2000


def deadlines_refresh(*, today: dt.date | None = None, object_type: str | None = None) -> dict[str, int]:
    """Daily: close party windows that have passed, store each open row's status, and raise or resolve
    the supervision alert of every duty of an agency that is (no longer) overdue. Idempotent.
    `object_type` narrows it to one domain's rows (its own refresh command)."""
    from django.utils.translation import gettext as _

    from zhifa.foundation.alerts.services import alert_raise, alert_resolve

    today = today or timezone.localdate()
    counts = {"checked": 0, "elapsed": 0, "overdue": 0, "changed": 0}
    last_id = 0
    while True:
        qs = Deadline.objects.filter(resolved_on__isnull=True, id__gt=last_id)
        if object_type is not None:
            qs = qs.filter(object_type=object_type)
        rows = list(qs.order_by("id")[:BATCH])
        if not rows:
            break
        last_id = rows[-1].pk
        for row in rows:
            counts["checked"] += 1
            with transaction.atomic():
                fields: list[str] = []
                if row.party_window and row.suspended_since is None and today > row.due_on:
                    row.resolved_on, row.resolution = row.due_on, Resolution.ELAPSED
                    fields += ["resolved_on", "resolution"]
                    counts["elapsed"] += 1
                status = status_of(row, today=today)
                if status != row.status:
                    row.status = status
                    fields.append("status")
                    counts["changed"] += 1
                if fields:
                    row.save(update_fields=fields)
                if "resolved_on" in fields:
                    _mirror(row.object_type, row.object_id)
                spec = _types.get(row.object_type)
                if spec is not None and spec.own_alerts:
                    continue  # the domain raises its own (complaint_sla, publication_overdue …)
                if status == "overdue" and row.agency_id is not None and spec and spec.overdue_alert:
                    counts["overdue"] += 1
                    spec.overdue_alert(row, today)  # the domain's own kind, title and severity
                elif status == "overdue" and row.agency_id is not None:
                    counts["overdue"] += 1
                    alert_raise(
                        kind="deadline_overdue",
                        key=alert_key(row),
                        agency_id=row.agency_id,
                        title=_("%(what)s %(id)s: %(deadline)s overdue since %(due)s")
                        % {
                            "what": row.object_type,
                            "id": row.object_id,
                            "deadline": kind_label(row.kind),
                            "due": effective_due(row, today=today).isoformat(),
                        },
                        due_on=row.due_on,
                        object_type=row.object_type,
                        object_id=str(row.object_id),
                        article=row.article,
                    )
                elif row.resolved_on is not None or status != "overdue":
                    alert_resolve(key=alert_key(row), note="met")
    return counts


def recompute_provisional(moved: list[Moved], *, object_type: str | None = None) -> int:
    """For the one provisional job (zhifa.foundation.deadlines.provisional): every open row computed
    on a year whose official calendar was unknown is computed again; a domain's copy of the last day
    follows through its mirror. `object_type` narrows it to one domain (its own daily job or a test)."""
    changed = 0
    qs = Deadline.objects.filter(resolved_on__isnull=True, provisional=True)
    if object_type is not None:
        qs = qs.filter(object_type=object_type)
    else:  # the types counted under their own name run as their own entry of the job
        qs = qs.exclude(object_type__in=_named_types())
    for row_id in list(qs.order_by("id").values_list("id", flat=True)):
        with transaction.atomic():
            row = Deadline.objects.select_for_update().get(pk=row_id)
            old = (row.due_on, row.provisional)
            _recompute(row)
            if (row.due_on, row.provisional) == old:
                continue
            if row.due_on != old[0]:
                moved.append(
                    Moved(
                        key=base_key(row),
                        agency_id=row.agency_id,
                        title=f"{describe(row.object_type, row.object_id)} {kind_label(row.kind)}",
                        old=old[0],
                        new=row.due_on,
                        object_type=row.object_type,
                        object_id=str(row.object_id),
                        article=row.article,
                    )
                )
            row.status = status_of(row, today=timezone.localdate())
            row.save(update_fields=["due_on", "provisional", "status"])
            _mirror(row.object_type, row.object_id)
            changed += 1
    return changed


def present(row: Deadline, *, today: dt.date | None = None) -> dict[str, Any]:
    """The API shape of a row (as the case API shows its deadlines)."""
    today = today or timezone.localdate()
    status = status_of(row, today=today)
    return {
        "kind": row.kind,
        "label": kind_label(row.kind),
        "due_on": effective_due(row, today=today),
        "status": status,
        "colour": colour(status),
        "provisional": row.provisional,
        "article": row.article,
        "resolved_on": row.resolved_on,
        "resolution": row.resolution,
    }
