"""A 1 GiB upload through the whole request path, in a fresh process whose peak memory we measure.

The body is generated on the fly (tests/bigupload.py); the server must store it with the right SM3
and SHA-256 while the process never holds more than a few chunks: peak RSS stays under 150 MB.
The process starts from a copy of the suite's migrated SQLite template when there is one (the same
schema `migrate` builds, without its ~18 s of CPU; docs/benchmarks.md, "branch testcpu").
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from zhifa.core import testdb

GIB = 1024**3
PEAK_RSS_LIMIT_MB = 150


@pytest.mark.slow
def test_a_one_gib_upload_is_stored_with_both_digests_in_constant_memory(tmp_path: Path, db: None) -> None:
    # `db`: this process sets up its test database even when this is the only test it runs, so on
    # SQLite the migrated template exists (the test itself writes nothing to it)
    template = testdb.sqlite_template()
    script = Path(__file__).with_name("bigupload.py")
    src = Path(__file__).resolve().parents[4]
    env = {
        **os.environ,
        "PYTHONPATH": str(src),
        "ZHIFA_TESTING": "1",
        "DJANGO_SETTINGS_MODULE": "zhifa.config.settings",
    }
    env.pop("DATABASE_URL", None)
    result = subprocess.run(
        [
            sys.executable,
            str(script),
            str(GIB),
            str(tmp_path / "work"),
            *(["--database", str(template)] if template else []),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=900,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["status"] == "201 Created", report["body"]
    assert report["body"]["size"] == GIB
    assert report["body"]["sha256"] == report["expected"]["sha256"]
    assert report["body"]["sm3"] == report["expected"]["sm3"]
    assert report["stored_sizes"] == [GIB] and report["staging_left"] == []
    assert report["peak_rss_mb"] < PEAK_RSS_LIMIT_MB, report
