from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from zhifa.core.workflow_doc import workflow_docs


class Command(BaseCommand):
    help = "Write every workflow's drawing (docs/workflow*.md) from its table; --check refuses a stale one."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--check", action="store_true", help="fail if a file is out of date")

    def handle(self, *args: Any, **options: Any) -> None:
        stale = []
        for path, doc in sorted(workflow_docs().items()):
            if options["check"]:
                if not doc.is_current():
                    stale.append(path)
                continue
            doc.file().write_text(doc.render(), encoding="utf-8")
            self.stdout.write(f"wrote {path}")
        if stale:
            raise SystemExit(f"out of date: {', '.join(stale)}: run manage.py workflow_docs")
        if options["check"]:
            self.stdout.write("up to date")
