"""Run one large evidence upload through Django's full request path in a fresh process; print JSON.

Used by test_large_upload.py (1 GiB) and bench/evidence.py (2 GiB). The multipart body is generated
on the fly (a video container header, then pseudo-random blocks) and fed to the WSGI handler as a
stream, so neither side ever holds the file; the client's SHA-256 and SM3 are computed over the bytes
as they are generated, and the SHA-256 is declared in a part *after* the file, so the server's own
digests are checked against independent ones it cannot have seen while hashing.

    python bigupload.py <bytes> <workdir> [--body-file] [--database <migrated.sqlite3>]

With --body-file the multipart body is first written to a file (not timed; the client's digests are
computed then) and the request reads it from there, as a server reads a socket; without it the body
comes from a Python generator in this process, whose own CPU time (generating and hashing) then counts
against the upload (the test uses that: nothing is ever materialised).

Environment: run with PYTHONPATH=src; the script sets up its own SQLite database and evidence store
under <workdir>: a copy of --database when given (a migrated SQLite database: the test passes the test
suite's template, `zhifa.core.testdb.sqlite_template`), else `manage.py migrate` in a child process.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import resource
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

BLOCK = 1024 * 1024
BOUNDARY = "zhifa-bigupload-boundary-7f3a"


def file_blocks(size: int) -> Iterator[bytes]:
    """`size` bytes: an ISO media `ftyp` box, then 1 MiB pseudo-random blocks (two distinct ones)."""
    rnd = random.Random(2026)
    blocks = [rnd.randbytes(BLOCK) for _ in range(2)]
    header = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2"
    first = header + blocks[0][: BLOCK - len(header)]
    sent = 0
    i = 0
    while sent < size:
        block = first if i == 0 else blocks[i % 2]
        block = block[: size - sent]
        yield block
        sent += len(block)
        i += 1


class BodyStream:
    """A file-like request body produced by a generator, read in whatever sizes the server asks."""

    def __init__(self, parts: Iterator[bytes]) -> None:
        self._parts = parts
        self._buffer = bytearray()

    def read(self, size: int = -1) -> bytes:
        while size < 0 or len(self._buffer) < size:
            try:
                self._buffer += next(self._parts)
            except StopIteration:
                break
        if size < 0:
            size = len(self._buffer)
        out = bytes(self._buffer[:size])
        del self._buffer[:size]
        return out

    def readline(self, size: int = -1) -> bytes:  # not used by the multipart parser
        return self.read(size)


def multipart(size: int, agency_id: int, expected: dict[str, str]) -> tuple[Iterator[bytes], int]:
    """The body's parts and its length. The client's digests of the file go into `expected` as the file
    part is generated (the bytes are generated once, not once more for the digests beforehand); the
    SHA-256 part after the file declares the finished one."""
    head = (
        f"--{BOUNDARY}\r\n"
        'Content-Disposition: form-data; name="agency_id"\r\n\r\n'
        f"{agency_id}\r\n"
        f"--{BOUNDARY}\r\n"
        'Content-Disposition: form-data; name="kind"\r\n\r\nvideo\r\n'
        f"--{BOUNDARY}\r\n"
        'Content-Disposition: form-data; name="file"; filename="DSJ_20250602_0930.MP4"\r\n'
        "Content-Type: video/mp4\r\n\r\n"
    ).encode()

    # The declared digest comes after the file: the server cannot know it while hashing.
    def tail(sha256: str) -> bytes:
        return (
            f"\r\n--{BOUNDARY}\r\n"
            'Content-Disposition: form-data; name="sha256"\r\n\r\n'
            f"{sha256}\r\n"
            f"--{BOUNDARY}--\r\n"
        ).encode()

    def parts() -> Iterator[bytes]:
        yield head
        sha = hashlib.sha256()
        sm3 = hashlib.new("sm3")
        for block in file_blocks(size):
            sha.update(block)
            sm3.update(block)
            yield block
        expected.update(sha256=sha.hexdigest(), sm3=sm3.hexdigest())
        yield tail(expected["sha256"])

    return parts(), len(head) + size + len(tail("0" * 64))


def peak_rss_mb() -> float:
    """This process's peak resident memory since it started (VmHWM). Not getrusage's ru_maxrss: Linux
    keeps that across execve, so a child started by a big test worker would report the worker's peak."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    size = int(sys.argv[1])
    work = Path(sys.argv[2])
    work.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhifa.config.settings")
    os.environ["ZHIFA_VAR_DIR"] = str(work / "var")
    os.environ["DATABASE_URL"] = f"sqlite:///{work / 'db.sqlite3'}"
    os.environ["EVIDENCE_STORAGE"] = "local"
    os.environ["EVIDENCE_ROOT"] = str(work / "evidence")
    if "--database" in sys.argv:
        # An already migrated database (the test suite's template): what `migrate` would leave.
        import shutil

        shutil.copyfile(sys.argv[sys.argv.index("--database") + 1], work / "db.sqlite3")
    else:
        # Migrations run in a child process: loading every app's migration graph (and data migrations)
        # costs memory that has nothing to do with an upload and would stay in this process's peak RSS.
        import subprocess

        manage = Path(__file__).resolve().parents[5] / "manage.py"
        subprocess.run([sys.executable, str(manage), "migrate", "--noinput", "-v", "0"], check=True)
    import django

    django.setup()
    from django.core.handlers.wsgi import WSGIHandler

    from zhifa.org.factories import make_user
    from zhifa.org.models import OrgNode
    from zhifa.org.roles import Role
    from zhifa.org.services import api_token_issue, org_node_create

    city = org_node_create(actor=None, kind=OrgNode.Kind.GOVERNMENT, name="测试市人民政府")
    agency = org_node_create(
        actor=None, kind=OrgNode.Kind.AGENCY, name="测试市城市管理局", parent=city, abbreviation="测城管"
    )
    officer = make_user("bigofficer", node=agency, roles=[(Role.OFFICER, agency)])
    token, _expires = api_token_issue(user=officer)
    handler = WSGIHandler()

    expected: dict[str, str] = {}
    parts, length = multipart(size, agency.pk, expected)
    body_input: Any = BodyStream(parts)
    if "--body-file" in sys.argv:
        body_path = work / "body.bin"
        with open(body_path, "wb") as fh:
            for part in parts:
                fh.write(part)
        body_input = open(body_path, "rb")  # noqa: SIM115 — closed when the process ends
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/api/v1/evidence",
        "SCRIPT_NAME": "",
        "QUERY_STRING": "",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": body_input,
        "wsgi.errors": sys.stderr,
        "wsgi.version": (1, 0),
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
        "CONTENT_TYPE": f"multipart/form-data; boundary={BOUNDARY}",
        "CONTENT_LENGTH": str(length),
        "HTTP_AUTHORIZATION": f"Bearer {token}",
    }
    # Warm up: the first request builds the URL resolver and the API's schemas (not upload work).
    warm = {**environ, "REQUEST_METHOD": "GET", "wsgi.input": BodyStream(iter(())), "CONTENT_LENGTH": "0"}
    warm.pop("CONTENT_TYPE")
    b"".join(handler(warm, lambda s, h, *a: None))
    status: list[str] = []
    rss_before = peak_rss_mb()
    started = time.perf_counter()
    if os.environ.get("BIGUPLOAD_PROFILE"):
        import cProfile
        import pstats

        prof = cProfile.Profile()
        prof.enable()
    response = handler(environ, lambda s, h, *a: status.append(s))
    if os.environ.get("BIGUPLOAD_PROFILE"):
        prof.disable()
        pstats.Stats(prof, stream=sys.stderr).sort_stats("tottime").print_stats(14)
    body = b"".join(response)
    seconds = time.perf_counter() - started
    rss_after = peak_rss_mb()
    stored = list((work / "evidence" / "sha256").rglob("*"))
    print(
        json.dumps(
            {
                "status": status[0] if status else "",
                "body": json.loads(body or b"{}"),
                "expected": expected,
                "bytes": size,
                "seconds": seconds,
                "mb_per_s": size / seconds / 1e6,
                "peak_rss_mb_before": rss_before,
                "peak_rss_mb": rss_after,
                "stored_sizes": [p.stat().st_size for p in stored if p.is_file()],
                "staging_left": [p.name for p in (work / "evidence" / ".staging").iterdir()],
            }
        )
    )


if __name__ == "__main__":
    main()
