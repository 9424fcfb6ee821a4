"""Which old backups to remove: keep the newest of each of the last N days, weeks and months
(grandfather-father-son), and never the newest backup of all."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable, Hashable
from pathlib import Path

PREFIX = "zhifa-backup-"


def _taken_at(path: Path) -> dt.datetime | None:
    try:
        return dt.datetime.strptime(path.name.removeprefix(PREFIX), "%Y%m%dT%H%M%S%fZ").replace(tzinfo=dt.UTC)
    except ValueError:
        return None


def to_keep(names: list[Path], *, daily: int, weekly: int, monthly: int) -> set[Path]:
    dated = sorted(((taken, path) for path in names if (taken := _taken_at(path)) is not None), reverse=True)
    keep: set[Path] = {dated[0][1]} if dated else set()

    def newest_per(period: Callable[[dt.datetime], Hashable], count: int) -> None:
        seen: list[Hashable] = []
        for taken, path in dated:
            key = period(taken)
            if key in seen:
                continue
            if len(seen) == count:
                return
            seen.append(key)
            keep.add(path)

    newest_per(lambda t: t.date(), daily)
    newest_per(lambda t: t.isocalendar()[:2], weekly)
    newest_per(lambda t: (t.year, t.month), monthly)
    return keep


def prune(destination: Path, *, daily: int, weekly: int, monthly: int) -> list[Path]:
    """Remove the backups outside the retention; returns what was removed."""
    backups = [p for p in destination.glob(f"{PREFIX}*") if p.is_dir()]
    keep = to_keep(backups, daily=daily, weekly=weekly, monthly=monthly)
    removed = sorted(p for p in backups if p not in keep and _taken_at(p) is not None)
    for path in removed:
        shutil.rmtree(path)
    return removed
