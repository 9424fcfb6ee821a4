"""The inspections app's random draw through the app (`inspections.services.plan_draw`, the service the
page and the API call) over a directory of 1,000,000 targets, on PostgreSQL: time and memory.

1. A fresh database (dropped and created again), migrated; one city, two agencies, an approver each,
   120 inspectors with credentials (so that 1,000 teams of two stay within the pair limit), two items.
2. Targets by COPY (never through the services: that would take hours): 100,000 for the first agency
   and 1,000,000 for the second, valid 统一社会信用代码, four risk levels, 1 % on the no-disturbance
   list, written in an order unrelated to their credit codes (the database computes `draw_key`);
   then VACUUM ANALYZE, as autovacuum does after a bulk load.
3. Each draw in a fresh process (its peak RSS is its own; the RSS after Django's start-up is
   subtracted): the plan's pool streamed from the database in canonical order, frozen in chunks with
   its digest, the seed, the draw over the frozen chunks, teams of two for the drawn targets, the
   tasks written. Cases: 100,000 unweighted, 1,000,000 unweighted, 1,000,000 risk-weighted. The plan
   PostgreSQL chose for the pool's query is printed (an index-only scan, no Sort, for a million).

    PYTHONPATH=src python bench/inspections_draw.py [--n 1000]
        [--pg-url postgres://postgres@127.0.0.1:5432/zhifa_bench_inspections]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SIZES = (100_000, 1_000_000)
INSPECTORS = 120


def _django() -> None:
    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhifa.config.settings")
    import django

    django.setup()
    from django.conf import settings

    settings.DEBUG = False
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # 240 accounts


def generate(n: int) -> dict[str, Any]:
    """The org, the inspectors, the items, and the targets (COPY)."""
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from zhifa.core import credit_code
    from zhifa.enforcement.inspections.factories import make_item, make_plan
    from zhifa.officers.factories import make_credentialed_officer
    from zhifa.org.factories import make_user
    from zhifa.org.models import OrgNode
    from zhifa.org.roles import Role
    from zhifa.org.services import org_node_create

    call_command("migrate", verbosity=0)
    city = org_node_create(actor=None, kind=OrgNode.Kind.GOVERNMENT, name="海州市人民政府")
    out: dict[str, Any] = {"plans": {}}
    started = time.perf_counter()
    number = 0
    for k, size in enumerate(SIZES, 1):
        agency = org_node_create(
            actor=None,
            kind=OrgNode.Kind.AGENCY,
            name=f"海州市第{k}执法局",
            parent=city,
            abbreviation=f"海执{k}",
        )
        approver = make_user(f"bench_approver_{k}", node=agency, roles=[(Role.APPROVER, agency)])
        for i in range(INSPECTORS):
            user = make_user(f"bench_inspector_{k}_{i}", node=agency, roles=[(Role.OFFICER, agency)])
            make_credentialed_officer(agency=agency, user=user, name=f"检查员{k}-{i}")
        items = [make_item(approver, agency, code=f"B-{k}-{j}") for j in range(2)]
        now = timezone.now().isoformat()
        risks = ("low", "low", "medium", "high")
        with (
            connection.cursor() as cursor,
            cursor.connection.cursor().copy(
                "COPY inspections_target (agency_id, number, name, credit_code, object_type, area, industry,"
                " risk_level, address, no_disturbance, no_disturbance_reason, created_at) FROM STDIN"
            ) as copy,
        ):
            for j in range(size):
                # Rows written in no particular order of their credit codes, as a real directory's are:
                # the draw's canonical order must come from the index, not from the table's order.
                i = j * 7919 % size
                number += 1
                listed = i % 100 == 37
                copy.write_row(
                    (
                        agency.pk,
                        f"B{number:09d}",
                        f"海州基准商贸有限公司{number}",
                        credit_code.make(f"91{320100 + k}", f"{i:08d}"),
                        "enterprise",
                        "海州区",
                        "餐饮",
                        risks[i % 4],
                        "海州路1号",
                        listed,
                        "纳税信用A级" if listed else "",
                        now,
                    )
                )
        today = timezone.localdate()
        plans = {"unweighted": make_plan(approver, agency, items, number=n, name=f"基准{k}", today=today)}
        if size == max(SIZES):
            plans["weighted"] = make_plan(
                approver, agency, items, number=n, weighted=True, name=f"基准{k}加权", today=today
            )
        for label, plan in plans.items():
            out["plans"][f"{size}:{label}"] = {"plan": plan.pk, "approver": approver.pk}
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE inspections_target")  # as autovacuum does after a bulk load
    out["generate_s"] = round(time.perf_counter() - started, 1)
    return out


def draw_case(plan_id: int, approver_id: int) -> dict[str, Any]:
    from django.db import connection, reset_queries

    from zhifa.enforcement.inspections import services
    from zhifa.enforcement.inspections.models import Plan, PoolChunk, Task
    from zhifa.org.models import User

    approver = User.objects.get(pk=approver_id)
    plan = Plan.objects.get(pk=plan_id)
    explain = services.pool_rows(plan).explain()
    connection.ensure_connection()
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    reset_queries()
    started, cpu = time.perf_counter(), time.process_time()
    row = services.plan_draw(actor=approver, plan_id=plan_id)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "seconds": round(seconds, 2),
        "cpu": round(time.process_time() - cpu, 2),
        "rss_base_mb": round(base, 1),
        "rss_peak_mb": round(peak, 1),
        "rss_draw_mb": round(peak - base, 1),
        "pool": row.pool_size,
        "chunks": PoolChunk.objects.filter(plan_id=plan_id).count(),
        "drawn": len(row.chosen),
        "tasks": Task.objects.filter(draw=row).count(),
        "digest": row.pool_digest[:16],
        "plan": explain,
    }


def child(args: list[str], env: dict[str, str]) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, __file__, *args], env=env, check=False, capture_output=True, text=True
    )
    if out.returncode:
        sys.stderr.write(out.stderr[-4000:])
        raise SystemExit("worker failed")
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432/zhifa_bench_inspections")
    parser.add_argument("--generate", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--draw", nargs=2, type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.generate or args.draw:
        _django()
        result = generate(args.n) if args.generate else draw_case(*args.draw)
        print(json.dumps(result, default=str))
        return
    name = args.pg_url.rsplit("/", 1)[1]
    admin = args.pg_url.rsplit("/", 1)[0] + "/postgres"
    for sql in (f'DROP DATABASE IF EXISTS "{name}"', f'CREATE DATABASE "{name}"'):
        subprocess.run(["psql", admin, "-q", "-c", sql], check=True)
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "DATABASE_URL": args.pg_url, "LOG_LEVEL": "ERROR"}
    print(f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, load: {os.getloadavg()}")
    generated = child(["--generate", "--n", str(args.n)], env)
    print(f"generated {sum(SIZES):,} targets in {generated['generate_s']} s")
    for label, p in generated["plans"].items():
        r = child(["--draw", str(p["plan"]), str(p["approver"])], env)
        print(
            f"{label:>18}: pool {r['pool']:>9,} ({r['chunks']} chunks), drawn {r['drawn']}, tasks {r['tasks']}: "
            f"{r['seconds']} s wall, {r['cpu']} s CPU; RSS {r['rss_base_mb']} MB after start-up, "
            f"+{r['rss_draw_mb']} MB during the draw (peak {r['rss_peak_mb']} MB)"
        )
        print("    the pool's query: " + r["plan"].replace("\n", "\n    "))
    subprocess.run(["psql", admin, "-q", "-c", f'DROP DATABASE IF EXISTS "{name}"'], check=True)


if __name__ == "__main__":
    main()
