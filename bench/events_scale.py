"""Workflow events at a million cases (issue 22, item 1): how long an officer waits for an event through
the API and through the page, with 文书 rendered after commit by the worker.

On a database prepared by `bench/cases.py --db postgres --reuse DIR` (1,000,000 cases, the `bench_*`
users), through Django's full request path (test client, middleware, auth, ninja / the page view):
N leads registered by `bench_officer` (`POST /api/v1/cases`), each filed by `bench_approver` — half
through the API (`POST /api/v1/cases/{id}/events`, `file`), half through the case page's form
(`POST /cases/{id}/events/file/`, signed in with a session; the redirect to the case page is timed
apart). Filing needs two credentialed officers: a second one (`bench_officer2`) is added in the first
agency when missing — run it on a copy of the bench database, never on the one `--reuse` keeps. The
task backend is the configured one (the 立案审批表 is only queued; nothing renders in the request).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/<copy> PYTHONPATH=src python bench/events_scale.py [--n 40]

Prints median/p95/p99 per step, the queries each ran, and the process's CPU per request.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhifa.config.settings")

PASSWORD = "correct-horse-battery"  # noqa: S105 — the test factories' password (bench/cases.py users)


def pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, round(q * (len(xs) - 1)))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=40)
    args = ap.parse_args()
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from zhifa.officers.factories import make_credentialed_officer, make_id_number
    from zhifa.officers.models import Officer
    from zhifa.org.factories import make_user
    from zhifa.org.models import User
    from zhifa.org.roles import Role
    from zhifa.powers.models import PowerItem

    officer_user = User.objects.get(username="bench_officer")
    approver_user = User.objects.get(username="bench_approver")
    agency = officer_user.node
    assert agency is not None
    if not Officer.objects.filter(user__username="bench_officer2").exists():
        second = User.objects.filter(username="bench_officer2").first() or make_user(
            "bench_officer2", node=agency, roles=[(Role.OFFICER, agency)]
        )
        # an identity number the generator's officers do not use (another birth date)
        make_credentialed_officer(
            agency=agency, user=second, id_number=make_id_number(born=dt.date(1979, 3, 3), seq=2)
        )
    officer_ids = list(
        Officer.objects.filter(user__username__in=["bench_officer", "bench_officer2"]).values_list("pk", flat=True)
    )
    item = PowerItem.objects.filter(code__startswith="B-").order_by("code").first()
    assert item is not None

    api = Client()

    def token(username: str) -> dict[str, str]:
        body = {"username": username, "password": PASSWORD}
        key = api.post("/api/v1/auth/token", body, content_type="application/json").json()["token"]
        return {"HTTP_AUTHORIZATION": f"Bearer {key}"}

    officer, approver = token("bench_officer"), token("bench_approver")
    page = Client()
    page.force_login(approver_user)
    today = timezone.localdate()
    times: dict[str, list[float]] = {"register (API)": [], "file (API)": [], "file (page POST)": []}
    times["case page after the event (GET)"] = []
    queries: dict[str, int] = {}
    cpu: dict[str, float] = {k: 0.0 for k in times}

    def timed(label: str, call: object) -> object:
        with CaptureQueriesContext(connection) as ctx:
            c0, t0 = time.process_time(), time.perf_counter()
            response = call()  # type: ignore[operator]
            times[label].append((time.perf_counter() - t0) * 1000)
            cpu[label] += time.process_time() - c0
        queries[label] = len(ctx.captured_queries)
        return response

    for i in range(args.n):
        data = {
            "procedure": "ordinary",
            "agency_id": agency.agency_id or agency.pk,
            "source": "patrol",
            "party": {"kind": "organisation", "name": f"压测公司{i}", "id_number": "91350900MA00000011"},
            "facts": f"压测线索{i}：未经批准擅自挖掘城市道路。",
            "occurred_on": today.isoformat(),
            "power_item_id": item.pk,
        }
        response = timed(
            "register (API)",
            lambda: api.post("/api/v1/cases", data, content_type="application/json", **officer),
        )
        assert response.status_code == 201, response.content  # type: ignore[attr-defined]
        case_id = response.json()["id"]  # type: ignore[attr-defined]
        if i % 2 == 0:
            response = timed(
                "file (API)",
                lambda: api.post(
                    f"/api/v1/cases/{case_id}/events",
                    {"event": "file", "officer_ids": officer_ids},
                    content_type="application/json",
                    **approver,
                ),
            )
            assert response.status_code == 200, response.content  # type: ignore[attr-defined]
        else:
            response = timed(
                "file (page POST)",
                lambda: page.post(f"/cases/{case_id}/events/file/", {"officer_ids": [str(o) for o in officer_ids]}),
            )
            assert response.status_code == 302, response.content  # type: ignore[attr-defined]
            response = timed("case page after the event (GET)", lambda: page.get(f"/cases/{case_id}/"))
            assert response.status_code == 200
    print(f"load average {open('/proc/loadavg').read().split()[:3]}")
    for label, xs in times.items():
        print(
            f"{label:34s} n={len(xs):3d} median {statistics.median(xs):7.1f} p95 {pct(xs, 0.95):7.1f} "
            f"p99 {pct(xs, 0.99):7.1f} ms | CPU {cpu[label] / len(xs) * 1000:6.1f} ms each | "
            f"{queries[label]} queries"
        )


if __name__ == "__main__":
    main()
