"""Supervision centre: the nightly sweep of every problem model, the incremental check and the
aggregate re-check an event queues, and the dashboard, over `--cases` penalty cases (default 100,000;
at most 1,000,000, generated in a few minutes).

1. Data (PostgreSQL, its own database): the case and published-decision generator of bench/portal.py
   (20 agencies, 80 % decided, bulk `INSERT … SELECT generate_series`), then with bulk SQL: decision
   dates, fines and tier maxima on the decided cases, two handling officers per case (40 credentialed
   officers), an open decision period on every open case; about 1 in 500 cases carries a planted
   condition (no prior notice, fine below the minimum, a decision period past its day), so the sweep
   raises real clues.
2. The sweep: `centre.services.models_run()` twice — the first raises the clues, the second is the
   steady nightly state (every condition found again, nothing new) — with the wall time, the process's
   CPU time, its peak RSS (VmHWM, reset before each sweep), the number of SQL statements and the load
   average of each run; then the audit chain is verified. Skipped with `--no-sweep`; `--sweep-only`
   stops after it.
3. Per event, for `--samples` random cases: the per-object check (`check_subject`, the task
   `centre_check`) and the aggregate re-check (`recheck_aggregates`, the task `centre_recheck`): wall
   time, the process's CPU time (what the load of other jobs does not inflate) and queries.
4. The dashboard, all agencies over the year: first computed live (no monthly parts), then the
   monthly parts refreshed (`centre.figures.refresh`, timed) and the dashboard read from them (all
   agencies, and one agency), with its number of queries.

    PYTHONPATH=src python bench/centre.py [--cases 100000] [--samples 200] [--regenerate]
        [--no-sweep | --sweep-only]

Environment: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/zhifa_centre_bench).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import statistics
import sys
import time
import tracemalloc
from collections import Counter
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent))
from portal import django_setup, ensure_database, generate

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/zhifa_centre_bench"
TODAY = dt.date(2025, 12, 31)
MAX_CASES = 1_000_000
SH = ZoneInfo("Asia/Shanghai")


def enrich() -> dict[str, Any]:
    from django.db import connection

    from zhifa.enforcement.cases.models import Case
    from zhifa.officers.factories import make_credentialed_officer, make_id_number
    from zhifa.org.models import OrgNode

    started = time.perf_counter()
    agencies = list(OrgNode.objects.filter(kind="agency", name__startswith="基准市").order_by("id"))
    from zhifa.officers.models import Officer

    officers = list(Officer.objects.filter(name__startswith="基准执法员乙").order_by("id"))
    if len(officers) < 40:  # created once, reused by later runs
        officers += [
            make_credentialed_officer(
                agency=agencies[i % len(agencies)],
                name=f"基准执法员乙{i}",
                id_number=make_id_number(born=dt.date(1990, 1, 1), seq=500 + i),
                number=f"BENCH{i:05d}",
            )
            for i in range(len(officers), 40)
        ]
    ids = [o.pk for o in officers]
    table = Case._meta.db_table
    with connection.cursor() as cur:
        cur.execute("TRUNCATE cases_caseofficer RESTART IDENTITY")
        cur.execute("DELETE FROM deadlines_deadline WHERE object_type = 'cases.case'")
        cur.execute(
            f"""UPDATE {table} SET
                decided_on = occurred_on + 30,
                notified_on = CASE WHEN id % 997 = 0 THEN NULL ELSE occurred_on + 20 END,
                filed_on = occurred_on + 2,
                fine_amount = 100 + id % 50 * 100,
                permitted_min = 100, permitted_max = 5000,
                amount_class = CASE WHEN id % 1999 = 0 THEN 'below_legal_minimum' ELSE 'within_tier' END,
                measures = '["fine"]'::jsonb
              WHERE decision_number <> ''"""
        )
        cur.execute(f"UPDATE {table} SET filed_on = occurred_on + 2 WHERE decision_number = ''")
        cur.execute(
            f"""INSERT INTO cases_caseofficer (case_id, officer_id, user_id, credential_number, assigned_on,
                    removed_reason)
                SELECT c.id, (ARRAY{ids})[1 + (c.id * 7) % 40], NULL::bigint, '', c.discovered_on, '' FROM {table} c
                UNION ALL
                SELECT c.id, (ARRAY{ids})[1 + (c.id * 7 + 1 + (c.id / 40) % 39) % 40], NULL::bigint, '', c.discovered_on, '' FROM {table} c"""
        )
        cur.execute(
            f"""INSERT INTO deadlines_deadline (object_type, object_id, agency_id, kind, start_on, days, day_kind, article,
                    extra_days, due_on, provisional, party_window, explanation, status, setting, created_at,
                    resolution)
                SELECT 'cases.case', c.id, c.agency_id, 'decision', c.filed_on, 90, 'natural', '行政处罚法第六十条', 0,
                    CASE WHEN c.id % 503 = 0 THEN DATE '2025-12-01' ELSE DATE '2026-03-31' END,
                    false, false, '', 'ok', '{{}}'::jsonb, now(), ''
                FROM {table} c WHERE c.decision_number = ''"""
        )
        cur.execute("VACUUM ANALYZE")
    return {"enrich_s": round(time.perf_counter() - started, 1)}


def timed(fn: Any) -> tuple[Any, float, float]:
    tracemalloc.start()
    t0 = time.perf_counter()
    result = fn()
    elapsed = time.perf_counter() - t0
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return result, elapsed, peak / 1024 / 1024


def _peak_rss_mib() -> float:
    """The process's peak resident set since the last reset (VmHWM)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _reset_peak_rss() -> bool:
    """Reset VmHWM to the current RSS (Linux: writing 5 to clear_refs), so each sweep reports its own
    peak, not the generator's."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def measured(fn: Any) -> tuple[Any, dict[str, Any]]:
    """Wall time, the process's CPU time, its peak RSS (without tracemalloc, which doubles the CPU),
    the number of SQL statements and the load average before and after."""
    from django.db import connection

    queries = [0]

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        queries[0] += 1
        return execute(sql, params, many, context)

    reset = _reset_peak_rss()
    rss0 = _peak_rss_mib()
    load0 = os.getloadavg()
    t0, c0 = time.perf_counter(), time.process_time()
    with connection.execute_wrapper(count):
        result = fn()
    figures = {
        "wall_s": round(time.perf_counter() - t0, 1),
        "cpu_s": round(time.process_time() - c0, 1),
        "rss_start_mib": round(rss0, 1),
        "peak_rss_mib": round(_peak_rss_mib(), 1),
        "peak_reset": reset,
        "ru_maxrss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "queries": queries[0],
        "load_before": tuple(round(x, 2) for x in load0),
        "load_after": tuple(round(x, 2) for x in os.getloadavg()),
    }
    return result, figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--regenerate", action="store_true")
    parser.add_argument(
        "--no-sweep",
        action="store_true",
        help="skip the two sweeps",
    )
    parser.add_argument(
        "--sweep-only",
        action="store_true",
        help="only the two sweeps (and the audit chain's verification): no per-event checks, no dashboard",
    )
    parser.add_argument(
        "--checks-only",
        action="store_true",
        help="only the per-event checks: no sweep, no monthly parts, no dashboard",
    )
    parser.add_argument(
        "--recheck-samples",
        type=int,
        default=None,
        help="cases for the aggregate re-check (default: --samples)",
    )
    parser.add_argument(
        "--profile",
        type=int,
        default=0,
        metavar="N",
        help="also profile the per-object check (cProfile) and print its N costliest functions",
    )
    args = parser.parse_args()
    if args.cases > MAX_CASES:
        raise SystemExit(f"bench: at most {MAX_CASES} cases")
    db_url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB)
    if args.regenerate:  # the bench's own database: start from nothing
        import psycopg

        base, name = db_url.rsplit("/", 1)
        with psycopg.connect(base + "/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
    ensure_database(db_url)
    # the event's on-commit hook hands the tasks to huey: on Redis when given (BENCH_REDIS_URL)
    django_setup(db_url, os.environ.get("BENCH_REDIS_URL", ""))
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    import time_machine
    from django.db import connection

    from zhifa.core.indicators import DateSpan
    from zhifa.enforcement.cases.models import Case
    from zhifa.supervision.centre import figures, services
    from zhifa.supervision.centre.models import Clue, ClueEvent, FigureMonth, MonthlyFigure

    have = Case.objects.filter(number__startswith="BENCH").count()
    info: dict[str, Any] = {}
    if args.regenerate or have != args.cases:
        with time_machine.travel(
            dt.datetime(2025, 12, 31, 2, 0, tzinfo=SH), tick=True
        ):  # credentials valid then
            info.update(generate(args.cases, 0.8))
            info.update(enrich())
    with connection.cursor() as cur:  # a fresh sweep each run
        cur.execute(f"TRUNCATE {ClueEvent._meta.db_table}, {Clue._meta.db_table} RESTART IDENTITY CASCADE")
        cur.execute(f"TRUNCATE {MonthlyFigure._meta.db_table}, {FigureMonth._meta.db_table}")
    with time_machine.travel(dt.datetime(2025, 12, 31, 2, 30, tzinfo=SH), tick=True):
        if args.no_sweep or args.checks_only:
            first = second = services.RunResult()
            f1: dict[str, Any] = {}
            f2: dict[str, Any] = {}
        else:
            first, f1 = measured(services.models_run)
            second, f2 = measured(services.models_run)
            print(f"sweep 1 (backlog: raises): {f1}\n  raised {first.raised}, by model {first.by_model}")
            print(
                f"sweep 2 (steady: nothing changes): {f2}\n  raised {second.raised}, cleared {second.cleared}, updated {second.updated}"
            )
            from zhifa.audit.services import audit_verify

            t0 = time.perf_counter()
            verified = audit_verify()
            print(f"audit chain: {verified.as_dict()} ({time.perf_counter() - t0:.1f} s)")
        if args.sweep_only:
            print(f"cases: {args.cases}  {info}  load average {os.getloadavg()}")
            return
        ids = list(Case.objects.order_by("?").values_list("id", flat=True)[: args.samples])
        check, check_cpu, check_q = per_event(ids, lambda i: services.check_subject("cases.case", [i]))
        flagged = planted(args.samples)  # cases with a condition (enrich): the first check raises it,
        raise_, raise_cpu, raise_q = per_event(flagged, lambda i: services.check_subject("cases.case", [i]))
        # the next finds it again (the steady state of an event on a case with an open clue)
        held, held_cpu, held_q = per_event(flagged, lambda i: services.check_subject("cases.case", [i]))
        from zhifa.core.models import QueuedTask

        last_task = QueuedTask.objects.order_by("-id").values_list("id", flat=True).first() or 0
        hook, hook_cpu, hook_q = per_event(ids, event_hook)
        drop_queued(last_task)
        if args.profile:
            profile_checks(ids, args.profile)
        n_agg = args.samples if args.recheck_samples is None else args.recheck_samples
        agg, agg_cpu, agg_q = per_event(ids[:n_agg], lambda i: services.recheck_aggregates("cases.case", [i]))
        if not args.checks_only:
            agencies = list(Case.objects.values_list("agency_id", flat=True).distinct())
            span = DateSpan.year(2025)
            live = dashboard_times(agencies, span, 3)  # no monthly parts yet: every figure live
            written, t_parts, _m = timed(lambda: figures.refresh(today=TODAY))
            parts = dashboard_times(agencies, span, 7)
            one = dashboard_times(agencies[:1], span, 7)
    print(f"cases: {args.cases}  {info}  load average {os.getloadavg()}")
    for name, times, cpu, q in (
        ("per-object check (centre_check)", check, check_cpu, check_q),
        ("per-object check, a case with a condition: raising its clue", raise_, raise_cpu, raise_q),
        ("per-object check, a case whose clue still holds", held, held_cpu, held_q),
        ("aggregate re-check (centre_recheck)", agg, agg_cpu, agg_q),
        ("what the event pays (its on-commit hook: the tasks queued)", hook, hook_cpu, hook_q),
    ):
        if not times:
            continue
        print(
            f"{name} per event: median {statistics.median(times):.2f} ms, p95 {pct(times, 95):.2f} ms, "
            f"process CPU median {statistics.median(cpu):.2f} ms, queries median {statistics.median(q):.0f} "
            f"(n={len(times)}); queries per check: {dict(sorted(Counter(q).items()))}"
        )
    if args.checks_only:
        return
    print(f"monthly parts refresh (24 months): {t_parts:.1f} s, {written} parts")
    for name, (times, queries) in (
        ("dashboard, all agencies, a year, live (no parts)", live),
        ("dashboard, all agencies, a year, from the parts", parts),
        ("dashboard, one agency, a year, from the parts", one),
    ):
        print(f"{name}: median {statistics.median(times):.0f} ms, p95 {max(times):.0f} ms, {queries} queries")


def pct(values: list[float], p: int) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(len(ordered) * p / 100) - 1)]


def per_event(ids: list[int], fn: Any) -> tuple[list[float], list[float], list[int]]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    wall, cpu, queries = [], [], []
    for case_id in ids:
        connection.queries_log.clear()  # the log keeps 9,000 queries: counts past that would be wrong
        with CaptureQueriesContext(connection) as ctx:
            t0, c0 = time.perf_counter(), time.process_time()
            fn(case_id)
            wall.append((time.perf_counter() - t0) * 1000)
            cpu.append((time.process_time() - c0) * 1000)
        queries.append(len(ctx.captured_queries))
    return wall, cpu, queries


def planted(n: int) -> list[int]:
    """Up to `n` cases with a condition `enrich` planted: a third each no prior notice, a fine below the
    minimum, a decision period past its day."""
    from django.db.models import F
    from django.db.models.functions import Mod

    from zhifa.enforcement.cases.models import Case

    ids: list[int] = []
    for every, condition in (
        (997, {"notified_on__isnull": True}),
        (1999, {"amount_class": "below_legal_minimum"}),
        (503, {"decision_number": ""}),
    ):
        qs = Case.objects.annotate(r=Mod(F("id"), every)).filter(r=0, **condition).order_by("id")
        ids += qs.values_list("id", flat=True)[: max(1, n // 3)]
    return sorted(set(ids))


def event_hook(case_id: int) -> None:
    """A case event's share of the centre: the listener registers its on-commit callback inside the
    event's transaction, the commit runs it (two tasks queued: an outbox row each, handed to huey).
    The queued rows and messages are removed afterwards (`drop_queued`), outside the timing."""
    from django.db import transaction

    from zhifa.supervision.centre import services

    with transaction.atomic():
        services.on_case_event(SimpleNamespace(pk=case_id), None)


def drop_queued(since_id: int) -> None:
    """Remove what `event_hook` queued: the outbox rows and the messages in huey's queue (nobody runs
    them here)."""
    from huey.contrib.djhuey import HUEY

    from zhifa.core.models import QueuedTask

    QueuedTask.objects.filter(pk__gt=since_id).delete()
    HUEY.flush()


def profile_checks(ids: list[int], top: int) -> None:
    """Where a per-object check's CPU goes: cProfile over the sampled checks, sorted by own time."""
    import cProfile
    import pstats

    from zhifa.supervision.centre import services

    profiler = cProfile.Profile(time.process_time)
    profiler.enable()
    for case_id in ids:
        services.check_subject("cases.case", [case_id])
    profiler.disable()
    stats = pstats.Stats(profiler)
    print(f"profile of {len(ids)} per-object checks (process CPU), by own time:")
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)


def dashboard_times(agencies: list[int], span: Any, rounds: int) -> tuple[list[float], int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from zhifa.supervision.centre import dashboard

    times = []
    for _ in range(rounds):
        with CaptureQueriesContext(connection) as ctx:
            t0 = time.perf_counter()
            dashboard.dashboard(agencies, span, trend_end=TODAY)
            times.append((time.perf_counter() - t0) * 1000)
    return times, len(ctx.captured_queries)


if __name__ == "__main__":
    main()
