"""Workflow events with 文书: how long the user waits, and how long the rendering the event no longer
waits for takes.

On a migrated database with the demo loaded (`ZHIFA_DEMO=1 manage.py seed_demo`), through Django's full
request path (test client, middleware, bearer auth, ninja): N leads registered by `officer1`
(`POST /api/v1/cases`), then filed by `approver` (`POST /api/v1/cases/{id}/events`, event `file`, which
produces the 立案审批表). The task backend is the configured one (huey: the rendering is only enqueued).
Then the same documents are rendered as the worker would (`render_queue.render_task`), timed: before
issue 22 that time was spent inside the event's request and transaction.

    ZHIFA_DEMO=1 PYTHONPATH=src python bench/events.py [--n 30]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhifa.config.settings")


def pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, round(q * (len(xs) - 1)))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=30)
    args = ap.parse_args()
    import django

    django.setup()
    from django.test import Client
    from django.utils import timezone

    from zhifa.enforcement.documents import render_queue
    from zhifa.enforcement.documents.models import Document
    from zhifa.officers.models import Officer
    from zhifa.org.models import User
    from zhifa.powers.models import PowerItem

    client = Client()

    def token(username: str) -> dict[str, str]:
        body = {"username": username, "password": "zhifa-demo-2026"}
        key = client.post("/api/v1/auth/token", body, content_type="application/json").json()["token"]
        return {"HTTP_AUTHORIZATION": f"Bearer {key}"}

    officer, approver = token("officer1"), token("approver")
    user = User.objects.get(username="officer1")
    agency_id = Officer.objects.get(user=user).agency_id
    officer_ids = list(
        Officer.objects.filter(agency_id=agency_id, user__username__in=["officer1", "officer2"]).values_list(
            "pk", flat=True
        )
    )
    item = PowerItem.objects.filter(code__startswith="CF").order_by("id").first()
    today = timezone.localdate()
    register_ms, file_ms, render_ms = [], [], []
    for i in range(args.n):
        data = {
            "procedure": "ordinary",
            "agency_id": agency_id,
            "source": "patrol",
            "party": {"kind": "organisation", "name": f"压测公司{i}", "id_number": "91350900MA00000011"},
            "facts": f"压测线索{i}：未经批准擅自挖掘城市道路。",
            "occurred_on": today.isoformat(),
            "power_item_id": item.pk if item else None,
        }
        started = time.perf_counter()
        response = client.post("/api/v1/cases", data, content_type="application/json", **officer)
        register_ms.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 201, response.content
        case_id = response.json()["id"]
        started = time.perf_counter()
        response = client.post(
            f"/api/v1/cases/{case_id}/events",
            {"event": "file", "officer_ids": officer_ids},
            content_type="application/json",
            **approver,
        )
        file_ms.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.content
        document = Document.objects.get(case_id=case_id, code="filing_approval")
        started = time.perf_counter()
        if document.blob_id is None:
            render_queue.render_task(document.pk)
        render_ms.append((time.perf_counter() - started) * 1000)
    for label, xs in (("register", register_ms), ("event file", file_ms), ("rendering (worker)", render_ms)):
        print(f"{label:20s} n={len(xs)} median {statistics.median(xs):7.1f} ms  p95 {pct(xs, 0.95):7.1f} ms")


if __name__ == "__main__":
    main()
