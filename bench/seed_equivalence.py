"""Does `seed_demo` load the same demo in two trees? Seeds a freshly migrated SQLite database under one
frozen clock and writes a canonical dump of every row of every model (ordered by primary key; password
hashes left out, their salts are random). Stored files (the 文书 PDFs among them) are compared by their
Blob rows, which carry the SHA-256 and SM3 of the bytes stored.
Two dumps from two trees must be identical: same rows, same numbers, same audit chain, same PDF bytes.

    # in each tree (PYTHONPATH=src, a migrated database copied to an empty var directory):
    cp /tmp/seed_migrated.sqlite3 /tmp/eqA/zhifa.sqlite3
    ZHIFA_VAR_DIR=/tmp/eqA ZHIFA_ROOT=$PWD ZHIFA_DEMO=1 PYTHONPATH=src \
        .venv/bin/python bench/seed_equivalence.py /tmp/eqA.json
    ... the same in the other tree into /tmp/eqB.json ...
    cmp /tmp/eqA.json /tmp/eqB.json && echo same

Run it twice in one tree first: the dumps must already agree with each other (anything random that is
not a password would show up there).
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


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhifa.config.settings")
    out_path = Path(sys.argv[1])
    import django

    django.setup()
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
