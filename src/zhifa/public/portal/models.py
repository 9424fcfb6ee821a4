"""What the portal publishes after the fact (事后公开): penalty decisions, with their withdrawal.

A `PublishedDecision` is a snapshot made when the decision is scheduled for publication: the party's
name already masked for individuals, facts with ID and phone numbers removed. The public pages and the
public API read only these fields, so no personal data can reach them by a template mistake. Its
history is `PublicationEvent` rows, never updated or deleted.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from zhifa.core.history import AppendOnlyError as AppendOnlyError
from zhifa.core.history import AppendOnlyQuerySet as AppendOnlyQuerySet


class PublishedDecision(models.Model):
    class State(models.TextChoices):
        SCHEDULED = "scheduled", _("Awaiting publication")
        PREPARED = "prepared", _("Prepared, awaiting the approver's review")
        PUBLISHED = "published", pgettext_lazy("publication", "Published")
        WITHDRAWN = "withdrawn", pgettext_lazy("publication", "Withdrawn")
        EXEMPT = "exempt", _("Not published (exempt)")

    class PartyKind(models.TextChoices):
        PERSON = "person", pgettext_lazy("party kind", "Individual")
        ORGANISATION = "organisation", pgettext_lazy("party kind", "Organisation")

    case_id = models.BigIntegerField(_("case"))
    agency = models.ForeignKey(
        "org.OrgNode", verbose_name=_("agency"), on_delete=models.PROTECT, related_name="+"
    )
    agency_name = models.CharField(_("agency"), max_length=100)
    decision_number = models.CharField(_("decision number"), max_length=80)
    case_number = models.CharField(_("case number"), max_length=80, blank=True)
    procedure = models.CharField(_("procedure"), max_length=10, blank=True)
    party_kind = models.CharField(_("party type"), max_length=12, choices=PartyKind.choices)
    party_public = models.CharField(_("party"), max_length=200)
    party_id_public = models.CharField(
        _("unified social credit code"), max_length=18, blank=True, help_text=_("Organisations only")
    )
    facts_public = models.TextField(_("facts"), blank=True)
    violated_provision = models.TextField(_("provision violated"), blank=True)
    penalty_provision = models.TextField(_("penalty basis"), blank=True)
    measures_public = models.CharField(_("penalty"), max_length=300)
    fine_amount = models.DecimalField(_("fine (yuan)"), max_digits=14, decimal_places=2, default=0)
    category = models.CharField(
        _("category"), max_length=100, blank=True, help_text=_("The law applied, for statistics")
    )
    decided_on = models.DateField(_("decided on"))

    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.SCHEDULED)
    window_days = models.PositiveSmallIntegerField(_("publication window (working days)"))
    window_source = models.CharField(_("window set by"), max_length=100)
    # publish_due, publish_due_provisional and withdraw_due are copies of the rows of the shared
    # deadline engine (portal/deadlines.py), written only from those rows; the publication page and the
    # overdue sweep filter on them. Empty only inside the transaction that schedules the decision.
    publish_due = models.DateField(_("publish by"), null=True, blank=True)
    # Computed while the year's official calendar was unknown (weekday rule); recomputed by the engine.
    publish_due_provisional = models.BooleanField(_("provisional deadline"), default=False)
    # The party had the decision served (or handed over on the spot) — publication comes after that.
    case_served_on = models.DateField(_("decision served on"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_on = models.DateField(_("published on"), null=True, blank=True)

    withdrawal_ground = models.CharField(_("withdrawal ground"), max_length=20, blank=True)
    changed_on = models.DateField(_("decision changed on"), null=True, blank=True)
    withdraw_due = models.DateField(_("withdraw by"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    withdrawal_note = models.TextField(_("reason for withdrawal"), blank=True)
    exemption_ground = models.CharField(_("exemption ground"), max_length=20, blank=True)
    exemption_note = models.TextField(_("exemption basis"), blank=True)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("published decision")
        verbose_name_plural = _("published decisions")
        constraints = [
            models.UniqueConstraint(fields=["case_id", "decision_number"], name="published_decision_unique"),
        ]
        indexes = [
            # The public list: newest published first, optionally by agency.
            models.Index(fields=["state", "-published_at", "-id"], name="pubdec_list_idx"),
            models.Index(fields=["agency", "state", "-published_at", "-id"], name="pubdec_agency_list_idx"),
            # The sweep and the overdue alerts.
            models.Index(fields=["state", "publish_due"], name="pubdec_due_idx"),
            # Monthly statistics.
            models.Index(fields=["state", "decided_on"], name="pubdec_stats_idx"),
        ]

    def __str__(self) -> str:
        return self.decision_number


class PublicationEvent(models.Model):
    class Kind(models.TextChoices):
        SCHEDULE = "schedule", _("Scheduled")
        PREPARE = "prepare", _("Prepared for publication")
        RETURN = "return", _("Returned to the preparer")
        PUBLISH = "publish", pgettext_lazy("publication", "Published")
        WITHDRAW = "withdraw", pgettext_lazy("publication", "Withdrawn")
        EXEMPT = "exempt", _("Exempted")

    decision = models.ForeignKey(PublishedDecision, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("event"), max_length=10, choices=Kind.choices)
    at = models.DateTimeField(_("time"))
    on = models.DateField(_("date"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_name = models.CharField(_("by"), max_length=50, blank=True)
    due_on = models.DateField(null=True, blank=True)
    in_time = models.BooleanField(null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    data = models.JSONField(default=dict, blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("publication event")
        verbose_name_plural = _("publication events")

    def __str__(self) -> str:
        return f"{self.decision_id}:{self.kind}@{self.on}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("history rows are never updated")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("history rows are never deleted")
