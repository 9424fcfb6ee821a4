"""Alert kinds: apps register theirs (code → translated label) in AppConfig.ready()."""

from __future__ import annotations

from django.utils.functional import Promise

KINDS: dict[str, str | Promise] = {}


def register_kind(code: str, label: str | Promise) -> None:
    KINDS[code] = label


def kind_label(code: str) -> str:
    return str(KINDS.get(code, code))
