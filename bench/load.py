"""HTTP load against a running server: a realistic mix of staff and public traffic, N clients on
loopback, throughput and p50/p95/p99 per kind of request.

The server is whatever `make run` starts (gunicorn `gthread` workers, DEBUG off, the task worker,
supervisord); point it at the database to load, e.g. the 1,000,000 cases `bench/cases.py --db postgres
--reuse DIR` leaves behind (its users `bench_officer`, `bench_approver`, `bench_supervisor`):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/zhifa_bench_cases ZHIFA_VAR_DIR=/tmp/loadvar \\
        make run ZHIFA_PORT=8107                                   # another terminal
    python bench/load.py --base http://127.0.0.1:8107 --clients 8 --seconds 60

`bench/snapshot.sh` and `bench/mix.sh` do all of this for the mix as docs/benchmarks.md reports it.

Nothing here imports Django: the bench is an HTTP client (http.client, one keep-alive connection per
client), run in `--procs` processes so that the client's own Python does not cap the rate. Setup signs
in through the API (bearer tokens) and the sign-in page (a session cookie, for the HTML pages), then
finds case ids through the API as each user sees them and decision ids through the public API.

The mix (weights, `--mix kind=weight,…` overrides): staff — an officer's case list (API and page),
case pages (HTML and API), searches, the supervisor's dashboard, home page and lists, and writes:
a lead registered (`POST /api/v1/cases`) and, when `--events-user`/`--file-officers` are given, filed
by the approver (`POST …/events`, `file`: numbering, deadlines, the 立案审批表 queued for the worker);
public — the portal's decisions list (random pages) and decision pages, with a session cookie so the
portal's page cache does not answer them (`--public-cached` for anonymous, cacheable requests).

Targets (issue 22, item 8): ≥ 150 requests/s of staff traffic with p95 < 150 ms, and no error.
Every non-2xx answer and every transport error counts as an error; the first few are printed.
The generator shares the machine's cores with the server: figures are a lower bound.

With `--pg-database`, the run starts only once the task worker's backlog is done: a server that `make
run` has just started is still rendering the demo's 文书 and running its checks (~2,300 tasks, two to
three minutes of a core), and a mix measured beside that is charged for work it did not cause.

`--server-pid PID` (supervisord's, or gunicorn's arbiter) adds the load-independent figure: the CPU
the server's processes (every descendant of PID: gunicorn's workers, the task worker) used during the
measured run, from /proc/<pid>/stat (utime + stime), divided by the requests answered. PostgreSQL's
own CPU is not in it.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing as mp
import os
import random
import re
import statistics
import sys
import threading
import time
import urllib.parse
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

PASSWORD = "correct-horse-battery"  # noqa: S105 — the test factories' password (bench/cases.py users)
SEARCH_WORDS = ["渣土", "油烟", "露天烧烤", "扬尘", "户外广告", "燃气", "噪声", "人民路"]

# kind: (weight, staff?) — a working day's proportions: mostly reading lists and cases, some searches,
# a few writes, and the public reading published decisions.
DEFAULT_MIX: dict[str, tuple[float, bool]] = {
    "officer_list_api": (12, True),
    "officer_list_page": (8, True),
    "case_page": (12, True),
    "case_api": (10, True),
    "search_api": (6, True),
    "search_page": (3, True),
    "supervisor_dashboard": (3, True),
    "supervisor_home": (3, True),
    "supervisor_list_api": (5, True),
    "register": (3, True),
    "file": (2, True),
    "portal_list": (12, False),
    "portal_decision": (16, False),
    "portal_home": (5, False),
}


@dataclass
class Session:
    """What a client needs to act as a user: a bearer token and a signed-in cookie."""

    token: str = ""
    cookie: str = ""
    csrf: str = ""


@dataclass
class Setup:
    base: str
    officer: Session
    approver: Session
    supervisor: Session
    events: Session | None
    officer_cases: list[int]
    supervisor_cases: list[int]
    decisions: list[int]
    agency_id: int | None
    power_item_id: int | None
    file_officers: list[int]
    events_agency: int | None
    extra: dict[str, Any] = field(default_factory=dict)


# --- HTTP ---------------------------------------------------------------------------------------------


def connect(base: str) -> http.client.HTTPConnection:
    u = urllib.parse.urlsplit(base)
    return http.client.HTTPConnection(u.hostname or "127.0.0.1", u.port or 80, timeout=60)


def request(
    conn: http.client.HTTPConnection,
    method: str,
    path: str,
    *,
    body: Any = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, bytes, http.client.HTTPResponse]:
    h = dict(headers or {})
    data = None
    if body is not None:
        if isinstance(body, dict | list):
            data = json.dumps(body).encode()
            h.setdefault("Content-Type", "application/json")
        else:
            data = body.encode() if isinstance(body, str) else body
    conn.request(method, path, body=data, headers=h)
    response = conn.getresponse()
    content = response.read()
    return response.status, content, response


def api_session(base: str, username: str, password: str) -> Session:
    conn = connect(base)
    status, body, _ = request(
        conn, "POST", "/api/v1/auth/token", body={"username": username, "password": password}
    )
    if status != 200:
        raise SystemExit(f"load: token for {username}: {status} {body[:200]!r}")
    session = Session(token=json.loads(body)["token"])
    # The HTML pages: sign in through the sign-in form as a browser does (CSRF cookie and field).
    status, body, response = request(conn, "GET", "/login/")
    cookies = _cookies(response)
    match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    if not match:
        raise SystemExit("load: no CSRF field on /login/")
    form = urllib.parse.urlencode(
        {"username": username, "password": password, "csrfmiddlewaretoken": match.group(1).decode()}
    )
    status, body, response = request(
        conn,
        "POST",
        "/login/",
        body=form,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items()),
            "Referer": base + "/login/",
        },
    )
    cookies.update(_cookies(response))
    if status not in (302, 303) or "sessionid" not in cookies:
        raise SystemExit(f"load: sign-in page for {username}: {status} {body[:200]!r}")
    session.cookie = "; ".join(f"{k}={v}" for k, v in cookies.items())
    session.csrf = cookies.get("csrftoken", "")
    conn.close()
    return session


def _cookies(response: http.client.HTTPResponse) -> dict[str, str]:
    out = {}
    for header in response.headers.get_all("Set-Cookie") or []:
        name, _, rest = header.partition("=")
        out[name.strip()] = rest.split(";", 1)[0]
    return out


def bearer(s: Session) -> dict[str, str]:
    return {"Authorization": f"Bearer {s.token}"}


def get_json(base: str, path: str, s: Session | None = None) -> Any:
    conn = connect(base)
    status, body, _ = request(conn, "GET", path, headers=bearer(s) if s else {})
    conn.close()
    if status != 200:
        raise SystemExit(f"load: GET {path}: {status} {body[:300]!r}")
    return json.loads(body)


# --- setup ---------------------------------------------------------------------------------------------


def prepare(args: argparse.Namespace) -> Setup:
    base = args.base.rstrip("/")
    officer = api_session(base, args.officer, args.password)
    approver = api_session(base, args.approver, args.password)
    supervisor = api_session(base, args.supervisor, args.password)
    events = api_session(base, args.events_user, args.events_password) if args.events_user else None
    mine = get_json(base, "/api/v1/cases?page_size=100", officer)["results"]
    everyone = get_json(base, "/api/v1/cases?page_size=100&status=investigating", supervisor)["results"]
    decisions = []
    for page in (1, 2, 3, 50, 200):
        try:
            decisions += [d["id"] for d in get_json(base, f"/api/v1/public/decisions?page={page}")["results"]]
        except SystemExit:
            break
    if not mine:
        raise SystemExit(f"load: {args.officer} sees no case")
    first = get_json(base, f"/api/v1/cases/{mine[0]['id']}", officer)
    agency = first.get("agency", {})
    power = first.get("power_item") or {}
    return Setup(
        base=base,
        officer=officer,
        approver=approver,
        supervisor=supervisor,
        events=events,
        officer_cases=[c["id"] for c in mine],
        supervisor_cases=[c["id"] for c in everyone] or [c["id"] for c in mine],
        decisions=decisions,
        agency_id=agency.get("id") if isinstance(agency, dict) else agency,
        power_item_id=power.get("id") if isinstance(power, dict) else power,
        file_officers=[int(i) for i in args.file_officers.split(",")] if args.file_officers else [],
        events_agency=args.events_agency,
    )


# --- the requests --------------------------------------------------------------------------------------


class Client:
    """One simulated user at a time, one connection; `do(kind)` sends one request of that kind."""

    def __init__(self, setup: Setup, rng: random.Random, public_cached: bool) -> None:
        self.s = setup
        self.rng = rng
        self.conn = connect(setup.base)
        self.public_cached = public_cached
        self.registered: list[int] = []  # leads this client registered, waiting to be filed

    def reconnect(self) -> None:
        self.conn.close()
        self.conn = connect(self.s.base)

    def get(self, path: str, headers: dict[str, str]) -> int:
        status, _body, _ = request(self.conn, "GET", path, headers=headers)
        return status

    def do(self, kind: str) -> tuple[int, str]:
        s, rng = self.s, self.rng
        if kind == "officer_list_api":
            page = rng.choice([1, 1, 1, 2, 3])
            path = f"/api/v1/cases?page_size=20&page={page}"
            return self.get(path, bearer(s.officer)), path
        if kind == "officer_list_page":
            path = rng.choice(["/cases/", "/cases/?state=investigating", "/cases/?mine=1"])
            return self.get(path, {"Cookie": s.officer.cookie}), path
        if kind == "case_page":
            path = f"/cases/{rng.choice(s.officer_cases)}/"
            return self.get(path, {"Cookie": s.officer.cookie}), path
        if kind == "case_api":
            path = f"/api/v1/cases/{rng.choice(s.officer_cases)}"
            return self.get(path, bearer(s.officer)), path
        if kind == "search_api":
            q = urllib.parse.quote(rng.choice(SEARCH_WORDS))
            path = f"/api/v1/cases?q={q}&page_size=20"
            return self.get(path, bearer(s.officer)), path
        if kind == "search_page":
            q = urllib.parse.quote(rng.choice(SEARCH_WORDS))
            path = f"/cases/?q={q}"
            return self.get(path, {"Cookie": s.officer.cookie}), path
        if kind == "supervisor_dashboard":
            path = "/stats/"
            return self.get(path, {"Cookie": s.supervisor.cookie}), path
        if kind == "supervisor_home":
            path = "/"
            return self.get(path, {"Cookie": s.supervisor.cookie}), path
        if kind == "supervisor_list_api":
            state = rng.choice(["investigating", "proposed", "notified", "closed"])
            path = f"/api/v1/cases?status={state}&page_size=20"
            return self.get(path, bearer(s.supervisor)), path
        if kind == "register":
            return self.register()
        if kind == "file":
            return self.file()
        if kind == "portal_list":
            path = f"/portal/decisions/?page={rng.randint(1, 200)}"
            return self.get(path, self.public_headers()), path
        if kind == "portal_decision":
            if not s.decisions:
                return 0, "no published decision to read"
            path = f"/portal/decisions/{rng.choice(s.decisions)}/"
            return self.get(path, self.public_headers()), path
        if kind == "portal_home":
            path = "/portal/"
            return self.get(path, self.public_headers()), path
        raise SystemExit(f"load: unknown kind {kind}")

    def public_headers(self) -> dict[str, str]:
        # A session cookie makes the portal skip its page cache (what a signed-in visitor gets).
        return {} if self.public_cached else {"Cookie": "sessionid=load-bench-no-such-session"}

    def register(self) -> tuple[int, str]:
        s = self.s
        who = s.events or s.officer
        agency = s.events_agency or s.agency_id
        n = self.rng.randint(1, 10**9)
        body = {
            "procedure": "ordinary",
            "agency_id": agency,
            "source": "patrol",
            "party": {"kind": "organisation", "name": f"压测公司{n}", "id_number": "91350900MA00000011"},
            "facts": f"压测线索{n}：未经批准擅自挖掘城市道路。",
            "occurred_on": time.strftime("%Y-%m-%d"),
            **({"power_item_id": s.extra["events_power_item"]} if s.extra.get("events_power_item") else {}),
        }
        status, content, _ = request(self.conn, "POST", "/api/v1/cases", body=body, headers=bearer(who))
        if status == 201 and s.file_officers:
            self.registered.append(json.loads(content)["id"])
        return status, "/api/v1/cases" + ("" if status == 201 else f" {content[:200]!r}")

    def file(self) -> tuple[int, str]:
        s = self.s
        if not s.file_officers or not self.registered:
            return self.register()  # nothing to file yet: register one (counted as a registration)
        case_id = self.registered.pop(0)
        status, content, _ = request(
            self.conn,
            "POST",
            f"/api/v1/cases/{case_id}/events",
            body={"event": "file", "officer_ids": s.file_officers},
            headers=bearer(s.extra.get("events_approver", s.approver)),
        )
        return status, f"/api/v1/cases/{case_id}/events" + ("" if status == 200 else f" {content[:200]!r}")


# --- server CPU ----------------------------------------------------------------------------------------


def stat_fields(pid: int) -> list[str]:
    """The fields of /proc/<pid>/stat after the process's name (fields[1] is the parent's pid, [11] to
    [14] utime, stime, cutime, cstime in clock ticks). OSError when the process is gone."""
    with open(f"/proc/{pid}/stat") as f:
        return f.read().rsplit(")", 1)[1].split()


def cpu_seconds(pid: int) -> float:
    """CPU seconds (user + system) `pid` has used so far. OSError when the process is gone."""
    fields = stat_fields(pid)
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = defaultdict(list)

    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                children[int(stat_fields(int(entry))[1])].append(int(entry))
            except OSError:
                continue
    out, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            out.append(child)
            todo.append(child)
    return out


def host_speed() -> float:
    """CPU seconds of a fixed pure-Python loop (the least of three): the machine's speed as this
    process finds it. Sessions run on machines of one kind, but not on one host: on 2026-12-07 this
    figure went from 0.11 to 0.20 s between runs, and a request's CPU with it; a throughput is only
    comparable with another taken at a like figure (docs/benchmarks.md)."""
    best = float("inf")
    for _ in range(3):
        started = time.process_time()
        total = 0
        for i in range(3_000_000):
            total += i
        best = min(best, time.process_time() - started)
    return best


def _loadavg() -> list[str]:
    with open("/proc/loadavg") as f:
        return f.read().split()[:3]


def server_cpu(pid: int) -> dict[int, float]:
    """CPU seconds (user + system) of each live descendant of `pid` (the process itself excluded)."""

    out = {}
    for child in _descendants(pid):
        try:
            out[child] = cpu_seconds(child)
        except OSError:
            continue
    return out


def tree_cpu(pid: int) -> float:
    """CPU seconds of `pid` and everything below it, the exited included: a process's own utime + stime,
    plus cutime + cstime (what its exited and reaped children used), for it and each live descendant.
    For PostgreSQL's postmaster this counts every backend, also those that ended during the run."""

    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for p in [pid, *_descendants(pid)]:
        try:
            fields = stat_fields(p)
        except OSError:
            continue
        total += sum(int(x) for x in fields[11:15])  # utime, stime, cutime, cstime
    return total / tick


def backends_cpu(postmaster: int, database: str) -> dict[int, float]:
    """CPU seconds of each live PostgreSQL backend connected to `database` (its process title is
    `postgres: … <user> <database> <client>`): the server's own share, apart from other databases'
    traffic on a shared machine. A backend that exits during the run is not counted (the server keeps
    its connections, so few do)."""

    out = {}
    for child in _descendants(postmaster):
        try:
            with open(f"/proc/{child}/cmdline", "rb") as f:
                title = f.read().replace(b"\0", b" ").decode(errors="replace").split()
            if database not in title:
                continue
            out[child] = cpu_seconds(child)
        except OSError:
            continue
    return out


def postmaster_pid() -> int | None:
    """The PostgreSQL server on this machine: the `postgres` process whose parent is not one."""

    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                head, _, rest = f.read().rpartition(")")
            if not head.endswith("(postgres"):
                continue
            parent = int(rest.split()[1])
            with open(f"/proc/{parent}/stat") as f:
                if not f.read().rpartition(")")[0].endswith("(postgres"):
                    return int(entry)
        except (OSError, ValueError):
            continue
    return None


def queued_tasks(database: str) -> int:
    """Tasks due and not yet done in the server's outbox (core.QueuedTask): the worker's backlog."""
    import psycopg

    with psycopg.connect(f"postgresql://postgres@127.0.0.1:5432/{database}") as conn:
        row = conn.execute(
            "SELECT count(*) FROM core_queuedtask WHERE state IN ('pending', 'running') "
            "AND (run_after IS NULL OR run_after <= now())"
        ).fetchone()
    return int(row[0]) if row else 0


def drain(database: str, server_pid: int | None, timeout: float) -> tuple[float, float]:
    """Wait until the worker's backlog is empty (at most `timeout` seconds): the seconds waited and the
    CPU the server's processes used meanwhile (the worker's; the web workers are idle)."""
    start = time.perf_counter()
    before = server_cpu(server_pid) if server_pid else {}
    while queued_tasks(database) and time.perf_counter() - start < timeout:
        time.sleep(0.2)
    waited = time.perf_counter() - start
    after = server_cpu(server_pid) if server_pid else {}
    return waited, sum(t - before.get(p, 0.0) for p, t in after.items())


# --- running -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    kinds: list[str]
    weights: list[float]
    seconds: float
    public_cached: bool


def client_loop(setup: Setup, plan: Plan, deadline: float, seed: int, out: Any) -> None:
    kinds, weights = plan.kinds, plan.weights
    rng = random.Random(seed)
    client = Client(setup, rng, plan.public_cached)
    lat: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, int] = defaultdict(int)
    samples: list[str] = []
    while time.perf_counter() < deadline:
        kind = rng.choices(kinds, weights)[0]
        started = time.perf_counter()
        try:
            status, what = client.do(kind)
        except (OSError, http.client.HTTPException) as exc:
            status, what = 0, f"{type(exc).__name__}: {exc}"
            client.reconnect()
        elapsed = time.perf_counter() - started
        if kind == "file" and not (setup.file_officers and what.startswith("/api/v1/cases/")):
            kind = "register"
        lat[kind].append(elapsed)
        if not 200 <= status < 300:
            errors[kind] += 1
            if len(samples) < 5:
                samples.append(f"{kind} {status} {what}")
    client.conn.close()
    out.put((dict(lat), dict(errors), samples))


def process_main(setup: Setup, plan: Plan, clients: int, seed: int, result: Any) -> None:
    import queue

    out: queue.Queue[Any] = queue.Queue()
    deadline = time.perf_counter() + plan.seconds
    threads = [
        threading.Thread(target=client_loop, args=(setup, plan, deadline, seed * 1000 + i, out))
        for i in range(clients)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    merged: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, int] = defaultdict(int)
    samples: list[str] = []
    while not out.empty():
        lat, err, smp = out.get()
        for k, v in lat.items():
            merged[k].extend(v)
        for k, v in err.items():
            errors[k] += v
        samples.extend(smp)
    times = os.times()
    result.put((dict(merged), dict(errors), samples, times.user + times.system))


def pct(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000, 1)


def summarise(name: str, values: list[float], errors: int, seconds: float) -> dict[str, Any]:
    return {
        "kind": name,
        "requests": len(values),
        "errors": errors,
        "req_per_s": round(len(values) / seconds, 1),
        "p50_ms": pct(values, 0.50),
        "p95_ms": pct(values, 0.95),
        "p99_ms": pct(values, 0.99),
        "mean_ms": round(statistics.fmean(values) * 1000, 1) if values else 0.0,
    }


def parse_mix(text: str) -> dict[str, tuple[float, bool]]:
    mix = dict(DEFAULT_MIX)
    for part in filter(None, (p.strip() for p in text.split(","))):
        name, _, weight = part.partition("=")
        if name not in mix:
            raise SystemExit(f"load: unknown kind {name} (known: {', '.join(mix)})")
        mix[name] = (float(weight), mix[name][1])
    return {k: v for k, v in mix.items() if v[0] > 0}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--base", default="http://127.0.0.1:8000")
    ap.add_argument("--clients", type=int, default=8, help="concurrent clients (one request at a time each)")
    ap.add_argument("--procs", type=int, default=2, help="client processes the clients are spread over")
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--warmup", type=float, default=5, help="seconds of traffic before measuring")
    ap.add_argument("--officer", default="bench_officer")
    ap.add_argument("--approver", default="bench_approver")
    ap.add_argument("--supervisor", default="bench_supervisor")
    ap.add_argument("--password", default=PASSWORD)
    ap.add_argument("--events-user", help="register leads as this user instead (e.g. the demo's officer1)")
    ap.add_argument("--events-password", default="zhifa-demo-2026")
    ap.add_argument("--events-approver", help="file them as this user (e.g. the demo's approver)")
    ap.add_argument("--events-agency", type=int, help="agency id of the leads (default: the officer's)")
    ap.add_argument("--events-power-item", type=int, help="power item of the leads")
    ap.add_argument("--file-officers", help="officer ids (two credentialed) the approver files with")
    ap.add_argument("--mix", default="", help="weights, e.g. register=0,file=0,portal_list=20")
    ap.add_argument("--public-cached", action="store_true", help="anonymous portal requests (cacheable)")
    ap.add_argument("--server-pid", type=int, help="report the CPU of this process's descendants")
    ap.add_argument(
        "--pg-database",
        help="count PostgreSQL's CPU only for the backends of this database (the server's), not the "
        "whole PostgreSQL server's",
    )
    ap.add_argument(
        "--drain-timeout",
        type=float,
        default=300,
        help="with --pg-database: before the run, wait up to this many seconds for the task worker's "
        "backlog (a fresh `make run`'s demo tasks); after it, for what the run queued, and report it "
        "(0: do not wait)",
    )
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()

    setup = prepare(args)
    if args.pg_database and args.drain_timeout > 0 and (waiting := queued_tasks(args.pg_database)):
        # A server just started by `make run` is still rendering the demo's 文书 and running its checks
        # (some 2,000 tasks): measured beside that backlog, the mix would be charged for work it did not
        # cause. Wait for it first, as the backlog the run itself queues is waited for after it.
        print(
            f"load: waiting for the task worker's backlog of {waiting} tasks queued before the run ...",
            flush=True,
        )
        waited, _cpu = drain(args.pg_database, None, args.drain_timeout)
        print(f"load: backlog done in {waited:.0f} s", flush=True)
    if args.events_approver:
        setup.extra["events_approver"] = api_session(setup.base, args.events_approver, args.events_password)
    if args.events_power_item:
        setup.extra["events_power_item"] = args.events_power_item
    mix = parse_mix(args.mix)
    if not setup.file_officers:
        mix.pop("file", None)
    kinds = list(mix)
    weights = [mix[k][0] for k in kinds]
    staff = {k for k, (_w, is_staff) in mix.items() if is_staff}
    print(
        f"load: {args.base}, {args.clients} clients in {args.procs} processes, {args.seconds:.0f} s "
        f"(+{args.warmup:.0f} s warm-up); {len(setup.officer_cases)} of the officer's cases, "
        f"{len(setup.decisions)} decisions",
        flush=True,
    )

    client_cpu = [0.0]  # CPU seconds of the client processes (the generator's own share of the cores)

    def run(seconds: float) -> tuple[dict[str, list[float]], dict[str, int], list[str]]:
        result: Any = mp.Queue()
        per = [
            args.clients // args.procs + (1 if i < args.clients % args.procs else 0)
            for i in range(args.procs)
        ]
        procs = [
            mp.Process(
                target=process_main,
                args=(setup, Plan(kinds, weights, seconds, args.public_cached), n, seed + 1, result),
            )
            for seed, n in enumerate(per)
            if n
        ]
        for p in procs:
            p.start()
        merged: dict[str, list[float]] = defaultdict(list)
        errors: dict[str, int] = defaultdict(int)
        samples: list[str] = []
        for _ in procs:
            lat, err, smp, cpu_s = result.get()
            for k, v in lat.items():
                merged[k].extend(v)
            for k, v in err.items():
                errors[k] += v
            samples.extend(smp)
            client_cpu[0] += cpu_s
        for p in procs:
            p.join()
        return merged, errors, samples

    if args.warmup > 0:
        run(args.warmup)
    before = server_cpu(args.server_pid) if args.server_pid else {}
    server_before = tree_cpu(args.server_pid) if args.server_pid else 0.0
    pg = postmaster_pid()
    pg_before = tree_cpu(pg) if pg else 0.0
    db_before = backends_cpu(pg, args.pg_database) if pg and args.pg_database else {}
    client_cpu[0] = 0.0
    speed_before = host_speed()
    wall = time.perf_counter()
    load_before = _loadavg()
    merged, errors, samples = run(args.seconds)
    load_after = _loadavg()
    wall = time.perf_counter() - wall
    after = server_cpu(args.server_pid) if args.server_pid else {}
    server_total = tree_cpu(args.server_pid) - server_before if args.server_pid else 0.0
    pg_total = tree_cpu(pg) - pg_before if pg else 0.0
    db_after = backends_cpu(pg, args.pg_database) if pg and args.pg_database else {}
    db_total = sum(t - db_before.get(p, 0.0) for p, t in db_after.items())
    rows = [summarise(k, merged.get(k, []), errors.get(k, 0), args.seconds) for k in kinds]
    staff_all = [v for k in staff for v in merged.get(k, [])]
    public_all = [v for k in set(kinds) - staff for v in merged.get(k, [])]
    totals = [
        summarise("STAFF (all kinds)", staff_all, sum(errors.get(k, 0) for k in staff), args.seconds),
        summarise("PUBLIC (all kinds)", public_all, sum(errors.get(k, 0) for k in set(kinds) - staff), args.seconds),
        summarise("ALL", staff_all + public_all, sum(errors.values()), args.seconds),
    ]  # fmt: skip
    print(f"{'kind':<22} {'requests':>8} {'errors':>6} {'req/s':>7} {'p50':>7} {'p95':>7} {'p99':>7}  ms")
    for r in [*rows, *totals]:
        print(
            f"{r['kind']:<22} {r['requests']:>8} {r['errors']:>6} {r['req_per_s']:>7} "
            f"{r['p50_ms']:>7} {r['p95_ms']:>7} {r['p99_ms']:>7}"
        )
    for sample in samples[:10]:
        print("error:", sample)
    staff_row = totals[0]
    ok = staff_row["req_per_s"] >= 150 and staff_row["p95_ms"] < 150 and totals[2]["errors"] == 0
    print(
        f"target (staff ≥ 150 req/s, p95 < 150 ms, 0 errors): {'met' if ok else 'NOT met'} — "
        f"staff {staff_row['req_per_s']} req/s, p95 {staff_row['p95_ms']} ms, errors {totals[2]['errors']}"
    )
    print(f"load average: {' '.join(load_before)} before, {' '.join(load_after)} after")
    print(
        f"host speed: a 3,000,000-step Python loop took {speed_before:.3f} s of CPU before the run, "
        f"{host_speed():.3f} s after (lower is faster; compare runs only on like figures)"
    )
    cpu: dict[str, float] = {}
    if args.server_pid:
        # a process that started during the run (a recycled worker) counts from zero
        used = sum(t - before.get(p, 0.0) for p, t in after.items())
        answered = totals[2]["requests"]
        cpu = {"server_cpu_s": round(used, 2), "cpu_ms_per_request": round(1000 * used / max(answered, 1), 1)}
        worker = 0.0
        for p, t in after.items():
            try:
                with open(f"/proc/{p}/cmdline", "rb") as f:
                    if b"run_huey" in f.read():
                        worker += t - before.get(p, 0.0)
            except OSError:
                continue
        cpu["task_worker_cpu_s"] = round(worker, 2)
        print(
            f"server CPU (descendants of {args.server_pid}): {used:.2f} s (task worker {worker:.2f} s) "
            f"for {answered} requests = "
            f"{cpu['cpu_ms_per_request']} ms per request; two idle cores would serve at most "
            f"{2000 / max(cpu['cpu_ms_per_request'], 0.1):.0f} requests/s of this mix (PostgreSQL's CPU aside)"
        )
    answered = max(totals[2]["requests"], 1)
    if args.pg_database and args.drain_timeout > 0:
        # The 文书 the run's filings queued render in the task worker after their commit. Work it had not
        # done when the clients stopped still belongs to this run: wait for it, and count its CPU.
        backlog = queued_tasks(args.pg_database)
        drained_in, drain_cpu = drain(args.pg_database, args.server_pid, args.drain_timeout)
        cpu.update(backlog_tasks=backlog, drained_in_s=drained_in, drain_cpu_s=round(drain_cpu, 2))
        left = queued_tasks(args.pg_database)
        print(
            f"task worker: {backlog} tasks waiting or running when the clients stopped, "
            + (
                f"done {drained_in:.1f} s later"
                if left == 0
                else f"{left} still waiting after {drained_in:.0f} s"
            )
            + f"; the server's processes used {drain_cpu:.2f} s of CPU meanwhile (the worker's idle polling "
            f"included); with it the server's CPU per request is "
            f"{1000 * (server_total + drain_cpu) / answered:.1f} ms"
        )
    cpu["client_cpu_s"] = round(client_cpu[0], 2)
    cpu["postgres_cpu_s"] = round(pg_total, 2)
    parts = [("client", client_cpu[0])]
    if args.pg_database:
        cpu["postgres_db_cpu_s"] = round(db_total, 2)
        parts.append((f"PostgreSQL (backends of {args.pg_database})", db_total))
    else:
        parts.append(("PostgreSQL (every backend, other databases' too)", pg_total))
    if args.server_pid:
        cpu["server_tree_cpu_s"] = round(server_total, 2)
        parts.insert(0, ("server (with exited workers)", server_total))
    machine = sum(t for _n, t in parts)
    print(
        "CPU per request answered: "
        + ", ".join(f"{n} {1000 * t / answered:.1f} ms" for n, t in parts)
        + f"; together {1000 * machine / answered:.1f} ms = {machine / wall:.2f} of the "
        f"{os.cpu_count()} cores busy over {wall:.0f} s"
    )
    if args.json:
        out = {"args": vars(args), "rows": rows, "totals": totals, **cpu}
        print(json.dumps(out, ensure_ascii=False))
    sys.exit(0)


if __name__ == "__main__":
    main()
