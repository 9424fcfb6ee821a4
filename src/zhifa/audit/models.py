"""Append-only, SM3 hash-chained audit log.

Entries hold no foreign keys on purpose: they must survive the deletion of the users and objects
they describe, and a cascade would rewrite them. The ORM refuses updates and deletes; the admin is
read-only; raw SQL tampering is caught by `audit_verify`.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from zhifa.core.history import AppendOnlyError as AppendOnlyError
from zhifa.core.history import AppendOnlyModel


class AuditEntry(AppendOnlyModel):
    seq = models.PositiveBigIntegerField(_("sequence"), unique=True)
    at = models.DateTimeField(_("time"))
    actor_id = models.BigIntegerField(_("actor id"), null=True, blank=True)
    actor_name = models.CharField(_("actor"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=80, db_index=True)
    object_type = models.CharField(_("object type"), max_length=80, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    agency_id = models.BigIntegerField(_("agency id"), null=True, blank=True, db_index=True)
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["seq"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object_idx")]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_repr}"


class ChainHead(models.Model):
    """The single row every append locks. Locking the last entry instead would let two PostgreSQL
    transactions both read the same 'last' row before either inserts, forking the chain."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("audit chain head")
        verbose_name_plural = _("audit chain head")

    def __str__(self) -> str:
        return f"{self.seq}:{self.hash[:12]}"


class AuditAnchor(models.Model):
    """The chain's head recorded once a day so it can be published (and compared later)."""

    date = models.DateField(_("date"), unique=True)
    seq = models.PositiveBigIntegerField(_("entries"))
    head_hash = models.CharField(_("head hash"), max_length=64)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("audit anchor")
        verbose_name_plural = _("audit anchors")
        ordering = ["-date"]

    def __str__(self) -> str:
        return f"{self.date} #{self.seq} {self.head_hash[:12]}"
