from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from zhifa.audit.services import audit_verify


class Command(BaseCommand):
    help = "Recompute the SM3 audit chain and report the first broken entry."

    def handle(self, *args: Any, **options: Any) -> None:
        result = audit_verify()
        if result.ok:
            self.stdout.write(f"ok: {result.entries} entries, head {result.head}")
            return
        raise CommandError(
            f"BROKEN at entry #{result.first_bad_seq}: {result.reason} "
            f"({result.entries} entries verified before it)"
        )
