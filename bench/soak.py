"""Soak: mixed staff and public traffic against a running `make run` server on loopback.

    make run ZHIFA_PORT=8201            # in another terminal (or ZHIFA_VAR_DIR=... for a scratch copy)
    PYTHONPATH=src python bench/soak.py --base http://127.0.0.1:8201 --minutes 3 [--var-dir var]

Bounded: a fixed number of client threads (staff and public) each sending one request at a time.
Staff threads read case and evidence lists through the API and upload evidence photos (the writes);
public threads read the portal pages. At the end: 0 errors expected (any status >= 500, or an
unexpected 4xx, counts as one), the number of evidence rows the soak created is compared with the
201s it received (no lost write, no duplicate), and the resident memory of the web server and worker
processes (children of supervisord, found through var/supervisord.pid) is sampled every 10 s.
"""

from __future__ import annotations

import argparse
import io
import json
import random
import statistics
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

PASSWORD = "zhifa-demo-2026"  # noqa: S105 — the demo's published password


def request(
    method: str, url: str, body: bytes | None = None, headers: dict[str, str] | None = None
) -> tuple[int, bytes]:
    req = urllib.request.Request(url, data=body, method=method, headers=headers or {})  # noqa: S310
    try:
        with urllib.request.urlopen(req, timeout=120) as response:  # noqa: S310
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()
    except OSError as exc:
        return 599, str(exc).encode()


def token(base: str, username: str) -> str:
    status, body = request(
        "POST",
        f"{base}/api/v1/auth/token",
        json.dumps({"username": username, "password": PASSWORD}).encode(),
        {"Content-Type": "application/json"},
    )
    if status != 200:
        raise SystemExit(f"cannot sign in as {username}: {status} {body[:200]!r}")
    return str(json.loads(body)["token"])


def jpeg(seed: int) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    rnd = random.Random(seed)
    Image.new("RGB", (64, 48), (rnd.randrange(256), rnd.randrange(256), rnd.randrange(256))).save(out, "JPEG")
    return out.getvalue()


def multipart(fields: dict[str, str], data: bytes, name: str) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
        for k, v in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
        "Content-Type: image/jpeg\r\n\r\n".encode()
        + data
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


class Stats:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latency: dict[str, list[float]] = {}
        self.errors: list[str] = []
        self.created: list[int] = []

    def add(self, kind: str, seconds: float, status: int, ok: set[int], body: bytes) -> None:
        with self.lock:
            self.latency.setdefault(kind, []).append(seconds)
            if status not in ok:
                self.errors.append(f"{kind}: {status} {body[:200]!r}")


PAUSE = 0.0  # seconds each thread waits between requests (--pause): a paced load on a shared machine


def staff(base: str, auth: str, agency_id: int, stop: float, stats: Stats, *, seed: int) -> None:
    headers = {"Authorization": f"Bearer {auth}"}
    n = 0
    while time.monotonic() < stop:
        time.sleep(PAUSE)
        n += 1
        if n % 4 == 0:  # one write in four requests
            body, content_type = multipart(
                {"agency_id": str(agency_id), "kind": "photo", "description": "soak"},
                jpeg(seed * 100000 + n),
                "soak.jpg",
            )
            started = time.monotonic()
            status, raw = request(
                "POST", f"{base}/api/v1/evidence", body, {**headers, "Content-Type": content_type}
            )
            stats.add("staff upload", time.monotonic() - started, status, {201}, raw)
            if status == 201:
                with stats.lock:
                    stats.created.append(int(json.loads(raw)["id"]))
            continue
        path = random.choice(
            ["/api/v1/cases?page_size=20", "/api/v1/evidence?page_size=20", "/api/v1/cases/overdue"]
        )
        started = time.monotonic()
        status, raw = request("GET", base + path, None, headers)
        stats.add("staff read", time.monotonic() - started, status, {200}, raw)


def public(base: str, stop: float, stats: Stats) -> None:
    while time.monotonic() < stop:
        time.sleep(PAUSE)
        path = random.choice(["/portal/", "/portal/before/", "/portal/guides/", "/portal/powers/", "/login/"])
        started = time.monotonic()
        status, raw = request("GET", base + path)
        stats.add("public page", time.monotonic() - started, status, {200}, raw)


def rss_kib(var_dir: Path) -> dict[str, int]:
    """Proportional memory (PSS) of supervisord's children and their children (web workers), in KiB."""
    try:
        root = int((var_dir / "supervisord.pid").read_text())
    except (OSError, ValueError):
        return {}
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
        except (OSError, IndexError, ValueError):
            continue
    out: dict[str, int] = {}
    stack = list(children.get(root, []))
    while stack:
        pid = stack.pop()
        stack.extend(children.get(pid, []))
        try:
            status = Path(f"/proc/{pid}/status").read_text()
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()[:60]
        except OSError:
            continue
        # PSS, not RSS: gunicorn's workers share the master's preloaded pages, which RSS counts once per
        # process (a freshly forked worker looks small, an old one large, with no real growth)
        try:
            rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
            size = next(int(line.split()[1]) for line in rollup.splitlines() if line.startswith("Pss:"))
        except (OSError, StopIteration):
            size = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS"))
        out[f"{pid} {cmd}"] = size
    return out


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", default="http://127.0.0.1:8201")
    parser.add_argument("--minutes", type=float, default=3)
    parser.add_argument("--staff", type=int, default=3)
    parser.add_argument("--public", type=int, default=3)
    parser.add_argument("--var-dir", default="var")
    parser.add_argument("--agency-id", type=int, default=0, help="agency of officer1 (looked up when 0)")
    parser.add_argument("--pause", type=float, default=0.0, help="seconds between a thread's requests")
    args = parser.parse_args()
    global PAUSE  # noqa: PLW0603 — one knob for every client thread
    PAUSE = args.pause
    var_dir = Path(args.var_dir)

    auth = token(args.base, "officer1")
    agency_id = args.agency_id
    if not agency_id:
        # the agency of the officer's own cases (the API has no "who am I"; the demo's officer1 works
        # in one agency)
        status, raw = request(
            "GET", f"{args.base}/api/v1/cases?page_size=1", None, {"Authorization": f"Bearer {auth}"}
        )
        results = json.loads(raw).get("results", []) if status == 200 else []
        agency_id = int(results[0]["agency"]["id"]) if results else 0
    if not agency_id:
        raise SystemExit("pass --agency-id (officer1's agency)")
    stats = Stats()
    stop = time.monotonic() + args.minutes * 60
    threads = [
        threading.Thread(target=staff, args=(args.base, auth, agency_id, stop, stats), kwargs={"seed": i})
        for i in range(args.staff)
    ]
    threads += [threading.Thread(target=public, args=(args.base, stop, stats)) for _ in range(args.public)]
    memory: list[tuple[float, int]] = []
    started = time.monotonic()
    for thread in threads:
        thread.start()
    while any(t.is_alive() for t in threads):
        sample = rss_kib(var_dir)
        memory.append((time.monotonic() - started, sum(sample.values())))
        time.sleep(10)
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started

    # Writes compared with the database, through the API: every 201 is a row, no row twice.
    found = set()
    for evidence_id in stats.created:
        status, _ = request(
            "GET", f"{args.base}/api/v1/evidence/{evidence_id}", None, {"Authorization": f"Bearer {auth}"}
        )
        if status == 200:
            found.add(evidence_id)
    total = sum(len(v) for v in stats.latency.values())
    print(f"duration {elapsed:.0f} s, {total} requests ({total / elapsed:.1f}/s), {len(stats.errors)} errors")
    for kind, values in sorted(stats.latency.items()):
        values.sort()
        print(
            f"  {kind:13} n={len(values):5}  median {statistics.median(values) * 1000:6.0f} ms"
            f"  p95 {values[int(len(values) * 0.95) - 1] * 1000:6.0f} ms  max {values[-1] * 1000:6.0f} ms"
        )
    print(
        f"writes: {len(stats.created)} created (201), {len(found)} found again, {len(set(stats.created))} distinct"
    )
    if memory:
        first, last = memory[0][1], memory[-1][1]
        peak = max(m for _, m in memory)
        # Flat means no growth once the workers have loaded what the traffic touches (first 2 minutes).
        warm = [m for t, m in memory if t >= 120]
        if len(warm) >= 2:
            minutes = (memory[-1][0] - next(t for t, _ in memory if t >= 120)) / 60
            print(
                f"memory after warm-up: {warm[0] / 1024:.0f} → {warm[-1] / 1024:.0f} MiB over {minutes:.1f} min "
                f"({(warm[-1] - warm[0]) / 1024 / max(minutes, 0.1):+.1f} MiB/min), min {min(warm) / 1024:.0f}, "
                f"max {max(warm) / 1024:.0f}"
            )
        print("memory per minute (MiB):", " ".join(f"{m / 1024:.0f}" for t, m in memory if int(t) % 60 < 10))
        print(
            f"memory (web + worker PSS): start {first / 1024:.0f} MiB, end {last / 1024:.0f} MiB, peak {peak / 1024:.0f} MiB"
        )
    for line in stats.errors[:10]:
        print("  ERROR", line)
    lost = len(stats.created) - len(found)
    return 1 if stats.errors or lost or len(set(stats.created)) != len(stats.created) else 0


if __name__ == "__main__":
    sys.exit(main())
