"""Fill zh_Hans translations from a simple "English id<TAB>中文" file, and list what is still missing.

    .venv/bin/python scripts/po_fill.py src/zhifa/org/locale/zh_Hans/LC_MESSAGES/django.po translations.tsv
    .venv/bin/python scripts/po_fill.py --missing            # every catalogue's untranslated ids

A msgctxt is written as "context\x04id" (gettext's own separator) — or "context|||id" in the file.
Plural entries take "singular|||plural" on the left and "中文" on the right.
"""

from __future__ import annotations

import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent / "src" / "zhifa"


def missing() -> int:
    count = 0
    for po_path in sorted(ROOT.rglob("locale/zh_Hans/LC_MESSAGES/django.po")):
        po = polib.pofile(str(po_path))
        for e in po:
            if e.obsolete:
                continue
            if not e.translated() or "fuzzy" in e.flags:
                count += 1
                ident = e.msgid if not e.msgid_plural else f"{e.msgid}|||{e.msgid_plural}"
                ident = f"{e.msgctxt}|||{ident}" if e.msgctxt else ident
                print(f"{po_path.relative_to(ROOT)}\t{ident!r}")
    return count


def fill(po_path: str, tsv_path: str) -> None:
    po = polib.pofile(po_path)
    table: dict[str, str] = {}
    for line in Path(tsv_path).read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        src, _tab, dst = line.partition("\t")
        table[src.replace("\\n", "\n")] = dst.replace("\\n", "\n")
    filled = 0
    for e in po:
        keys = [e.msgid, f"{e.msgid}|||{e.msgid_plural}" if e.msgid_plural else ""]
        if e.msgctxt:
            keys = [f"{e.msgctxt}|||{k}" for k in keys if k] + keys
        for k in keys:
            if k and k in table:
                if e.msgid_plural:
                    e.msgstr_plural = {0: table[k]}
                else:
                    e.msgstr = table[k]
                if "fuzzy" in e.flags:
                    e.flags.remove("fuzzy")
                filled += 1
                break
    po.save()
    print(f"filled {filled} entries in {po_path}")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--missing"]:
        sys.exit(1 if missing() else 0)
    fill(sys.argv[1], sys.argv[2])
