"""How long the supervision side's 文书-issuing steps take through their one door (issue 22, item 1):
the centre's `issue_notice` (执法监督通知书) and a reconsideration's `accept` (受理通知书), each in its own
transaction, commit included, on a loaded database as `make run` leaves it (the task backend is the
outbox: the step writes its row and returns; no worker runs here, so nothing is rendered meanwhile).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/COPY_OF_zhifa_qsnap ZHIFA_VAR_DIR=/tmp/x \\
        PYTHONPATH=src python bench/supervision_events.py [--rounds 20]

Run it in two trees (PYTHONPATH=<tree>/src) on two copies of the snapshot to compare them: each step
changes the copy (clues notified, appeals accepted). Printed: wall and CPU ms per step (median, p95),
and how many PDFs the step rendered (WeasyPrint calls, counted by wrapping `html_to_pdf`).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhifa.config.settings")
os.environ.setdefault("ZHIFA_TESTING", "0")

import django

django.setup()

from zhifa.enforcement.documents import rendering  # noqa: E402
from zhifa.org.models import OrgNode, User  # noqa: E402
from zhifa.supervision.appeals import services as appeals  # noqa: E402
from zhifa.supervision.centre import services as centre  # noqa: E402
from zhifa.supervision.centre.models import Clue  # noqa: E402

RENDERS = [0]
_real = rendering.html_to_pdf


def _counted(*args: Any, **kwargs: Any) -> Any:
    RENDERS[0] += 1
    return _real(*args, **kwargs)


rendering.html_to_pdf = _counted  # every 文书 PDF goes through it (documents.services.html_pdf included)


def timed(label: str, steps: list[Any]) -> None:
    wall, cpu, renders = [], [], []
    for step in steps:
        r0, t0, c0 = RENDERS[0], time.perf_counter(), time.process_time()
        step()
        wall.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
        renders.append(RENDERS[0] - r0)
    wall.sort()
    p95 = wall[min(len(wall) - 1, int(len(wall) * 0.95))]
    print(
        f"{label:<28} n={len(steps):<3} wall p50 {statistics.median(wall):7.1f} ms  p95 {p95:7.1f} ms  "
        f"cpu p50 {statistics.median(cpu):7.1f} ms  PDFs rendered per step {statistics.fmean(renders):.1f}",
        flush=True,
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=20)
    args = ap.parse_args()
    supervisor = User.objects.get(username="supervisor")
    agencies = centre.supervisor_agencies(supervisor)
    clues = list(Clue.objects.filter(state="open", agency_id__in=agencies).order_by("id")[: args.rounds + 2])
    if len(clues) < args.rounds + 2:
        sys.exit(
            "not enough open clues in the supervisor's scope (use a copy of bench/snapshot.sh's database)"
        )
    respondent = OrgNode.objects.get(name="海州市城市管理局")

    def notice(clue: Clue) -> Any:
        return lambda: centre.clue_apply_event(
            clue_id=clue.pk,
            actor=supervisor,
            event="issue_notice",
            data={"kind": "notice", "requirements": "请于期限内依法整改并书面报告整改情况。"},
        )

    warm = clues[:2]
    for clue in warm:  # templates, the renderer (if the tree renders in the step), caches
        notice(clue)()
    timed("centre: issue_notice", [notice(c) for c in clues[2:]])

    def application(i: int) -> Any:
        return appeals.appeal_create(
            actor=supervisor,
            data={
                "kind": "reconsideration",
                "respondent_id": respondent.pk,
                "organ": "海州市人民政府",
                "applicant": {
                    "kind": "person",
                    "name": f"压测{i}",
                    "phone": "13800138000",
                    "address": "海州市",
                },
                "act": "罚款三千元的行政处罚决定",
                "claims": "撤销该行政处罚决定",
                "reasons": "事实不清",
                "known_on": time.strftime("%Y-%m-%d"),
                "received_on": time.strftime("%Y-%m-%d"),
            },
        )

    received = [application(i) for i in range(args.rounds + 2)]

    def accept(appeal: Any) -> Any:
        return lambda: appeals.appeal_apply_event(
            appeal_id=appeal.pk, actor=supervisor, event="accept", data={}
        )

    for appeal in received[:2]:
        accept(appeal)()
    timed("appeals: accept", [accept(a) for a in received[2:]])


if __name__ == "__main__":
    main()
