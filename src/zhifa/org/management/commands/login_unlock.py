"""`manage.py login_unlock USERNAME` (or `--address IP`): lift sign-in locks, audited."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from zhifa.org.services import login_unlock, login_unlock_address


class Command(BaseCommand):
    help = "Lift the sign-in locks of a username (every address) or of a client address."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", nargs="?", default="")
        parser.add_argument("--address", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        rows = 0
        if options["username"]:
            rows += login_unlock(actor=None, username=options["username"])
        if options["address"]:
            rows += login_unlock_address(actor=None, address=options["address"])
        self.stdout.write(f"{rows} lock row(s) removed")
