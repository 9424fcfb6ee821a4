from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhifa.officers.alerts import credential_alerts_sync_all
from zhifa.officers.services import credentials_expire


class Command(BaseCommand):
    help = "Mark expired credentials and raise/resolve credential expiry and annual-review alerts."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="evaluate as of this day (YYYY-MM-DD); default today")

    def handle(self, *args: Any, **options: Any) -> None:
        on = None
        if options["date"]:
            try:
                on = dt.date.fromisoformat(options["date"])
            except ValueError as exc:
                raise CommandError("--date must be YYYY-MM-DD") from exc
        expired = credentials_expire(on=on)
        checked = credential_alerts_sync_all(on=on)
        self.stdout.write(f"{expired} credentials marked expired; {checked} credentials checked for alerts")
