from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from zhifa.core.demo import steps


class Command(BaseCommand):
    help = (
        "Load the demo city (once). Runs only with DEBUG on or ZHIFA_DEMO=1 (what `make run` sets), "
        "never in production."
    )

    # No system checks of its own: `make run` (and `make dev`) runs it right after `migrate`, which has
    # just run them; running them again imported every URL module and built the API's schemas, ~2 s
    # of CPU before the first row (`manage.py check` runs them on demand).
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--force", action="store_true", help="run even if demo users already exist")
        parser.add_argument(
            "--scale",
            type=float,
            default=1.0,
            help="share of the demo caseload to load (0 < scale <= 1; the tests of the demo use a small city)",
        )

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
        if get_user_model().objects.filter(username="officer1").exists() and not options["force"]:
            self.stdout.write("demo data already loaded")
            return
        if not 0 < options["scale"] <= 1:
            raise CommandError("--scale must be in (0, 1]")
        ctx: dict[str, Any] = {"stdout": self.stdout, "scale": options["scale"]}
        for step in steps():
            started = time.monotonic()
            with transaction.atomic():
                step.run(ctx)
            self.stdout.write(f"  {step.name}: {time.monotonic() - started:.1f}s")
        self.stdout.write(self.style.SUCCESS("demo data loaded"))
