"""Where the reference data lives: the copy shipped in this package (see data/README.md), or the
folder named by ZHIFA_DATA_DIR."""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DATA = Path(__file__).with_name("data")


def data_dir() -> Path:
    return Path(os.environ.get("ZHIFA_DATA_DIR") or PACKAGE_DATA)
