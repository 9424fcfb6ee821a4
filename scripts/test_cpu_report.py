"""Rank the tests by CPU time from the files `ZHIFA_TEST_CPU=dir pytest ...` writes (see conftest.py).

    PYTHONPATH=src python scripts/test_cpu_report.py var/testcpu [--top 20]

Prints the slowest tests (setup + call + teardown, CPU seconds of the test's process; `children` is the
CPU of subprocesses it waited for), the totals per worker and per app directory.
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("directory", type=Path)
    parser.add_argument("--top", type=int, default=20)
    args = parser.parse_args()
    rows: list[dict[str, object]] = []
    per_worker: dict[str, float] = defaultdict(float)
    for path in sorted(args.directory.glob("*.jsonl")):
        for raw in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(raw)
            row["worker"] = path.stem
            rows.append(row)
            per_worker[path.stem] += float(row["cpu"])
    tests = [r for r in rows if r["id"] != "<collection>"]
    tests.sort(key=lambda r: -float(r["cpu"]))  # type: ignore[arg-type]
    total = sum(float(r["cpu"]) for r in tests)  # type: ignore[arg-type]
    children = sum(float(r.get("children", 0)) for r in tests)  # type: ignore[arg-type]
    print(f"{len(tests)} tests, {total:.1f} s CPU in tests (+{children:.1f} s in waited-for children)")
    for r in rows:
        if r["id"] == "<collection>":
            print(f"  collection ({r['worker']}): {float(r['cpu']):.1f} s")  # type: ignore[arg-type]
    for worker, cpu in sorted(per_worker.items()):
        print(f"  {worker}: {cpu:.1f} s")
    print(f"\nslowest {args.top} (cpu = setup+call+teardown; s/c/t split)")
    for r in tests[: args.top]:
        split = "/".join(f"{float(r.get(k, 0)):.1f}" for k in ("setup", "call", "teardown"))  # type: ignore[arg-type]
        print(f"{float(r['cpu']):7.2f}  ({split})  {r['id']}")  # type: ignore[arg-type]
    by_dir: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    for r in tests:
        key = str(r["id"]).split("/tests/")[0] if "/tests/" in str(r["id"]) else str(r["id"]).split("::")[0]
        by_dir[key][0] += float(r["cpu"])  # type: ignore[arg-type]
        by_dir[key][1] += 1
    print("\nper directory")
    for key, (cpu, n) in sorted(by_dir.items(), key=lambda kv: -kv[1][0]):
        print(f"{cpu:8.1f} s  {int(n):5d} tests  {key}")


if __name__ == "__main__":
    main()
