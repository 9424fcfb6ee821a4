from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from zhifa.enforcement.cases.deadlines import deadlines_refresh


class Command(BaseCommand):
    help = "Refresh the status of every open case deadline and the matching supervision alerts."

    def handle(self, *args: Any, **options: Any) -> None:
        counts = deadlines_refresh()
        self.stdout.write(" ".join(f"{k}={v}" for k, v in counts.items()))
