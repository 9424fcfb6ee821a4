"""`manage.py calendar_import FILE [--source TEXT] [--override-official] [--user USERNAME]`: enter a year's
official holiday calendar from the State Council notice saved as a text file (docs/calendar.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhifa.core.errors import DomainError


class Command(BaseCommand):
    help = "Enter a year's holiday calendar from the State Council notice (国务院办公厅关于20XX年部分节假日安排的通知)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the notice as UTF-8 text ('-' reads standard input)")
        parser.add_argument("--source", default="", help="default: the notice's title and number")
        parser.add_argument(
            "--override-official",
            action="store_true",
            help="enter a year the chinesecalendar package already knows (a late change or an error)",
        )
        parser.add_argument("--user", default="", help="the administrator to record in the audit log")

    def handle(self, *args: Any, **options: Any) -> None:
        from django.contrib.auth import get_user_model

        from zhifa.core.services import calendar_notice_enter

        User = get_user_model()

        path = options["file"]
        try:
            if path == "-":
                import sys

                text = sys.stdin.read()
            else:
                text = Path(path).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"{path}: {exc}") from exc
        actor = None
        if options["user"]:
            actor = User.objects.filter(username=options["user"], is_active=True).first()
            if actor is None:
                raise CommandError(f"no active user {options['user']!r}")
        try:
            entered = calendar_notice_enter(
                actor=actor,
                notice_text=text,
                source=options["source"],
                override_official=options["override_official"],
            )
        except DomainError as exc:
            raise CommandError(str(exc.message)) from exc
        verb = "replaced" if entered.replaced else "entered"
        self.stdout.write(
            f"{entered.year} {verb}: {entered.holidays} holidays, {entered.workdays} adjusted working days"
            + (f", {entered.other_year_days} days of a neighbouring year" if entered.other_year_days else "")
            + (" (overrides the package)" if entered.official else "")
            + f" — {entered.source}"
        )
