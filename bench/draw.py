"""The random draw (zhifa.core.draw) over a directory of up to 1,000,000 targets: time and memory.

Each case runs in a fresh process, so its peak RSS is its own. The pool is streamed from a generator
in canonical order (as a database cursor ordered by the id would give it), ids shaped like 统一社会信用代码,
weights 1–4 for the risk-weighted cases (a four-level risk grading). Then a team of two inspectors is
assigned for each of 5,000 drawn targets from 300 inspectors with conflicts and a pair limit.

    PYTHONPATH=src python bench/draw.py [--sizes 100000,1000000] [--n 5000] [--rounds 3]

Prints, per case, the median and worst wall-clock seconds of the rounds, the median CPU seconds (less
sensitive to other jobs on a shared machine), the rate, and the peak RSS.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = "7f" * 32


def pool(size: int, weighted: bool):  # type: ignore[no-untyped-def]
    for i in range(size):
        entry_id = f"91350900{i:09d}X"  # fixed width, so numeric order is canonical order
        yield (entry_id, 1 + i % 4) if weighted else entry_id


def one_case(size: int, n: int, weighted: bool) -> dict[str, object]:
    sys.path.insert(0, str(ROOT / "src"))
    from zhifa.core import draw

    started, cpu = time.perf_counter(), time.process_time()
    result = draw.draw(seed=SEED, pool=pool(size, weighted), n=n)
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "cpu": time.process_time() - cpu,
        "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "digest": result.pool_digest[:16],
        "drawn": len(result.chosen),
    }


def teams_case(n: int) -> dict[str, object]:
    sys.path.insert(0, str(ROOT / "src"))
    from zhifa.core import draw

    targets = draw.draw(seed=SEED, pool=pool(200_000, False), n=n).chosen
    inspectors = [f"officer-{i:03d}" for i in range(300)]
    excluded = {t: {inspectors[k % 300] for k in range(j, j + 3)} for j, t in enumerate(targets)}
    started, cpu = time.perf_counter(), time.process_time()
    teams = draw.assign_teams(
        seed=SEED, targets=targets, candidates=inspectors, excluded=excluded, pair_limit=1
    )
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "cpu": time.process_time() - cpu,
        "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "teams": len(teams),
    }


def run_child(args: list[str]) -> dict[str, object]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", *args], capture_output=True, text=True, check=True
    ).stdout
    return json.loads(out)  # type: ignore[no-any-return]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--n", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--child", nargs="*")
    args = parser.parse_args()
    if args.child is not None:
        kind, *rest = args.child
        if kind == "teams":
            print(json.dumps(teams_case(int(rest[0]))))
        else:
            print(json.dumps(one_case(int(rest[0]), int(rest[1]), kind == "weighted")))
        return
    load = os.getloadavg()[0]
    print(f"load average {load:.1f}; n = {args.n}; {args.rounds} rounds per case")
    print(f"{'case':<28}{'median s':>10}{'worst s':>10}{'CPU s':>8}{'ids/s':>12}{'peak RSS MB':>14}")
    for kind in ("unweighted", "weighted"):
        for size in (int(s) for s in args.sizes.split(",")):
            runs = [run_child([kind, str(size), str(args.n)]) for _ in range(args.rounds)]
            secs = [float(r["seconds"]) for r in runs]  # type: ignore[arg-type]
            assert len({r["digest"] for r in runs}) == 1  # the same pool, the same digest
            median = statistics.median(secs)
            cpu = statistics.median(float(r["cpu"]) for r in runs)  # type: ignore[arg-type]
            rss = max(float(r["rss_mb"]) for r in runs)  # type: ignore[arg-type]
            print(
                f"{kind + ' ' + format(size, ','):<28}{median:>10.2f}{max(secs):>10.2f}{cpu:>8.2f}{size / median:>12,.0f}{rss:>14.1f}"
            )
    teams = run_child(["teams", str(args.n)])
    print(
        f"teams of 2 for {teams['teams']} targets from 300 inspectors (conflicts, pair limit 1): "
        f"{float(teams['seconds']):.2f} s ({float(teams['cpu']):.2f} s CPU), peak RSS {float(teams['rss_mb']):.1f} MB"  # type: ignore[arg-type]
    )


if __name__ == "__main__":
    main()
