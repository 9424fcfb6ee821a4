"""Fault: the database restarts under load. Measures what clients see: 200s, then clear 503s with
Retry-After (never a 500 or a hang), then 200s again, and that no request was half-written.

Uses its own temporary PostgreSQL cluster (initdb + pg_ctl on --pg-port), never the machine's shared
server, and one gunicorn app server in production mode on --port. Writes: evidence photos uploaded
through the API; afterwards every 201 must be a row and nothing else may be.

    PYTHONPATH=src python bench/fault_db_restart.py [--pg-port 8205] [--port 8206] [--seconds 40]
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from soak import jpeg, multipart, request

ROOT = Path(__file__).resolve().parent.parent
PG_BIN = Path(
    subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True, check=True).stdout.strip()
)


def pg(*args: str, **kw: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(PG_BIN / args[0]), *args[1:]], capture_output=True, text=True, check=True, **kw
    )  # type: ignore[call-overload]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pg-port", type=int, default=8205)
    parser.add_argument("--port", type=int, default=8206)
    parser.add_argument("--seconds", type=float, default=40)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="zhifa-fault-db-"))
    data = work / "pgdata"
    user = "postgres" if os.geteuid() != 0 else "nobody"
    run_as = [] if os.geteuid() != 0 else ["runuser", "-u", user, "--"]
    os.chmod(work, 0o777)  # noqa: S103 — the unprivileged postgres user writes its cluster here
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    server = None
    try:
        subprocess.run(
            [*run_as, str(PG_BIN / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust"],
            check=True,
            capture_output=True,
        )
        ctl = [
            *run_as,
            str(PG_BIN / "pg_ctl"),
            "-D",
            str(data),
            "-o",
            f"-p {args.pg_port} -k /tmp -c listen_addresses=127.0.0.1",
            "-l",
            str(work / "pg.log"),
        ]
        subprocess.run([*ctl, "-w", "start"], check=True, capture_output=True)
        subprocess.run(
            [
                str(PG_BIN / "createdb"),
                "-h",
                "127.0.0.1",
                "-p",
                str(args.pg_port),
                "-U",
                "postgres",
                "zhifa_prod_fault",
            ],
            check=True,
        )
        env.update(
            {
                "DATABASE_URL": f"postgres://postgres@127.0.0.1:{args.pg_port}/zhifa_prod_fault",
                "ZHIFA_ENV": "production",
                "SECRET_KEY": "fault-test-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
                "ALLOWED_HOSTS": "127.0.0.1",
                "SECURE_SSL_REDIRECT": "false",
                "ZHIFA_VAR_DIR": str(work / "var"),
                "ZHIFA_STATIC_MANIFEST": "0",
                "ZHIFA_BIND": f"127.0.0.1:{args.port}",
                "WEB_CONCURRENCY": "2",
                "REDIS_URL": "",
            }
        )
        manage = [sys.executable, str(ROOT / "manage.py")]
        print("migrating the temporary cluster ...", flush=True)
        subprocess.run([*manage, "migrate", "-v0"], env=env, check=True, cwd=ROOT)
        setup = (
            "from zhifa.org.services import org_node_create\n"
            "from zhifa.org.models import OrgNode, User\n"
            "from zhifa.org.roles import Role\n"
            "city = org_node_create(actor=None, kind=OrgNode.Kind.GOVERNMENT, name='故障市人民政府')\n"
            "agency = org_node_create(actor=None, kind=OrgNode.Kind.AGENCY, name='故障市城市管理局', parent=city, abbreviation='故城')\n"
            "from zhifa.org.services import user_create\nu = user_create(actor=None, username='officer', password='zhifa-demo-2026', node=agency)\n"
            "from zhifa.org.services import role_grant\n"
            "role_grant(actor=None, user=u, role=Role.OFFICER, node=agency)\n"
            "print(agency.pk)\n"
        )
        agency_id = int(
            subprocess.run(
                [*manage, "shell", "-c", setup], env=env, check=True, cwd=ROOT, capture_output=True, text=True
            )
            .stdout.strip()
            .splitlines()[-1]
        )
        log = open(work / "web.log", "wb")  # noqa: SIM115 — open for the server's whole life
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "python:zhifa.config.gunicorn", "zhifa.config.wsgi"],
            env=env,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{args.port}"
        for _ in range(200):
            if request("GET", f"{base}/healthz")[0] == 200:
                break
            time.sleep(0.3)
        status, raw = request(
            "POST",
            f"{base}/api/v1/auth/token",
            json.dumps({"username": "officer", "password": "zhifa-demo-2026"}).encode(),
            {"Content-Type": "application/json"},
        )
        token = json.loads(raw)["token"]
        headers = {"Authorization": f"Bearer {token}"}
        timeline: list[tuple[float, str, int, str]] = []
        created: list[int] = []
        stop = time.monotonic() + args.seconds
        started = time.monotonic()

        def load(n: int) -> None:
            i = 0
            while time.monotonic() < stop:
                i += 1
                if i % 3 == 0:
                    body, content_type = multipart(
                        {"agency_id": str(agency_id), "kind": "photo"}, jpeg(n * 10**6 + i), "f.jpg"
                    )
                    status, raw = request(
                        "POST", f"{base}/api/v1/evidence", body, {**headers, "Content-Type": content_type}
                    )
                    if status == 201:
                        created.append(int(json.loads(raw)["id"]))
                    kind = "upload"
                else:
                    status, raw = request("GET", f"{base}/api/v1/evidence?page_size=5", None, headers)
                    kind = "read"
                timeline.append(
                    (time.monotonic() - started, kind, status, raw[:80].decode("utf-8", "replace"))
                )
                if status == 503:
                    time.sleep(0.5)

        threads = [threading.Thread(target=load, args=(n,)) for n in range(3)]
        for t in threads:
            t.start()
        time.sleep(args.seconds / 4)
        restart_at = time.monotonic() - started
        print(f"restarting PostgreSQL at {restart_at:.1f} s (pg_ctl restart -m fast) ...", flush=True)
        subprocess.run([*ctl, "-m", "fast", "-w", "restart"], check=True, capture_output=True)
        back_at = time.monotonic() - started
        for t in threads:
            t.join()
        by_status = collections.Counter(status for _, _, status, _ in timeline)
        after = [s for at, _, s, _ in timeline if at > back_at + 2]
        first_503 = min((at for at, _, s, _ in timeline if s == 503), default=None)
        last_503 = max((at for at, _, s, _ in timeline if s == 503), default=None)
        rows = int(
            subprocess.run(
                [
                    *manage,
                    "shell",
                    "-c",
                    "from zhifa.enforcement.evidence.models import Evidence; print(Evidence.objects.count())",
                ],
                env=env,
                check=True,
                cwd=ROOT,
                capture_output=True,
                text=True,
            )
            .stdout.strip()
            .splitlines()[-1]
        )
        print(f"requests {len(timeline)}: " + ", ".join(f"{k}: {v}" for k, v in sorted(by_status.items())))
        print(
            f"database down from {restart_at:.1f} s to {back_at:.1f} s; 503s seen from {first_503} to {last_503}"
        )
        print(
            f"after recovery (+2 s): {len(after)} requests, {sum(1 for s in after if s not in {200, 201})} not OK"
        )
        print(f"writes: {len(created)} answered 201, {rows} evidence rows in the database")
        for at, kind, status, text in timeline:
            if status not in (200, 201, 503):
                print(f"  UNEXPECTED {at:.1f} s {kind} {status} {text}")
        bad = [s for s in by_status if s not in (200, 201, 503)]
        return 1 if bad or rows != len(created) or any(s not in (200, 201) for s in after) else 0
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        subprocess.run(
            [*run_as, str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
            check=False,
            capture_output=True,
        )
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
