"""manage.py backup — database snapshot + files + manifest of digests (docs/deployment.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhifa.config.env import env
from zhifa.core.backup.archive import BackupError, backup_create
from zhifa.core.backup.database import DatabaseError
from zhifa.core.backup.retention import prune


class Command(BaseCommand):
    help = "Back up the database and the stored files into a new directory with a manifest of digests."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dest",
            default=env("ZHIFA_BACKUP_DIR", str(Path(settings.VAR_DIR) / "backups")),
            help="directory that receives zhifa-backup-<time>/ (default $ZHIFA_BACKUP_DIR or var/backups)",
        )
        parser.add_argument(
            "--keep",
            default="",
            metavar="DAILY,WEEKLY,MONTHLY",
            help="afterwards remove older backups beyond this many daily, weekly and monthly ones, e.g. 7,4,12",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        destination = Path(options["dest"])
        try:
            result = backup_create(destination)
        except (BackupError, DatabaseError, OSError) as exc:
            raise CommandError(f"backup failed, nothing kept: {exc}") from exc
        self.stdout.write(f"backup {result.path}: database and {result.files} file(s), {result.bytes} bytes")
        if options["keep"]:
            try:
                daily, weekly, monthly = (int(part) for part in options["keep"].split(","))
            except ValueError as exc:
                raise CommandError("--keep takes three numbers: daily,weekly,monthly") from exc
            for removed in prune(destination, daily=daily, weekly=weekly, monthly=monthly):
                self.stdout.write(f"removed old backup {removed.name}")
