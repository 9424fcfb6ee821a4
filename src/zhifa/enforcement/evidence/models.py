"""Evidence (证据) and full-process records (全过程记录).

- `Blob`: stored content, named by its SHA-256, with its SM3; one row per distinct content. Never
  rewritten; its content is removed only by an approved destruction.
- `BlobCheck`: append-only results of re-hashing stored content (at ingest, by `evidence_verify`, before
  archiving).
- `Evidence`: one registered item — what it is (kind), whose case/party, who captured it, when, where,
  with which device — pointing at a Blob. Several items may share a Blob (the same photo registered in
  two cases); the content is stored once.
- `SiteAction`: an on-site enforcement action (查封, 扣押, 强制拆除 …); the law may require it to be
  recorded on video (law.records).
- `UploadSession`: a resumable upload in progress.
- `Destruction`: a request to destroy evidence content, decided by someone else (档案法第二十一条:
  禁止擅自销毁).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


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


class SiteAction(models.Model):
    """An on-site enforcement action. `av_required` is decided from the jurisdiction's list when the
    action is recorded (law.records.mandatory_av_actions) and kept, with the list that applied."""

    class Kind(models.TextChoices):
        # Values are law.records.SiteAction codes (the mandatory-AV setting lists them).
        SEALING = "sealing", _("Sealing")
        SEIZURE = "seizure", _("Seizure")
        DETENTION = "detention", _("Detention of goods or tools")
        PRESERVATION = "preservation", _("Registration for preservation")
        FORCED_DEMOLITION = "forced_demolition", _("Forced demolition")
        INSPECTION = "inspection", _("On-site inspection")
        SERVICE = "service", _("Service of documents")
        ON_SPOT_PENALTY = "on_spot_penalty", _("On-the-spot penalty")
        OTHER = "other", _("Other on-site action")

    agency = models.ForeignKey("org.OrgNode", on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="site_actions"
    )
    kind = models.CharField(pgettext_lazy("on-site action", "action"), max_length=20, choices=Kind.choices)
    occurred_at = models.DateTimeField(_("took place at"))
    location = models.CharField(_("place"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    av_required = models.BooleanField(_("video record required"))
    av_rule = models.CharField(_("rule applied"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("on-site action")
        verbose_name_plural = _("on-site actions")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.occurred_at:%Y-%m-%d}"


class Evidence(models.Model):
    class Kind(models.TextChoices):
        PHOTO = "photo", _("Photo")
        VIDEO = "video", _("Video")
        AUDIO = "audio", _("Audio")
        DOCUMENT = "document", pgettext_lazy("evidence kind", "Document")
        RECORD = "record", _("Written record")

    agency = models.ForeignKey("org.OrgNode", on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="evidence"
    )
    party_name = models.CharField(_("party"), max_length=100, blank=True)
    party_id_number = models.CharField(_("party ID number"), max_length=30, blank=True)
    action = models.ForeignKey(
        SiteAction, null=True, blank=True, on_delete=models.PROTECT, related_name="evidence"
    )
    blob = models.ForeignKey(Blob, on_delete=models.PROTECT, related_name="evidence")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    description = models.TextField(_("description"), blank=True)
    original_name = models.CharField(_("file name"), max_length=255, blank=True)
    captured_at = models.DateTimeField(_("captured at"), null=True, blank=True)
    captured_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    captured_by_name = models.CharField(_("captured by"), max_length=50, blank=True)
    location = models.CharField(_("place"), max_length=200, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    device = models.CharField(_("device"), max_length=100, blank=True, help_text=_("e.g. body camera number"))
    digest_declared = models.BooleanField(_("digest declared by the uploader"), default=False)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"))
    retention_until = models.DateField(_("keep until"), null=True, blank=True)
    retention_basis = models.CharField(_("retention basis"), max_length=200, blank=True)
    destroyed_at = models.DateTimeField(_("destroyed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        indexes = [
            models.Index(fields=["agency", "-uploaded_at"], name="evidence_agency_recent"),
            models.Index(fields=["case", "captured_at"], name="evidence_case_captured"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.original_name or self.blob_id}"

    @property
    def is_av(self) -> bool:
        return self.kind == self.Kind.VIDEO


class UploadSession(models.Model):
    """A resumable upload (docs/evidence.md): the client sends chunks at offsets until `offset == size`;
    the metadata was validated when the session was opened."""

    class State(models.TextChoices):
        OPEN = "open", _("Receiving")
        COMPLETE = "complete", _("Complete")
        FAILED = "failed", pgettext_lazy("upload state", "Refused")
        ABORTED = "aborted", _("Cancelled")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    agency = models.ForeignKey("org.OrgNode", on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey("cases.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    size = models.BigIntegerField()
    offset = models.BigIntegerField(default=0)
    filename = models.CharField(max_length=255, blank=True)
    metadata = models.JSONField(default=dict)
    declared_sha256 = models.CharField(max_length=64, blank=True)
    staging_name = models.CharField(max_length=255)
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    error = models.CharField(max_length=300, blank=True)
    evidence = models.ForeignKey(Evidence, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("resumable upload")
        verbose_name_plural = _("resumable uploads")

    def __str__(self) -> str:
        return f"{self.id} {self.offset}/{self.size}"


class Destruction(models.Model):
    """A request to destroy evidence content after its retention period, and its decision."""

    class State(models.TextChoices):
        REQUESTED = "requested", _("Awaiting approval")
        APPROVED = "approved", _("Approved and carried out")
        REJECTED = "rejected", _("Rejected")

    evidence = models.ForeignKey(Evidence, on_delete=models.PROTECT, related_name="destructions")
    reason = models.TextField(_("appraisal and reason"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.REQUESTED)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    content_removed = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("destruction")
        verbose_name_plural = _("destructions")

    def __str__(self) -> str:
        return f"{self.evidence_id} {self.state}"


class UploadPart(models.Model):
    """Received bytes of a resumable upload, kept in the database until the upload completes.

    In the database rather than on one server's disk so that any app server can take the next chunk
    (docs/deployment.md); each row is at most `uploads.PART_SIZE` bytes and is written in its own short
    transaction, so no lock is held while a slow client sends."""

    session = models.ForeignKey(UploadSession, on_delete=models.CASCADE, related_name="parts")
    offset = models.BigIntegerField()
    data = models.BinaryField()

    class Meta:
        verbose_name = _("received part of an upload")
        verbose_name_plural = _("received parts of uploads")
        constraints = [models.UniqueConstraint(fields=["session", "offset"], name="upload_part_offset_once")]

    def __str__(self) -> str:
        return f"{self.session_id}@{self.offset}"
