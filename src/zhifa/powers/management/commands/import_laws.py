from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhifa.core.errors import DomainError
from zhifa.powers.data_files import data_dir
from zhifa.powers.services import laws_import_folder


class Command(BaseCommand):
    help = "Import or update the statute texts (*.md, shared/data/laws format) of a folder. Idempotent."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "folder", nargs="?", default=str(data_dir() / "laws"), help="folder of 名称(YYYY-MM-DD).md files"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        folder = Path(options["folder"])
        if not folder.is_dir():
            raise CommandError(f"not a folder: {folder}")
        try:
            counts = laws_import_folder(actor=None, folder=folder)
        except DomainError as exc:
            raise CommandError(str(exc.message)) from exc
        self.stdout.write(
            f"laws: {counts['created']} created, {counts['updated']} updated, {counts['unchanged']} unchanged"
        )
