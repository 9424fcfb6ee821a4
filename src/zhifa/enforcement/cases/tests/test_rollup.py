"""The statistics' roll-up (core.StateTally, cases.rollup) equals a real GROUP BY over the cases after
registrations and every kind of event, across period and time-zone boundaries, and under concurrent
events on PostgreSQL; the statistics read from it equal the figures counted case by case."""

import datetime as dt
import multiprocessing
import random
from collections import defaultdict
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connections
from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth

from zhifa.core import state_counts
from zhifa.core.errors import Conflict
from zhifa.core.indicators import DateSpan, indicator_value
from zhifa.core.models import StateTally
from zhifa.enforcement.cases import problems, rollup
from zhifa.enforcement.cases.factories import build_case_kit, ev, person_id, register
from zhifa.enforcement.cases.indicators import _split
from zhifa.enforcement.cases.models import Case, State
from zhifa.enforcement.cases.tests.builders import PERSON, ordinary, simple
from zhifa.supervision.stats.selectors import stats_summary

SH = ZoneInfo("Asia/Shanghai")
ZERO = Decimal("0.00")


def _kept() -> dict[tuple[Any, ...], tuple[int, Decimal, Decimal]]:
    """The roll-up, shards summed, empty rows left out."""
    out: dict[tuple[Any, ...], list[Any]] = defaultdict(lambda: [0, ZERO, ZERO])
    for t in StateTally.objects.filter(workflow="cases"):
        s = out[(t.agency_id, t.month, t.state, t.category)]
        s[0], s[1], s[2] = s[0] + t.n, s[1] + t.amount, s[2] + t.paid
    return {
        k: (n, a.quantize(Decimal("0.01")), p.quantize(Decimal("0.01"))) for k, (n, a, p) in out.items() if n
    }


def _real() -> dict[tuple[Any, ...], tuple[int, Decimal, Decimal]]:
    """A real GROUP BY over the cases (month of registration in Shanghai)."""
    rows = (
        Case.objects.annotate(month=TruncMonth("registered_at", tzinfo=SH))
        .values("agency_id", "month", "state", "power_version__category")
        .annotate(n=Count("id"), amount=Sum("fine_amount"), paid=Sum("paid_amount"))
        .order_by()
    )
    out = {}
    for r in rows:
        month = r["month"]
        month = month.astimezone(SH).date() if isinstance(month, dt.datetime) else month
        key = (r["agency_id"], month.replace(day=1), r["state"], r["power_version__category"] or "")
        out[key] = (r["n"], (r["amount"] or ZERO).quantize(Decimal("0.01")), r["paid"] or ZERO)
    return out


def _by_hand(
    start: dt.date | None, end: dt.date | None
) -> dict[str, dict[str, tuple[int, Decimal, Decimal]]]:
    """The statistics' four breakdowns counted case by case in Python (local registration dates)."""
    out: dict[str, dict[str, list[Any]]] = {
        d: defaultdict(lambda: [0, ZERO, ZERO]) for d in ("s", "c", "a", "m")
    }
    for c in Case.objects.select_related("power_version"):
        local = c.registered_at.astimezone(SH).date()
        if (start and local < start) or (end and local > end):
            continue
        keys = {
            "s": c.state,
            "c": c.power_version.category if c.power_version else "",
            "a": str(c.agency_id),
            "m": f"{local:%Y-%m}",
        }
        for d, k in keys.items():
            s = out[d][k]
            s[0], s[1], s[2] = s[0] + 1, s[1] + (c.fine_amount or ZERO), s[2] + c.paid_amount
    return {d: {k: tuple(v) for k, v in rows.items()} for d, rows in out.items()}  # type: ignore[misc]


def _shown(s: Any) -> dict[str, dict[str, tuple[int, Decimal, Decimal]]]:
    def rows(rs: Any) -> dict[str, tuple[int, Decimal, Decimal]]:
        return {r.key: (r.count, r.fines, r.paid) for r in rs}

    return {"s": rows(s.by_state), "c": rows(s.by_category), "a": rows(s.by_agency), "m": rows(s.by_month)}


def _register_at(kit: Any, at: dt.datetime, **over: Any) -> Case:
    with time_machine.travel(at, tick=False):
        day = at.astimezone(SH).date()
        return register(kit, discovered_on=day.isoformat(), occurred_on=day.isoformat(), **over)


@pytest.mark.django_db
def test_the_roll_up_follows_registrations_events_payments_and_corrections(kit) -> None:
    w = kit.world
    for state in (
        State.REGISTERED,
        State.NOT_FILED,
        State.INVESTIGATING,
        State.LEGAL_REVIEW,
        State.HEARING_REQUESTED,
        State.DECIDED,
        State.SERVED,
        State.EXECUTED,
        State.ARCHIVED,
        State.TERMINATED,
    ):
        ordinary(kit, state)
        assert _kept() == _real(), state
    for i, state in enumerate((State.DECIDED, State.CLOSED, State.SERVED)):  # one receipt: one paid
        simple(kit, state, on=f"2025-06-1{i}")  # one act fined once (第二十九条): a day each
    assert _kept() == _real()
    # another agency, no power item yet: a category of its own ("")
    register(kit, actor=w.officer_b, agency_id=w.agency_b.pk, power_item_id=None)
    # a part payment, then a lighter fine after it (行政处罚法第七十五条): amounts move, not the count
    case = ordinary(kit, State.SERVED)
    case = ev(
        case,
        w.officer_a,
        "record_payment",
        amount="500",
        paid_on="2025-06-20",
        channel="bank",
        receipt_no="B-1",
    )
    assert _kept() == _real()
    case = ev(
        case,
        w.approver_a,
        "change",
        by="agency",
        reason="裁量过重",
        basis="行政处罚法第七十五条",
        measures=["fine"],
        fine_amount="500",
        changed_on="2025-06-30",
    )
    assert case.fine_amount == Decimal("500.00") and _kept() == _real()
    # revoked: the case closes, its fine stays on record as the case row says
    case = ordinary(kit, State.SERVED)
    ev(
        case,
        w.approver_a,
        "revoke",
        by="agency",
        reason="适用法律错误",
        basis="行政处罚法第七十五条第二款",
        revoked_on="2025-06-30",
    )
    assert _kept() == _real()
    # the demo's planted legacy records write outside the workflow, with the roll-up
    decided = ordinary(kit, State.DECIDED)
    rollup.retallied(decided.pk, fine_amount=Decimal("100.00"))
    assert Case.objects.get(pk=decided.pk).fine_amount == Decimal("100.00") and _kept() == _real()
    # a refused event changes nothing
    with pytest.raises(Conflict):
        ev(decided, w.officer_a, "close", closed_on="2025-06-30")
    assert _kept() == _real()
    # the nightly fold: one row per key, the same sums
    keys = len(_kept())
    assert StateTally.objects.exclude(shard=0).exists()
    rollup.compact()
    assert StateTally.objects.count() == keys
    assert (
        not StateTally.objects.values("agency_id", "month", "state", "category")
        .annotate(rows=Count("id"))
        .filter(rows__gt=1)
    )
    assert _kept() == _real()
    simple(kit, State.DECIDED, on="2025-06-20")  # and the events after it keep counting
    assert _kept() == _real()
    # and rebuilding from the cases gives the same roll-up
    before = _kept()
    assert rollup.rebuild() == Case.objects.count()
    assert _kept() == before == _real()
    assert StateTally.objects.filter(n=0, amount=0, paid=0).count() == 0  # emptied rows are deleted


@pytest.mark.django_db
def test_a_no_penalty_decision_is_counted_with_no_fine(kit) -> None:
    from zhifa.enforcement.cases.factories import add_investigation_record
    from zhifa.enforcement.cases.tests.test_penalty_law import filed, person

    case = filed(kit, party=person("20110501"))
    add_investigation_record(case, kit.world.officer_a)
    case = ev(
        case,
        kit.world.approver_a,
        "decide_no_penalty",
        ground="under_age",
        reason="当事人违法时未满十四周岁，已进行教育。",
        guardian_order="责令其监护人加以管教。",
        decided_on="2025-05-10",
    )
    assert case.state == State.CLOSED and _kept() == _real()


@pytest.mark.django_db
def test_the_demo_plants_keep_the_roll_up(kit) -> None:
    for _ in range(3):
        ordinary(kit, State.DECIDED)
    ctx = {"agencies": {"cgj": kit.agency}}
    from zhifa.enforcement.cases.models.case import Procedure

    Case.objects.update(procedure=Procedure.ORDINARY)
    problems.plant_below(ctx)
    assert _kept() == _real()


@pytest.mark.django_db
def test_periods_cut_at_months_and_days_in_shanghai_time(kit) -> None:
    """Cases registered either side of midnight in Shanghai at the turn of months (16:00 UTC is
    midnight there), and statistics over periods that start or end inside a month, on its first or
    last day, or are open: always the figures counted case by case."""
    instants = [
        dt.datetime(2025, 4, 30, 23, 59, tzinfo=SH),
        dt.datetime(2025, 5, 1, 0, 0, tzinfo=SH),  # 30 April 16:00 UTC
        dt.datetime(2025, 5, 15, 12, 0, tzinfo=SH),
        dt.datetime(2025, 5, 31, 23, 30, tzinfo=SH),
        dt.datetime(2025, 6, 1, 0, 30, tzinfo=SH),  # still 31 May in UTC
        dt.datetime(2025, 6, 18, 9, 0, tzinfo=SH),
    ]
    for at in instants:
        _register_at(kit, at)
    case = _register_at(kit, dt.datetime(2025, 6, 1, 7, 0, tzinfo=SH))
    ev(
        case,
        kit.world.approver_a,
        "file",
        officer_ids=[kit.officer_a.pk, kit.officer_a2.pk],
        filed_on="2025-06-02",
    )
    simple(kit, State.EXECUTED, on="2025-06-10", fine="80.00")
    assert _kept() == _real()
    d = dt.date
    spans = [
        (None, None),
        (d(2025, 5, 1), d(2025, 5, 31)),
        (d(2025, 5, 1), None),
        (None, d(2025, 5, 31)),
        (d(2025, 4, 30), d(2025, 4, 30)),
        (d(2025, 5, 1), d(2025, 5, 1)),
        (d(2025, 5, 31), d(2025, 6, 1)),
        (d(2025, 5, 2), d(2025, 6, 17)),
        (d(2025, 4, 30), d(2025, 6, 30)),
        (d(2025, 6, 1), None),
        (None, d(2025, 6, 1)),
        (d(2025, 6, 2), None),
        (d(2025, 5, 10), d(2025, 5, 20)),
        (d(2025, 1, 1), d(2025, 12, 31)),
        (d(2025, 7, 1), None),
    ]
    for start, end in spans:
        s = stats_summary(user=kit.world.supervisor, date_from=start, date_to=end)
        hand = _by_hand(start, end)
        assert _shown(s) == hand, (start, end)
        assert s.total == sum(v[0] for v in hand["s"].values())
        span = DateSpan(start, end)
        agencies = [kit.world.agency_a.pk, kit.world.agency_b.pk]
        assert indicator_value("cases.registered", agencies, span).value == s.total
        assert indicator_value("cases.fines_decided", agencies, span).value == s.fines
        assert indicator_value("cases.fines_paid", agencies, span).value == s.paid
    assert _by_hand(d(2025, 5, 1), d(2025, 5, 31))["s"]["registered"][0] == 3


def _tally_by_orm(agency_ids: list[int], months: tuple[Any, Any], by: str) -> list[dict[str, Any]]:
    """The roll-up grouped by one column as the ORM compiles it (what `tally_rows` did before
    `tally_sums` wrote its statement itself)."""
    qs = StateTally.objects.filter(workflow="cases", agency_id__in=agency_ids)
    if months[0] is not None:
        qs = qs.filter(month__gte=months[0])
    if months[1] is not None:
        qs = qs.filter(month__lte=months[1])
    rows = qs.order_by().values(by).annotate(n=Sum("n"), amount=Sum("amount"), paid=Sum("paid")).order_by(by)
    return [
        {by: r[by], "n": int(r["n"]), "amount": r["amount"] or ZERO, "paid": r["paid"] or ZERO}
        for r in rows
        if r["n"]
    ]


@pytest.mark.django_db
def test_the_sums_by_every_column_at_once_are_the_orms_grouped_sums(kit, django_assert_num_queries) -> None:
    """`state_counts.tally_sums` (one statement for all the columns: GROUPING SETS on PostgreSQL, a
    UNION ALL elsewhere) gives each column's rows exactly as the ORM's grouped query over the roll-up,
    values, types and order, for any months and agencies; no query without an agency."""
    for at in (
        dt.datetime(2025, 4, 30, 23, 59, tzinfo=SH),
        dt.datetime(2025, 5, 15, 12, 0, tzinfo=SH),
        dt.datetime(2025, 6, 18, 9, 0, tzinfo=SH),
    ):
        _register_at(kit, at)
    simple(kit, State.EXECUTED, on="2025-06-10", fine="80.50")
    ordinary(kit, State.DECIDED)
    d = dt.date
    w = kit.world
    columns = ("state", "category", "agency_id", "month")
    for agencies in ([w.agency_a.pk], [w.agency_a.pk, w.agency_b.pk], [w.agency_b.pk]):
        for months in (
            (None, None),
            (d(2025, 5, 1), None),
            (None, d(2025, 5, 1)),
            (d(2025, 6, 1), d(2025, 6, 1)),
        ):
            with django_assert_num_queries(1):
                sums = state_counts.tally_sums(
                    workflow="cases", agency_ids=agencies, months=months, by=columns
                )
            for column in columns:
                expected = _tally_by_orm(agencies, months, column)
                assert sums[column] == expected, (agencies, months, column)
                assert [type(v) for r in sums[column] for v in r.values()] == [
                    type(v) for r in expected for v in r.values()
                ]
                got = state_counts.tally_rows(workflow="cases", agency_ids=agencies, months=months, by=column)
                assert got == expected
    assert any(_tally_by_orm([w.agency_a.pk], (None, None), c) for c in columns)
    with django_assert_num_queries(0):
        assert state_counts.tally_sums(workflow="cases", agency_ids=[], by=columns) == {
            c: [] for c in columns
        }
    with pytest.raises(ValueError):
        state_counts.tally_sums(workflow="cases", agency_ids=[w.agency_a.pk], by=("state", "state"))


def test_a_span_is_split_into_months_and_the_cut_days_exactly() -> None:
    """Every date of the span counted exactly once: the roll-up's months, less the days subtracted,
    plus the days added; a cut month is counted on its fewer days up to today."""
    rng = random.Random(22)
    first, last = dt.date(2023, 11, 1), dt.date(2026, 2, 28)
    universe = [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
    d = dt.date
    spans: list[tuple[dt.date | None, dt.date | None]] = [
        (None, None),
        (d(2024, 2, 29), d(2024, 2, 29)),
        (d(2024, 12, 31), d(2025, 1, 1)),
        (d(2025, 1, 31), d(2025, 3, 1)),
        (d(2025, 5, 30), d(2025, 5, 31)),
        (d(2025, 5, 2), d(2025, 5, 30)),
    ]
    for _ in range(500):
        a, b = sorted(rng.sample(universe[40:-40], 2))
        spans.append((None if rng.random() < 0.15 else a, None if rng.random() < 0.15 else b))
    for start, end in spans:
        for today in (d(2025, 5, 20), d(2030, 1, 1)):
            split = _split(DateSpan(start, end), today=today)
            counted: dict[dt.date, int] = defaultdict(int)
            if split.months is not None:
                m0, m1 = split.months
                for day in universe:
                    if (m0 is None or day >= m0) and (m1 is None or state_counts.month_of(day) <= m1):
                        counted[day] += 1
            for ranges, sign in ((split.add, 1), (split.sub, -1)):
                for lo, hi in ranges:
                    assert lo <= hi and state_counts.month_of(lo) == state_counts.month_of(hi)
                    for i in range((hi - lo).days + 1):
                        counted[lo + dt.timedelta(days=i)] += sign
            wanted = {
                day for day in universe if (start is None or day >= start) and (end is None or day <= end)
            }
            assert {day for day, n in counted.items() if n} == wanted, (start, end, today, split)
            assert all(n in (0, 1) for n in counted.values()), (start, end, split)
            assert len(split.add) + len(split.sub) <= 3
    # this month so far: the whole month from the roll-up, nothing counted (its rest is the future)
    assert _split(DateSpan(d(2025, 5, 1), d(2025, 5, 20)), today=d(2025, 5, 20)).add == ()
    assert (
        _split(DateSpan(d(2025, 5, 1), d(2025, 5, 20)), today=d(2025, 5, 20)).months == (d(2025, 5, 1),) * 2
    )


def _act(case_ids: list[int], officer_id: int, queue: Any) -> None:
    connections.close_all()
    from zhifa.enforcement.cases.services import case_apply_event
    from zhifa.org.models import User

    officer = User.objects.get(pk=officer_id)
    failures = []
    for case_id in case_ids:
        try:
            steps = [
                (
                    "decide_on_spot",
                    {
                        "measures": ["fine"],
                        "fine_amount": "50.00",
                        "tier": "轻微",
                        "reasons": "占道经营，当场改正。",
                    },
                ),
                ("serve", {"method": "direct"}),
                (
                    "record_payment",
                    {"amount": "50.00", "channel": "on_the_spot", "receipt_no": f"CZ-{case_id}"},
                ),
            ]
            for event, payload in steps:
                data = {**payload, "officer_ids": OFFICERS[0], "power_item_id": OFFICERS[1]}
                case_apply_event(case_id=case_id, actor=officer, event=event, data=data)
        except Exception as exc:  # pragma: no cover — would fail the assertions below
            failures.append(repr(exc))
    connections.close_all()
    queue.put(failures)


OFFICERS: list[Any] = []


def _fold(queue: Any) -> None:
    """The nightly fold, run again and again while the events go on."""
    connections.close_all()
    failures = []
    for _ in range(6):
        try:
            rollup.compact()
        except Exception as exc:  # pragma: no cover — would fail the assertions below
            failures.append(repr(exc))
    connections.close_all()
    queue.put(failures)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_roll_up_equals_a_real_count_after_concurrent_events(world) -> None:
    kit = build_case_kit(world)
    cases = [
        register(
            kit,
            procedure="simple",
            party={**PERSON, "name": f"张{i}", "id_number": person_id(i)},
            facts=f"并发汇总{i}",
        )
        for i in range(24)
    ]
    OFFICERS[:] = [[kit.officer_a.pk, kit.officer_a2.pk], kit.item.pk]
    connections.close_all()
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    procs = [
        ctx.Process(target=_act, args=([c.pk for c in cases[i::4]], kit.world.officer_a.pk, queue))
        for i in range(4)
    ]
    procs.append(ctx.Process(target=_fold, args=(queue,)))
    for p in procs:
        p.start()
    failures = [queue.get(timeout=300) for _ in procs]
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    assert failures == [[], [], [], [], []]
    real = _real()
    assert sum(n for n, _a, _p in real.values()) == 24
    assert sum(p for _n, _a, p in real.values()) == Decimal("1200.00")
    assert _kept() == real
    s = stats_summary(user=kit.world.supervisor)
    assert (s.total, s.fines, s.paid) == (24, Decimal("1200.00"), Decimal("1200.00"))
