"""Supervision alerts (监督预警): conditions found in live data that someone must act on."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Alert(models.Model):
    class Severity(models.TextChoices):
        INFO = "info", _("Notice")
        WARNING = "warning", pgettext_lazy("alert severity", "Warning")
        CRITICAL = "critical", _("Critical")

    kind = models.CharField(_("kind"), max_length=40, db_index=True)
    key = models.CharField(_("key"), max_length=200, help_text=_("Stable identity of the condition"))
    agency = models.ForeignKey(
        "org.OrgNode", verbose_name=_("agency"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("title"), max_length=200)
    message = models.TextField(_("message"), blank=True)
    severity = models.CharField(
        _("severity"), max_length=10, choices=Severity.choices, default=Severity.WARNING
    )
    due_on = models.DateField(_("due on"), null=True, blank=True)
    article = models.CharField(_("legal basis"), max_length=200, blank=True)
    object_type = models.CharField(_("object type"), max_length=80, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    raised_at = models.DateTimeField(_("raised at"))
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resolved by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    resolution = models.CharField(_("resolution"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        constraints = [
            # One open alert per condition; a resolved one may be raised again later.
            models.UniqueConstraint(
                fields=["key"], condition=models.Q(resolved_at__isnull=True), name="alert_one_open_per_key"
            ),
        ]
        indexes = [models.Index(fields=["agency", "resolved_at", "-raised_at"], name="alert_agency_open_idx")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None
