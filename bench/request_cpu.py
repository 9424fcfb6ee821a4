"""CPU per request of the heavy kinds of `bench/load.py`, in-process (Django's test Client through the
whole stack: middleware, sessions, auth, views, templates, ninja), on a loaded database.

The load bench measures a shared machine; this measures what one request costs the app server's
Python, whatever the load: `time.process_time()` around each request (this process only; the
database's own CPU is not in it) and the number of queries. `--profile KIND` prints the cProfile
top functions of that kind (cumulative and own time). `--warm N` (default 2) requests of each kind first:
with 10 or more the case kinds have seen masked texts, so jieba's tagger is loaded before the measure.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/zhifa_x_1m ZHIFA_VAR_DIR=/tmp/x \\
        PYTHONPATH=src python bench/request_cpu.py [--rounds 20] [--profile officer_list_page]

`db cpu`: the PostgreSQL backend's CPU per request (mean over the rounds; PostgreSQL only).

Users: the `bench_*` users of `bench/cases.py` (signed in with `force_login`, so the session is a
real database session like the browser's). Settings are the real ones (DEBUG off, as `make run`).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhifa.config.settings")
os.environ.setdefault("ZHIFA_TESTING", "0")

import django  # noqa: E402

django.setup()

from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from zhifa.org.models import User  # noqa: E402

sys.path.insert(0, str(ROOT / "bench"))
from load import cpu_seconds  # noqa: E402 — the one reader of /proc/<pid>/stat


def clients() -> dict[str, Client]:
    out = {}
    for role in ("officer", "approver", "supervisor"):
        c = Client()
        c.force_login(User.objects.get(username=f"bench_{role}"))
        out[role] = c
    return out


def kinds(c: dict[str, Client], case_ids: list[int]) -> dict[str, Callable[[int], object]]:
    token = {}
    from zhifa.org.services import api_token_issue

    for role in ("officer", "supervisor"):
        token[role] = api_token_issue(user=User.objects.get(username=f"bench_{role}"))[0]

    # The API kinds as load.py sends them: a bearer token and no cookie (a signed-in client's session
    # cookie would make the middleware read the session too, which an API client does not cause).
    bare = Client()

    def api(role: str, path: str) -> object:
        return bare.get(path, HTTP_AUTHORIZATION=f"Bearer {token[role]}")

    lists = ["/cases/", "/cases/?state=investigating", "/cases/?mine=1"]
    public = Client()
    public.cookies["sessionid"] = "load-bench-no-such-session"
    agency_id = User.objects.get(username="bench_officer").role_grants.get().node.agency_id
    decisions = [
        d["id"] for d in json.loads(public.get("/api/v1/public/decisions?page=2").content)["results"]
    ]
    states = ["investigating", "proposed", "notified", "closed"]
    return {
        "officer_list_page": lambda i: c["officer"].get(lists[i % 3]),
        "officer_list_api": lambda i: api("officer", f"/api/v1/cases?page_size=20&page={1 + i % 3}"),
        "case_page": lambda i: c["officer"].get(f"/cases/{case_ids[i % len(case_ids)]}/"),
        "case_api": lambda i: api("officer", f"/api/v1/cases/{case_ids[i % len(case_ids)]}"),
        "supervisor_dashboard": lambda i: c["supervisor"].get("/stats/"),
        "supervisor_home": lambda i: c["supervisor"].get("/"),
        "supervisor_list_api": lambda i: api(
            "supervisor", f"/api/v1/cases?status={states[i % 4]}&page_size=20"
        ),
        "search_page": lambda i: c["officer"].get("/cases/?q=%E6%B8%A3%E5%9C%9F"),
        "search_api": lambda i: api("officer", "/api/v1/cases?q=%E6%B8%A3%E5%9C%9F&page_size=20"),
        # the public side as load.py sends it: a session cookie, so the portal's page cache does not answer
        "portal_list": lambda i: public.get(f"/portal/decisions/?page={1 + i % 200}"),
        "portal_decision": lambda i: public.get(f"/portal/decisions/{decisions[i % len(decisions)]}/"),
        "portal_home": lambda i: public.get("/portal/"),
        # a write, as load.py's `register` (into the database the bench runs on: use a copy)
        "register": lambda i: c["officer"].post(
            "/api/v1/cases",
            {
                "procedure": "ordinary",
                "agency_id": agency_id,
                "source": "patrol",
                "party": {"kind": "organisation", "name": f"压测公司{i}", "id_number": "91350900MA00000011"},
                "facts": f"压测线索{i}：未经批准擅自挖掘城市道路。",
                "occurred_on": time.strftime("%Y-%m-%d"),
                "power_item_id": 1,
            },
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token['officer']}",
        ),
    }


def _backend_pid() -> int | None:
    """The PostgreSQL backend serving this process's connection (None on SQLite): its CPU is read
    from /proc, the server running on this host."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return int(cursor.fetchone()[0])


def _backend_cpu_ms(pid: int | None) -> float:
    """CPU milliseconds the backend has used (clock ticks: the `db cpu` column is a mean over the
    rounds, each tick 10 ms, so give it 100 rounds or more)."""
    return 0.0 if pid is None else cpu_seconds(pid) * 1000


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=20)
    ap.add_argument("--only", default="", help="comma-separated kinds")
    ap.add_argument("--profile", default="", help="a kind to profile with cProfile")
    ap.add_argument("--top", type=int, default=35)
    ap.add_argument("--dump", default="", help="with --profile: also write the raw profile to this file")
    ap.add_argument("--warm", type=int, default=2, help="requests of each kind before measuring")
    args = ap.parse_args()

    c = clients()
    first = c["officer"].get("/api/v1/cases?page_size=50")
    case_ids = [r["id"] for r in json.loads(first.content)["results"]]
    table = kinds(c, case_ids)
    chosen = [k for k in (args.only.split(",") if args.only else table) if k]
    if args.profile:
        chosen = [args.profile]
    backend = _backend_pid()
    print(
        f"{'kind':<22} {'cpu p50':>8} {'cpu mean':>8} {'wall p50':>8} {'queries':>7} {'bytes':>7} "
        f"{'db cpu':>7}  (ms)"
    )
    for kind in chosen:
        fn = table[kind]
        for i in range(args.warm):  # warm: templates compiled, caches filled (jieba's tagger loaded)
            response = fn(i)
            assert response.status_code in (200, 201), (kind, response.status_code)  # type: ignore[attr-defined]
        cpu, wall, queries = [], [], []
        db0 = _backend_cpu_ms(backend)
        profiler = cProfile.Profile(time.process_time) if args.profile else None
        for i in range(args.rounds):
            reset_queries()
            with CaptureQueriesContext(connection) as ctx:
                t0, c0 = time.perf_counter(), time.process_time()
                if profiler:
                    profiler.enable()
                response = fn(i)
                if profiler:
                    profiler.disable()
                cpu.append((time.process_time() - c0) * 1000)
                wall.append((time.perf_counter() - t0) * 1000)
            queries.append(len(ctx.captured_queries))
        size = len(response.content)  # type: ignore[attr-defined]
        db = (_backend_cpu_ms(backend) - db0) / args.rounds if backend else float("nan")
        print(
            f"{kind:<22} {statistics.median(cpu):>8.1f} {statistics.fmean(cpu):>8.1f} "
            f"{statistics.median(wall):>8.1f} {max(queries):>7} {size:>7} {db:>7.2f}",
            flush=True,
        )
        if profiler:
            if args.dump:
                profiler.dump_stats(args.dump)
            for key in ("cumulative", "tottime"):
                out = io.StringIO()
                pstats.Stats(profiler, stream=out).sort_stats(key).print_stats(args.top)
                print(out.getvalue())


if __name__ == "__main__":
    main()
