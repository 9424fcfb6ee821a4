"""Does `seed_demo` load the same demo in two trees? Seeds a freshly migrated SQLite database under one
frozen clock and writes a canonical dump of every row of every model (ordered by primary key; password
hashes left out, their salts are random). Stored files (the 文书 PDFs among them) are compared by their
Blob rows, which carry the SHA-256 and SM3 of the bytes stored.
Two dumps from two trees must be identical: same rows, same numbers, same audit chain, same PDF bytes.

    # in each tree (PYTHONPATH=src, a migrated database copied to an empty var directory):
    cp /tmp/seed_migrated.sqlite3 /tmp/eqA/zhifa.sqlite3
    PYTHONHASHSEED=0 ZHIFA_VAR_DIR=/tmp/eqA ZHIFA_ROOT=$PWD ZHIFA_DEMO=1 PYTHONPATH=src \
        .venv/bin/python bench/seed_equivalence.py /tmp/eqA.json
    ... the same in the other tree into /tmp/eqB.json ...
    cmp /tmp/eqA.json /tmp/eqB.json && echo same

The operating system's randomness is replaced by one seeded stream (tracking codes, file names and
draws come out the same) and password hashing by a constant. Run it twice in one tree first: the
dumps must already agree with each other.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from pathlib import Path
from typing import Any

FROZEN = dt.datetime(2026, 3, 18, 2, 30, tzinfo=dt.UTC)  # 10:30 in 海州: a working day, mid-morning
SKIPPED_FIELDS = {("org", "user", "password")}


def _deterministic_randomness() -> None:
    """The demo draws tracking codes, file names (uuid4), inspection draws' seeds … from the operating
    system's randomness: replaced by one seeded stream, so two seedings that make the same calls in the
    same order draw the same values. Password hashing is replaced too (its salts would shift the stream
    by the number of hashes made, and the hashes are left out of the dump)."""
    import random

    stream = random.Random(20260318)

    def urandom(n: int) -> bytes:
        return stream.randbytes(n)

    os.urandom = urandom
    random._urandom = urandom  # type: ignore[attr-defined]  # what SystemRandom (and so secrets) reads


def _fixed_password_hashes() -> None:
    import django.contrib.auth.base_user
    import django.contrib.auth.hashers

    def make_password(password: Any, salt: Any = None, hasher: Any = "default") -> str:
        return "!equivalence-check"

    django.contrib.auth.hashers.make_password = make_password
    django.contrib.auth.base_user.make_password = make_password  # type: ignore[attr-defined]
    try:
        import zhifa.org.demo as org_demo

        if hasattr(org_demo, "make_password"):
            org_demo.make_password = make_password
    except ImportError:
        pass


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhifa.config.settings")
    if os.environ.get("PYTHONHASHSEED") != "0":
        sys.exit("run with PYTHONHASHSEED=0 (set iteration order must be the same in both trees)")
    out_path = Path(sys.argv[1])
    _deterministic_randomness()
    import django

    django.setup()
    _fixed_password_hashes()
    import time_machine
    from django.apps import apps
    from django.core.management import call_command

    with time_machine.travel(FROZEN, tick=False):
        call_command("seed_demo", verbosity=1)
    dump: dict[str, Any] = {}
    for model in sorted(apps.get_models(), key=lambda m: m._meta.label_lower):
        if model._meta.proxy or not model._meta.managed:
            continue
        app, name = model._meta.app_label, model._meta.model_name
        fields = [
            f.attname for f in model._meta.concrete_fields if (app, name, f.attname) not in SKIPPED_FIELDS
        ]
        rows = list(model._default_manager.order_by("pk").values_list(*fields))
        dump[model._meta.label_lower] = [fields, rows]
    out_path.write_text(json.dumps(dump, ensure_ascii=False, indent=0, sort_keys=True, default=str))
    blobs = len(dump.get("core.blob", [[], []])[1])
    print(f"{out_path}: {sum(len(v[1]) for v in dump.values())} rows, {blobs} stored files")


if __name__ == "__main__":
    main()
