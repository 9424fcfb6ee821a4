"""The statistics dashboard's figures from the kept roll-up (`cases.rollup`, core.StateTally) against
the four GROUP BY queries over every case it replaced, on a loaded database: for a few periods, the
time of each (wall clock; CPU of this process plus that of its PostgreSQL backend, which is where the
old queries spent theirs; queries) and a check that both give the same figures to the cent.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/zhifa_x_1m ZHIFA_VAR_DIR=/tmp/x \\
        PYTHONPATH=src python bench/stats_rollup.py [--rounds 5] [--live-rounds 2]

The users and dates are those of `bench/cases.py` (the city supervisor sees every agency; "today" is
20 November 2026).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhifa.config.settings")
os.environ.setdefault("ZHIFA_TESTING", "0")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.db.models import Count, Q, Sum  # noqa: E402
from django.db.models.functions import TruncMonth  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from zhifa.core.indicators import DateSpan  # noqa: E402
from zhifa.enforcement.cases.indicators import ZERO, cases_in  # noqa: E402
from zhifa.org.models import User  # noqa: E402
from zhifa.org.selectors import scope_agency_ids  # noqa: E402
from zhifa.supervision.stats.selectors import stats_summary  # noqa: E402


def backend_cpu() -> float:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def live(agency_ids: frozenset[int], span: DateSpan) -> dict[str, dict[str, tuple[int, Any, Any]]]:
    """The figures as the dashboard counted them before the roll-up: four GROUP BY over the cases."""
    qs = cases_in(agency_ids, span)
    sums = {"fines": Sum("fine_amount", filter=Q(fine_amount__isnull=False)), "paid": Sum("paid_amount")}
    out = {}
    for dim, field in (("s", "state"), ("c", "power_version__category"), ("a", "agency_id")):
        rows = qs.order_by().values(field).annotate(n=Count("id"), **sums).order_by(field)
        out[dim] = {str(r[field] or ""): (r["n"], r["fines"] or ZERO, r["paid"] or ZERO) for r in rows}
    rows = (
        qs.annotate(month=TruncMonth("registered_at"))
        .order_by()
        .values("month")
        .annotate(n=Count("id"), **sums)
    )
    out["m"] = {f"{r['month']:%Y-%m}": (r["n"], r["fines"] or ZERO, r["paid"] or ZERO) for r in rows}
    return out


def rolled(user: Any, span: DateSpan) -> dict[str, dict[str, tuple[int, Any, Any]]]:
    s = stats_summary(user=user, date_from=span.start, date_to=span.end)

    def rows(rs: Any) -> dict[str, tuple[int, Any, Any]]:
        return {r.key: (r.count, r.fines, r.paid) for r in rs}

    return {"s": rows(s.by_state), "c": rows(s.by_category), "a": rows(s.by_agency), "m": rows(s.by_month)}


def timed(fn: Callable[[], Any], rounds: int) -> tuple[Any, float, float, float, int]:
    walls, cpus, dbs, queries = [], [], [], 0
    result = None
    for _ in range(rounds):
        with CaptureQueriesContext(connection) as ctx:
            db0, c0, t0 = backend_cpu(), time.process_time(), time.perf_counter()
            result = fn()
            walls.append((time.perf_counter() - t0) * 1000)
            cpus.append((time.process_time() - c0) * 1000)
            dbs.append((backend_cpu() - db0) * 1000)
        queries = len(ctx.captured_queries) - 2  # less the two backend-pid look-ups
    return result, statistics.median(walls), statistics.median(cpus), statistics.median(dbs), queries


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--live-rounds", type=int, default=2)
    args = ap.parse_args()
    user = User.objects.filter(username="bench_supervisor").first()
    if user is None:
        print("no bench_supervisor: load the cases first (bench/cases.py --db postgres --reuse DIR)")
        return
    agencies = scope_agency_ids(user)
    d = dt.date
    spans = {
        "all time": DateSpan(None, None),
        "year 2025 (whole months)": DateSpan(d(2025, 1, 1), d(2025, 12, 31)),
        "15 Mar – 10 Sep 2025 (cut months)": DateSpan(d(2025, 3, 15), d(2025, 9, 10)),
        "this month so far (1–20 Nov 2026)": DateSpan(d(2026, 11, 1), d(2026, 11, 20)),
    }
    print(f"{'period':<36} {'path':<8} {'wall':>8} {'app CPU':>8} {'PG CPU':>8} {'queries':>7}  (ms)  same")
    for name, span in spans.items():
        old = timed(lambda span=span: live(agencies, span), args.live_rounds)
        new = timed(lambda span=span: rolled(user, span), args.rounds)
        same = old[0] == new[0]
        for path, r in (("live", old), ("roll-up", new)):
            print(
                f"{name:<36} {path:<8} {r[1]:>8.1f} {r[2]:>8.1f} {r[3]:>8.1f} {r[4]:>7}  {same}", flush=True
            )
        if not same:
            for dim in "scam":
                if old[0][dim] != new[0][dim]:
                    print("  differs:", dim, old[0][dim], new[0][dim])


if __name__ == "__main__":
    main()
