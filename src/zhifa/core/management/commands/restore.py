"""manage.py restore DIR — check a backup against its manifest and load it onto an empty instance."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhifa.core.backup.archive import BackupError, backup_check, backup_restore
from zhifa.core.backup.database import DatabaseError


class Command(BaseCommand):
    help = "Restore a backup made by `manage.py backup` onto an empty instance, then verify it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="a zhifa-backup-<time> directory")
        parser.add_argument(
            "--check-only", action="store_true", help="only check the digests; change nothing"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        try:
            if options["check_only"]:
                manifest = backup_check(path)
                self.stdout.write(f"backup intact: database and {len(manifest['files'])} file(s)")
                return
            manifest = backup_restore(path)
        except (BackupError, DatabaseError, OSError) as exc:
            raise CommandError(f"restore refused: {exc}") from exc
        self.stdout.write(f"restored database and {len(manifest['files'])} file(s) from {path}")
        # The proof that the restore is whole: the audit chain and every evidence digest.
        call_command("audit_verify", stdout=self.stdout, stderr=self.stderr)
        call_command("evidence_verify", stdout=self.stdout, stderr=self.stderr)
