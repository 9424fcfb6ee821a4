"""The case figures as registered indicators, and the grouped counts the statistics page draws.

Cases count in the span of their registration date (the case entered the system in the span); amounts
are decided fines and amounts paid of those cases. Every function takes the agencies to count (the
caller applied the user's scope) and a `core.indicators.DateSpan`.

The counts by registration date read the roll-up (`cases.rollup`, kept in step by every write in its
transaction: exact and live) for the whole months of the span, and count the cases themselves only for
the days of a month the span cuts at either end (`_split`): a few thousand rows through the (agency,
registered_at) index instead of every case in scope.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Case as DbCase
from django.db.models import Count, IntegerField, Q, QuerySet, Sum, Value, When
from django.db.models.functions import TruncMonth
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhifa.core import state_counts
from zhifa.core.indicators import DateSpan, IndicatorValue, Unit, queryset_records, register_indicator
from zhifa.enforcement.cases import rollup
from zhifa.enforcement.cases.models import Case
from zhifa.enforcement.cases.models.case import State
from zhifa.org.models import OrgNode
from zhifa.powers.models import Category

ZERO = Decimal("0.00")

# The cases an indicator counts, given the agencies and the span.
Rows = Callable[[Collection[int], DateSpan], QuerySet[Case]]


def cases_in(agency_ids: Collection[int], span: DateSpan) -> QuerySet[Case]:
    """Cases registered on the span's (local) dates: a range of instants from the first day's
    midnight to the day after the last, which the (agency, registered_at) index serves (a filter on
    the date of the instant would not use it)."""
    qs = Case.objects.filter(agency_id__in=agency_ids)
    if span.start is not None:
        qs = qs.filter(registered_at__gte=_midnight(span.start))
    if span.end is not None and span.end < dt.date.max:
        qs = qs.filter(registered_at__lt=_midnight(span.end + dt.timedelta(days=1)))
    return qs


def _midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _month_after(month: dt.date) -> dt.date:
    return (month + dt.timedelta(days=32)).replace(day=1)


Days = tuple[tuple[dt.date, dt.date], ...]  # inclusive ranges of dates


@dataclass(frozen=True)
class _Split:
    """A span of registration dates as months read from the roll-up (`months`: the first and last
    month's first days, None for an open end; None when no month), plus the days of the months the
    span cuts counted on the cases: added (`add`: the span's days of a cut month) or subtracted
    (`sub`: the days of a month in the roll-up that are outside the span)."""

    months: tuple[dt.date | None, dt.date | None] | None
    add: Days = ()
    sub: Days = ()


def _split(span: DateSpan, today: dt.date | None = None) -> _Split:
    """The whole months of the span from the roll-up; each month it cuts (at most two, at its ends)
    either by its days in the span, or as a whole month less its days outside the span — whichever
    has fewer days up to today to count (a month "so far" subtracts nothing: its remaining days
    are in the future)."""
    today = today or timezone.localdate()
    month_of = state_counts.month_of
    start = span.start
    end = span.end if span.end is not None and span.end < dt.date.max else None
    first = None if start is None else start if start.day == 1 else _month_after(month_of(start))
    last = None
    if end is not None:
        last = (
            month_of(end)
            if (end + dt.timedelta(days=1)).day == 1
            else month_of(month_of(end) - dt.timedelta(days=1))
        )
    has_months = first is None or last is None or first <= last
    cut = sorted(
        {month_of(d) for d in (start, end) if d is not None and not (has_months and _whole(d, first, last))}
    )

    def cost(days: list[tuple[dt.date, dt.date]]) -> int:
        return sum(max(0, (min(hi, today) - lo).days + 1) for lo, hi in days)

    add: list[tuple[dt.date, dt.date]] = []
    sub: list[tuple[dt.date, dt.date]] = []
    included: list[dt.date] = []
    for month in cut:
        month_end = _month_after(month) - dt.timedelta(days=1)
        inside = (max(start or month, month), min(end or month_end, month_end))
        outside = [
            r
            for r in (
                (month, inside[0] - dt.timedelta(days=1)),
                (inside[1] + dt.timedelta(days=1), month_end),
            )
            if r[0] <= r[1]
        ]
        if cost(outside) < cost([inside]):
            sub += outside
            included.append(month)
        else:
            add.append(inside)
    months: tuple[dt.date | None, dt.date | None] | None = None
    if has_months:
        months = (
            None if first is None else min([first, *included]),
            None if last is None else max([last, *included]),
        )
    elif included:
        months = (min(included), max(included))
    return _Split(months, tuple(add), tuple(sub))


def _whole(day: dt.date, first: dt.date | None, last: dt.date | None) -> bool:
    """Is `day`'s month one of the whole months from `first` to `last`?"""
    month = state_counts.month_of(day)
    return (first is None or month >= first) and (last is None or month <= last)


def _on_days(days: Days, *, empty: Q) -> Q:
    """Registered on those (local) dates; `empty` when there are none."""
    q = empty
    for first, last in days:
        q |= Q(registered_at__gte=_midnight(first), registered_at__lt=_midnight(last + dt.timedelta(days=1)))
    return q


def _live(agency_ids: Collection[int], days: Days) -> QuerySet[Case]:
    """The cases registered on those (local) dates."""
    return Case.objects.filter(_on_days(days, empty=Q()), agency_id__in=agency_ids)


def _signed(agency_ids: Collection[int], split: _Split) -> QuerySet[Case]:
    """The cut months' cases counted on the rows, with `sign` 1 (added) or -1 (subtracted)."""
    added = _on_days(split.add, empty=Q(pk__in=[]))
    return _live(agency_ids, split.add + split.sub).annotate(
        sign=DbCase(When(added, then=Value(1)), default=Value(-1), output_field=IntegerField())
    )


def _total(agency_ids: Collection[int], span: DateSpan) -> tuple[int, Decimal, Decimal]:
    """Cases registered in the span, their fines decided and amounts paid (`counted_by`)."""
    sums = counted_by(agency_ids, span, ("agency_id",))["agency_id"]
    return (
        sum(s[0] for s in sums.values()),
        sum((s[1] for s in sums.values()), ZERO),
        sum((s[2] for s in sums.values()), ZERO),
    )


def registered(agency_ids: Collection[int], span: DateSpan) -> IndicatorValue:
    return IndicatorValue.count(_total(agency_ids, span)[0])


def fines_decided(agency_ids: Collection[int], span: DateSpan) -> IndicatorValue:
    return IndicatorValue.money(_total(agency_ids, span)[1])


def fines_paid(agency_ids: Collection[int], span: DateSpan) -> IndicatorValue:
    return IndicatorValue.money(_total(agency_ids, span)[2])


def _case_label(c: Case) -> str:
    """The case number (a lead without one yet shows its id): never the party's name."""
    return c.number or f"#{c.pk}"


def _case_url(c: Case) -> str:
    return reverse("cases:detail", args=[c.pk])


def _case_records(rows: Any, on: str) -> Any:
    return queryset_records(rows, on=on, label=_case_label, url=_case_url)


def register() -> None:
    register_indicator(
        "cases.registered",
        gettext_lazy("Cases registered"),
        registered,
        unit=Unit.COUNT,
        records=_case_records(cases_in, "registered_at"),
        monthly=True,
    )
    register_indicator(
        "cases.fines_decided", gettext_lazy("Fines decided"), fines_decided, unit=Unit.YUAN, monthly=True
    )
    register_indicator(
        "cases.fines_paid", gettext_lazy("Fines paid"), fines_paid, unit=Unit.YUAN, monthly=True
    )
    register_decision_indicators()


@dataclass
class Row:
    key: str
    label: str
    count: int
    fines: Decimal
    paid: Decimal

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "label": self.label,
            "count": self.count,
            "fines": f"{self.fines:.2f}",
            "paid": f"{self.paid:.2f}",
        }


def _grouped(qs: QuerySet[Case], field_name: str) -> list[dict[str, Any]]:
    return list(
        qs.order_by()
        .values(field_name)
        .annotate(
            n=Count("id"),
            fines=Sum("fine_amount", filter=Q(fine_amount__isnull=False)),
            paid=Sum("paid_amount"),
        )
        .order_by(field_name)
    )


def _by_category(qs: QuerySet[Case]) -> list[Row]:
    """`qs` grouped by the power category (one query); cases without a power yet in a row of their own."""
    return _category_rows(
        (r["power_version__category"] or "", r["n"], r["fines"] or ZERO, r["paid"] or ZERO)
        for r in _grouped(qs, "power_version__category")
    )


def _category_rows(rows: Iterable[tuple[str, int, Decimal, Decimal]]) -> list[Row]:
    category_labels = dict(Category.choices)
    out = []
    for key, n, fines, paid in rows:
        label = str(category_labels.get(key, key)) if key else _("Not yet determined")
        out.append(Row(key, label, n, fines, paid))
    return out


# The roll-up's columns the statistics group by, and the same on the cases.
DIMENSIONS = ("state", "category", "agency_id", "month")
_CASE_FIELD = {
    "state": "state",
    "category": "power_version__category",
    "agency_id": "agency_id",
    "month": "month",
}

Sums = dict[Any, list[Any]]  # key → [count, fines, paid]


def counted_by(
    agency_ids: Collection[int], span: DateSpan, dims: Iterable[str] = DIMENSIONS
) -> dict[str, Sums]:
    """Cases registered in the span grouped by each of `dims` (count, fines decided, amounts paid),
    keys in order (no category: "", last): one roll-up query for the span's whole months (all the
    dimensions at once, `state_counts.tally_sums`), and one query on the cases for the days of the
    months it cuts, whatever the caseload."""
    dims = tuple(dims)
    split = _split(span)
    out: dict[str, Sums] = {d: {} for d in dims}

    def add(d: str, key: Any, n: int, fines: Decimal | None, paid: Decimal | None) -> None:
        s = out[d].setdefault(key, [0, ZERO, ZERO])
        s[0] += n
        s[1] += fines or ZERO
        s[2] += paid or ZERO

    if split.months is not None:
        tallies = state_counts.tally_sums(
            workflow=rollup.WORKFLOW, agency_ids=agency_ids, months=split.months, by=dims
        )
        for d in dims:
            for r in tallies[d]:
                add(d, r[d], r["n"], r["amount"], r["paid"])
    if split.add or split.sub:
        zone = timezone.get_default_timezone()
        live = (
            _signed(agency_ids, split)
            .order_by()
            .annotate(month=TruncMonth("registered_at", tzinfo=zone))
            .values("sign", *[_CASE_FIELD[d] for d in dims])
            .annotate(n=Count("id"), fines=Sum("fine_amount"), paid=Sum("paid_amount"))
        )
        for r in live:
            sign = int(r["sign"])
            for d in dims:
                key = r[_CASE_FIELD[d]]
                if d == "category":
                    key = key or ""
                elif d == "month" and isinstance(key, dt.datetime):
                    key = timezone.localtime(key, zone).date().replace(day=1)
                add(d, key, sign * r["n"], sign * (r["fines"] or ZERO), sign * (r["paid"] or ZERO))
    for d in dims:  # a month's subtracted days may leave a group empty
        out[d] = dict(
            sorted(((k, v) for k, v in out[d].items() if v[0]), key=lambda kv: (kv[0] == "", kv[0]))
        )
    return out


def _rows(sums: Sums, label: Callable[[Any], str], key: Callable[[Any], str] = str) -> list[Row]:
    return [Row(key(k), label(k), s[0], s[1], s[2]) for k, s in sums.items()]


def breakdown(agency_ids: Collection[int], span: DateSpan) -> dict[str, list[Row]]:
    """Counts and amounts by state, power category and agency (`counted_by`), with one query for
    the agencies' names."""
    return breakdown_of(counted_by(agency_ids, span, ("state", "category", "agency_id")))


def breakdown_of(sums: Mapping[str, Sums], *, names: Mapping[int, str] | None = None) -> dict[str, list[Row]]:
    """The rows of `counted_by`'s state, category and agency sums (one query for the agencies' names,
    none when the caller's `names` already has every agency's: the statistics page reads them for its
    filter)."""
    state_labels = dict(State.choices)
    by_state = _rows(sums["state"], lambda k: str(state_labels.get(k, k)))
    by_category = _category_rows((k, s[0], s[1], s[2]) for k, s in sums["category"].items())
    if names is None or any(k not in names for k in sums["agency_id"]):
        names = dict(OrgNode.objects.filter(id__in=list(sums["agency_id"])).values_list("id", "name"))
    by_agency = _rows(sums["agency_id"], lambda k: names.get(k, ""))
    order = {state: i for i, state in enumerate(State.values)}
    by_state.sort(key=lambda r: order.get(r.key, len(order)))  # the workflow's order, not the slugs'
    by_agency.sort(key=lambda r: -r.count)
    by_category.sort(key=lambda r: -r.count)
    return {"by_state": by_state, "by_category": by_category, "by_agency": by_agency}


def by_month(agency_ids: Collection[int], span: DateSpan) -> list[Row]:
    """Cases registered per calendar month (local time), oldest first: the trend (`counted_by`)."""
    return month_rows(counted_by(agency_ids, span, ("month",))["month"])


def month_rows(sums: Sums) -> list[Row]:
    def key(month: dt.date) -> str:
        return f"{month:%Y-%m}"

    return _rows(sums, key, key)


# --- Decisions, filings and hearings by the date of the act (the supervision centre's dashboard and
# monthly report; registered with the others above). ----------------------------------------------


def _decided(agency_ids: Collection[int], span: DateSpan) -> QuerySet[Case]:
    """Penalty decisions (not 不予处罚) made in the span, by the date of the decision."""
    return Case.objects.filter(
        span.q("decided_on"), agency_id__in=agency_ids, decided_on__isnull=False, no_penalty_ground=""
    )


def _filed(agency_ids: Collection[int], span: DateSpan) -> QuerySet[Case]:
    return Case.objects.filter(span.q("filed_on"), agency_id__in=agency_ids)


def _decided_simple(agency_ids: Collection[int], span: DateSpan) -> QuerySet[Case]:
    return _decided(agency_ids, span).filter(procedure="simple")


def _decided_ordinary(agency_ids: Collection[int], span: DateSpan) -> QuerySet[Case]:
    return _decided(agency_ids, span).filter(procedure="ordinary")


def fines_in_decisions(agency_ids: Collection[int], span: DateSpan) -> IndicatorValue:
    return IndicatorValue.money(_decided(agency_ids, span).aggregate(s=Sum("fine_amount"))["s"])


def _hearings_held(agency_ids: Collection[int], span: DateSpan) -> QuerySet[Case]:
    return Case.objects.filter(span.q("hearing_held_on"), agency_id__in=agency_ids)


def _decided_with(measure: str) -> Rows:
    """Decisions in the span whose penalty includes `measure` (行政处罚法第九条: 警告 and 通报批评 are
    counted apart). The measures are a JSON list of codes; the quoted code is matched in its text."""

    def rows(agency_ids: Collection[int], span: DateSpan) -> QuerySet[Case]:
        return _decided(agency_ids, span).filter(measures__icontains=f'"{measure}"')

    return rows


def _counted(rows: Rows) -> Callable[[Collection[int], DateSpan], IndicatorValue]:
    def count(agency_ids: Collection[int], span: DateSpan) -> IndicatorValue:
        return IndicatorValue.count(rows(agency_ids, span).count())

    return count


_decided_warning = _decided_with("warning")
_decided_circular = _decided_with("circular")
filed = _counted(_filed)
decided = _counted(_decided)
decided_simple = _counted(_decided_simple)
decided_ordinary = _counted(_decided_ordinary)
hearings_held = _counted(_hearings_held)
decided_warning = _counted(_decided_warning)
decided_circular = _counted(_decided_circular)


def decision_on_time_rate(agency_ids: Collection[int], span: DateSpan) -> IndicatorValue:
    """Decision periods (行政处罚法第六十条) resolved in the span by a decision: in time / all."""
    from zhifa.enforcement.cases.models import CaseDeadline, DeadlineKind, Resolution

    rows = CaseDeadline.objects.filter(
        span.q("resolved_on"),
        agency_id__in=agency_ids,
        kind=DeadlineKind.DECISION,
        resolution__in=[Resolution.MET, Resolution.LATE],
    )
    counts = rows.aggregate(all=Count("id"), met=Count("id", filter=Q(resolution=Resolution.MET)))
    return IndicatorValue.percent(counts["met"] or 0, counts["all"] or 0)


def decided_by_category(agency_ids: Collection[int], span: DateSpan) -> list[Row]:
    """Decisions made in the span by power category (count, fines; `paid` is what was paid on them)."""
    out = _by_category(_decided(agency_ids, span))
    out.sort(key=lambda r: (-r.count, r.key))
    return out


def top_power_items(agency_ids: Collection[int], span: DateSpan, limit: int = 10) -> list[Row]:
    """The violations most often decided in the span (by power item), with their fines."""
    rows = list(
        _decided(agency_ids, span)
        .filter(power_item__isnull=False)
        .order_by()
        .values("power_item_id", "power_version__name")
        .annotate(n=Count("id"), fines=Sum("fine_amount"), paid=Sum("paid_amount"))
        .order_by("-n", "power_item_id")[:limit]
    )
    return [_item_row(r) for r in rows]


def decided_by_power_item(agency_ids: Collection[int], span: DateSpan) -> list[tuple[int, Row]]:
    """Decisions made in the span per agency and power item (count, fines, paid): the parts that
    `top_power_items` of any set of agencies and span of months is the sum of. One query."""
    rows = (
        _decided(agency_ids, span)
        .filter(power_item__isnull=False)
        .order_by()
        .values("agency_id", "power_item_id", "power_version__name")
        .annotate(n=Count("id"), fines=Sum("fine_amount"), paid=Sum("paid_amount"))
    )
    return [(r["agency_id"], _item_row(r)) for r in rows]


def _item_row(r: Mapping[str, Any]) -> Row:
    return Row(
        str(r["power_item_id"]), r["power_version__name"] or "", r["n"], r["fines"] or ZERO, r["paid"] or ZERO
    )


# The counts of decisions, filings and hearings by the date of the act: (code, label, the rows counted,
# the date they are listed by, shown month by month).
_COUNTED_BY_ACT: tuple[tuple[str, Promise, Rows, str, bool], ...] = (
    ("cases.filed", gettext_lazy("Cases filed"), _filed, "filed_on", True),
    ("cases.decided", gettext_lazy("Penalty decisions"), _decided, "decided_on", True),
    (
        "cases.decided_simple",
        gettext_lazy("Decisions on the spot (simple procedure)"),
        _decided_simple,
        "decided_on",
        True,
    ),
    (
        "cases.decided_ordinary",
        gettext_lazy("Decisions in the ordinary procedure"),
        _decided_ordinary,
        "decided_on",
        True,
    ),
    ("cases.hearings_held", gettext_lazy("Hearings held"), _hearings_held, "hearing_held_on", True),
    (
        "cases.decided_warning",
        gettext_lazy("Decisions imposing a warning (警告)"),
        _decided_warning,
        "decided_on",
        False,
    ),
    (
        "cases.decided_circular",
        gettext_lazy("Decisions imposing a public reprimand (通报批评)"),
        _decided_circular,
        "decided_on",
        False,
    ),
)


def register_decision_indicators() -> None:
    for code, label, rows, on, monthly in _COUNTED_BY_ACT:
        register_indicator(
            code, label, _counted(rows), unit=Unit.COUNT, records=_case_records(rows, on), monthly=monthly
        )
    register_indicator(
        "cases.fines_in_decisions",
        gettext_lazy("Fines in the decisions"),
        fines_in_decisions,
        unit=Unit.YUAN,
        monthly=True,
    )
    register_indicator(
        "cases.decision_on_time_rate",
        gettext_lazy("Decisions within the statutory period"),
        decision_on_time_rate,
        unit=Unit.PERCENT,
        monthly=True,
    )
