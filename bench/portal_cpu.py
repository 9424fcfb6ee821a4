"""CPU per uncached portal request, in process: the decisions list (random pages 1–200, as
`bench/load.py`'s `portal_list`) and random decision pages, through Django's test Client and the whole
middleware stack, with a session cookie so the page cache never answers. Real settings (DEBUG off; the
cache is `make run`'s file-based one under ZHIFA_VAR_DIR unless REDIS_URL is set): start with an empty
ZHIFA_VAR_DIR for a cold start. `time.process_time()` around each request (this process only; the
database's CPU is not in it) and the queries per request; `--profile list|decision` prints cProfile's
top functions (sorted by `--sort`).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/zhifa_x_1m ZHIFA_VAR_DIR=$(mktemp -d) \\
        PYTHONPATH=src python bench/portal_cpu.py [--requests 400] [--profile list]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhifa.config.settings")
os.environ.setdefault("ZHIFA_TESTING", "0")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from zhifa.public.portal.models import PublishedDecision  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--requests", type=int, default=400)
    ap.add_argument("--pages", type=int, default=200, help="random list pages 1..N")
    ap.add_argument("--profile", choices=["list", "decision"])
    ap.add_argument("--sort", default="cumulative")
    args = ap.parse_args()
    client = Client()
    client.cookies["sessionid"] = "load-bench-no-such-session"
    rng = random.Random(1)
    published = PublishedDecision.objects.filter(state=PublishedDecision.State.PUBLISHED)
    ids = list(published.order_by("-id").values_list("id", flat=True)[:50_000])
    if not ids:
        print("portal_cpu: no published decisions in this database (see bench/cases.py --publish); skipped")
        return
    # the first request of a process pays the URLconf and the templates: not what is measured
    client.get("/portal/decisions/")
    client.get(f"/portal/decisions/{ids[0]}/")
    n = args.requests
    for kind in ("list", "decision"):
        cpu: list[float] = []
        queries = 0
        prof = cProfile.Profile() if args.profile == kind else None
        for _ in range(n):
            if kind == "list":
                path = f"/portal/decisions/?page={rng.randint(1, args.pages)}"
            else:
                path = f"/portal/decisions/{rng.choice(ids)}/"
            with CaptureQueriesContext(connection) as seen:
                start = time.process_time()
                if prof:
                    prof.enable()
                response = client.get(path)
                if prof:
                    prof.disable()
                cpu.append(time.process_time() - start)
            assert response.status_code == 200, (path, response.status_code)
            queries += len(seen.captured_queries)
        cpu.sort()
        print(
            f"{kind}: {n} requests, CPU mean {1000 * statistics.mean(cpu):.2f} ms, "
            f"p50 {1000 * cpu[n // 2]:.2f} ms, p95 {1000 * cpu[int(n * 0.95)]:.2f} ms, "
            f"{queries / n:.2f} queries/request; load {Path('/proc/loadavg').read_text().strip()}"
        )
        if prof:
            out = io.StringIO()
            pstats.Stats(prof, stream=out).sort_stats(args.sort).print_stats(30)
            print(out.getvalue())


if __name__ == "__main__":
    main()
