"""A dossier review campaign (案卷评查) over 10,000 closed case files with 1,000,000 cases in the table,
on PostgreSQL: the draw (pool frozen, per-agency draws, reviewers), the automatic pre-check of the
sampled files, scoring them, and the results page's figures.

The cases come from `bench/cases.py`'s generator (COPY, never through the services: every state, four
years of dates), case rows only: no events, deadlines or search documents. The campaign covers the first agencies, over the period whose closed
files number about 10,000 (found by query); reviewers are officers of an agency not covered (cross
review). Timed: `services.campaign_draw` (it queues the pre-check as a task after commit; the queue is
a list here), the pre-check task's work chunk by chunk (`services.precheck_chunk`) and once more when
nothing is left (a re-run), scoring every file through
`services.file_score` as the pre-check proposes, `results.campaign_results`.

    PYTHONPATH=src python bench/reviews_campaign.py [--cases 1000000] [--pool 10000] [--share 10]
        [--pg-url postgres://postgres@127.0.0.1:5432/zhifa_bench_reviews]
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import json
import os
import resource
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def _cases_module() -> Any:
    spec = importlib.util.spec_from_file_location("bench_cases", ROOT / "bench" / "cases.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def generate_cases(cases: Any, n: int, ctx: dict[str, Any]) -> dict[str, Any]:
    """The case rows of `bench/cases.py` (its generator), COPY'd into cases_case only: no events,
    deadlines or search documents (the pre-check then finds those missing and flags them)."""
    from django.db import connection

    from zhifa.enforcement.cases.models import Case

    defaults: dict[str, Any] = {}
    for f in Case._meta.concrete_fields:
        if f.primary_key:
            continue
        default = f.get_default() if f.has_default() else ("" if not f.null else None)
        if f.get_internal_type() == "JSONField":
            default = json.dumps(default if default is not None else [])
        defaults[str(f.column)] = default
    started = time.perf_counter()
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY cases_case (id, {', '.join(defaults)}) FROM STDIN") as copy,
    ):
        for case, _doc in cases.case_rows(n, ctx, cases.Texts()):
            values = {**defaults, **{k: v for k, v in case.items() if k != "id" and k in defaults}}
            copy.write_row((case["id"], *[values[c] for c in defaults]))
    with connection.cursor() as cursor:
        cursor.execute("SELECT setval(pg_get_serial_sequence('cases_case', 'id'), %s)", [n])
        cursor.execute("ANALYZE cases_case")
    return {"cases": n, "generate_s": round(time.perf_counter() - started, 1)}


def worker(args: argparse.Namespace) -> dict[str, Any]:
    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhifa.config.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db.models import Count
    from django.db.models.functions import Coalesce

    settings.DEBUG = False
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("migrate", verbosity=0)
    from zhifa.enforcement.cases.models import Case
    from zhifa.org.factories import make_user
    from zhifa.org.models import OrgNode
    from zhifa.org.roles import Role
    from zhifa.supervision.reviews import results, services

    cases = _cases_module()
    ctx = cases.setup()
    out: dict[str, Any] = {"cases": args.cases, "generate": generate_cases(cases, args.cases, ctx)}
    covered = ctx["agency_ids"][:-1]
    other = OrgNode.objects.get(pk=ctx["agency_ids"][-1])
    ended = (
        Case.objects.filter(agency_id__in=covered, state__in=services.REVIEWABLE_STATES)
        .annotate(ended=Coalesce("closed_on", "last_act_on"))
        .values("ended")
        .annotate(n=Count("id"))
        .order_by("-ended")
    )
    total, start = 0, None
    for row in ended.iterator():
        total += row["n"]
        start = row["ended"]
        if total >= args.pool:
            break
    assert start is not None
    latest = ended.first()
    assert latest is not None
    reviewers = [
        make_user(f"bench_reviewer_{i}", node=other, roles=[(Role.OFFICER, other)]) for i in range(10)
    ]
    from django.utils import timezone

    today = timezone.localdate()
    campaign = services.campaign_create(
        actor=ctx["supervisor"],
        data={
            "name": "基准评查",
            "kind": "special",
            "agency_ids": covered,
            "closed_from": start.isoformat(),
            "closed_to": latest["ended"].isoformat(),
            "sample_mode": "share",
            "sample_share": str(Decimal(args.share)),
            "due_on": (today + dt.timedelta(days=30)).isoformat(),
            "reviewer_ids": [u.pk for u in reviewers],
        },
    )
    # The draw queues the pre-check (a task after commit); here the queue is a list, and the task's
    # work — one chunk per run — is timed after the draw returns, as a worker would run it.
    from zhifa.supervision.reviews import tasks

    class _Queue:
        enqueued: list[int] = []

        def enqueue(self, campaign_id: int) -> None:
            self.enqueued.append(campaign_id)

    tasks.precheck_campaign_task = _Queue()  # type: ignore[assignment]
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started = time.perf_counter()
    campaign = services.campaign_draw(actor=ctx["supervisor"], campaign_id=campaign.pk, seed="5a" * 32)
    out["draw_s"] = round(time.perf_counter() - started, 2)
    out["pool"] = campaign.pool_size
    out["files"] = campaign.files.count()
    out["precheck_queued"] = _Queue.enqueued == [campaign.pk]
    started = time.perf_counter()
    chunks: list[float] = []
    more = True
    while more:
        t0 = time.perf_counter()
        more = services.precheck_chunk(campaign.pk)
        chunks.append(time.perf_counter() - t0)
    out["precheck_task_s"] = round(time.perf_counter() - started, 2)
    out["precheck_chunks"] = len(chunks)
    out["precheck_chunk_max_s"] = round(max(chunks), 2)
    campaign.refresh_from_db()
    out["precheck_progress"] = f"{campaign.precheck_done}/{campaign.precheck_total}"
    started = time.perf_counter()
    services.precheck_chunk(campaign.pk)
    out["precheck_rerun_s"] = round(time.perf_counter() - started, 3)
    started = time.perf_counter()
    for f in campaign.files.select_related("reviewer"):
        items = [
            {"code": p["code"], "deduction": p["deduction"], "note": ""}
            for p in f.precheck
            if p["outcome"] == "flag" and not p.get("veto")
        ]
        vetoes = [p["code"] for p in f.precheck if p["outcome"] == "flag" and p.get("veto")]
        services.file_score(actor=f.reviewer, file_id=f.pk, items=items, vetoes=vetoes)
    out["score_all_s"] = round(time.perf_counter() - started, 2)
    started = time.perf_counter()
    rows = results.campaign_results(campaign)
    out["results_s"] = round(time.perf_counter() - started, 3)
    out["agencies_ranked"] = sum(1 for r in rows if r.rank is not None)
    out["rss_peak_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    out["rss_before_draw_mb"] = round(base, 1)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--pool", type=int, default=10_000)
    parser.add_argument("--share", type=int, default=10)
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432/zhifa_bench_reviews")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args), default=str))
        return
    name = args.pg_url.rsplit("/", 1)[1]
    admin = args.pg_url.rsplit("/", 1)[0] + "/postgres"
    for sql in (f'DROP DATABASE IF EXISTS "{name}"', f'CREATE DATABASE "{name}"'):
        subprocess.run(["psql", admin, "-q", "-c", sql], check=True)
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "DATABASE_URL": args.pg_url, "LOG_LEVEL": "ERROR"}
    print(f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, load: {os.getloadavg()}")
    argv = [sys.executable, __file__, "--worker", "--cases", str(args.cases), "--pool", str(args.pool)]
    out = subprocess.run(
        [*argv, "--share", str(args.share)], env=env, check=False, capture_output=True, text=True
    )
    if out.returncode:
        sys.stderr.write(out.stderr[-4000:])
        raise SystemExit("worker failed")
    print(out.stdout.strip().splitlines()[-1])
    print(f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, load: {os.getloadavg()}")
    subprocess.run(["psql", admin, "-q", "-c", f'DROP DATABASE IF EXISTS "{name}"'], check=True)


if __name__ == "__main__":
    main()
