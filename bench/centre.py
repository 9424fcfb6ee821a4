"""Supervision centre: the nightly sweep of every problem model, the incremental check an event adds,
and the dashboard, over `--cases` penalty cases (default 100,000; the issue's 1,000,000 is not run on
the shared 2-core machine — scale from the figures printed, the finders stream rows in chunks).

1. Data (PostgreSQL, its own database): the case and published-decision generator of bench/portal.py
   (20 agencies, 80 % decided), then with bulk SQL: decision dates, fines and tier maxima on the
   decided cases, two handling officers per case (40 credentialed officers), an open decision period
   on every open case; about 1 in 500 cases carries a planted condition (no prior notice, fine below
   the minimum, a decision period past its day), so the sweep raises real clues.
2. The sweep: `centre.services.models_run()` twice — the first raises the clues, the second is the
   steady nightly state (every condition found again, nothing new) — with wall time and the peak
   Python memory (tracemalloc) of each run.
3. The incremental check: `check_subject("cases.case", [id])` for `--samples` random cases, as a case
   event's listener runs it: median and p95.
4. The dashboard: `centre.dashboard.dashboard(all agencies, the year)`, median of 5.

    PYTHONPATH=src python bench/centre.py [--cases 100000] [--samples 200] [--regenerate]

Environment: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/zhifa_centre_bench).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent))
from portal import django_setup, ensure_database, generate

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/zhifa_centre_bench"
TODAY = dt.date(2025, 12, 31)
MAX_CASES = 100_000  # the shared machine's rule: nothing larger here
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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--regenerate", action="store_true")
    args = parser.parse_args()
    if args.cases > MAX_CASES:
        raise SystemExit(f"bench: at most {MAX_CASES} cases on this machine (1M is extrapolated, not run)")
    db_url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB)
    if args.regenerate:  # the bench's own database: start from nothing
        import psycopg

        base, name = db_url.rsplit("/", 1)
        with psycopg.connect(base + "/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
    ensure_database(db_url)
    django_setup(db_url)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    import time_machine
    from django.db import connection

    from zhifa.core.indicators import DateSpan
    from zhifa.enforcement.cases.models import Case
    from zhifa.supervision.centre import dashboard, services
    from zhifa.supervision.centre.models import Clue, ClueEvent

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
    with time_machine.travel(dt.datetime(2025, 12, 31, 2, 30, tzinfo=SH), tick=True):
        first, t1, m1 = timed(services.models_run)
        second, t2, m2 = timed(services.models_run)
        ids = list(Case.objects.order_by("?").values_list("id", flat=True)[: args.samples])
        times = []
        for case_id in ids:
            t0 = time.perf_counter()
            services.check_subject("cases.case", [case_id])
            times.append((time.perf_counter() - t0) * 1000)
        agencies = list(Case.objects.values_list("agency_id", flat=True).distinct())
        dash = []
        for _ in range(5):
            t0 = time.perf_counter()
            dashboard.dashboard(agencies, DateSpan.year(2025), trend_end=TODAY)
            dash.append((time.perf_counter() - t0) * 1000)
    times.sort()
    print(f"cases: {args.cases}  {info}")
    print(
        f"sweep 1 (raises): {t1:.1f} s, peak Python memory {m1:.1f} MiB, raised {first.raised}, by model {first.by_model}"
    )
    print(
        f"sweep 2 (steady): {t2:.1f} s, peak Python memory {m2:.1f} MiB, raised {second.raised}, cleared {second.cleared}"
    )
    print(
        f"incremental check per event: median {statistics.median(times):.2f} ms, "
        f"p95 {times[int(len(times) * 0.95) - 1]:.2f} ms (n={len(times)})"
    )
    print(f"dashboard (all agencies, a year): median {statistics.median(dash):.0f} ms")
    _ = random  # sampling is the database's (ORDER BY random())


if __name__ == "__main__":
    main()
