"""Stored content and its verifications, shared by every domain that keeps files.

- `Blob`: stored content, named by its SHA-256, with its SM3; one row per distinct content. Never
  rewritten; its content is removed only when no domain refers to it any more (`services.blob_destroy`).
- `BlobCheck`: append-only results of re-hashing stored content.

The tables were created by the evidence app (`evidence_blob`, `evidence_blobcheck`) and keep their
names: the models moved to `core` in state only (core 0003, evidence 0003, documents 0002).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Blob(models.Model):
    sha256 = models.CharField("SHA-256", max_length=64, unique=True)
    sm3 = models.CharField("SM3", max_length=64, db_index=True)
    size = models.BigIntegerField(_("size (bytes)"))
    mime = models.CharField(_("file type"), max_length=100)
    backend = models.CharField(_("storage"), max_length=10)
    name = models.CharField(_("storage name"), max_length=255)
    stored_at = models.DateTimeField(_("stored at"))
    last_checked_at = models.DateTimeField(_("last verified at"), null=True, blank=True)
    last_check_ok = models.BooleanField(_("last verification passed"), null=True, blank=True)
    destroyed_at = models.DateTimeField(_("content destroyed at"), null=True, blank=True)

    class Meta:
        app_label = "core"
        db_table = "evidence_blob"
        verbose_name = _("stored file")
        verbose_name_plural = _("stored files")

    def __str__(self) -> str:
        return self.sha256

    @property
    def short_hash(self) -> str:
        return self.sha256[:12]


class BlobCheck(models.Model):
    """One verification of stored content. Rows are only ever added."""

    class Trigger(models.TextChoices):
        INGEST = "ingest", _("On upload")
        COMMAND = "command", _("evidence_verify command")
        SCHEDULE = "schedule", _("Nightly check")
        ARCHIVE = "archive", _("Before archiving")
        MANUAL = "manual", _("By hand")

    blob = models.ForeignKey(Blob, on_delete=models.PROTECT, related_name="checks")
    checked_at = models.DateTimeField(_("checked at"))
    trigger = models.CharField(_("trigger"), max_length=10, choices=Trigger.choices)
    ok = models.BooleanField(_("passed"))
    found_sha256 = models.CharField(max_length=64, blank=True)
    found_sm3 = models.CharField(max_length=64, blank=True)
    found_size = models.BigIntegerField(null=True, blank=True)
    detail = models.CharField(_("detail"), max_length=300, blank=True)

    class Meta:
        app_label = "core"
        db_table = "evidence_blobcheck"
        verbose_name = _("verification")
        verbose_name_plural = _("verifications")
        indexes = [models.Index(fields=["blob", "-checked_at"], name="evidence_blobcheck_recent")]

    def __str__(self) -> str:
        return f"{self.blob_id} {'ok' if self.ok else 'MISMATCH'} {self.checked_at:%Y-%m-%d %H:%M}"

    @property
    def detail_label(self) -> str:
        """The stored detail code (kept in English in the row, as the command prints it) for people."""
        labels = {
            "missing": _("the file is missing from storage"),
            "digest mismatch": _("its content differs from the recorded digests"),
            "size and digest mismatch": _("its size and content differ from the record"),
        }
        if self.detail.startswith("unreadable"):
            return str(_("the file cannot be read"))
        return str(labels.get(self.detail, self.detail))
