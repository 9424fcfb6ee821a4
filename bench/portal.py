"""Public portal throughput with a million cases: the decisions list and a decision page, served by
gunicorn on loopback, cached and uncached.

1. Data (PostgreSQL, its own database): an org tree of 20 agencies, `--cases` penalty cases (default
   1,000,000) and a published decision for each decided case (`--decided` share, default 80 %),
   inserted with bulk SQL (`INSERT … SELECT generate_series`) in a few minutes; the columns of
   `cases_case` are read from the model, so the generator follows the cases app's schema. Reused on
   the next run unless `--regenerate`.
2. Server: gunicorn (`--workers`, sync) with DEBUG off and a Redis cache when `redis-server` is
   installed (started on a private port, so every worker shares the page cache), else per-process
   memory caches.
3. Load: a separate process with `--concurrency` threads, each on its own keep-alive connection
   (http.client), for `--duration` seconds per scenario; requests/s and latency percentiles.
   - cached: anonymous GETs of the same pages (served from the page cache after the first);
   - uncached: the same pages with a session cookie, which bypasses the page cache (the portal never
     serves cached pages to a request carrying a session), over random pages of the list and random
     decisions among all published ones.
   Targets (the issue): ≥ 300 req/s for cached pages on 2 cores; p95 < 100 ms uncached.

    PYTHONPATH=src python bench/portal.py [--cases 1000000] [--duration 15] [--concurrency 8]
        [--port 8097] [--redis-url redis://127.0.0.1:6379/13] [--only uncached]

Server CPU per request: user + system ticks of the gunicorn processes (master and workers) and of the
PostgreSQL backends serving the bench database, read from /proc/<pid>/stat before and after each
scenario, divided by the requests answered. Unlike latency it does not depend on what else the shared
machine is running. The load average is printed at the start and end of each scenario.

Environment: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/zhifa_portal_bench).
The load generator shares the machine's cores with the server, so the figures are a lower bound.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing as mp
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/zhifa_portal_bench"
PORT = 8097
REDIS_PORT = 6397


def django_setup(db_url: str, redis_url: str = "") -> None:
    os.environ["DATABASE_URL"] = db_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhifa.config.settings")
    os.environ["DEBUG"] = "false"
    if redis_url:
        os.environ["REDIS_URL"] = redis_url
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()


def ensure_database(db_url: str) -> None:
    import psycopg

    base, name = db_url.rsplit("/", 1)
    with psycopg.connect(base + "/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


# --- data --------------------------------------------------------------------------------------------


def _sql_value(field: Any, n: str, agency_expr: str) -> str | None:
    """An SQL expression for a NOT NULL column of cases_case, from the model field (`n` is the serial)."""
    from django.db import models

    name = field.column
    special = {
        "agency_id": agency_expr,
        "procedure": "CASE WHEN {n} % 5 = 0 THEN 'simple' ELSE 'ordinary' END",
        "state": "CASE WHEN {n} % 10 < 8 THEN 'closed' ELSE 'investigating' END",
        "number": "'BENCH〔2025〕' || {n} || '号'",
        "decision_number": "CASE WHEN {n} % 10 < 8 THEN 'BENCH罚决〔2025〕' || {n} || '号' ELSE '' END",
        "source": "'patrol'",
        "party_kind": "CASE WHEN {n} % 3 = 0 THEN 'organisation' ELSE 'person' END",
        "party_name": "'当事人' || {n}",
        "party_id_number": "lpad(({n} % 1000000000)::text, 18, '0')",
        "facts": "'在人民路' || ({n} % 300) || '号门前占道经营，经劝阻未改正。'",
        "occurred_on": "DATE '2025-01-01' + ({n} % 300)",
        "discovered_on": "DATE '2025-01-01' + ({n} % 300)",
        "last_act_on": "DATE '2025-01-01' + ({n} % 300)",
        "registered_at": "TIMESTAMPTZ '2025-01-01 09:00+08' + (({n} % 300) || ' days')::interval",
        "last_event_at": "TIMESTAMPTZ '2025-01-01 09:00+08' + (({n} % 300) || ' days')::interval",
    }
    if name in special:
        return special[name].format(n=n)
    if field.null or name == "id":
        return None
    if isinstance(field, models.JSONField):
        default = field.get_default()
        return "'" + json.dumps(default if default is not None else {}) + "'::jsonb"
    if isinstance(field, models.BooleanField):
        return "true" if field.get_default() else "false"
    if isinstance(field, models.DecimalField | models.IntegerField | models.PositiveIntegerField):
        return str(field.get_default() or 0)
    if isinstance(field, models.CharField | models.TextField):
        return "''"
    if isinstance(field, models.DateTimeField):
        return "now()"
    if isinstance(field, models.DateField):
        return "DATE '2025-01-01'"
    raise SystemExit(f"bench: no generator for NOT NULL column cases_case.{name} ({type(field).__name__})")


def generate(cases: int, decided_share: float) -> dict[str, Any]:
    from django.db import connection

    from zhifa.enforcement.cases.models import Case
    from zhifa.org.models import OrgNode
    from zhifa.org.services import org_node_create
    from zhifa.public.portal.models import PublishedDecision

    started = time.perf_counter()
    if not OrgNode.objects.filter(name="基准市人民政府").exists():
        city = org_node_create(actor=None, kind="government", name="基准市人民政府")
        for i in range(20):
            org_node_create(
                actor=None,
                kind="agency",
                name=f"基准市第{i + 1}执法局",
                parent=city,
                abbreviation=f"基{i + 1}",
            )
    agency_ids = list(
        OrgNode.objects.filter(kind="agency", name__startswith="基准市")
        .order_by("id")
        .values_list("id", flat=True)
    )
    agency_expr = (
        f"(ARRAY{agency_ids})[1 + ({{n}} % {len(agency_ids)})]"  # {n}: the serial, filled per column
    )
    fields = list(Case._meta.concrete_fields)
    columns, values = [], []
    for f in fields:
        expr = _sql_value(f, "g", agency_expr)
        if expr is not None:
            columns.append(f'"{f.column}"')
            values.append(expr)
    decided_mod = max(1, round(decided_share * 10))
    values = [v.replace("% 10 < 8", f"% 10 < {decided_mod}") for v in values]
    with connection.cursor() as cur:
        cur.execute("SET synchronous_commit = off")
        cur.execute(f"TRUNCATE {PublishedDecision._meta.db_table}, portal_publicationevent RESTART IDENTITY")
        cur.execute(f"TRUNCATE {Case._meta.db_table} RESTART IDENTITY CASCADE")  # the bench's own database
        batch = 200_000
        for lo in range(1, cases + 1, batch):
            hi = min(cases, lo + batch - 1)
            cur.execute(
                f"INSERT INTO {Case._meta.db_table} ({', '.join(columns)}) "
                f"SELECT {', '.join(values)} FROM generate_series({lo}, {hi}) AS g"
            )
        cur.execute(
            f"""
            INSERT INTO {PublishedDecision._meta.db_table} (
                case_id, agency_id, agency_name, decision_number, case_number, procedure, party_kind,
                party_public, party_id_public, facts_public, violated_provision, penalty_provision,
                measures_public, fine_amount, category, decided_on, state, window_days, window_source,
                publish_due, publish_due_provisional, published_at, published_on, withdrawal_ground,
                withdrawal_note, exemption_ground, exemption_note, created_at)
            SELECT c.id, c.agency_id, o.name, c.decision_number, c.number, c.procedure, c.party_kind,
                CASE WHEN c.party_kind = 'person' THEN '张*' ELSE c.party_name END,
                CASE WHEN c.party_kind = 'person' THEN '' ELSE c.party_id_number END,
                c.facts, '《城市市容和环境卫生管理条例》第十四条', '《城市市容和环境卫生管理条例》第三十六条',
                '罚款人民币' || (100 + c.id % 50 * 100) || '.00元', 100 + c.id % 50 * 100,
                (ARRAY['城市市容和环境卫生管理条例','城市道路管理条例','大气污染防治法','城乡规划法'])[1 + c.id % 4],
                c.occurred_on + 30, 'published', 7, 'national', c.occurred_on + 40, false,
                c.registered_at + interval '35 days', (c.registered_at + interval '35 days')::date,
                '', '', '', '', now()
            FROM {Case._meta.db_table} c JOIN org_orgnode o ON o.id = c.agency_id
            WHERE c.decision_number <> '' AND c.number LIKE 'BENCH%%'
            """
        )
        cur.execute("VACUUM ANALYZE")  # sets the visibility map: the list's id scan stays index-only
    from zhifa.core import state_counts  # the bulk load bypasses the doors that keep the counts

    state_counts.rebuild(workflow="cases", queryset=Case.objects.all())
    from zhifa.enforcement.cases import rollup  # and the statistics' roll-up

    rollup.rebuild()
    return {
        "cases": Case.objects.filter(number__startswith="BENCH").count(),
        "published": PublishedDecision.objects.count(),
        "generate_s": round(time.perf_counter() - started, 1),
    }


# --- load ---------------------------------------------------------------------------------------------


def _worker(paths: list[str], cookie: str, deadline: float, out: Any) -> None:
    latencies: list[float] = []
    errors = 0
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
    headers = {"Cookie": cookie} if cookie else {}
    rng = random.Random()
    while time.perf_counter() < deadline:
        path = rng.choice(paths)
        started = time.perf_counter()
        try:
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            response.read()
            if response.status != 200:
                errors += 1
        except (OSError, http.client.HTTPException):
            errors += 1
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
            continue
        latencies.append(time.perf_counter() - started)
    conn.close()
    out.put((latencies, errors))


def _load_process(paths: list[str], cookie: str, duration: float, concurrency: int, result: Any) -> None:
    import queue

    out: queue.Queue[Any] = queue.Queue()
    deadline = time.perf_counter() + duration
    threads = [
        threading.Thread(target=_worker, args=(paths, cookie, deadline, out)) for _ in range(concurrency)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    latencies: list[float] = []
    errors = 0
    while not out.empty():
        lat, err = out.get()
        latencies.extend(lat)
        errors += err
    result.put((latencies, errors))


CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _cpu_ticks(pid: int) -> int:
    """utime + stime of one process, in clock ticks (0 if it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    return int(fields[11]) + int(fields[12])


def _children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


class ServerCpu:
    """CPU of the gunicorn processes and of the database backends that serve them."""

    def __init__(self, server_pid: int, db_name: str) -> None:
        self.server_pid = server_pid
        self.db_name = db_name

    def backend_pids(self) -> list[int]:
        import psycopg

        url = os.environ["DATABASE_URL"].rsplit("/", 1)[0] + "/postgres"
        with psycopg.connect(url, autocommit=True) as conn:
            rows = conn.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                [self.db_name],
            ).fetchall()
        return [r[0] for r in rows]

    def snapshot(self) -> tuple[dict[int, int], dict[int, int]]:
        app = {p: _cpu_ticks(p) for p in [self.server_pid, *_children(self.server_pid)]}
        db = {p: _cpu_ticks(p) for p in self.backend_pids()}
        return app, db

    def settle(self, timeout: float = 120) -> None:
        """Wait until the workers have booted (their CPU stops growing): a worker still importing
        Django would otherwise charge its boot to the first scenario."""
        deadline = time.time() + timeout
        last = -1
        while time.time() < deadline:
            now = sum(_cpu_ticks(p) for p in _children(self.server_pid))
            if now == last and len(_children(self.server_pid)) > 0:
                return
            last = now
            time.sleep(1.5)

    @staticmethod
    def used(before: dict[int, int], after: dict[int, int]) -> float:
        """Seconds of CPU between two snapshots (a process that appeared counts from zero)."""
        return sum(max(0, t - before.get(p, 0)) for p, t in after.items()) / CLOCK_TICKS


def _loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def run_scenario(
    name: str,
    paths: list[str],
    *,
    cookie: str,
    duration: float,
    concurrency: int,
    cpu: ServerCpu | None = None,
) -> dict[str, Any]:
    # Warm up: one pass over a few paths (fills the page cache for the cached scenarios).
    for path in paths[:50]:
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=120)  # workers may still boot
        conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        conn.getresponse().read()
        conn.close()
    result: Any = mp.Queue()
    load_before = _loadavg()
    cpu_before = cpu.snapshot() if cpu else None
    proc = mp.Process(target=_load_process, args=(paths, cookie, duration, concurrency, result))
    proc.start()
    latencies, errors = result.get()
    proc.join()
    cpu_after = cpu.snapshot() if cpu else None
    latencies.sort()

    def pct(p: float) -> float:
        return (
            round(latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000, 1) if latencies else 0.0
        )

    figures = {
        "scenario": name,
        "requests": len(latencies),
        "errors": errors,
        "req_per_s": round(len(latencies) / duration, 1),
        "p50_ms": pct(0.50),
        "p95_ms": pct(0.95),
        "p99_ms": pct(0.99),
        "mean_ms": round(statistics.fmean(latencies) * 1000, 1) if latencies else 0.0,
        "load": f"{load_before} → {_loadavg()}",
    }
    if cpu_before and cpu_after and latencies:
        app = ServerCpu.used(cpu_before[0], cpu_after[0])
        db = ServerCpu.used(cpu_before[1], cpu_after[1])
        figures["app_cpu_ms_per_req"] = round(app * 1000 / len(latencies), 2)
        figures["db_cpu_ms_per_req"] = round(db * 1000 / len(latencies), 2)
    print(json.dumps(figures, ensure_ascii=False), flush=True)
    return figures


def wait_for_port(port: int, timeout: float = 30) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise SystemExit(f"bench: nothing listening on {port}")


def in_process(
    name: str, paths: list[str], *, cookie: str, requests: int, profile: str = ""
) -> dict[str, Any]:
    """CPU per request in this one process (Django's test client, the whole middleware stack, no
    network): `time.process_time`, so it does not depend on the other processes of a shared machine.
    With `profile`, cProfile's statistics are written there."""
    import cProfile

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_COOKIE=cookie) if cookie else Client()
    for path in paths[:20]:  # warm: templates compiled, connections open, counts cached
        client.get(path)
    rng = random.Random(7)
    chosen = [rng.choice(paths) for _ in range(requests)]
    profiler = cProfile.Profile(time.process_time) if profile else None  # CPU, not waiting
    with CaptureQueriesContext(connection) as queries:
        started_cpu, started = time.process_time(), time.perf_counter()
        if profiler:
            profiler.enable()
        for path in chosen:
            response = client.get(path)
            if response.status_code != 200:
                raise SystemExit(f"bench: {path} answered {response.status_code}")
        if profiler:
            profiler.disable()
        cpu, wall = time.process_time() - started_cpu, time.perf_counter() - started
    if profiler:
        profiler.dump_stats(profile)
        with open(profile + ".sql", "w") as f:  # one request's queries, to read beside the profile
            f.write("\n".join(q["sql"] for q in queries.captured_queries[-8:]))
    figures = {
        "scenario": name + " (in process)",
        "requests": requests,
        "cpu_ms_per_req": round(cpu * 1000 / requests, 2),
        "wall_ms_per_req": round(wall * 1000 / requests, 2),
        "queries_per_req": round(len(queries.captured_queries) / requests, 2),
        "bytes": len(response.content),
        "load": _loadavg(),
    }
    print(json.dumps(figures, ensure_ascii=False), flush=True)
    return figures


def main() -> None:
    global PORT  # noqa: PLW0603 — the load threads read the port the command line chose
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--decided", type=float, default=0.8, help="share of cases with a published decision")
    parser.add_argument("--duration", type=float, default=15.0, help="seconds per scenario")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--regenerate", action="store_true")
    parser.add_argument("--port", type=int, default=PORT, help="gunicorn's port on 127.0.0.1")
    parser.add_argument(
        "--redis-url",
        default="",
        help="use this Redis (e.g. a db of a shared server) instead of a private one",
    )
    parser.add_argument("--only", default="", help="run only the scenarios whose name contains this")
    parser.add_argument(
        "--in-process",
        type=int,
        default=0,
        metavar="N",
        help="no server: N uncached requests of each kind through the test client, CPU per request",
    )
    parser.add_argument("--profile", default="", help="with --in-process: cProfile output prefix")
    args = parser.parse_args()
    PORT = args.port

    db_url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB)
    ensure_database(db_url)
    redis_proc = None
    redis_url = args.redis_url
    if redis_url:
        import redis

        redis.Redis.from_url(redis_url).flushdb()  # the bench's own db: no stale pages or counts
    elif shutil.which("redis-server"):
        redis_proc = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(REDIS_PORT),
                "--save",
                "",
                "--appendonly",
                "no",
                "--bind",
                "127.0.0.1",
            ],
            stdout=subprocess.DEVNULL,
        )
        wait_for_port(REDIS_PORT)
        redis_url = f"redis://127.0.0.1:{REDIS_PORT}/0"
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "DATABASE_URL": db_url, "DEBUG": "false",
           "ZHIFA_VAR_DIR": tempfile.mkdtemp(prefix="zhifa-bench-"), "DB_CONN_MAX_AGE": "600", "LOG_LEVEL": "ERROR"}  # fmt: skip
    if redis_url:
        env["REDIS_URL"] = redis_url
    os.environ.update({k: v for k, v in env.items() if k in ("ZHIFA_VAR_DIR", "DB_CONN_MAX_AGE")})
    django_setup(db_url, redis_url)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from zhifa.enforcement.cases.models import Case
    from zhifa.public.portal.models import PublishedDecision

    data: dict[str, Any]
    have = Case.objects.filter(number__startswith="BENCH").count()
    if args.regenerate or have != args.cases:
        print(f"generating {args.cases:,} cases …", flush=True)
        data = generate(args.cases, args.decided)
    else:
        data = {"cases": have, "published": PublishedDecision.objects.count(), "generate_s": 0}
    print(json.dumps(data), flush=True)
    ids = list(PublishedDecision.objects.order_by("?").values_list("id", flat=True)[:20000])
    agency_ids = list(PublishedDecision.objects.values_list("agency_id", flat=True).distinct()[:20])
    uncached_list = [f"/portal/decisions/?page={random.randint(1, 500)}" for _ in range(500)] + [
        f"/portal/decisions/?agency={a}&page={random.randint(1, 50)}" for a in agency_ids for _ in range(10)
    ]
    uncached_pages = [f"/portal/decisions/{i}/" for i in ids]
    session = "sessionid=bench-no-such-session"
    if args.in_process:
        from django.conf import settings

        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
        for name, paths in (
            ("decisions list, uncached", uncached_list),
            ("decision page, uncached", uncached_pages),
        ):
            if args.only and args.only not in name:
                continue
            prof = f"{args.profile}-{'list' if 'list' in name else 'page'}.prof" if args.profile else ""
            in_process(name, paths, cookie=session, requests=args.in_process, profile=prof)
        return
    from django.db import connections

    connections.close_all()

    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "zhifa.config.wsgi:application", "--bind", f"127.0.0.1:{PORT}",
         "--workers", str(args.workers), "--worker-class", "sync", "--keep-alive", "5", "--log-level", "warning"],
        env=env, cwd=str(ROOT),
    )  # fmt: skip
    results = []
    try:
        wait_for_port(PORT)
        hot = ids[:20]
        cached_list = ["/portal/decisions/"]
        cached_pages = [f"/portal/decisions/{i}/" for i in hot]
        api_pages = [f"/api/v1/public/decisions?page={random.randint(1, 500)}" for _ in range(500)]
        high = {"duration": args.duration, "concurrency": args.concurrency}
        low = {"duration": args.duration, "concurrency": 2}
        scenarios: list[tuple[str, list[str], str, dict[str, Any]]] = [
            ("decisions list, cached", cached_list, "", high),
            ("decision page, cached", cached_pages, "", high),
            ("decisions list, uncached (random pages)", uncached_list, session, high),
            ("decision page, uncached (random ids)", uncached_pages, session, high),
            ("API /public/decisions (random pages)", api_pages, "", high),
            ("decisions list, uncached, 2 clients", uncached_list, session, low),
            ("decision page, uncached, 2 clients", uncached_pages, session, low),
        ]
        cpu = ServerCpu(server.pid, db_url.rsplit("/", 1)[1])
        cpu.settle()
        for name, paths, cookie, load in scenarios:
            if args.only and args.only not in name:
                continue
            results.append(run_scenario(name, paths, cookie=cookie, cpu=cpu, **load))
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        if redis_proc is not None:
            redis_proc.terminate()
            redis_proc.wait(timeout=10)
    print(json.dumps({"data": data, "workers": args.workers, "cache": "redis" if redis_url else "locmem",
                      "cores": os.cpu_count(), "results": results}, ensure_ascii=False))  # fmt: skip


if __name__ == "__main__":
    main()
