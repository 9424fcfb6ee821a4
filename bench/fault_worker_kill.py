"""Faults of the task queue, with real processes: the worker killed mid-task, and Redis down.

Starts its own redis-server (--redis-port) and a huey consumer (`manage.py run_huey`, as supervisord
runs it) on a fresh SQLite database in a temporary directory, then:

1. enqueues a task that sleeps 4 s and records its effect; `kill -9` the worker 1 s into the task;
   starts a new worker (what supervisord does) and measures how long until the task is done, and that
   its effect was applied exactly once (the row counts attempts that found the effect already there);
2. stops Redis, enqueues five tasks (the request-side `enqueue` must not raise), starts Redis again
   and measures how long until the worker's sweep has run all five.

    PYTHONPATH=src python bench/fault_worker_kill.py [--redis-port 8209]
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def wait_for(predicate, timeout: float, step: float = 0.2) -> float | None:  # type: ignore[no-untyped-def]
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if predicate():
            return time.monotonic() - start
        time.sleep(step)
    return None


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--redis-port", type=int, default=8209)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="zhifa-fault-tasks-"))
    redis_url = f"redis://127.0.0.1:{args.redis_port}/0"
    env = {
        **os.environ,
        "PYTHONPATH": f"{ROOT / 'src'}:{ROOT / 'bench'}",
        "ZHIFA_TESTING": "0",
        "ZHIFA_VAR_DIR": str(work),
        "REDIS_URL": redis_url,
        "DJANGO_SETTINGS_MODULE": "zhifa.config.settings",
    }
    os.environ.update(env)
    sys.path[:0] = [str(ROOT / "src"), str(ROOT / "bench")]

    def redis_up() -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(args.redis_port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
        )

    def worker() -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            [sys.executable, str(ROOT / "manage.py"), "run_huey", "-w", "2", "-k", "thread"],
            env=env,
            cwd=ROOT,
            stdout=open(work / "worker.log", "ab"),
            stderr=subprocess.STDOUT,
        )

    redis = redis_up()
    procs: list[subprocess.Popen[bytes]] = [redis]
    try:
        subprocess.run(
            [sys.executable, str(ROOT / "manage.py"), "migrate", "-v0"], env=env, cwd=ROOT, check=True
        )
        import django

        django.setup()
        from django.db import connection
        from fault_tasks import slow_mark

        from zhifa.core.models import Counter, QueuedTask

        def effect(token: str) -> Counter | None:
            connection.close()
            return Counter.objects.filter(key=f"drill:{token}").first()

        # 1. the worker killed mid-task
        w1 = worker()
        procs.append(w1)
        time.sleep(3)  # the consumer starts
        result = slow_mark.enqueue("killed", 4.0)
        running = wait_for(lambda: QueuedTask.objects.get(pk=int(result.id)).state == "running", 10)
        time.sleep(1.0)
        w1.send_signal(signal.SIGKILL)
        w1.wait()
        killed_at = time.monotonic()
        state_after_kill = QueuedTask.objects.get(pk=int(result.id)).state
        w2 = worker()  # supervisord's restart
        procs.append(w2)
        done = wait_for(lambda: QueuedTask.objects.get(pk=int(result.id)).state == "done", 60)
        row = effect("killed")
        print(f"worker killed mid-task: claimed after {running:.1f}s, state at kill: {state_after_kill}")
        print(
            f"  done {time.monotonic() - killed_at:.1f}s after the kill"
            if done is not None
            else "  NOT done within 60 s"
        )
        print(
            f"  effect rows: {1 if row else 0}, runs that found the effect already applied: {row.value - 1 if row else '-'}"
        )
        print(f"  attempts recorded: {QueuedTask.objects.get(pk=int(result.id)).attempts}")

        # 2. Redis down while requests enqueue
        redis.send_signal(signal.SIGKILL)
        redis.wait()
        ids = []
        for i in range(5):
            ids.append(int(slow_mark.enqueue(f"redis-down-{i}", 0.0).id))  # must not raise
        pending = QueuedTask.objects.filter(pk__in=ids, state="pending", pushed_at__isnull=True).count()
        print(f"Redis down: 5 enqueued without an error, {pending} kept pending in the database")
        time.sleep(2)
        redis = redis_up()
        procs.append(redis)
        back = time.monotonic()
        all_done = wait_for(
            lambda: QueuedTask.objects.filter(pk__in=ids, state="done").count() == 5, 150, 1.0
        )
        effects = sum(1 for i in range(5) if effect(f"redis-down-{i}"))
        print(
            f"  Redis back: all 5 done {time.monotonic() - back:.0f}s later (the worker's per-minute sweep), "
            f"{effects} effects"
            if all_done is not None
            else f"  NOT all done within 150 s ({effects} effects)"
        )
        ok = done is not None and row is not None and row.value == 1 and all_done is not None and effects == 5
        print("OK" if ok else "FAILED")
        return 0 if ok else 1
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
