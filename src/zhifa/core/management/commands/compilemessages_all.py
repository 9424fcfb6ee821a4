from __future__ import annotations

import os
import re
import subprocess
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhifa.core.i18n_tools import po_files, zhifa_root

STATS = re.compile(r"(\d+) translated message")
FUZZY = re.compile(r"(\d+) fuzzy translation")
UNTRANSLATED = re.compile(r"(\d+) untranslated message")


class Command(BaseCommand):
    help = "Compile every zh_Hans catalogue; with --check-complete, refuse fuzzy or untranslated entries."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--check-complete", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        problems = []
        if options["check_complete"]:
            for po in po_files():
                result = subprocess.run(  # noqa: S603 — fixed argv, our own files
                    ["msgfmt", "--check-format", "--statistics", "-o", os.devnull, str(po)],  # noqa: S607
                    capture_output=True,
                    text=True,
                    check=False,
                )
                out = result.stderr + result.stdout
                if result.returncode != 0:
                    problems.append(f"{po}: {out.strip()}")
                    continue
                fuzzy = FUZZY.search(out)
                missing = UNTRANSLATED.search(out)
                if (fuzzy and int(fuzzy.group(1))) or (missing and int(missing.group(1))):
                    problems.append(f"{po.relative_to(zhifa_root())}: {out.strip()}")
        cwd = os.getcwd()
        try:
            os.chdir(zhifa_root())
            call_command("compilemessages", verbosity=0, ignore_patterns=["tests"])
        finally:
            os.chdir(cwd)
        if problems:
            raise CommandError("zh_Hans catalogue incomplete:\n" + "\n".join(problems))
        self.stdout.write(f"compiled {len(po_files())} catalogues")
