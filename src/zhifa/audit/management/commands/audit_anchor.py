from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from zhifa.audit.services import audit_anchor_record


class Command(BaseCommand):
    help = "Record today's audit chain head (count and hash) for publication."

    def handle(self, *args: Any, **options: Any) -> None:
        anchor = audit_anchor_record()
        self.stdout.write(f"{anchor.date}: {anchor.seq} entries, head {anchor.head_hash}")
