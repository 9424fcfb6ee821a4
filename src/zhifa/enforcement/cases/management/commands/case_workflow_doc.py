from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from zhifa.enforcement.cases.diagram import render


def default_path() -> Path:
    return Path(settings.BASE_DIR) / "docs" / "workflow.md"


class Command(BaseCommand):
    help = "Write docs/workflow.md (state diagrams and table) from the case workflow table."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--check", action="store_true", help="fail if the file is out of date")

    def handle(self, *args: Any, **options: Any) -> None:
        path = default_path()
        text = render()
        if options["check"]:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                raise SystemExit(f"{path} is out of date: run manage.py case_workflow_doc")
            self.stdout.write("up to date")
            return
        path.write_text(text, encoding="utf-8")
        self.stdout.write(f"wrote {path}")
