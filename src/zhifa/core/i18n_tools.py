"""Where the zh_Hans catalogues live: one per app (`<app>/locale`), plus the project's own
(`src/zhifa/locale`) for templates/ and config/. Per-app catalogues let domains evolve independently."""

from __future__ import annotations

from pathlib import Path

from django.apps import apps
from django.conf import settings

LANGUAGE = "zh_Hans"


def zhifa_root() -> Path:
    return Path(settings.SRC_DIR) / "zhifa"


def app_dirs() -> list[Path]:
    root = zhifa_root()
    return sorted(Path(cfg.path) for cfg in apps.get_app_configs() if Path(cfg.path).is_relative_to(root))


def po_files() -> list[Path]:
    return sorted(zhifa_root().rglob(f"locale/{LANGUAGE}/LC_MESSAGES/django.po"))
