"""Django merges every app's zh_Hans catalogue and the first app wins, so one English id must have one
Chinese wording across the project (use a context where the meanings differ)."""

import importlib.util
from pathlib import Path

from django.conf import settings

SCRIPT = Path(settings.BASE_DIR) / "scripts" / "catalogue_clashes.py"


def _clashes():
    spec = importlib.util.spec_from_file_location("catalogue_clashes", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.clashes()


def test_no_english_id_is_translated_two_ways() -> None:
    clashes = _clashes()
    assert not clashes, "\n".join(
        f"{ctx + '|' if ctx else ''}{msgid!r}: " + ", ".join(sorted({s for _, s in entries}))
        for (ctx, msgid), entries in clashes.items()
    )
