"""Re-hash stored evidence content and report every file that no longer matches its digests.

    manage.py evidence_verify                 # everything not destroyed
    manage.py evidence_verify --sha256 ab12…  # one file (a prefix is enough)
    manage.py evidence_verify --older-than 24 # only files not verified in the last 24 hours

Exit status 1 when any file is missing or altered, so cron and monitoring notice.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Q
from django.utils import timezone

from zhifa.core.files.models import Blob
from zhifa.core.files.services import blob_verify, in_batches


class Command(BaseCommand):
    help = "Re-hash stored evidence (SM3 and SHA-256) and report any mismatch."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--sha256", default="", help="only content whose SHA-256 starts with this")
        parser.add_argument(
            "--older-than",
            type=float,
            default=None,
            metavar="HOURS",
            help="only content not verified within this many hours",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        blobs = Blob.objects.filter(destroyed_at__isnull=True)
        if options["sha256"]:
            blobs = blobs.filter(sha256__startswith=options["sha256"].lower())
        if options["older_than"] is not None:
            cutoff = timezone.now() - dt.timedelta(hours=options["older_than"])
            blobs = blobs.filter(Q(last_checked_at__isnull=True) | Q(last_checked_at__lt=cutoff))
        checked = 0
        total_bytes = 0
        bad: list[tuple[Blob, str]] = []
        for blob in in_batches(blobs):
            check = blob_verify(blob=blob, trigger="command")
            checked += 1
            total_bytes += blob.size
            if not check.ok:
                bad.append((blob, check.detail))
                self.stderr.write(f"MISMATCH {blob.sha256} ({blob.size} bytes): {check.detail}")
        self.stdout.write(f"verified {checked} file(s), {total_bytes} bytes; {len(bad)} mismatch(es)")
        if bad:
            raise CommandError(f"{len(bad)} evidence file(s) missing or altered", returncode=1)
