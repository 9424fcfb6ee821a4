"""Find English message ids that two apps translate differently.

Django merges every app's catalogue into one: for a msgid (and msgctxt) the app listed first in
INSTALLED_APPS wins, so a clash means some page shows another app's wording. Use a context
(`pgettext("case party kind", "Organisation")`) when the meanings differ; align the wording when they
are synonyms.

    .venv/bin/python scripts/catalogue_clashes.py            # list clashes, exit 1 if any
    .venv/bin/python scripts/catalogue_clashes.py --align    # rewrite synonyms to the winning wording
"""

from __future__ import annotations

import collections
import os
import sys
from pathlib import Path

import django
import polib

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhifa.config.settings")


def catalogues_in_precedence_order() -> list[Path]:
    """Highest precedence first: LOCALE_PATHS, then apps in INSTALLED_APPS order."""
    from django.apps import apps
    from django.conf import settings

    paths = [Path(p) for p in settings.LOCALE_PATHS]
    paths += [Path(cfg.path) / "locale" for cfg in apps.get_app_configs()]
    return [
        p / "zh_Hans" / "LC_MESSAGES" / "django.po"
        for p in paths
        if (p / "zh_Hans" / "LC_MESSAGES" / "django.po").exists()
    ]


def clashes() -> dict[tuple[str, str], list[tuple[Path, str]]]:
    found: dict[tuple[str, str], list[tuple[Path, str]]] = collections.defaultdict(list)
    for po_path in catalogues_in_precedence_order():
        for e in polib.pofile(str(po_path)):
            if e.obsolete or not e.msgstr or e.msgid_plural:
                continue
            found[(e.msgctxt or "", e.msgid)].append((po_path, e.msgstr))
    # A clash matters when one of our catalogues loses: Django's own entries may disagree among themselves.
    return {
        k: v
        for k, v in found.items()
        if len({s for _, s in v}) > 1 and any(_ours(p) and s != v[0][1] for p, s in v)
    }


def _app(po_path: Path) -> str:
    return "/".join(po_path.parts[po_path.parts.index("locale") - 2 : po_path.parts.index("locale")])


def _ours(po_path: Path) -> bool:
    return (ROOT / "src") in po_path.parents


def main() -> int:
    django.setup()
    result = clashes()
    if "--align" in sys.argv:
        for (ctx, msgid), entries in result.items():
            winner = entries[0][1]
            for po_path, _ in entries[1:]:
                if not _ours(po_path):
                    continue  # Django's own catalogues are upstream
                po = polib.pofile(str(po_path))
                entry = po.find(msgid, msgctxt=ctx or False)
                if entry is not None and entry.msgstr != winner:
                    entry.msgstr = winner
                    po.save()
        return 0
    for (ctx, msgid), entries in sorted(result.items()):
        shown = entries[0][1]
        others = ", ".join(f"{_app(p)}={s}" for p, s in entries[1:] if s != shown)
        print(f"{ctx + '|' if ctx else ''}{msgid!r}: shown {shown!r}; also {others}")
    print(f"{len(result)} clashes")
    return 1 if result else 0


if __name__ == "__main__":
    sys.exit(main())
