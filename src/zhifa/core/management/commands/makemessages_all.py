from __future__ import annotations

import os
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from zhifa.core.i18n_tools import LANGUAGE, app_dirs, zhifa_root


class Command(BaseCommand):
    help = "Extract English message ids into each app's zh_Hans catalogue and the project's own."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--app",
            action="append",
            default=[],
            help="only this app label (repeatable); 'project' for templates/ and config/",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        root = zhifa_root()
        apps = app_dirs()
        only = set(options["app"])
        cwd = os.getcwd()
        try:
            for app in apps:
                if only and app.name not in only:
                    continue
                (app / "locale").mkdir(exist_ok=True)
                os.chdir(app)
                call_command(
                    "makemessages",
                    locale=[LANGUAGE],
                    no_obsolete=True,
                    add_location="file",
                    ignore_patterns=["tests/*", "migrations/*"],
                    verbosity=0,
                )
                self.stdout.write(f"extracted {app.relative_to(root)}")
            if only and "project" not in only:
                return
            (root / "locale").mkdir(exist_ok=True)
            os.chdir(root)
            ignore = [f"{a.relative_to(root)}/*" for a in apps] + ["tests/*"]
            call_command(
                "makemessages",
                locale=[LANGUAGE],
                no_obsolete=True,
                add_location="file",
                ignore_patterns=ignore,
                verbosity=0,
            )
            self.stdout.write("extracted project templates and config")
        finally:
            os.chdir(cwd)
