"""Starting a small cluster on this machine for the scale-out and fault tests: gunicorn app servers and
huey workers as separate processes on one PostgreSQL database, one Redis database and one S3 server.

The processes run with the clock set to `FAKE_NOW` (time-machine, ticking) so that no test depends on
today's date; everything else is the production configuration (`ZHIFA_ENV=production`).
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
FAKE_NOW = dt.datetime(2025, 6, 30, 2, 0, tzinfo=dt.UTC)  # 10:00 in Shanghai, a Monday
REDIS_URL = os.environ.get("ZHIFA_TEST_REDIS_URL", "redis://127.0.0.1:6379/2")
BASE_PORT = int(os.environ.get("ZHIFA_TEST_CLUSTER_PORT", "8211"))

_PRELUDE = (
    "import datetime as dt, sys, time_machine;"
    f"time_machine.travel(dt.datetime.fromisoformat({FAKE_NOW.isoformat()!r}), tick=True).start();"
)
GUNICORN = _PRELUDE + (
    "sys.argv = ['gunicorn', '-c', 'python:zhifa.config.gunicorn', 'zhifa.config.wsgi'];"
    "from gunicorn.app.wsgiapp import run; run()"
)
HUEY = _PRELUDE + (
    "sys.argv = ['manage.py', 'run_huey', *sys.argv[1:]];"
    "from django.core.management import execute_from_command_line; execute_from_command_line(sys.argv)"
)


def cluster_env(tmp_path: Path, name: str, database_url: str, s3: dict[str, str]) -> dict[str, str]:
    """Production settings for one process; its own var/ directory, so nothing is shared on disk."""
    var = tmp_path / name
    env = {k: v for k, v in os.environ.items() if not k.startswith(("EVIDENCE_", "ZHIFA_", "DJANGO_"))}
    env.update(
        {
            "PYTHONPATH": str(ROOT / "src"),
            "DJANGO_SETTINGS_MODULE": "zhifa.config.settings",
            "ZHIFA_ENV": "production",
            "ZHIFA_TESTING": "0",
            "SECRET_KEY": "cluster-test-secret-key-shared-by-every-server-0123456789",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_SSL_REDIRECT": "false",
            "DATABASE_URL": database_url,
            "REDIS_URL": REDIS_URL,
            "ZHIFA_VAR_DIR": str(var),
            "MEDIA_ROOT": str(var / "media"),
            "EVIDENCE_STORAGE": "s3",
            "EVIDENCE_S3_BUCKET": s3["bucket"],
            "EVIDENCE_S3_ENDPOINT_URL": s3["endpoint"],
            "EVIDENCE_S3_REGION": "us-east-1",
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "WEB_CONCURRENCY": "2",
            "WEB_THREADS": "4",
            "HUEY_WORKERS": "2",
            "LOG_LEVEL": "WARNING",
        }
    )
    return env


@dataclass
class Cluster:
    tmp_path: Path
    database_url: str
    s3: dict[str, str]
    procs: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    ports: dict[str, int] = field(default_factory=dict)

    def log(self, name: str) -> Path:
        return self.tmp_path / f"{name}.log"

    def _spawn(self, name: str, code: str, args: list[str], extra: dict[str, str]) -> None:
        env = cluster_env(self.tmp_path, name, self.database_url, self.s3) | extra
        Path(env["ZHIFA_VAR_DIR"]).mkdir(parents=True, exist_ok=True)
        with open(self.log(name), "ab") as log:
            self.procs[name] = subprocess.Popen(
                [sys.executable, "-c", code, *args],
                env=env,
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def app(self, name: str, port: int | None = None) -> str:
        port = port or BASE_PORT + len(self.ports)
        self.ports[name] = port
        self._spawn(name, GUNICORN, [], {"ZHIFA_BIND": f"127.0.0.1:{port}"})
        return f"http://127.0.0.1:{port}"

    def worker(self, name: str, *, periodic: bool) -> None:
        self._spawn(name, HUEY, [] if periodic else ["--no-periodic"], {})

    def wait_ready(self, seconds: float = 90) -> None:
        deadline = time.monotonic() + seconds
        for name, port in self.ports.items():
            while True:
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/openapi.json", timeout=5):
                        break
                except OSError:
                    if self.procs[name].poll() is not None or time.monotonic() > deadline:
                        raise AssertionError(
                            f"{name} did not start:\n{self.log(name).read_text()[-3000:]}"
                        ) from None
                    time.sleep(0.3)

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        proc = self.procs[name]
        if proc.poll() is None:
            os.killpg(proc.pid, sig)
        proc.wait(timeout=30)

    def stop(self) -> None:
        for name, proc in self.procs.items():
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGINT if name.startswith("worker") else signal.SIGTERM)
        for proc in self.procs.values():
            try:
                proc.wait(timeout=40)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)


def http(
    method: str, url: str, body: bytes | None = None, headers: dict[str, str] | None = None
) -> tuple[int, Any, dict[str, str]]:
    """A request without retries; (status, decoded JSON or text, headers)."""
    import json
    import urllib.error

    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=180) as response:  # noqa: S310
            raw, status, head = response.read(), response.status, dict(response.headers)
    except urllib.error.HTTPError as exc:
        raw, status, head = exc.read(), exc.code, dict(exc.headers)
    try:
        return status, json.loads(raw) if raw else None, head
    except ValueError:
        return status, raw.decode("utf-8", "replace"), head


def post_json(url: str, payload: dict[str, Any], token: str = "") -> tuple[int, Any]:
    import json

    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    status, body, _ = http("POST", url, json.dumps(payload).encode(), headers)
    return status, body
