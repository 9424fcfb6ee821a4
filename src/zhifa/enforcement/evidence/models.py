"""Evidence (证据) and full-process records (全过程记录).

- Content is stored through `zhifa.core.files` (`Blob`, `BlobCheck`: content-addressed, SHA-256 + SM3,
  verified at ingest, nightly, by `evidence_verify` and before archiving).
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
    blob = models.ForeignKey("core.Blob", on_delete=models.PROTECT, related_name="evidence")
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
