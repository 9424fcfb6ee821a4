"""The one deadline table of the platform (zhifa.foundation.deadlines.services is its engine)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Deadline(models.Model):
    """A statutory period running on any object of any domain (zhifa.foundation.deadlines).

    The object is named, not linked (`object_type` such as "appeals.appeal", `object_id`), so the
    foundation knows no domain's models. `due_on` is recomputed on suspension, resumption and extension;
    `provisional` while a day that decided it lies in a year whose official calendar is unknown. A row
    is resolved once (`resolved_on`, `resolution`); it is never deleted.
    """

    class Resolution(models.TextChoices):
        MET = "met", _("Met")
        LATE = "late", _("Met late")
        WAIVED = "waived", _("Waived by the party")
        ELAPSED = "elapsed", _("Window elapsed")
        MOOT = "moot", _("No longer applies")
        EXPLAINED = "explained", _("Missed, explained")

    object_type = models.CharField(max_length=60)
    object_id = models.BigIntegerField()
    agency_id = models.BigIntegerField(null=True, blank=True)  # whose duty it is (alerts, per-agency lists)
    kind = models.CharField(_("deadline"), max_length=40)
    start_on = models.DateField(_("runs from"))
    days = models.PositiveIntegerField(_("days"))
    day_kind = models.CharField(_("counted in"), max_length=10)
    article = models.CharField(_("article"), max_length=200)
    extra_days = models.PositiveIntegerField(_("added days"), default=0)  # extensions and suspended time
    suspended_since = models.DateField(_("suspended since"), null=True, blank=True)
    due_on = models.DateField(_("due on"))
    provisional = models.BooleanField(_("provisional"), default=False)
    party_window = models.BooleanField(default=False)  # a right of the party, not a duty of the agency
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True)
    resolution = models.CharField(_("resolution"), max_length=10, choices=Resolution.choices, blank=True)
    explanation = models.TextField(_("explanation"), blank=True)
    status = models.CharField(_("status"), max_length=10, default="ok")  # refreshed daily
    setting = models.JSONField(default=dict, blank=True)  # the jurisdiction setting applied, if any
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("deadline")
        verbose_name_plural = _("deadlines")
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="deadline_object_idx"),
            models.Index(
                fields=["agency_id", "due_on"],
                condition=models.Q(resolved_on__isnull=True),
                name="deadline_open_due_idx",
            ),
            # the overdue lists of a wide scope (a city's agencies), oldest first: walked in order
            # instead of sorting every open duty of every agency
            models.Index(
                fields=["due_on", "id"],
                condition=models.Q(resolved_on__isnull=True, party_window=False),
                name="deadline_open_duty_due_idx",
            ),
            # on-time rates count the periods resolved in a span, per agency and kind
            models.Index(
                fields=["agency_id", "kind", "resolved_on"],
                condition=models.Q(resolved_on__isnull=False),
                name="deadline_resolved_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.object_type}:{self.object_id} {self.kind} {self.due_on}"
