from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from zhifa.core.demo import steps
from zhifa.org.models import User


class Command(BaseCommand):
    help = (
        "Load the demo city (once). Runs only with DEBUG on or ZHIFA_DEMO=1 (what `make run` sets), "
        "never in production."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--force", action="store_true", help="run even if demo users already exist")

    def handle(self, *args: Any, **options: Any) -> None:
        # Demo accounts have a public password: a production instance must never get them.
        if settings.PRODUCTION:
            raise CommandError(
                "seed_demo refuses to run in production: demo accounts have a public password."
            )
        if not (settings.DEBUG or settings.ZHIFA_DEMO):
            raise CommandError(
                "seed_demo refuses to run with DEBUG off unless ZHIFA_DEMO=1 is set for this "
                "instance: demo accounts have a public password."
            )
        if User.objects.filter(username="officer1").exists() and not options["force"]:
            self.stdout.write("demo data already loaded")
            return
        ctx: dict[str, Any] = {"stdout": self.stdout}
        for step in steps():
            started = time.monotonic()
            with transaction.atomic():
                step.run(ctx)
            self.stdout.write(f"  {step.name}: {time.monotonic() - started:.1f}s")
        self.stdout.write(self.style.SUCCESS("demo data loaded"))
